import type { AggregationRule, Subject } from 'kubernetes-types/rbac/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { asArray, asRecord, mapDefined, stringList, type Index, type K8sObject, type Workload } from '../model/index.js';
import { apiTokensOf, type ApiToken } from '../model/token.js';
import { labelSelectorMatches } from './aggregation.js';
import { builtinBindings, builtinRoles } from './builtin.js';
import { Policy, type BindingMatch } from './policy.js';
import { serviceAccountUser } from './subjects.js';
import type { BindingDef, PolicyRule, RoleDef } from './types.js';

/** Origin handle of RBAC objects: the input object, or undefined for built-in ones. */
export type RbacSource = K8sObject | undefined;

/** Which bindings grant each role: directly, and which aggregated ClusterRoles select it (transitively). */
interface GrantIndex {
  bindingsByRole: Map<RoleDef<RbacSource>, BindingDef<RbacSource>[]>;
  aggregatedInto: Map<RoleDef<RbacSource>, Set<RoleDef<RbacSource>>>;
}

/** Options of {@link ClusterRbac}. */
export interface ClusterRbacOptions {
  /**
   * Include the default roles and bindings every cluster has (default true). Even when true, they
   * are left out when the context holds a cluster's own (see {@link ClusterRbac.builtinsFromContext}).
   */
  builtins?: boolean;
}

/** Label of the default RBAC objects a kube-apiserver creates (bootstrap policy). */
export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
export const RBAC_DEFAULTS = 'rbac-defaults';

/** A workload that holds a grant: it runs as (or mounts a token of) a subject of the binding. */
export interface Holder {
  readonly workload: Workload;
  /** The API tokens its pods receive for that ServiceAccount; empty when none is mounted. */
  readonly tokens: readonly ApiToken[];
}

/**
 * The RBAC of the input plus the built-in policy, with what the lint rules need on top of the
 * authorizer: which bindings grant a role (directly or through aggregation) and which workloads
 * hold each binding's rights.
 */
export class ClusterRbac {
  readonly policy: Policy<RbacSource>;
  private readonly defByObject = new Map<K8sObject, RoleDef<RbacSource> | BindingDef<RbacSource>>();
  private grants: GrantIndex | undefined;
  private holdersByBinding: Map<BindingDef<RbacSource>, Holder[]> | undefined;
  /** {@link accountBindings} by namespace, then name. */
  private readonly bindingsOfAccounts = new Map<string, Map<string, readonly BindingMatch<RbacSource>[]>>();
  /**
   * True when context-only sources (a cluster dump) hold ClusterRoles or ClusterRoleBindings
   * labelled `kubernetes.io/bootstrapping: rbac-defaults`: the cluster's own defaults are then
   * authoritative and rbaclint's built-in data is not added. Namespaced ones do not decide it: a
   * dump of some namespaces holds none of the cluster-wide defaults (and `can-i -n` does not read
   * other namespaces' Roles).
   */
  readonly builtinsFromContext: boolean;

  constructor(
    /** The input the policy was built from. */
    readonly index: Index,
    options: ClusterRbacOptions = {},
  ) {
    this.builtinsFromContext = [...index.roles(), ...index.bindings()].some((o) => (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') && isClusterDefault(o));
    const addBuiltins = options.builtins !== false && !this.builtinsFromContext;
    // Built-in definitions carry no source, so they fit any source type.
    const roles = (addBuiltins ? [...builtinRoles()] : []) as RoleDef<RbacSource>[];
    const bindings = (addBuiltins ? [...builtinBindings()] : []) as BindingDef<RbacSource>[];
    for (const object of index.roles()) {
      const def = roleDefOf(object);
      roles.push(def);
      this.defByObject.set(object, def);
    }
    for (const object of index.bindings()) {
      const def = bindingDefOf(object);
      if (!def) continue;
      bindings.push(def);
      this.defByObject.set(object, def);
    }
    this.policy = new Policy(roles, bindings);
  }

  /** Built on first use ({@link bindingsGranting}): the queries never ask. */
  private grantIndex(): GrantIndex {
    if (this.grants) return this.grants;
    const bindingsByRole = new Map<RoleDef<RbacSource>, BindingDef<RbacSource>[]>();
    const aggregatedInto = new Map<RoleDef<RbacSource>, Set<RoleDef<RbacSource>>>();
    for (const binding of this.policy.bindings()) {
      const role = this.policy.roleFor(binding);
      if (!role) continue;
      const list = bindingsByRole.get(role);
      if (list) list.push(binding);
      else bindingsByRole.set(role, [binding]);
    }
    // Which aggregated ClusterRoles select each ClusterRole, transitively (admin selects edit, which
    // selects every aggregate-to-edit role). Taken from the selectors, not from the origins of the
    // aggregated rules: the controller drops a rule DeepEqual to one already collected, and a role
    // whose rules were all dropped that way is still granted by every binding of the aggregated role
    // (clusterroleaggregation_controller.go syncClusterRole).
    const selectedBy = new Map<RoleDef<RbacSource>, RoleDef<RbacSource>[]>();
    for (const aggregated of this.policy.aggregation.aggregated.keys()) {
      const selectors = aggregated.aggregationRule?.clusterRoleSelectors ?? [];
      for (const role of this.policy.roles()) {
        if (role.kind !== 'ClusterRole' || role.name === aggregated.name) continue;
        if (!selectors.some((selector) => labelSelectorMatches(selector, role.labels))) continue;
        const list = selectedBy.get(role);
        if (list) list.push(aggregated);
        else selectedBy.set(role, [aggregated]);
      }
    }
    for (const [role, direct] of selectedBy) {
      const into = new Set<RoleDef<RbacSource>>();
      const queue = [...direct];
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        if (next === role || into.has(next)) continue;
        into.add(next);
        queue.push(...(selectedBy.get(next) ?? []));
      }
      aggregatedInto.set(role, into);
    }
    this.grants = { bindingsByRole, aggregatedInto };
    return this.grants;
  }

  /** The definition the policy holds for an input Role/ClusterRole, if it was not shadowed. */
  roleOf(object: K8sObject): RoleDef<RbacSource> | undefined {
    const def = this.defByObject.get(object);
    return def && 'rules' in def && this.policy.holds(def) ? def : undefined;
  }

  /** The definition of an input binding. */
  bindingOf(object: K8sObject): BindingDef<RbacSource> | undefined {
    const def = this.defByObject.get(object);
    return def && 'roleRef' in def ? def : undefined;
  }

  /** The role an input binding's roleRef resolves to (input or built-in), if any. */
  roleForBinding(object: K8sObject): RoleDef<RbacSource> | undefined {
    const def = this.bindingOf(object);
    return def ? this.policy.roleFor(def) : undefined;
  }

  /** The rules a role really has (aggregated ClusterRoles: the union of the selected roles). */
  effectiveRules(role: RoleDef<RbacSource>): readonly PolicyRule[] {
    return this.policy.effectiveRules(role);
  }

  /**
   * Every binding whose role carries this role's rules: bindings of the role itself and of every
   * aggregated ClusterRole that selects it (an `aggregate-to-edit` role is granted by each binding
   * of `edit` and, through `edit`, of `admin`).
   */
  bindingsGranting(role: RoleDef<RbacSource>): BindingDef<RbacSource>[] {
    const { bindingsByRole, aggregatedInto } = this.grantIndex();
    const out = [...(bindingsByRole.get(role) ?? [])];
    for (const aggregated of aggregatedInto.get(role) ?? []) out.push(...(bindingsByRole.get(aggregated) ?? []));
    return out;
  }

  /**
   * The bindings that apply to the ServiceAccount `namespace/name` ({@link Policy.bindingsFor} of its
   * user), computed once per account: rules ask per workload, and many workloads share one.
   */
  accountBindings(namespace: string, name: string): readonly BindingMatch<RbacSource>[] {
    let byName = this.bindingsOfAccounts.get(namespace);
    if (!byName) this.bindingsOfAccounts.set(namespace, (byName = new Map()));
    let matches = byName.get(name);
    if (!matches) byName.set(name, (matches = this.policy.bindingsFor(serviceAccountUser(namespace, name))));
    return matches;
  }

  /** Workloads whose ServiceAccount (or a mounted token's) is a subject of the binding. */
  holders(binding: BindingDef<RbacSource>): readonly Holder[] {
    if (!this.holdersByBinding) {
      const map = new Map<BindingDef<RbacSource>, Holder[]>();
      for (const workload of this.index.workloads()) {
        const tokens = apiTokensOf(workload, this.index);
        const accounts = new Map<string, { namespace: string; name: string }>();
        accounts.set(`${workload.namespace}/${workload.serviceAccountName}`, {
          namespace: workload.namespace,
          name: workload.serviceAccountName,
        });
        for (const token of tokens) accounts.set(`${token.serviceAccount.namespace}/${token.serviceAccount.name}`, token.serviceAccount);
        for (const account of accounts.values()) {
          const own =
            accounts.size === 1 ? tokens : tokens.filter((t) => t.serviceAccount.namespace === account.namespace && t.serviceAccount.name === account.name);
          // One holder for every binding of the account (bindings of groups such as
          // system:authenticated hold every workload).
          const holder: Holder = { workload, tokens: own };
          for (const match of this.accountBindings(account.namespace, account.name)) {
            const list = map.get(match.binding);
            // Workloads are visited in turn, so a workload already listed is the last entry: a
            // constant-time check.
            if (!list) map.set(match.binding, [holder]);
            else if (list.at(-1)?.workload !== workload) list.push(holder);
          }
        }
      }
      this.holdersByBinding = map;
    }
    return this.holdersByBinding.get(binding) ?? [];
  }
}

/**
 * The RBAC engine's view of an input Role or ClusterRole. Manifests are untrusted: every field is
 * re-typed here (non-string list entries and malformed rules or selectors are dropped), so the
 * authorizer only ever sees well-typed data, whatever the input says.
 */
function roleDefOf(object: K8sObject): RoleDef<RbacSource> {
  const aggregationRule = aggregationRuleOf(object.get(['aggregationRule']));
  return {
    kind: object.kind === 'Role' ? 'Role' : 'ClusterRole',
    name: object.name,
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    labels: object.labels,
    rules: mapDefined(asArray(object.get(['rules'])), (raw) => {
      const rule = asRecord(raw);
      if (!rule) return undefined;
      const out: PolicyRule = { verbs: stringList(rule.verbs) };
      for (const field of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
        if (rule[field] !== undefined) out[field] = stringList(rule[field]);
      }
      return out;
    }),
    ...(aggregationRule ? { aggregationRule } : {}),
    builtin: isClusterDefault(object),
    source: object,
  };
}

/** A well-typed aggregationRule, or undefined when the field is absent or not an object. */
function aggregationRuleOf(value: unknown): AggregationRule | undefined {
  const rule = asRecord(value);
  if (!rule) return undefined;
  const selectors = asArray(rule.clusterRoleSelectors).flatMap((raw): LabelSelector[] => {
    const selector = asRecord(raw);
    if (!selector) return [];
    const matchLabels = Object.fromEntries(
      Object.entries(asRecord(selector.matchLabels) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const matchExpressions = asArray(selector.matchExpressions).flatMap((rawExpression) => {
      const e = asRecord(rawExpression);
      if (typeof e?.key !== 'string' || typeof e.operator !== 'string') return [];
      return [{ key: e.key, operator: e.operator, ...(e.values === undefined ? {} : { values: [...stringList(e.values)] }) }];
    });
    return [
      {
        ...(selector.matchLabels === undefined ? {} : { matchLabels }),
        ...(selector.matchExpressions === undefined ? {} : { matchExpressions }),
      },
    ];
  });
  return { clusterRoleSelectors: selectors };
}

/** The RBAC engine's view of an input binding; undefined when its roleRef is malformed. */
function bindingDefOf(object: K8sObject): BindingDef<RbacSource> | undefined {
  const roleRef = asRecord(object.get(['roleRef']));
  if (typeof roleRef?.kind !== 'string' || typeof roleRef.name !== 'string') return undefined;
  return {
    kind: object.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding',
    name: object.name,
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    roleRef: { apiGroup: typeof roleRef.apiGroup === 'string' ? roleRef.apiGroup : '', kind: roleRef.kind, name: roleRef.name },
    subjects: mapDefined(asArray(object.get(['subjects'])), (raw): Subject | undefined => {
      const s = asRecord(raw);
      if (typeof s?.kind !== 'string' || typeof s.name !== 'string') return undefined;
      return {
        kind: s.kind,
        name: s.name,
        ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}),
        ...(typeof s.apiGroup === 'string' ? { apiGroup: s.apiGroup } : {}),
      };
    }),
    builtin: isClusterDefault(object),
    source: object,
  };
}

/** A default object of a cluster dump (context only, labelled `kubernetes.io/bootstrapping: rbac-defaults`). */
function isClusterDefault(object: K8sObject): boolean {
  return object.manifest.file.contextOnly && object.labels[BOOTSTRAPPING_LABEL] === RBAC_DEFAULTS;
}
