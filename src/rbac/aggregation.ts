/**
 * Label selectors and ClusterRole aggregation.
 *
 * Upstream: kubernetes/apimachinery `pkg/apis/meta/v1/helpers.go` (`LabelSelectorAsSelector`),
 * `pkg/labels/selector.go` (`NewRequirement`, `Requirement.Matches`) and kubernetes/kubernetes
 * `pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go` (`syncClusterRole`,
 * `ruleExists`, `enqueue`).
 */
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1.js';
import type { PolicyRule, RoleDef } from './types.js';

export type { LabelSelector, LabelSelectorRequirement };

/** Labels of an object. */
export type Labels = Readonly<Record<string, string>>;

/** A compiled label selector: a predicate over labels. */
export type LabelPredicate = (labels: Labels) => boolean;

/** Result of compiling a selector: the predicate, or why the API server would reject it. */
export type CompiledSelector = { ok: true; matches: LabelPredicate } | { ok: false; error: string };

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Compiles a label selector exactly as `metav1.LabelSelectorAsSelector`:
 * `undefined`/`null` selects nothing; a selector with no matchLabels and no matchExpressions
 * (`{}`) selects everything; otherwise every matchLabels pair (Equals) AND every matchExpressions
 * requirement must hold. `In` needs the key present with a listed value, `NotIn` matches objects
 * lacking the key or with an unlisted value, `Exists`/`DoesNotExist` test the key only.
 * Invalid selectors (unknown operator, wrong number of values, invalid key or value) are errors,
 * as `labels.NewRequirement` makes them.
 *
 * Upstream: kubernetes/apimachinery pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector;
 * pkg/labels/selector.go NewRequirement and Requirement.Matches.
 */
export function compileLabelSelector(selector: LabelSelector | null | undefined): CompiledSelector {
  if (selector === undefined || selector === null) return { ok: true, matches: () => false };
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return { ok: true, matches: () => true };

  const predicates: LabelPredicate[] = [];
  for (const [key, value] of matchLabels) {
    const error = validateKey(key) ?? validateValue(value);
    if (error !== undefined) return { ok: false, error };
    predicates.push((labels) => hasLabel(labels, key) && labels[key] === value);
  }
  for (const expression of expressions) {
    const compiled = compileRequirement(expression);
    if (!compiled.ok) return compiled;
    predicates.push(compiled.matches);
  }
  return { ok: true, matches: (labels) => predicates.every((predicate) => predicate(labels)) };
}

/**
 * Whether `labels` satisfy the selector; an invalid selector matches nothing here (see
 * {@link compileLabelSelector} to tell the two apart).
 */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  const compiled = compileLabelSelector(selector);
  return compiled.ok && compiled.matches(labels);
}

function compileRequirement(requirement: LabelSelectorRequirement): CompiledSelector {
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  const keyError = validateKey(key);
  if (keyError !== undefined) return { ok: false, error: keyError };
  switch (operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) return { ok: false, error: `operator ${operator} of key "${key}" needs values` };
      for (const value of values) {
        const valueError = validateValue(value);
        if (valueError !== undefined) return { ok: false, error: valueError };
      }
      const set = new Set(values);
      return operator === 'In'
        ? { ok: true, matches: (labels) => hasLabel(labels, key) && set.has(labels[key] ?? '') }
        : { ok: true, matches: (labels) => !hasLabel(labels, key) || !set.has(labels[key] ?? '') };
    }
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return { ok: false, error: `operator ${operator} of key "${key}" takes no values` };
      return operator === 'Exists'
        ? { ok: true, matches: (labels) => hasLabel(labels, key) }
        : { ok: true, matches: (labels) => !hasLabel(labels, key) };
    default:
      return { ok: false, error: `"${operator}" is not a valid label selector operator` };
  }
}

function hasLabel(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

/** kubernetes/apimachinery pkg/util/validation/validation.go IsQualifiedName. */
function validateKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const validPrefix = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!validPrefix || name.length > 63 || !QUALIFIED_NAME.test(name)) return `invalid label key "${key}"`;
  return undefined;
}

/** kubernetes/apimachinery pkg/util/validation/validation.go IsValidLabelValue. */
function validateValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) return `invalid label value "${value}"`;
  return undefined;
}

/**
 * Structural equality of two rules with nil ≡ empty lists and order-sensitive lists, like
 * `equality.Semantic.DeepEqual` on `rbacv1.PolicyRule`.
 * Upstream: kubernetes/kubernetes pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go ruleExists.
 */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return ruleKey(a) === ruleKey(b);
}

/** A string that is equal for two rules exactly when {@link rulesEqual} holds. */
export function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([
    rule.verbs ?? [],
    rule.apiGroups ?? [],
    rule.resources ?? [],
    rule.resourceNames ?? [],
    rule.nonResourceURLs ?? [],
  ]);
}

/** Where a rule was written: the role whose manifest lists it, and its index there. */
export interface RuleOrigin<Src = unknown> {
  role: RoleDef<Src>;
  ruleIndex: number;
}

/** A rule together with the role it was written in. */
export interface RuleWithOrigin<Src = unknown> {
  rule: PolicyRule;
  origin: RuleOrigin<Src>;
}

/**
 * One controller sync of `target` against the given ClusterRoles: for each selector in order, the
 * matching ClusterRoles sorted by name, skipping `target` itself, contribute their rules; rules
 * DeepEqual to one already collected are dropped; the result **replaces** `target.rules`.
 * Returns `undefined` when `target` has no aggregationRule (the controller leaves it alone) and an
 * error when a selector is invalid (the controller fails the sync and leaves the rules as written).
 *
 * Upstream: kubernetes/kubernetes pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go syncClusterRole.
 */
export function syncClusterRole<Src>(
  target: RoleDef<Src>,
  clusterRoles: readonly RoleDef<Src>[],
): { ok: true; rules: PolicyRule[] } | { ok: false; error: string } | undefined {
  const aggregation = new ClusterRoleAggregation(clusterRoles);
  const state = aggregation.initialState();
  const plan = aggregation.planFor(target);
  if (plan === undefined) return undefined;
  if (!plan.ok) return plan;
  return { ok: true, rules: aggregation.sync(plan.sources, state).map((entry) => entry.rule) };
}

/** An aggregated ClusterRole with a selector the API server would reject. */
export interface InvalidAggregation<Src = unknown> {
  role: RoleDef<Src>;
  error: string;
}

/** Outcome of {@link aggregateClusterRoles}. */
export interface AggregationResult<Src = unknown> {
  /**
   * Effective rules of every ClusterRole that has an aggregationRule (and valid selectors), each rule
   * with its origin. ClusterRoles absent from the map keep their written rules.
   */
  aggregated: Map<RoleDef<Src>, readonly RuleWithOrigin<Src>[]>;
  /** Aggregated ClusterRoles left with their written rules because a selector is invalid. */
  invalid: InvalidAggregation<Src>[];
  /** Rounds run until nothing changed (or the bound was hit). */
  rounds: number;
  /** False when the bound was hit before a fixed point: only possible with aggregation cycles. */
  converged: boolean;
}

/**
 * Resolves every aggregated ClusterRole to the fixed point the controller converges to.
 *
 * The controller re-queues **every** aggregated ClusterRole whenever any ClusterRole changes, so a
 * matched role that is itself aggregated contributes its aggregated rules (chains such as
 * view ⊂ edit ⊂ admin). We sync all aggregated roles in name order, each reading the latest state,
 * starting from the written rules, and repeat until a round changes nothing. Acyclic chains of n
 * aggregated roles settle within n + 1 rounds; cycles stop at `maxRounds` (default: number of aggregated roles + 2)
 * with `converged: false`. Only `kind: ClusterRole` entries take part; Roles never aggregate.
 *
 * Upstream: kubernetes/kubernetes pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go
 * syncClusterRole and enqueue ("just queue up every thing each time").
 */
export function aggregateClusterRoles<Src>(
  roles: readonly RoleDef<Src>[],
  options: { maxRounds?: number } = {},
): AggregationResult<Src> {
  const clusterRoles = roles.filter((role) => role.kind === 'ClusterRole');
  const aggregation = new ClusterRoleAggregation(clusterRoles);
  const state = aggregation.initialState();
  const invalid: InvalidAggregation<Src>[] = [];
  const plans: Array<{ role: RoleDef<Src>; sources: readonly RoleDef<Src>[] }> = [];
  for (const role of [...clusterRoles].sort(byName)) {
    const plan = aggregation.planFor(role);
    if (plan === undefined) continue;
    if (plan.ok) plans.push({ role, sources: plan.sources });
    else invalid.push({ role, error: plan.error });
  }

  const maxRounds = options.maxRounds ?? plans.length + 2;
  let rounds = 0;
  let converged = plans.length === 0;
  while (!converged && rounds < maxRounds) {
    rounds++;
    let changed = false;
    for (const { role, sources } of plans) {
      const next = aggregation.sync(sources, state);
      if (!sameRules(next, state.get(role) ?? [])) {
        state.set(role, next);
        changed = true;
      }
    }
    converged = !changed;
  }

  const aggregated = new Map<RoleDef<Src>, readonly RuleWithOrigin<Src>[]>();
  for (const { role } of plans) aggregated.set(role, state.get(role) ?? []);
  return { aggregated, invalid, rounds, converged };
}

type AggregationState<Src> = Map<RoleDef<Src>, readonly RuleWithOrigin<Src>[]>;

/** Selector evaluation is done once: labels do not change while rules propagate. */
class ClusterRoleAggregation<Src> {
  readonly #clusterRoles: readonly RoleDef<Src>[];

  constructor(clusterRoles: readonly RoleDef<Src>[]) {
    this.#clusterRoles = clusterRoles;
  }

  initialState(): AggregationState<Src> {
    const state: AggregationState<Src> = new Map();
    for (const role of this.#clusterRoles) {
      state.set(
        role,
        role.rules.map((rule, ruleIndex) => ({ rule, origin: { role, ruleIndex } })),
      );
    }
    return state;
  }

  /** The roles whose rules `target` collects, in the controller's order (selector, then name). */
  planFor(
    target: RoleDef<Src>,
  ): { ok: true; sources: readonly RoleDef<Src>[] } | { ok: false; error: string } | undefined {
    if (target.aggregationRule === undefined) return undefined;
    const sources: RoleDef<Src>[] = [];
    for (const selector of target.aggregationRule.clusterRoleSelectors ?? []) {
      const compiled = compileLabelSelector(selector);
      if (!compiled.ok) return compiled;
      const matched = this.#clusterRoles.filter((role) => compiled.matches(role.labels)).sort(byName);
      for (const role of matched) {
        if (role.name !== target.name) sources.push(role);
      }
    }
    return { ok: true, sources };
  }

  sync(sources: readonly RoleDef<Src>[], state: AggregationState<Src>): RuleWithOrigin<Src>[] {
    const seen = new Set<string>();
    const rules: RuleWithOrigin<Src>[] = [];
    for (const source of sources) {
      for (const entry of state.get(source) ?? []) {
        const key = ruleKey(entry.rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(entry);
      }
    }
    return rules;
  }
}

function sameRules<Src>(a: readonly RuleWithOrigin<Src>[], b: readonly RuleWithOrigin<Src>[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((entry, index) => {
    const other = b[index];
    return other !== undefined && ruleKey(entry.rule) === ruleKey(other.rule);
  });
}

/** Go `a.Name < b.Name`: code-unit order (Go's byte order for ASCII names), never locale order. */
function byName(a: { name: string }, b: { name: string }): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
