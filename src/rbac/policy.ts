/**
 * The RBAC authorizer over a fixed set of roles and bindings: can-i, explanations, rule listing,
 * who-can.
 *
 * Upstream: kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/rbac.go` (`RBACAuthorizer`),
 * `pkg/registry/rbac/validation/rule.go` (`DefaultRuleResolver.VisitRulesFor`, `RulesFor`,
 * `GetRoleReferenceRules`), `plugin/pkg/auth/authorizer/rbac/subject_locator.go` (`AllowedSubjects`)
 * and kubernetes/apiserver `pkg/authorization/authorizerfactory/builtin.go`
 * (`privilegedGroupAuthorizer`).
 */
import { aggregateClusterRoles } from './aggregation.js';
import type { AggregationResult, RuleOrigin } from './aggregation.js';
import { ruleAllows } from './match.js';
import {
  SYSTEM_MASTERS_GROUP,
  firstApplyingSubject,
  normalizeSubject,
  subjectUsername,
} from './subjects.js';
import type { BindingDef, PolicyRule, RequestAttributes, RoleDef, Subject, UserInfo } from './types.js';

/** API group of User and Group subjects (`rbacv1.GroupName`). */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** One rule reached through one binding: the unit of every explanation. */
export interface Grant<Src = unknown> {
  binding: BindingDef<Src>;
  /** The binding's namespace; `""` for a ClusterRoleBinding. */
  bindingNamespace: string;
  /** The first subject of the binding that applies to the user (what the authorizer reports). */
  subject: Subject;
  /** The role the binding's roleRef resolves to. */
  role: RoleDef<Src>;
  /** 0-based index into {@link Policy.effectiveRules} of `role` (not the manifest, for aggregated roles). */
  ruleIndex: number;
  rule: PolicyRule;
  /** Where the rule is written: `role` itself, or the ClusterRole it was aggregated from. */
  origin: RuleOrigin<Src>;
}

/** Why a request is allowed (or not). */
export interface Explanation<Src = unknown> {
  /** The decision: `viaSystemMasters || grants.length > 0`. */
  allowed: boolean;
  /** The user is in `system:masters`, which is allowed before RBAC is consulted. */
  viaSystemMasters: boolean;
  /** Every rule that allows the request, ClusterRoleBindings first, then RoleBindings. */
  grants: Grant<Src>[];
}

/** A binding whose subjects apply to a user. */
/** One binding that applies to a user. The same object may be returned for other users: do not modify it. */
export interface BindingMatch<Src = unknown> {
  readonly binding: BindingDef<Src>;
  /** The first subject that applies. */
  readonly subject: Subject;
  /** The resolved role; `undefined` when the roleRef dangles (the binding grants nothing). */
  readonly role: RoleDef<Src> | undefined;
}

/** One principal allowed to make a request, as answered by {@link Policy.whoCan}. */
export type WhoCanEntry<Src = unknown> =
  | {
      /** Allowed by the privileged-group authorizer, whatever RBAC says. */
      via: 'system:masters';
      subject: Subject;
    }
  | {
      via: 'binding';
      /** The subject with a ServiceAccount namespace defaulted to the binding's namespace. */
      subject: Subject;
      /** The first binding (in input order, ClusterRoleBindings first) that grants it. */
      binding: BindingDef<Src>;
      role: RoleDef<Src>;
      /** Set for RoleBindings only. */
      bindingNamespace?: string;
    };

interface ResolvedRole<Src> {
  role: RoleDef<Src>;
  rules: readonly PolicyRule[];
  /** Where each rule comes from, for an aggregated ClusterRole; other roles' rules are their own. */
  origins?: readonly RuleOrigin<Src>[];
}

interface BindingEntry<Src> {
  binding: BindingDef<Src>;
  /** Position in the de-duplicated input: orders explanations like the input. */
  ordinal: number;
  namespace: string;
  role: ResolvedRole<Src> | undefined;
  /**
   * {@link Policy.bindingsFor}'s match per subject index, made once: a binding of a group such as
   * `system:authenticated` matches every user, with the same subject each time.
   */
  matches?: BindingMatch<Src>[];
}

type Bucket<Src> = Map<string, BindingEntry<Src>[]>;

/**
 * The RoleBindings of one user or group: their list while they are all in one namespace (a
 * ServiceAccount is mostly bound in its own), else a list per namespace.
 */
type ByNamespace<Src> = BindingEntry<Src>[] | Bucket<Src>;

/**
 * An offline RBAC authorizer over a fixed set of roles and bindings.
 *
 * Build it from everything the cluster would hold: the caller merges built-in and input objects.
 * When the same kind/namespace/name appears more than once, the **later** definition wins (as a later
 * `kubectl apply` would); the earlier ones are listed in {@link Policy.shadowed}. Roles and
 * RoleBindings without a namespace are treated as being in namespace `""`, where no request ever
 * looks: default namespaces before building the policy.
 *
 * Aggregated ClusterRoles are resolved once at construction (see `aggregateClusterRoles`); bindings
 * are indexed by subject (username, ServiceAccount username, group), so `allows`, `explain`,
 * `rulesFor` and `bindingsFor` only visit bindings that can apply. `whoCan` visits every binding once,
 * evaluating each role at most once.
 */
export class Policy<Src = unknown> {
  /** Definitions replaced by a later definition of the same kind/namespace/name. */
  readonly shadowed: ReadonlyArray<RoleDef<Src> | BindingDef<Src>>;
  /** The aggregation outcome (invalid selectors, convergence) for diagnostics. */
  readonly aggregation: AggregationResult<Src>;

  readonly #roles: RoleDef<Src>[];
  readonly #bindings: BindingEntry<Src>[];
  readonly #rolesByKey = new Map<string, ResolvedRole<Src>>();
  readonly #resolved = new Map<RoleDef<Src>, ResolvedRole<Src>>();
  readonly #entryByBinding = new Map<BindingDef<Src>, BindingEntry<Src>>();
  readonly #clusterBindings: BindingEntry<Src>[] = [];
  readonly #bindingsByNamespace = new Map<string, BindingEntry<Src>[]>();
  /** ClusterRoleBindings by username (User subjects and ServiceAccount usernames) and by group. */
  readonly #clusterByUser: Bucket<Src> = new Map();
  readonly #clusterByGroup: Bucket<Src> = new Map();
  /** RoleBindings by username / group, then by namespace. */
  readonly #namespacedByUser = new Map<string, ByNamespace<Src>>();
  readonly #namespacedByGroup = new Map<string, ByNamespace<Src>>();

  /**
   * @param roles Roles and ClusterRoles, built-in and input, in precedence order (later wins).
   * @param bindings RoleBindings and ClusterRoleBindings, in precedence order (later wins).
   */
  constructor(roles: readonly RoleDef<Src>[], bindings: readonly BindingDef<Src>[]) {
    const shadowedRoles: RoleDef<Src>[] = [];
    const shadowedBindings: BindingDef<Src>[] = [];
    this.#roles = lastWins<RoleDef<Src>>(roles, roleKeyOf, shadowedRoles);
    const uniqueBindings = lastWins<BindingDef<Src>>(bindings, bindingKeyOf, shadowedBindings);
    this.shadowed = [...shadowedRoles, ...shadowedBindings];

    this.aggregation = aggregateClusterRoles(this.#roles);
    for (const role of this.#roles) {
      const aggregated = this.aggregation.aggregated.get(role);
      const resolved: ResolvedRole<Src> = aggregated
        ? { role, rules: aggregated.map((entry) => entry.rule), origins: aggregated.map((entry) => entry.origin) }
        : { role, rules: role.rules };
      this.#resolved.set(role, resolved);
      this.#rolesByKey.set(roleKeyOf(role), resolved);
    }

    this.#bindings = uniqueBindings.map((binding, ordinal) => {
      const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
      const entry: BindingEntry<Src> = { binding, ordinal, namespace, role: this.#resolveRoleRef(binding, namespace) };
      this.#entryByBinding.set(binding, entry);
      this.#index(entry);
      return entry;
    });
  }

  /** Every role after de-duplication, in input order. */
  roles(): readonly RoleDef<Src>[] {
    return this.#roles;
  }

  /** Every binding after de-duplication, in input order. */
  bindings(): readonly BindingDef<Src>[] {
    return this.#bindings.map((entry) => entry.binding);
  }

  /** Whether the policy holds this very definition (it was not shadowed by a later one of the same name). */
  holds(role: RoleDef<Src>): boolean {
    // Only the roles that won their name were resolved.
    return this.#resolved.has(role);
  }

  /** The Role `namespace/name` or, without a namespace, the ClusterRole `name`. */
  getRole(kind: 'Role' | 'ClusterRole', name: string, namespace?: string): RoleDef<Src> | undefined {
    return this.#rolesByKey.get(kind === 'Role' ? `Role\0${namespace ?? ''}\0${name}` : `ClusterRole\0${name}`)?.role;
  }

  /**
   * The rules the authorizer evaluates for a role: for a ClusterRole with an aggregationRule, the
   * aggregated rules (its written rules are replaced); otherwise the rules as written. A role that is
   * not part of this policy (e.g. a shadowed one) yields its written rules.
   */
  effectiveRules(role: RoleDef<Src>): readonly PolicyRule[] {
    return this.#resolved.get(role)?.rules ?? role.rules;
  }

  /**
   * The role a binding's roleRef resolves to, or `undefined` when it dangles.
   * `kind: Role` is looked up in the **binding's** namespace (a ClusterRoleBinding cannot reference
   * a Role); `kind: ClusterRole` by name; any other kind resolves to nothing. `roleRef.apiGroup` is
   * not consulted, as in the authorizer.
   */
  roleFor(binding: BindingDef<Src>): RoleDef<Src> | undefined {
    const entry = this.#entryByBinding.get(binding);
    if (entry) return entry.role?.role;
    const namespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
    return this.#resolveRoleRef(binding, namespace)?.role;
  }

  /**
   * Bindings whose roleRef resolves to no role: they grant nothing now, and start granting as soon as
   * a role of that name is created. In input order.
   */
  danglingBindings(): BindingDef<Src>[] {
    return this.#bindings.filter((entry) => entry.role === undefined).map((entry) => entry.binding);
  }

  /**
   * The authorizer's decision (can-i).
   *
   * 1. A user in `system:masters` is allowed before RBAC is consulted.
   * 2. Every ClusterRoleBinding whose subjects apply contributes its ClusterRole's rules.
   * 3. Only for a resource request with a non-empty namespace, every RoleBinding in exactly that
   *    namespace whose subjects apply contributes its Role (from that namespace) or ClusterRole.
   *
   * Cluster-scoped, all-namespaces and non-resource requests have namespace `""`, so a RoleBinding —
   * even to a ClusterRole — never grants cluster-scoped resources or nonResourceURLs. The one
   * exception is the Namespace object itself: `get namespaces/X` carries namespace `X` (and name `X`)
   * in its attributes, so a RoleBinding in `X` can grant it; callers build such attributes (see
   * `requestinfo.go`). Bindings with a dangling roleRef contribute nothing.
   */
  allows(user: UserInfo, attrs: RequestAttributes): boolean {
    // kubernetes/apiserver pkg/authorization/authorizerfactory/builtin.go privilegedGroupAuthorizer,
    // installed before RBAC by kubernetes/kubernetes pkg/kubeapiserver/authorizer (reload.go/config.go).
    if (isSystemMasters(user)) return true;
    // plugin/pkg/auth/authorizer/rbac/rbac.go Authorize + authorizingVisitor: allow on the first match.
    // Many bindings share a role, so each distinct role is evaluated once.
    const checked = new Set<ResolvedRole<Src>>();
    for (const entry of this.#candidates(user, requestNamespace(attrs))) {
      if (entry.role === undefined || checked.has(entry.role)) continue;
      checked.add(entry.role);
      if (entry.role.rules.some((rule) => ruleAllows(rule, attrs))) return true;
    }
    return false;
  }

  /**
   * Every (binding, role, rule) that allows the request, in the authorizer's visiting order
   * (ClusterRoleBindings, then RoleBindings of the request namespace; input order within each), and
   * whether `system:masters` allows it anyway.
   */
  explain(user: UserInfo, attrs: RequestAttributes): Explanation<Src> {
    const viaSystemMasters = isSystemMasters(user);
    const grants = this.#grants(user, requestNamespace(attrs), attrs);
    return { allowed: viaSystemMasters || grants.length > 0, viaSystemMasters, grants };
  }

  /**
   * The rules visible to the user in `namespace` (`""` = cluster scope only): the rules of every
   * applying ClusterRoleBinding, then, when `namespace` is non-empty, of every applying RoleBinding
   * in it. This is what `kubectl auth can-i --list` shows; `system:masters` is not expressed as rules
   * (check {@link isSystemMasters}).
   * Upstream: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go DefaultRuleResolver.RulesFor.
   */
  rulesFor(user: UserInfo, namespace: string): Grant<Src>[] {
    return this.#grants(user, namespace);
  }

  /**
   * Every binding, in any namespace, whose subjects apply to the user — with dangling ones (role
   * `undefined`). Use it to list what a workload's ServiceAccount is granted where.
   */
  bindingsFor(user: UserInfo): BindingMatch<Src>[] {
    const entries = new Set<BindingEntry<Src>>();
    const addAll = (list: readonly BindingEntry<Src>[] | undefined): void => {
      for (const entry of list ?? []) entries.add(entry);
    };
    addAll(this.#clusterByUser.get(user.name));
    for (const list of everyNamespace(this.#namespacedByUser.get(user.name))) addAll(list);
    for (const group of user.groups) {
      addAll(this.#clusterByGroup.get(group));
      for (const list of everyNamespace(this.#namespacedByGroup.get(group))) addAll(list);
    }
    // Of the exact size: callers keep a list per ServiceAccount (an array grown by push has room for 17).
    const out = new Array<BindingMatch<Src>>(entries.size);
    let length = 0;
    for (const entry of [...entries].sort(byOrdinal)) {
      const index = firstApplyingSubject(entry.binding.subjects, user, entry.namespace);
      const subject = entry.binding.subjects[index];
      if (subject) out[length++] = (entry.matches ??= [])[index] ??= { binding: entry.binding, subject, role: entry.role?.role };
    }
    out.length = length;
    return out;
  }

  /**
   * The subjects allowed to make the request: `Group system:masters` first, then the subjects of
   * every ClusterRoleBinding whose role allows it, then (namespace non-empty) those of every
   * RoleBinding in that namespace whose role allows it. Subjects are de-duplicated by kind, name and
   * (for ServiceAccounts) namespace, keeping the first binding; a ServiceAccount subject without
   * namespace gets the binding's. Unlike upstream, subjects that can never match anyone (unknown
   * kinds, a ServiceAccount without any namespace) are left out. Query values are literal: verb `*`
   * matches only rules listing `*`, namespace `*` is just a namespace name.
   * Upstream: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/subject_locator.go AllowedSubjects.
   */
  whoCan(attrs: RequestAttributes): WhoCanEntry<Src>[] {
    const result: WhoCanEntry<Src>[] = [
      { via: 'system:masters', subject: { kind: 'Group', apiGroup: RBAC_API_GROUP, name: SYSTEM_MASTERS_GROUP } },
    ];
    const seen = new Set<string>([subjectKey({ kind: 'Group', name: SYSTEM_MASTERS_GROUP })]);
    const verdicts = new Map<ResolvedRole<Src>, boolean>();
    const roleAllows = (role: ResolvedRole<Src>): boolean => {
      let verdict = verdicts.get(role);
      if (verdict === undefined) {
        verdict = role.rules.some((rule) => ruleAllows(rule, attrs));
        verdicts.set(role, verdict);
      }
      return verdict;
    };
    const visit = (entries: readonly BindingEntry<Src>[]): void => {
      for (const entry of entries) {
        if (entry.role === undefined || !roleAllows(entry.role)) continue;
        for (const raw of entry.binding.subjects) {
          const subject = normalizeSubject(raw, entry.namespace);
          if (subject === undefined) continue;
          const key = subjectKey(subject);
          if (seen.has(key)) continue;
          seen.add(key);
          result.push({
            via: 'binding',
            subject,
            binding: entry.binding,
            role: entry.role.role,
            ...(entry.binding.kind === 'RoleBinding' ? { bindingNamespace: entry.namespace } : {}),
          });
        }
      }
    };
    visit(this.#clusterBindings);
    const namespace = requestNamespace(attrs);
    if (namespace !== '') visit(this.#bindingsByNamespace.get(namespace) ?? []);
    return result;
  }

  #resolveRoleRef(binding: BindingDef<Src>, namespace: string): ResolvedRole<Src> | undefined {
    // pkg/registry/rbac/validation/rule.go GetRoleReferenceRules: switch on roleRef.kind only.
    switch (binding.roleRef.kind) {
      case 'Role':
        // GetRole(bindingNamespace, name); an empty namespace (ClusterRoleBinding) finds nothing.
        return namespace === '' ? undefined : this.#rolesByKey.get(`Role\0${namespace}\0${binding.roleRef.name}`);
      case 'ClusterRole':
        return this.#rolesByKey.get(`ClusterRole\0${binding.roleRef.name}`);
      default:
        return undefined;
    }
  }

  #index(entry: BindingEntry<Src>): void {
    const { binding, namespace } = entry;
    const cluster = binding.kind === 'ClusterRoleBinding';
    if (cluster) this.#clusterBindings.push(entry);
    else push(this.#bindingsByNamespace, namespace, entry);
    // A binding listing the same principal twice is indexed once.
    const users = new Set<string>();
    const groups = new Set<string>();
    for (const subject of binding.subjects) {
      if (subject.kind === 'Group') groups.add(subject.name);
      const username = subjectUsername(subject, namespace);
      if (username !== undefined) users.add(username);
    }
    for (const user of users) {
      if (cluster) push(this.#clusterByUser, user, entry);
      else addInNamespace(this.#namespacedByUser, user, entry);
    }
    for (const group of groups) {
      if (cluster) push(this.#clusterByGroup, group, entry);
      else addInNamespace(this.#namespacedByGroup, group, entry);
    }
  }

  /**
   * Bindings that may apply to the user for a request in `namespace`, ClusterRoleBindings first.
   * May repeat a binding (user and group both match); callers that list must de-duplicate.
   * Mirrors pkg/registry/rbac/validation/rule.go VisitRulesFor: RoleBindings only when namespace ≠ "".
   */
  *#candidates(user: UserInfo, namespace: string): Generator<BindingEntry<Src>> {
    yield* this.#clusterByUser.get(user.name) ?? [];
    for (const group of user.groups) yield* this.#clusterByGroup.get(group) ?? [];
    if (namespace === '') return;
    yield* inNamespace(this.#namespacedByUser.get(user.name), namespace);
    for (const group of user.groups) yield* inNamespace(this.#namespacedByGroup.get(group), namespace);
  }

  /** Grants of the bindings applying in `namespace`; only rules allowing `attrs` when it is given. */
  #grants(user: UserInfo, namespace: string, attrs?: RequestAttributes): Grant<Src>[] {
    const entries = [...new Set(this.#candidates(user, namespace))].sort(byScopeThenOrdinal);
    const matching = new Map<ResolvedRole<Src>, number[]>();
    const indicesOf = (resolved: ResolvedRole<Src>): number[] => {
      let indices = matching.get(resolved);
      if (indices === undefined) {
        indices = [];
        for (const [index, rule] of resolved.rules.entries()) {
          if (attrs === undefined || ruleAllows(rule, attrs)) indices.push(index);
        }
        matching.set(resolved, indices);
      }
      return indices;
    };
    const grants: Grant<Src>[] = [];
    for (const entry of entries) {
      if (entry.role === undefined) continue;
      const indices = indicesOf(entry.role);
      if (indices.length === 0) continue;
      const subject = entry.binding.subjects[firstApplyingSubject(entry.binding.subjects, user, entry.namespace)];
      if (subject === undefined) continue;
      const { role, rules, origins } = entry.role;
      for (const ruleIndex of indices) {
        const rule = rules[ruleIndex];
        if (rule === undefined) continue;
        const origin = origins?.[ruleIndex] ?? { role, ruleIndex };
        grants.push({ binding: entry.binding, bindingNamespace: entry.namespace, subject, role, ruleIndex, rule, origin });
      }
    }
    return grants;
  }
}

/**
 * Whether the user is in `system:masters`, which kube-apiserver allows before RBAC (not revocable by
 * removing bindings).
 * Upstream: kubernetes/apiserver pkg/authorization/authorizerfactory/builtin.go privilegedGroupAuthorizer.
 */
export function isSystemMasters(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS_GROUP);
}

/**
 * The namespace RBAC consults: `""` for non-resource requests, which carry none
 * (kubernetes/apiserver pkg/endpoints/request/requestinfo.go: namespaces are parsed for API paths only).
 */
function requestNamespace(attrs: RequestAttributes): string {
  return attrs.kind === 'resource' ? attrs.namespace : '';
}

function roleKeyOf(role: RoleDef<unknown>): string {
  return role.kind === 'Role' ? `Role\0${role.namespace ?? ''}\0${role.name}` : `ClusterRole\0${role.name}`;
}

function bindingKeyOf(binding: BindingDef<unknown>): string {
  return binding.kind === 'RoleBinding'
    ? `RoleBinding\0${binding.namespace ?? ''}\0${binding.name}`
    : `ClusterRoleBinding\0${binding.name}`;
}

/** Keeps the last definition per key, at the position of that last definition. */
function lastWins<T>(items: readonly T[], keyOf: (item: T) => string, shadowed: T[]): T[] {
  const last = new Map<string, number>();
  items.forEach((item, index) => last.set(keyOf(item), index));
  return items.filter((item, index) => {
    const keep = last.get(keyOf(item)) === index;
    if (!keep) shadowed.push(item);
    return keep;
  });
}

/** De-duplication key (subject_locator.go AllowedSubjects compares subjects; apiGroup is ignored here). */
function subjectKey(subject: Subject): string {
  return subject.kind === 'ServiceAccount'
    ? `${subject.kind}\0${subject.namespace ?? ''}\0${subject.name}`
    : `${subject.kind}\0${subject.name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addInNamespace<Src>(map: Map<string, ByNamespace<Src>>, key: string, entry: BindingEntry<Src>): void {
  const held = map.get(key);
  if (held === undefined) map.set(key, [entry]);
  else if (!Array.isArray(held)) push(held, entry.namespace, entry);
  else if (held[0]!.namespace === entry.namespace) held.push(entry);
  else map.set(key, new Map([[held[0]!.namespace, held], [entry.namespace, [entry]]]));
}

function inNamespace<Src>(held: ByNamespace<Src> | undefined, namespace: string): readonly BindingEntry<Src>[] {
  if (held === undefined) return [];
  if (Array.isArray(held)) return held[0]!.namespace === namespace ? held : [];
  return held.get(namespace) ?? [];
}

function everyNamespace<Src>(held: ByNamespace<Src> | undefined): Iterable<readonly BindingEntry<Src>[]> {
  if (held === undefined) return [];
  return Array.isArray(held) ? [held] : held.values();
}

function byOrdinal(a: BindingEntry<unknown>, b: BindingEntry<unknown>): number {
  return a.ordinal - b.ordinal;
}

function byScopeThenOrdinal(a: BindingEntry<unknown>, b: BindingEntry<unknown>): number {
  const scope = Number(a.binding.kind === 'RoleBinding') - Number(b.binding.kind === 'RoleBinding');
  return scope !== 0 ? scope : a.ordinal - b.ordinal;
}
