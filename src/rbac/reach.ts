/**
 * Reachability of a grant: is the role bound to anyone, and which workloads hold it? The
 * escalation rules use it to keep the severity of a grant that someone holds, to lower it by one
 * level for a role bound to nobody, and to list the bindings and workloads as related locations.
 */
import type { RelatedReport, Severity } from '../engine/rule.js';
import type { JsonPath } from '../parse/types.js';
import { describeSubjects, roleRefOf, ruleEntries, type Index, type K8sObject, type RuleEntry } from '../model/index.js';
import type { ClusterRbac, Holder, RbacSource } from './cluster.js';
import { grantsAny, isFullWildcard, type Permission, type RuleGrant } from './dangerous.js';
import { WILDCARD } from './match.js';
import { builtinResourceTable } from './resources.js';
import { subjectUsername } from './subjects.js';
import type { BindingDef, RoleDef } from './types.js';

/** The next lower severity (error → warning → note → note). */
export function lowerSeverity(severity: Severity): Severity {
  return severity === 'error' ? 'warning' : 'note';
}

/** Who holds a grant, and how a finding about it should read. */
export interface Reach {
  /** Some binding with a subject that can match anyone grants it (input or built-in binding). */
  bound: boolean;
  /** Workloads of the input that hold it with a mounted Kubernetes API token. */
  holders: readonly Holder[];
  /** `; held by Deployment dev/web`, ` (not bound)` or `""`: appended to the finding's message. */
  note: string;
  /** The input bindings that grant it and the workloads that hold it. */
  related: RelatedReport[];
  /** The severity for a rule whose default is `base`: one level lower when not bound or limited. */
  severity(base: Severity): Severity;
}

/** What else decides how far a grant reaches. */
export interface ReachOptions {
  /**
   * The grant is of cluster-scoped resources only: RoleBindings do not grant it, even to a
   * ClusterRole (kubernetes/kubernetes pkg/registry/rbac/validation/rule.go VisitRulesFor).
   */
  clusterScoped?: boolean;
  /** The grant is limited by resourceNames: reported one more level lower. */
  limited?: boolean;
  /**
   * The grant matters only in this namespace: only ClusterRoleBindings and the RoleBindings of
   * that namespace count.
   */
  namespace?: string;
}

/**
 * Who holds the rules of an input Role or ClusterRole: every binding that grants it (directly or
 * through an aggregated ClusterRole that selects it, {@link ClusterRbac.bindingsGranting}) and the
 * workloads holding those bindings.
 */
export function roleReach(rbac: ClusterRbac, role: K8sObject, options: ReachOptions = {}): Reach {
  const def = roleDefOf(rbac, role);
  const granting = def ? rbac.bindingsGranting(def) : [];
  const scoped = granting.filter(
    (b) => b.kind === 'ClusterRoleBinding' || (!options.clusterScoped && (options.namespace === undefined || b.namespace === options.namespace)),
  );
  const live = scoped.filter(hasLiveSubject);
  const related: RelatedReport[] = [];
  for (const binding of live) {
    if (!binding.source) continue;
    const via = rbac.policy.roleFor(binding);
    const through = via && via !== def ? ` through ${via.kind} "${via.name}"` : '';
    related.push({ object: binding.source, path: ['roleRef', 'name'], message: `${binding.source.display} grants it${through} to ${describeSubjects(binding.source)}` });
  }
  const holders = holdersOf(rbac, live);
  let note = heldBy(holders);
  const chain = holderRelated(rbac, holders);
  if (live.length === 0) {
    note = options.clusterScoped && granting.some(hasLiveSubject) ? ' (bound only by RoleBindings, which cannot grant cluster-scoped resources)' : ' (not bound)';
  }
  return reach(live.length > 0, holders, note, [...related, ...chain], options.limited ?? false);
}

/**
 * Who holds the rights of an input binding: the workloads that run as (or mount a token of) its
 * subjects, or only of `account` when given.
 */
export function bindingReach(rbac: ClusterRbac, binding: K8sObject, account?: { namespace: string; name: string }): Reach {
  const def = rbac.bindingOf(binding);
  const all = def ? holdersOf(rbac, [def]) : [];
  const holders = account
    ? all.filter((h) => h.tokens.some((t) => t.serviceAccount.namespace === account.namespace && t.serviceAccount.name === account.name))
    : all;
  return reach(true, holders, heldBy(holders), holderRelated(rbac, holders), false);
}

/** `ClusterRole "edit"` or `Role dev/ci`: the role a binding refers to, as written. */
export function describeRoleRef(binding: K8sObject): string {
  const ref = roleRefOf(binding);
  if (!ref) return 'no role';
  return ref.kind === 'Role' && binding.namespace !== undefined ? `Role ${binding.namespace}/${ref.name}` : `${ref.kind} "${ref.name}"`;
}

/** One rule entry of an input role that grants some of the permissions, with its reach. */
export interface RoleGrant {
  role: K8sObject;
  entry: RuleEntry;
  /** The permissions the entry grants, in the order the entry lists their resources; never empty. */
  found: [RuleGrant, ...RuleGrant[]];
  reach: Reach;
  /** JSON path of the first value of `field` in the entry, in manifest order, that grants one of them. */
  path(field: 'resources' | 'verbs'): JsonPath;
}

/**
 * Every rule entry of every input Role and ClusterRole that grants any of the permissions, with
 * its reach. With `namespace`, only the roles that grant or may grant in that namespace: its Roles,
 * and ClusterRoles bound cluster-wide, by a RoleBinding there, or not at all. Left out:
 * - the written rules of aggregated ClusterRoles (the aggregation controller replaces them; the
 *   roles they select are checked instead);
 * - cluster-scoped permissions in a Role, which can never grant them;
 * - entries with `*` verbs on `*` resources in `*` groups: they grant every permission, and one
 *   finding says so (wildcard-rule on the entry, cluster-admin-binding on its bindings) where a
 *   finding per dangerous permission would put a dozen on one line.
 */
export function* roleGrants(
  ctx: { index: Index; rbac: ClusterRbac },
  permissions: readonly Permission[],
  options: { namespace?: string } = {},
): Generator<RoleGrant> {
  const table = builtinResourceTable();
  const clusterScoped = (g: RuleGrant): boolean => !table.isNamespaced(g.permission.group, g.permission.resource);
  for (const { role, entries } of candidates(ctx.index, permissions)) {
    // With a namespace, a Role of another namespace never grants there.
    if (options.namespace !== undefined && role.kind === 'Role' && role.namespace !== options.namespace) continue;
    // Asked at the role's first entry that grants some of the permissions (most grant none).
    let counts: boolean | undefined;
    for (const entry of entries) {
      if (isFullWildcard(entry)) continue;
      const all = grantsAny(entry, permissions);
      // In the order the entry lists the resources, so messages read like the manifest.
      const found = (role.kind === 'Role' ? all.filter((g) => !clusterScoped(g)) : all).sort((a, b) => a.resourceIndex - b.resourceIndex);
      const [first, ...rest] = found;
      if (!first) continue;
      counts ??= rulesCount(ctx.rbac, role, options.namespace);
      if (!counts) break;
      const reach = roleReach(ctx.rbac, role, {
        clusterScoped: found.every(clusterScoped),
        limited: entry.resourceNames.length > 0,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      });
      const path = (field: 'resources' | 'verbs'): JsonPath => [
        'rules',
        entry.index,
        field,
        Math.min(...found.map((g) => (field === 'verbs' ? g.verbIndex : g.resourceIndex))),
      ];
      yield { role, entry, found: [first, ...rest], reach, path };
    }
  }
}

/**
 * Whether the written rules of an input role count (in `namespace`, when given): not those of an
 * aggregated ClusterRole, and not those of a ClusterRole that is bound, but neither cluster-wide nor
 * in that namespace.
 */
function rulesCount(rbac: ClusterRbac, role: K8sObject, namespace: string | undefined): boolean {
  const def = roleDefOf(rbac, role);
  if (!def) return true;
  if (rbac.policy.aggregation.aggregated.has(def)) return false;
  if (namespace === undefined) return true;
  const bound = rbac.bindingsGranting(def).filter(hasLiveSubject);
  return bound.length === 0 || bound.some((b) => b.kind === 'ClusterRoleBinding' || b.namespace === namespace);
}

/** The rule entries of an index's roles by the resource they name, built once per index ({@link candidates}). */
interface EntriesByResource {
  roles: readonly K8sObject[];
  /** Per resource (an entry's text before `/`, so `*` for `*` and `*\/<sub>`): role positions in `roles`, and the entries. */
  byResource: Map<string, { role: number; entry: RuleEntry }[]>;
}

const entriesByResource = new WeakMap<Index, EntriesByResource>();

/**
 * The roles of the index with the rule entries that may grant some of the permissions, in role
 * and entry order: those naming one of their resources (`pods`, `pods/exec`) or `*` (`*`,
 * `*\/exec`). No other entry can match ({@link resourceMatches}: `*`, the resource itself, or
 * `*\/<subresource>`). So each dangerous-permission rule reads only the few entries that concern
 * it, where it used to read every entry of every role.
 */
function candidates(index: Index, permissions: readonly Permission[]): { role: K8sObject; entries: RuleEntry[] }[] {
  let table = entriesByResource.get(index);
  if (!table) {
    const roles = index.roles();
    const byResource = new Map<string, { role: number; entry: RuleEntry }[]>();
    roles.forEach((role, position) => {
      for (const entry of ruleEntries(role)) {
        for (const resource of entry.resources) {
          const slash = resource.indexOf('/');
          const key = slash < 0 ? resource : resource.slice(0, slash);
          let list = byResource.get(key);
          if (!list) byResource.set(key, (list = []));
          if (list.at(-1)?.entry !== entry) list.push({ role: position, entry });
        }
      }
    });
    table = { roles, byResource };
    entriesByResource.set(index, table);
  }
  const found = [...new Set([...permissions.map((p) => p.resource), WILDCARD])].flatMap((key) => table.byResource.get(key) ?? []);
  found.sort((a, b) => a.role - b.role || a.entry.index - b.entry.index);
  const out: { role: K8sObject; entries: RuleEntry[] }[] = [];
  for (const { role, entry } of found) {
    const last = out.at(-1);
    if (last && last.role === table.roles[role]) {
      if (last.entries.at(-1) !== entry) last.entries.push(entry);
    } else {
      out.push({ role: table.roles[role]!, entries: [entry] });
    }
  }
  return out;
}

function reach(bound: boolean, holders: readonly Holder[], note: string, related: RelatedReport[], limited: boolean): Reach {
  return {
    bound,
    holders,
    note,
    related,
    severity(base) {
      let severity = bound ? base : lowerSeverity(base);
      if (limited) severity = lowerSeverity(severity);
      return severity;
    },
  };
}

/** The definition the policy holds for an input role (the later one when the input repeats it). */
function roleDefOf(rbac: ClusterRbac, role: K8sObject): RoleDef<RbacSource> | undefined {
  const kind = role.kind === 'Role' ? 'Role' : 'ClusterRole';
  return rbac.roleOf(role) ?? rbac.policy.getRole(kind, role.name, role.namespace);
}

/**
 * A binding with a subject that can apply to someone: a Group, a User, or a ServiceAccount with a
 * namespace (its own, or the RoleBinding's). Unknown kinds never match
 * (kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser).
 */
function hasLiveSubject(binding: BindingDef<RbacSource>): boolean {
  const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
  return binding.subjects.some((s) => s.kind === 'Group' || subjectUsername(s, namespace) !== undefined);
}

/** Workloads holding any of the bindings with at least one mounted API token, each once. */
function holdersOf(rbac: ClusterRbac, bindings: readonly BindingDef<RbacSource>[]): Holder[] {
  const out = new Map<Holder['workload'], Holder>();
  for (const binding of bindings) {
    for (const holder of rbac.holders(binding)) {
      if (holder.tokens.length > 0 && !out.has(holder.workload)) out.set(holder.workload, holder);
    }
  }
  return [...out.values()];
}

/** `; held by Deployment dev/web and Pod dev/job`, `; held by 3 workloads (A, B, …)` or `""`. */
function heldBy(holders: readonly Holder[]): string {
  // The same object may be in two files (a plain and an HA variant of one install): name it once.
  const names = [...new Set(holders.map((h) => h.workload.object.display))];
  if (names.length === 0) return '';
  if (names.length <= 2) return `; held by ${names.join(' and ')}`;
  return `; held by ${names.length} workloads (${names.slice(0, 2).join(', ')}, …)`;
}

/**
 * The rest of the chain workload → ServiceAccount → binding → role: each holding workload, then the
 * ServiceAccount its token belongs to when the input defines it (each once).
 */
function holderRelated(rbac: ClusterRbac, holders: readonly Holder[]): RelatedReport[] {
  const out: RelatedReport[] = [];
  const accounts = new Set<K8sObject>();
  for (const { workload, tokens } of holders) {
    const token = tokens[0]!;
    const account = `${token.serviceAccount.namespace}/${token.serviceAccount.name}`;
    const how = token.via === 'automount' ? 'runs with an API token of' : 'mounts an API token of';
    out.push({ object: workload.object, path: token.path, message: `${workload.object.display} ${how} ServiceAccount ${account}` });
    const object = rbac.index.serviceAccount(token.serviceAccount.namespace, token.serviceAccount.name);
    if (object && !accounts.has(object)) {
      accounts.add(object);
      out.push({ object, message: `ServiceAccount ${account}` });
    }
  }
  return out;
}
