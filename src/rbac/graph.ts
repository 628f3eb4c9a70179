/**
 * The RBAC graph of an input: workload → ServiceAccount → binding → role → dangerous permission,
 * with the escalation paths (from a workload that holds an API token to a dangerous permission)
 * marked. `rbaclint graph` renders it as Mermaid or DOT (src/report/graph.ts).
 *
 * Everything is computed by the engine: which bindings apply to an identity (directly, or through
 * the groups it is in) is `Policy.bindingsFor`, the rules of a role are its effective rules
 * (aggregated ClusterRoles: the union of the selected roles, with where each rule is written), and
 * whether a rule grants a dangerous permission is `grants` on the table of the permissions the
 * rules of `rules/` look for (`DANGERS`, ./dangerous.ts).
 *
 * A role is drawn once per place it grants in: a ClusterRole bound by a RoleBinding grants only in
 * that RoleBinding's namespace and never cluster-scoped resources (kubernetes/kubernetes
 * pkg/registry/rbac/validation/rule.go VisitRulesFor), so `ClusterRole edit` bound in `dev` and in
 * `prod` are two nodes, each with the permissions it grants there. No path of the graph is then
 * longer than what the authorizer would allow.
 */
import { apiTokensOf } from '../model/token.js';
import type { Index, K8sObject, Workload } from '../model/index.js';
import type { ClusterRbac, RbacSource } from './cluster.js';
import { DANGER_LIST, DANGERS, grantsAny, isFullWildcard, permissionsAt, type Danger, type Permission } from './dangerous.js';
import { builtinResourceTable } from './resources.js';
import {
  SYSTEM_MASTERS_GROUP,
  normalizeSubject,
  parseServiceAccountUsername,
  principalOf,
  type IdentityRef,
} from './subjects.js';
import type { BindingDef, PolicyRule, RoleDef } from './types.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion } from './version.js';

/** What a node stands for. */
export type GraphNodeKind = 'workload' | 'serviceaccount' | 'user' | 'group' | 'binding' | 'role' | 'permission';

/** One node of the graph. */
export interface GraphNode {
  /** Stable, unique key (`workload:Deployment/dev/web`, `role:ClusterRole/edit@dev`); renderers sanitize it. */
  id: string;
  kind: GraphNodeKind;
  /** What the node shows: `Deployment dev/web`, `ClusterRole edit (built-in)`, `read secrets in ns dev`. */
  label: string;
  /** The namespace box the node is drawn in; undefined for cluster-wide nodes and for Users and Groups. */
  namespace?: string;
  /** Drawn in the cluster-wide box: ClusterRoleBindings, what they grant, and cluster-wide permissions. */
  clusterWide?: boolean;
  /** A built-in (bootstrap policy) binding or role. */
  builtin?: boolean;
  /** A role a binding refers to that exists nowhere: the binding grants nothing. */
  missing?: boolean;
  /** Permissions only: the rule of `rules/` that reports this permission. */
  ruleId?: string;
  /** On an escalation path: reachable from a workload with an API token and leading to a dangerous permission. */
  danger: boolean;
}

/** What an edge means. */
export type GraphEdgeKind =
  /** workload → its ServiceAccount. */
  | 'runs-as'
  /** workload → another ServiceAccount whose token Secret it mounts. */
  | 'mounts-token'
  /** ServiceAccount or User → a Group it is in (`system:serviceaccounts:dev`, `system:authenticated`). */
  | 'member-of'
  /** subject → binding. */
  | 'subject'
  /** binding → role. */
  | 'role'
  /** aggregated ClusterRole → an input ClusterRole whose rules it aggregates. */
  | 'aggregates'
  /** role → dangerous permission. */
  | 'grants';

/** One edge of the graph. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
  /** Shown on the edge: `runs as`, `no token`, `member of`, `aggregates`, `named only`. */
  label?: string;
  /** A workload that runs as the ServiceAccount without its API token: it cannot use the permissions. */
  dashed: boolean;
  /** On an escalation path (see {@link GraphNode.danger}). */
  danger: boolean;
}

/** A graph: nodes sorted by id, edges by from, to and kind. */
export interface RbacGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The input and its RBAC, as the RBAC commands load it (structurally, `RbacInput` of src/cli/rbac-args.ts). */
export interface GraphInput {
  index: Index;
  rbac: ClusterRbac;
}

/** Options of {@link buildGraph}. */
export interface GraphOptions {
  /** Decides whether `get` alone on pods/exec opens a stream (before 1.35); default the newest. */
  kubeVersion?: KubeVersion;
  /** Identities to draw even when no workload runs as them and no input binding names them. */
  identities?: readonly GraphIdentity[];
}

/** An identity to draw: a ServiceAccount, a User or a Group. */
export type GraphIdentity = IdentityRef;

/** What a permission node stands for: a kind of dangerous permission (./dangerous.ts), and the rule that reports it. */
type PermissionKind = Pick<Danger, 'key' | 'graphLabel'> & { ruleId: string };

/** Every permission on everything: one node instead of one per kind (as the rules report it once). */
const EVERYTHING: PermissionKind = { ...DANGERS['cluster-admin-binding'], ruleId: 'cluster-admin-binding' };
/** The group system:masters, which the authorizer lets do anything before RBAC is asked. */
const MASTERS: PermissionKind = {
  key: 'system-masters',
  graphLabel: `${EVERYTHING.graphLabel}, bypassing RBAC (system:masters)`,
  ruleId: 'cluster-admin-binding',
};

/** A name no User subject can have, so that a Group identity matches Group subjects only. */

/** Where a role grants: in one namespace (through a RoleBinding or as a Role) or cluster-wide. */
type Scope = { namespace: string } | { namespace?: undefined };

/**
 * The graph of the whole input: every workload, the ServiceAccounts its pods hold tokens of, every
 * binding of the input with its subjects and role, and the dangerous permissions each role grants
 * where it is bound. Built-in bindings and those of `--context` files are drawn only where they
 * apply to an identity of the input and grant something dangerous (every ServiceAccount is in
 * `system:authenticated`, which the built-in `system:basic-user` and `system:discovery` bind).
 */
export function buildGraph(input: GraphInput, options: GraphOptions = {}): RbacGraph {
  return new GraphBuilder(input, options).build();
}

class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();
  private readonly permissionsOfRole = new Map<string, boolean>();
  private readonly bindingsDone = new Set<BindingDef<RbacSource>>();
  private readonly table = builtinResourceTable();
  private readonly kubeVersion: KubeVersion;

  constructor(
    private readonly input: GraphInput,
    private readonly options: GraphOptions,
  ) {
    this.kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  }

  build(): RbacGraph {
    const { index, rbac } = this.input;
    const identities = new Map<string, GraphIdentity>();
    const addIdentity = (identity: GraphIdentity): void => {
      identities.set(identityId(identity), identity);
    };
    for (const workload of index.workloads()) {
      if (workload.object.manifest.file.contextOnly) continue;
      for (const account of this.addWorkload(workload)) addIdentity({ kind: 'ServiceAccount', ...account });
    }
    for (const account of index.ofKind('ServiceAccount')) {
      if (isPrimary(account) && account.namespace !== undefined) addIdentity({ kind: 'ServiceAccount', namespace: account.namespace, name: account.name });
    }
    for (const binding of rbac.policy.bindings()) {
      if (!isPrimary(binding.source)) continue;
      this.addBinding(binding);
      const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
      for (const written of binding.subjects) {
        const identity = identityOfSubject(normalizeSubject(written, namespace));
        if (!identity) continue;
        addIdentity(identity);
        this.addIdentityNode(identity);
        this.addEdge(identityId(identity), bindingId(binding), 'subject');
      }
    }
    for (const identity of this.options.identities ?? []) addIdentity(identity);
    for (const identity of [...identities.values()].sort((a, b) => compare(identityId(a), identityId(b)))) this.addIdentityBindings(identity);

    // ServiceAccounts of the input that nothing runs as and nothing binds say nothing.
    const linked = new Set<string>();
    for (const edge of this.edges.values()) linked.add(edge.from).add(edge.to);
    const named = new Set((this.options.identities ?? []).map(identityId));
    for (const [id, node] of this.nodes) {
      if (node.kind === 'serviceaccount' && !linked.has(id) && !named.has(id)) this.nodes.delete(id);
    }
    return markDanger({ nodes: [...this.nodes.values()], edges: [...this.edges.values()] });
  }

  /** The workload, `runs as` its ServiceAccount, and `mounts token of` other ServiceAccounts. */
  private addWorkload(workload: Workload): { namespace: string; name: string }[] {
    const { index } = this.input;
    const id = workloadId(workload.object);
    this.addNode({ id, kind: 'workload', label: workload.object.display, namespace: workload.namespace, danger: false });
    const own = { namespace: workload.namespace, name: workload.serviceAccountName };
    const tokens = apiTokensOf(workload, index);
    const ownToken = tokens.some((t) => t.serviceAccount.namespace === own.namespace && t.serviceAccount.name === own.name);
    this.addIdentityNode({ kind: 'ServiceAccount', ...own });
    this.addEdge(id, serviceAccountId(own.namespace, own.name), 'runs-as', ownToken ? 'runs as' : 'runs as, no token', !ownToken);
    const accounts = [own];
    for (const token of tokens) {
      const account = token.serviceAccount;
      if (account.namespace === own.namespace && account.name === own.name) continue;
      this.addIdentityNode({ kind: 'ServiceAccount', ...account });
      this.addEdge(id, serviceAccountId(account.namespace, account.name), 'mounts-token', 'mounts token of');
      accounts.push(account);
    }
    return accounts;
  }

  /** Every binding that applies to the identity, directly or through a group it is in. */
  private addIdentityBindings(identity: GraphIdentity): void {
    const { policy } = this.input.rbac;
    const id = identityId(identity);
    this.addIdentityNode(identity);
    if (identity.kind === 'Group' && identity.name === SYSTEM_MASTERS_GROUP) {
      // kubernetes/apiserver pkg/authorization/authorizerfactory/builtin.go privilegedGroupAuthorizer.
      this.addPermission(id, MASTERS, {}, false);
    }
    for (const match of policy.bindingsFor(principalOf(identity))) {
      if (!isPrimary(match.binding.source) && !this.bindingIsDangerous(match.binding)) continue;
      this.addBinding(match.binding);
      const subject = match.subject;
      if (subject.kind === 'Group' && identity.kind !== 'Group') {
        const group: GraphIdentity = { kind: 'Group', name: subject.name };
        this.addIdentityNode(group);
        this.addEdge(id, identityId(group), 'member-of', 'member of');
        this.addEdge(identityId(group), bindingId(match.binding), 'subject');
      } else {
        this.addEdge(id, bindingId(match.binding), 'subject');
      }
    }
  }

  private addIdentityNode(identity: GraphIdentity): void {
    const id = identityId(identity);
    if (this.nodes.has(id)) return;
    if (identity.kind === 'ServiceAccount') {
      this.addNode({ id, kind: 'serviceaccount', label: `ServiceAccount ${identity.namespace}/${identity.name}`, namespace: identity.namespace, danger: false });
    } else {
      this.addNode({ id, kind: identity.kind === 'User' ? 'user' : 'group', label: `${identity.kind} ${identity.name}`, danger: false });
    }
  }

  /** Whether the binding's role grants a dangerous permission where the binding grants. */
  private bindingIsDangerous(binding: BindingDef<RbacSource>): boolean {
    const role = this.input.rbac.policy.roleFor(binding);
    if (!role) return false;
    const scope = scopeOf(binding);
    const key = roleId(role, scope);
    let dangerous = this.permissionsOfRole.get(key);
    if (dangerous === undefined) {
      dangerous = this.permissionGrants(role, scope).length > 0;
      this.permissionsOfRole.set(key, dangerous);
    }
    return dangerous;
  }

  /** The binding, `role` edge to its role where it grants, and the role's dangerous permissions. */
  private addBinding(binding: BindingDef<RbacSource>): void {
    if (this.bindingsDone.has(binding)) return;
    this.bindingsDone.add(binding);
    const id = bindingId(binding);
    const scope = scopeOf(binding);
    const builtin = binding.builtin || binding.source === undefined;
    this.addNode({
      id,
      kind: 'binding',
      label: `${bindingTitle(binding)}${builtin ? ' (built-in)' : ''}`,
      ...placement(scope),
      ...(builtin ? { builtin: true } : {}),
      danger: false,
    });
    const role = this.input.rbac.policy.roleFor(binding);
    if (!role) {
      const { kind, name } = binding.roleRef;
      const missingId = `role:${kind}/${binding.kind === 'RoleBinding' && kind === 'Role' ? `${binding.namespace ?? ''}/` : ''}${name}@${scopeKey(scope)}`;
      this.addNode({ id: missingId, kind: 'role', label: `${kind} ${kind === 'Role' ? `${binding.namespace ?? ''}/` : ''}${name} (not found)`, ...placement(scope), missing: true, danger: false });
      this.addEdge(id, missingId, 'role');
      return;
    }
    this.addRole(role, scope);
    this.addEdge(id, roleId(role, scope), 'role');
  }

  private addRole(role: RoleDef<RbacSource>, scope: Scope): void {
    const id = roleId(role, scope);
    if (this.nodes.has(id)) return;
    const builtin = isBuiltin(role);
    this.addNode({ id, kind: 'role', label: `${roleTitle(role)}${builtin ? ' (built-in)' : ''}`, ...placement(scope), ...(builtin ? { builtin: true } : {}), danger: false });
    for (const grant of this.permissionGrants(role, scope)) {
      let from = id;
      if (grant.origin !== role) {
        this.addRole(grant.origin, scope);
        from = roleId(grant.origin, scope);
        this.addEdge(id, from, 'aggregates', 'aggregates');
      }
      this.addPermission(from, grant.kind, scope, grant.limited);
    }
  }

  /** `from` → the permission node of `kind` in `scope` (labelled `named only` when every grant is limited by resourceNames). */
  private addPermission(from: string, kind: PermissionKind, scope: Scope, limited: boolean): void {
    const id = `permission:${kind.key}@${scopeKey(scope)}`;
    const where = scope.namespace === undefined ? ' (cluster-wide)' : ` in ns ${scope.namespace}`;
    this.addNode({ id, kind: 'permission', label: `${kind.graphLabel}${where}`, ...placement(scope), ruleId: kind.ruleId, danger: false });
    const key = edgeKey(from, id, 'grants');
    const existing = this.edges.get(key);
    if (existing) {
      // Unlimited beats limited: drop the label.
      if (!limited) delete existing.label;
      return;
    }
    this.addEdge(from, id, 'grants', limited ? 'named only' : undefined);
  }

  /**
   * The dangerous permissions the role grants in the scope, each with the role its rule is written
   * in: the role itself, or, for an aggregated ClusterRole, the input ClusterRole it aggregates the
   * rule from (built-in and context roles are not drawn: the rule is put on the aggregated role).
   */
  private permissionGrants(role: RoleDef<RbacSource>, scope: Scope): { kind: PermissionKind; origin: RoleDef<RbacSource>; limited: boolean }[] {
    const aggregated = this.input.rbac.policy.aggregation.aggregated.get(role);
    const rules: { rule: PolicyRule; origin: RoleDef<RbacSource> }[] = aggregated
      ? aggregated.map(({ rule, origin }) => ({ rule, origin: isPrimary(origin.role.source) ? origin.role : role }))
      : role.rules.map((rule) => ({ rule, origin: role }));
    const namespaced = scope.namespace !== undefined;
    const out: { kind: PermissionKind; origin: RoleDef<RbacSource>; limited: boolean }[] = [];
    // A danger that needs another permission as well (approving CSRs: approve on signers) needs it in some rule of the role.
    const holds = (permissions: readonly Permission[]): boolean => rules.some(({ rule }) => grantsAny(rule, permissions).length > 0);
    const dangers = DANGER_LIST.filter((danger) => !danger.everything && (!danger.alsoNeeds || holds(danger.alsoNeeds)));
    for (const { rule, origin } of rules) {
      if (isFullWildcard(rule)) {
        out.push({ kind: EVERYTHING, origin, limited: false });
        continue;
      }
      for (const danger of dangers) {
        // A danger of one namespace only (kube-system ConfigMaps): granted there, or cluster-wide.
        if (danger.namespace !== undefined && namespaced && scope.namespace !== danger.namespace) continue;
        const found = grantsAny(rule, permissionsAt(danger, this.kubeVersion)).filter(
          (g) => !namespaced || this.table.isNamespaced(g.permission.group, g.permission.resource),
        );
        if (found.length === 0) continue;
        out.push({ kind: danger, origin, limited: found.every((g) => g.resourceNames.length > 0) });
      }
    }
    return out;
  }

  private addNode(node: GraphNode): void {
    if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
  }

  private addEdge(from: string, to: string, kind: GraphEdgeKind, label?: string, dashed = false): void {
    const key = edgeKey(from, to, kind);
    if (this.edges.has(key)) return;
    this.edges.set(key, { from, to, kind, ...(label === undefined ? {} : { label }), dashed, danger: false });
  }
}

/**
 * Sorts the graph and marks the escalation paths: a node or edge is `danger` when it lies on a
 * path from a workload that holds an API token (a solid `runs as` or `mounts token of` edge) to a
 * dangerous permission. Call it again after filtering, so that red means a path that is drawn.
 */
export function markDanger(graph: RbacGraph): RbacGraph {
  const nodes = graph.nodes.map((n) => ({ ...n, danger: false })).sort((a, b) => compare(a.id, b.id));
  const edges = graph.edges.map((e) => ({ ...e, danger: false })).sort(compareEdges);
  const ids = new Set(nodes.map((n) => n.id));
  const live = edges.filter((e) => !e.dashed && ids.has(e.from) && ids.has(e.to));
  const starts = new Set(live.filter((e) => e.kind === 'runs-as' || e.kind === 'mounts-token').map((e) => e.from));
  const forward = closure(starts, live, 'forward');
  const backward = closure(new Set(nodes.filter((n) => n.kind === 'permission').map((n) => n.id)), live, 'backward');
  for (const node of nodes) node.danger = forward.has(node.id) && backward.has(node.id);
  for (const edge of edges) edge.danger = !edge.dashed && forward.has(edge.from) && backward.has(edge.to);
  return { nodes, edges };
}

/**
 * The part of the graph on some path through one of the seeds: the seeds, everything they lead to,
 * and everything that leads to them.
 */
export function focusGraph(graph: RbacGraph, seeds: ReadonlySet<string>): RbacGraph {
  const down = closure(seeds, graph.edges, 'forward');
  const up = closure(seeds, graph.edges, 'backward');
  const keep = new Set([...down, ...up]);
  const edges = graph.edges.filter((e) => (down.has(e.from) && down.has(e.to)) || (up.has(e.from) && up.has(e.to)));
  return markDanger({ nodes: graph.nodes.filter((n) => keep.has(n.id)), edges });
}

/** Only what leads to a dangerous permission (paths of workloads without a token included, not highlighted). */
export function dangerousOnly(graph: RbacGraph): RbacGraph {
  const keep = closure(new Set(graph.nodes.filter((n) => n.kind === 'permission').map((n) => n.id)), graph.edges, 'backward');
  return markDanger({
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
  });
}

/** Ids of the nodes in namespace `namespace` (workloads, ServiceAccounts, RoleBindings, what they grant there). */
export function namespaceSeeds(graph: RbacGraph, namespace: string): Set<string> {
  return new Set(graph.nodes.filter((n) => n.namespace === namespace).map((n) => n.id));
}

/** Node id of a workload object (`workload:Deployment/dev/web`). */
export function workloadId(object: K8sObject): string {
  return `workload:${object.kind}/${object.namespace ?? ''}/${object.name}`;
}

/** Node id of a ServiceAccount. */
export function serviceAccountId(namespace: string, name: string): string {
  return `sa:${namespace}/${name}`;
}

/** Node id of an identity. */
export function identityId(identity: GraphIdentity): string {
  switch (identity.kind) {
    case 'ServiceAccount':
      return serviceAccountId(identity.namespace, identity.name);
    case 'User':
      return `user:${identity.name}`;
    case 'Group':
      return `group:${identity.name}`;
  }
}

/** Node id of a binding. */
export function bindingId(binding: Pick<BindingDef, 'kind' | 'name' | 'namespace'>): string {
  return binding.kind === 'RoleBinding' ? `binding:RoleBinding/${binding.namespace ?? ''}/${binding.name}` : `binding:ClusterRoleBinding/${binding.name}`;
}

/**
 * Ids of every node that stands for the object: a workload, ServiceAccount or binding, or each
 * node of a role (one per place it is bound). Used to focus the graph on the objects of findings.
 */
export function nodesOfObject(graph: RbacGraph, object: { kind: string; namespace?: string; name: string }): string[] {
  switch (object.kind) {
    case 'ServiceAccount':
      return present(graph, [serviceAccountId(object.namespace ?? '', object.name)]);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return present(graph, [bindingId({ kind: object.kind, name: object.name, ...(object.namespace === undefined ? {} : { namespace: object.namespace }) })]);
    case 'Role':
    case 'ClusterRole': {
      const prefix = `role:${object.kind}/${object.kind === 'Role' ? `${object.namespace ?? ''}/` : ''}${object.name}@`;
      return graph.nodes.filter((n) => n.id.startsWith(prefix) && !n.missing).map((n) => n.id);
    }
    default:
      return present(graph, [`workload:${object.kind}/${object.namespace ?? ''}/${object.name}`]);
  }
}

/** The identity of a username: a ServiceAccount for `system:serviceaccount:<ns>:<name>`, else a User. */
export function identityOfUsername(name: string): GraphIdentity {
  const sa = parseServiceAccountUsername(name);
  return sa ? { kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name } : { kind: 'User', name };
}

function present(graph: RbacGraph, ids: readonly string[]): string[] {
  return ids.filter((id) => graph.nodes.some((n) => n.id === id));
}

function identityOfSubject(subject: ReturnType<typeof normalizeSubject>): GraphIdentity | undefined {
  if (!subject) return undefined;
  if (subject.kind === 'ServiceAccount') return { kind: 'ServiceAccount', namespace: subject.namespace ?? '', name: subject.name };
  if (subject.kind === 'Group') return { kind: 'Group', name: subject.name };
  // A User named system:serviceaccount:ns:name is that ServiceAccount (appliesTo compares usernames).
  return identityOfUsername(subject.name);
}


/** An object of the `-f` input: not built in, not from a `--context` file. */
function isPrimary(source: RbacSource): boolean {
  return source !== undefined && !source.manifest.file.contextOnly;
}

function isBuiltin(role: RoleDef<RbacSource>): boolean {
  return role.builtin || role.source === undefined;
}

function scopeOf(binding: BindingDef<RbacSource>): Scope {
  return binding.kind === 'RoleBinding' ? { namespace: binding.namespace ?? '' } : {};
}

function scopeKey(scope: Scope): string {
  return scope.namespace === undefined ? '*' : scope.namespace;
}

function placement(scope: Scope): { namespace: string } | { clusterWide: true } {
  return scope.namespace === undefined ? { clusterWide: true } : { namespace: scope.namespace };
}

function roleId(role: Pick<RoleDef, 'kind' | 'name' | 'namespace'>, scope: Scope): string {
  const name = role.kind === 'Role' ? `Role/${role.namespace ?? ''}/${role.name}` : `ClusterRole/${role.name}`;
  return `role:${name}@${scopeKey(scope)}`;
}

function roleTitle(role: Pick<RoleDef, 'kind' | 'name' | 'namespace'>): string {
  return role.kind === 'Role' ? `Role ${role.namespace ?? ''}/${role.name}` : `ClusterRole ${role.name}`;
}

function bindingTitle(binding: Pick<BindingDef, 'kind' | 'name' | 'namespace'>): string {
  return binding.kind === 'RoleBinding' ? `RoleBinding ${binding.namespace ?? ''}/${binding.name}` : `ClusterRoleBinding ${binding.name}`;
}

function edgeKey(from: string, to: string, kind: GraphEdgeKind): string {
  return `${from}\u0000${to}\u0000${kind}`;
}

function closure(start: ReadonlySet<string>, edges: readonly GraphEdge[], direction: 'forward' | 'backward'): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const [a, b] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  }
  const seen = new Set(start);
  const queue = [...start];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** Code-unit order: stable across locales. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind);
}
