/**
 * What an RBAC change does: for every identity (ServiceAccount, User, Group) and every workload,
 * the permissions it holds after the change that it did not hold before (gained) and those it no
 * longer holds (lost), compared as the authorizer decides, not as the YAML reads.
 *
 * Method: each identity's rules are expanded, binding by binding, into single requests (verb ×
 * apiGroup × resource[/subresource] × resourceName, or verb × URL), evaluated where the binding
 * grants them (a ClusterRoleBinding: cluster-wide, namespace `""`; a RoleBinding: its namespace).
 * A request of the head is *gained* when the base policy does not allow it for the same principal
 * (`Policy.allows`, i.e. kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go Authorize),
 * and a request of the base is *lost* when the head policy does not allow it. So `verbs: [get, list]`
 * against a base `get` gains only `list`, and a permission moved from one binding to another is no
 * change. Wildcards stay literal (`*` is gained unless the base allows `*` itself), as the
 * authorizer compares a request's `*` with rules. Aggregated ClusterRoles are expanded to their
 * aggregated rules (`Policy.effectiveRules`), so a new labelled ClusterRole shows up as a gain of
 * everyone bound to the role that aggregates it.
 */
import type { Workload } from '../model/index.js';
import { automountOf, apiTokensOf } from '../model/token.js';
import type { RuleOrigin } from './aggregation.js';
import type { ClusterRbac, RbacSource } from './cluster.js';
import { DANGER_LIST, DANGERS, grantsAny, isFullWildcard, permissionsAt } from './dangerous.js';
import { WILDCARD } from './match.js';
import type { Policy } from './policy.js';
import type { ResourceTable } from './resources.js';
import {
  NO_USER,
  normalizeSubject,
  parseServiceAccountUsername,
  principalOf,
  serviceAccountUser,
  type IdentityRef,
} from './subjects.js';
import type { BindingDef, PolicyRule, RequestAttributes, RoleDef, Subject, UserInfo } from './types.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion } from './version.js';

/** An identity whose permissions are compared. */
export type DiffIdentity = IdentityRef;

/** Why a permission is dangerous: the id of the lint rule that reports it, and what it lets one do. */
export interface DangerKind {
  /** Rule id, e.g. `secret-read-access`. */
  id: string;
  /** What the permission lets its holder do, e.g. `read Secrets`. */
  label: string;
}

/** Where a permission comes from: a binding, the subject through which it applies, and the rule. */
export interface GrantSource {
  binding: BindingDef<RbacSource>;
  /** The binding's subject that applies (ServiceAccount namespace defaulted to the RoleBinding's). */
  subject: Subject;
  /** The role the binding refers to. */
  role: RoleDef<RbacSource>;
  /** The role and 0-based rule index the rule is written in (another role for aggregated ClusterRoles). */
  origin: RuleOrigin<RbacSource>;
}

/**
 * One gained or lost permission: some verbs on one resource (or URL) in one place. Requests that
 * differ only in the verb are merged into one entry.
 */
export interface PermissionChange {
  /** Namespace the permission holds in; `undefined` for cluster-wide (every namespace, cluster-scoped resources, URLs). */
  namespace?: string;
  /** Request verbs, `*` first, then get, list, watch, create, update, patch, delete, deletecollection, then the rest sorted. */
  verbs: string[];
  /** API group (`""` = core); resource permissions only. */
  apiGroup?: string;
  /** Plural resource name, or `*`; resource permissions only. */
  resource?: string;
  /** Subresource (`exec`), `""` for none; resource permissions only. */
  subresource?: string;
  /** Object name when the rule lists resourceNames; `""` = every object. */
  resourceName?: string;
  /** A non-resource URL such as `/metrics` (then there is no apiGroup/resource). */
  nonResourceURL?: string;
  /** Why it is dangerous; empty when it is not. */
  dangerous: DangerKind[];
  /** What grants it: in the head for gains, in the base for losses. */
  grantedBy: GrantSource[];
}

/** The permission changes of one identity. */
export interface IdentityDiff {
  identity: DiffIdentity;
  gained: PermissionChange[];
  lost: PermissionChange[];
}

/** A workload as one side of the change sees it. */
export interface WorkloadSide {
  workload: Workload;
  /** `namespace/name` of the ServiceAccount the pods run as. */
  serviceAccount: string;
  /** Whether the ServiceAccount's API token is automounted. */
  automount: boolean;
  /** `namespace/name` of every ServiceAccount whose API token the pods hold (automounted, projected or a token Secret), sorted. */
  tokens: string[];
}

/** The change of one workload: its identity, its token, and what it can do through its tokens. */
export interface WorkloadDiff {
  kind: string;
  namespace: string;
  name: string;
  /** Undefined when the workload is new. */
  base?: WorkloadSide;
  /** Undefined when the workload was removed. */
  head?: WorkloadSide;
  /**
   * What its pods can do with their API tokens now and could not before, leaving out what every
   * ServiceAccount of the namespace can do anyway (discovery, self-reviews; a change to those shows
   * under the Group identities).
   */
  gained: PermissionChange[];
  lost: PermissionChange[];
}

/** The whole change. */
export interface RbacDiff {
  /** Identities that gain or lose something: those with dangerous gains first, then by kind and name. */
  identities: IdentityDiff[];
  /** Workloads that are added, removed, switch ServiceAccount or token, or whose tokens gain or lose something. */
  workloads: WorkloadDiff[];
}

/** One side of the change: the authorizer over it and the resource table (cluster-scoped resources). */
export interface DiffSide {
  rbac: ClusterRbac;
  resources: ResourceTable;
}

/** Options of {@link diffRbac}. */
export interface DiffOptions {
  /** Kubernetes version whose semantics apply to the danger classification (default: the newest). */
  kubeVersion?: KubeVersion;
}

/** The kinds of dangerous permission other than everything, as the lint rules of the same ids look for them. */
const KINDS = DANGER_LIST.filter((danger) => !danger.everything);
/** Every verb on every resource: what cluster-admin allows. */
const EVERYTHING: DangerKind = { id: 'cluster-admin-binding', label: DANGERS['cluster-admin-binding'].diffLabel };

/** Verbs in the order they are listed. */
const VERB_ORDER = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** A nameless principal in exactly one group: what the bindings of that group grant. */

/** One expanded request, with where it applies. */
interface Tuple {
  /** Key of the request without the verb (namespace, resource or URL, name). */
  group: string;
  attrs: RequestAttributes;
  /** `""` = cluster-wide. */
  namespace: string;
}

/** Expanded requests of a principal, each with what grants it. */
type Held = Map<string, { tuple: Tuple; grants: GrantSource[] }>;

/**
 * Compares two RBAC states. Pure: reads the two {@link ClusterRbac}s (and their indexes for
 * workloads) and returns the change model; nothing is printed.
 */
export function diffRbac(base: DiffSide, head: DiffSide, options: DiffOptions = {}): RbacDiff {
  const version = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const danger = dangerOf(version);

  const identities: IdentityDiff[] = [];
  for (const identity of candidateIdentities(base, head)) {
    const user = principalOf(identity);
    const onlyGroup = identity.kind === 'Group';
    const gained = changes(expand(head, user, onlyGroup), (attrs) => base.rbac.policy.allows(user, attrs), danger);
    const lost = changes(expand(base, user, onlyGroup), (attrs) => head.rbac.policy.allows(user, attrs), danger);
    if (gained.length > 0 || lost.length > 0) identities.push({ identity, gained, lost });
  }
  identities.sort(
    (a, b) =>
      Number(b.gained.some(isDangerous)) - Number(a.gained.some(isDangerous)) ||
      KIND_ORDER[a.identity.kind] - KIND_ORDER[b.identity.kind] ||
      compare(identityKey(a.identity), identityKey(b.identity)),
  );

  return { identities, workloads: diffWorkloads(base, head, danger) };
}

/** Whether the change is dangerous. */
export function isDangerous(change: PermissionChange): boolean {
  return change.dangerous.length > 0;
}

/** `ServiceAccount dev/web`, `User alice`, `Group oncall`. */
export function identityLabel(identity: DiffIdentity): string {
  return identity.kind === 'ServiceAccount' ? `ServiceAccount ${identity.namespace}/${identity.name}` : `${identity.kind} ${identity.name}`;
}

const KIND_ORDER: Record<DiffIdentity['kind'], number> = { ServiceAccount: 0, User: 1, Group: 2 };

function identityKey(identity: DiffIdentity): string {
  return identity.kind === 'ServiceAccount' ? `${identity.kind}\0${identity.namespace}\0${identity.name}` : `${identity.kind}\0${identity.name}`;
}


/**
 * The identities whose permissions can differ: only a binding that changed (added, removed, other
 * subjects, or a role whose effective rules changed, through aggregation too) can change what an
 * identity holds. Its subjects are candidates; for its Group subjects, so are the ServiceAccounts
 * and Users of the input (subjects of any binding, or running workloads) that are members.
 */
function candidateIdentities(base: DiffSide, head: DiffSide): DiffIdentity[] {
  const fingerprints = (side: DiffSide): Map<string, { binding: BindingDef<RbacSource>; print: string }> => {
    const map = new Map<string, { binding: BindingDef<RbacSource>; print: string }>();
    for (const binding of side.rbac.policy.bindings()) {
      const role = side.rbac.policy.roleFor(binding);
      const print = JSON.stringify([binding.subjects, role ? side.rbac.policy.effectiveRules(role) : null]);
      map.set(`${binding.kind}\0${binding.namespace ?? ''}\0${binding.name}`, { binding, print });
    }
    return map;
  };
  const before = fingerprints(base);
  const after = fingerprints(head);
  const changed: BindingDef<RbacSource>[] = [];
  for (const [key, entry] of after) if (before.get(key)?.print !== entry.print) changed.push(entry.binding);
  for (const [key, entry] of before) if (after.get(key)?.print !== entry.print) changed.push(entry.binding);

  const out = new Map<string, DiffIdentity>();
  const add = (identity: DiffIdentity): void => void out.set(identityKey(identity), identity);
  const groups = new Set<string>();
  for (const binding of changed) {
    const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
    for (const raw of binding.subjects) {
      const subject = normalizeSubject(raw, namespace);
      if (!subject) continue;
      const identity = identityOfSubject(subject);
      add(identity);
      if (identity.kind === 'Group') groups.add(identity.name);
    }
  }
  if (groups.size > 0) {
    for (const member of knownPrincipals(base, head)) {
      if (principalOf(member).groups.some((group) => groups.has(group))) add(member);
    }
  }
  return [...out.values()];
}

function identityOfSubject(subject: Subject): DiffIdentity {
  if (subject.kind === 'ServiceAccount') return { kind: 'ServiceAccount', namespace: subject.namespace ?? '', name: subject.name };
  if (subject.kind === 'User') {
    // A User named system:serviceaccount:ns:name is that ServiceAccount.
    const sa = parseServiceAccountUsername(subject.name);
    return sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: subject.name };
  }
  return { kind: 'Group', name: subject.name };
}

/** ServiceAccounts and Users the input names: subjects of its bindings, and the accounts of its workloads. */
function knownPrincipals(base: DiffSide, head: DiffSide): DiffIdentity[] {
  const out: DiffIdentity[] = [];
  for (const side of [base, head]) {
    for (const binding of side.rbac.policy.bindings()) {
      if (!binding.source) continue;
      const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
      for (const raw of binding.subjects) {
        const subject = normalizeSubject(raw, namespace);
        if (subject && subject.kind !== 'Group') out.push(identityOfSubject(subject));
      }
    }
    for (const workload of side.rbac.index.workloads()) {
      out.push({ kind: 'ServiceAccount', namespace: workload.namespace, name: workload.serviceAccountName });
      for (const token of apiTokensOf(workload, side.rbac.index)) out.push({ kind: 'ServiceAccount', ...token.serviceAccount });
    }
  }
  return out;
}

/**
 * Every request the principal's bindings allow, one per verb × group × resource × name (or verb ×
 * URL), where the binding grants it. What a RoleBinding cannot grant is left out: non-resource URLs
 * and cluster-scoped resources, except its own Namespace object, which it grants by name
 * (kubernetes/kubernetes pkg/registry/rbac/validation/rule.go VisitRulesFor consults RoleBindings
 * only for requests with a namespace; apiserver requestinfo.go gives `namespaces/X` namespace X).
 */
function expand(side: DiffSide, user: UserInfo, onlyGroupSubjects: boolean): Held {
  const held: Held = new Map();
  const { policy } = side.rbac;
  for (const match of policy.bindingsFor(user)) {
    if (!match.role) continue;
    if (onlyGroupSubjects && match.subject.kind !== 'Group') continue;
    const { binding, role } = match;
    const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
    const subject = normalizeSubject(match.subject, namespace) ?? match.subject;
    for (const { rule, origin } of rulesWithOrigins(policy, role)) {
      const source: GrantSource = { binding, subject, role, origin };
      for (const tuple of tuplesOf(rule, namespace, side.resources)) {
        const key = `${tuple.group}\0${tuple.attrs.verb}`;
        const entry = held.get(key);
        if (!entry) held.set(key, { tuple, grants: [source] });
        else if (!entry.grants.some((g) => sameSource(g, source))) entry.grants.push(source);
      }
    }
  }
  return held;
}

function rulesWithOrigins(policy: Policy<RbacSource>, role: RoleDef<RbacSource>): { rule: PolicyRule; origin: RuleOrigin<RbacSource> }[] {
  const aggregated = policy.aggregation.aggregated.get(role);
  return aggregated ? [...aggregated] : role.rules.map((rule, ruleIndex) => ({ rule, origin: { role, ruleIndex } }));
}

function sameSource(a: GrantSource, b: GrantSource): boolean {
  return a.binding === b.binding && a.origin.role === b.origin.role && a.origin.ruleIndex === b.origin.ruleIndex;
}

/** Verbs a RoleBinding can grant on its own Namespace object: those of requests naming it. */
const NAMESPACE_OBJECT_VERBS = new Set(['*', 'get', 'update', 'patch', 'delete']);

function* tuplesOf(rule: PolicyRule, namespace: string, resources: ResourceTable): Generator<Tuple> {
  const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames ?? []) : [''];
  for (const apiGroup of rule.apiGroups ?? []) {
    for (const entry of rule.resources ?? []) {
      const slash = entry.indexOf('/');
      const resource = slash < 0 ? entry : entry.slice(0, slash);
      const subresource = slash < 0 ? '' : entry.slice(slash + 1);
      let only: string | undefined;
      if (namespace !== '' && apiGroup !== WILDCARD && resource !== WILDCARD && !resources.isNamespaced(apiGroup, resource)) {
        if (apiGroup !== '' || resource !== 'namespaces') continue;
        only = namespace;
      }
      for (const name of only === undefined ? names : names.filter((n) => n === '' || n === only).map(() => only ?? '')) {
        for (const verb of rule.verbs) {
          if (only !== undefined && !NAMESPACE_OBJECT_VERBS.has(verb)) continue;
          yield {
            group: `${namespace}\0r\0${apiGroup}\0${resource}\0${subresource}\0${name}`,
            attrs: { kind: 'resource', verb, apiGroup, resource, subresource, name, namespace },
            namespace,
          };
        }
      }
    }
  }
  if (namespace !== '') return;
  for (const path of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) yield { group: `\0u\0${path}`, attrs: { kind: 'nonResource', verb, path }, namespace };
  }
}

/** The requests of `held` that `allowedBefore` rejects, merged per resource into changes, sorted. */
function changes(held: Held, allowedBefore: (attrs: RequestAttributes) => boolean, danger: (attrs: RequestAttributes) => DangerKind[]): PermissionChange[] {
  const merged = new Map<string, PermissionChange>();
  for (const { tuple, grants: sources } of held.values()) {
    if (allowedBefore(tuple.attrs)) continue;
    // Verbs merge only when equally dangerous: `create deployments` apart from `get, list deployments`.
    const dangers = danger(tuple.attrs);
    const key = `${tuple.group}\0${dangers.map((d) => d.id).join()}`;
    let change = merged.get(key);
    if (!change) {
      const { attrs } = tuple;
      change = {
        ...(tuple.namespace === '' ? {} : { namespace: tuple.namespace }),
        verbs: [],
        ...(attrs.kind === 'resource'
          ? { apiGroup: attrs.apiGroup, resource: attrs.resource, subresource: attrs.subresource, resourceName: attrs.name }
          : { nonResourceURL: attrs.path }),
        dangerous: dangers,
        grantedBy: [],
      };
      merged.set(key, change);
    }
    change.verbs.push(tuple.attrs.verb);
    for (const source of sources) if (!change.grantedBy.some((g) => sameSource(g, source))) change.grantedBy.push(source);
  }
  const out = [...merged.values()];
  for (const change of out) change.verbs.sort(byVerb);
  return out.sort(byChange);
}

function byVerb(a: string, b: string): number {
  const ia = VERB_ORDER.indexOf(a);
  const ib = VERB_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? VERB_ORDER.length : ia) - (ib < 0 ? VERB_ORDER.length : ib);
  return compare(a, b);
}

/** Dangerous first, then cluster-wide before namespaces, resources before URLs, then by name. */
function byChange(a: PermissionChange, b: PermissionChange): number {
  return (
    Number(isDangerous(b)) - Number(isDangerous(a)) ||
    Number(a.namespace !== undefined) - Number(b.namespace !== undefined) ||
    compare(a.namespace ?? '', b.namespace ?? '') ||
    Number(a.nonResourceURL !== undefined) - Number(b.nonResourceURL !== undefined) ||
    compare(a.apiGroup ?? '', b.apiGroup ?? '') ||
    compare(a.resource ?? a.nonResourceURL ?? '', b.resource ?? b.nonResourceURL ?? '') ||
    compare(a.subresource ?? '', b.subresource ?? '') ||
    compare(a.resourceName ?? '', b.resourceName ?? '')
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The danger classification of one request, for the Kubernetes version. */
function dangerOf(version: KubeVersion): (attrs: RequestAttributes) => DangerKind[] {
  // One request at a time: a permission that is dangerous only with another (alsoNeeds) counts on its own.
  const kinds = KINDS.map((danger) => ({
    kind: { id: danger.ruleId, label: danger.diffLabel },
    permissions: [...permissionsAt(danger, version), ...(danger.alsoNeeds ?? [])],
    namespace: danger.namespace,
  }));
  return (attrs) => {
    if (attrs.kind !== 'resource') return [];
    const rule: PolicyRule = {
      verbs: [attrs.verb],
      apiGroups: [attrs.apiGroup],
      resources: [attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`],
      ...(attrs.name === '' ? {} : { resourceNames: [attrs.name] }),
    };
    if (isFullWildcard(rule)) return [EVERYTHING];
    // A danger of one namespace only counts there, or cluster-wide ("" is every namespace).
    return kinds
      .filter(({ permissions, namespace }) => (namespace === undefined || attrs.namespace === '' || attrs.namespace === namespace) && grantsAny(rule, permissions).length > 0)
      .map(({ kind }) => kind);
  };
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

function sideOf(workload: Workload, side: DiffSide): WorkloadSide {
  const { index } = side.rbac;
  const tokens = [...new Set(apiTokensOf(workload, index).map((t) => `${t.serviceAccount.namespace}/${t.serviceAccount.name}`))].sort();
  return {
    workload,
    serviceAccount: `${workload.namespace}/${workload.serviceAccountName}`,
    automount: automountOf(workload, index).mounted,
    tokens,
  };
}

function accountUser(account: string): UserInfo {
  const slash = account.indexOf('/');
  return serviceAccountUser(account.slice(0, slash), account.slice(slash + 1));
}

/** What the pods' tokens hold, merged over the tokens' ServiceAccounts. */
function heldByTokens(side: DiffSide, tokens: readonly string[]): Held {
  const held: Held = new Map();
  for (const account of tokens) {
    for (const [key, entry] of expand(side, accountUser(account), false)) {
      const existing = held.get(key);
      if (!existing) held.set(key, { tuple: entry.tuple, grants: [...entry.grants] });
      else for (const source of entry.grants) if (!existing.grants.some((g) => sameSource(g, source))) existing.grants.push(source);
    }
  }
  return held;
}

/**
 * Whether the other side already allowed the request to these tokens, or to every ServiceAccount
 * of the namespace (through the groups `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
 * `system:authenticated`), so that a new token does not "gain" discovery and self-reviews.
 */
function allowedTo(side: DiffSide, namespace: string, tokens: readonly string[]): (attrs: RequestAttributes) => boolean {
  const anyAccount: UserInfo = { name: NO_USER, groups: serviceAccountUser(namespace, NO_USER).groups };
  const users = [...tokens.map(accountUser), anyAccount];
  return (attrs) => users.some((user) => side.rbac.policy.allows(user, attrs));
}

function diffWorkloads(base: DiffSide, head: DiffSide, danger: (attrs: RequestAttributes) => DangerKind[]): WorkloadDiff[] {
  const keyOf = (w: Workload): string => `${w.object.kind}\0${w.namespace}\0${w.object.name}`;
  const pairs = new Map<string, { base?: Workload; head?: Workload }>();
  for (const w of base.rbac.index.workloads()) pairs.set(keyOf(w), { ...pairs.get(keyOf(w)), base: w });
  for (const w of head.rbac.index.workloads()) pairs.set(keyOf(w), { ...pairs.get(keyOf(w)), head: w });

  const out: WorkloadDiff[] = [];
  for (const pair of pairs.values()) {
    const before = pair.base ? sideOf(pair.base, base) : undefined;
    const after = pair.head ? sideOf(pair.head, head) : undefined;
    const any = (after ?? before)?.workload;
    if (!any) continue;
    const gained = changes(heldByTokens(head, after?.tokens ?? []), allowedTo(base, any.namespace, before?.tokens ?? []), danger);
    const lost = changes(heldByTokens(base, before?.tokens ?? []), allowedTo(head, any.namespace, after?.tokens ?? []), danger);
    const sameIdentity =
      before !== undefined &&
      after !== undefined &&
      before.serviceAccount === after.serviceAccount &&
      before.automount === after.automount &&
      before.tokens.join() === after.tokens.join();
    if (sameIdentity && gained.length === 0 && lost.length === 0) continue;
    out.push({
      kind: any.object.kind,
      namespace: any.namespace,
      name: any.object.name,
      ...(before ? { base: before } : {}),
      ...(after ? { head: after } : {}),
      gained,
      lost,
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.gained.some(isDangerous)) - Number(a.gained.some(isDangerous)) ||
      compare(a.namespace, b.namespace) ||
      compare(a.kind, b.kind) ||
      compare(a.name, b.name),
  );
}
