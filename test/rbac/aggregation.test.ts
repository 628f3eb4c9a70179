import { describe, expect, it } from 'vitest';
import {
  Policy,
  aggregateClusterRoles,
  compileLabelSelector,
  labelSelectorMatches,
  rulesEqual,
  syncClusterRole,
} from '../../src/rbac/index.js';
import type { LabelSelector, Labels, PolicyRule, RoleDef } from '../../src/rbac/index.js';

// Fixtures follow kubernetes/kubernetes
// pkg/controller/clusterroleaggregation/clusterroleaggregation_controller_test.go TestSyncClusterRole
// (hammerRules, chiselRules, sawRules, role(), combinedRole()).
const hammerRules: PolicyRule[] = [
  { verbs: ['hammer'], resources: ['nails'] },
  { verbs: ['hammer'], resources: ['wedges'] },
];
const chiselRules: PolicyRule[] = [{ verbs: ['chisel'], resources: ['mortises'] }];
const sawRules: PolicyRule[] = [{ verbs: ['saw'], resources: ['boards'] }];

function clusterRole(name: string, labels: Labels, rules: PolicyRule[], selectors?: LabelSelector[]): RoleDef {
  return {
    kind: 'ClusterRole',
    name,
    labels,
    rules,
    builtin: false,
    ...(selectors === undefined ? {} : { aggregationRule: { clusterRoleSelectors: selectors } }),
  };
}

function combined(selectors: Array<Record<string, string>>, rules: PolicyRule[] = []): RoleDef {
  return clusterRole(
    'combined',
    {},
    rules,
    selectors.map((matchLabels) => ({ matchLabels })),
  );
}

interface SyncCase {
  upstream: string;
  roles: RoleDef[];
  expected: PolicyRule[];
}

const syncCases: SyncCase[] = [
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "remove dead rules"',
    roles: [clusterRole('hammer', { foo: 'bar' }, hammerRules), combined([{ foo: 'bar' }], sawRules)],
    expected: hammerRules,
  },
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "strip rules"',
    roles: [clusterRole('hammer', { foo: 'not-bar' }, hammerRules), combined([{ foo: 'bar' }], hammerRules)],
    expected: [],
  },
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "select properly and put in order"',
    roles: [
      clusterRole('hammer', { foo: 'bar' }, hammerRules),
      clusterRole('chisel', { foo: 'bar' }, chiselRules),
      clusterRole('saw', { foo: 'not-bar' }, sawRules),
      combined([{ foo: 'bar' }]),
    ],
    expected: [...chiselRules, ...hammerRules],
  },
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "select properly with multiple selectors"',
    roles: [
      clusterRole('hammer', { foo: 'bar' }, hammerRules),
      clusterRole('chisel', { foo: 'bar' }, chiselRules),
      clusterRole('saw', { foo: 'not-bar' }, sawRules),
      combined([{ foo: 'bar' }, { foo: 'not-bar' }]),
    ],
    expected: [...chiselRules, ...hammerRules, ...sawRules],
  },
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "select properly remove duplicates"',
    roles: [
      clusterRole('hammer', { foo: 'bar' }, hammerRules),
      clusterRole('chisel', { foo: 'bar' }, chiselRules),
      clusterRole('saw', { foo: 'bar' }, sawRules),
      clusterRole('other-saw', { foo: 'not-bar' }, sawRules),
      combined([{ foo: 'bar' }, { foo: 'not-bar' }]),
    ],
    expected: [...chiselRules, ...hammerRules, ...sawRules],
  },
  {
    upstream: 'clusterroleaggregation_controller_test.go TestSyncClusterRole "no diff skip"',
    roles: [clusterRole('hammer', { foo: 'bar' }, hammerRules), combined([{ foo: 'bar' }], hammerRules)],
    expected: hammerRules,
  },
  {
    upstream: 'clusterroleaggregation_controller.go syncClusterRole (skip self: Name == sharedClusterRole.Name)',
    roles: [
      clusterRole('hammer', { foo: 'bar' }, hammerRules),
      { ...combined([{ foo: 'bar' }], sawRules), labels: { foo: 'bar' } },
    ],
    expected: hammerRules,
  },
  {
    upstream: 'clusterroleaggregation_controller.go syncClusterRole (a role matched by two selectors contributes once)',
    roles: [clusterRole('hammer', { foo: 'bar', tool: 'yes' }, hammerRules), combined([{ foo: 'bar' }, { tool: 'yes' }])],
    expected: hammerRules,
  },
  {
    upstream: 'RBAC-NOTES §1.6 (ruleExists uses Semantic.DeepEqual: nil and [] lists are equal)',
    roles: [
      clusterRole('a', { foo: 'bar' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
      clusterRole('b', { foo: 'bar' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }]),
      combined([{ foo: 'bar' }]),
    ],
    expected: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  },
  {
    upstream: 'RBAC-NOTES §1.6 (DeepEqual is order-sensitive: [get,list] and [list,get] both stay)',
    roles: [
      clusterRole('a', { foo: 'bar' }, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
      clusterRole('b', { foo: 'bar' }, [{ verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] }]),
      combined([{ foo: 'bar' }]),
    ],
    expected: [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] },
    ],
  },
];

describe('syncClusterRole (one controller sync of "combined")', () => {
  it.for(syncCases)('$upstream', ({ roles, expected }) => {
    const target = roles.find((role) => role.name === 'combined');
    expect(target).toBeDefined();
    if (target === undefined) return;
    expect(syncClusterRole(target, roles)).toEqual({ ok: true, rules: expected });
    const whole = aggregateClusterRoles(roles);
    expect(whole.aggregated.get(target)?.map((entry) => entry.rule)).toEqual(expected);
    expect(whole.converged).toBe(true);
  });

  it('clusterroleaggregation_controller.go syncClusterRole: a role without aggregationRule is left alone', () => {
    const hammer = clusterRole('hammer', { foo: 'bar' }, hammerRules);
    expect(syncClusterRole(hammer, [hammer])).toBeUndefined();
    expect(aggregateClusterRoles([hammer]).aggregated.size).toBe(0);
  });
});

// Excerpts of the bootstrap policy (shared/kubernetes/bootstrap-policy/cluster-roles-featuregates.yaml).
const toViewRule: PolicyRule = { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list', 'watch'] };
const toEditRule: PolicyRule = { apiGroups: [''], resources: ['secrets', 'pods/exec'], verbs: ['get', 'list', 'watch'] };
const toAdminRule: PolicyRule = {
  apiGroups: ['rbac.authorization.k8s.io'],
  resources: ['rolebindings', 'roles'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
};
const aggregateTo = (target: string): Labels => ({ [`rbac.authorization.k8s.io/aggregate-to-${target}`]: 'true' });
const selectAggregateTo = (target: string): LabelSelector[] => [{ matchLabels: aggregateTo(target) }];

function bootstrapChain(): { admin: RoleDef; edit: RoleDef; view: RoleDef; toView: RoleDef; roles: RoleDef[] } {
  const admin = clusterRole('admin', {}, [], selectAggregateTo('admin'));
  const edit = clusterRole('edit', aggregateTo('admin'), [], selectAggregateTo('edit'));
  const view = clusterRole('view', aggregateTo('edit'), [], selectAggregateTo('view'));
  const toAdmin = clusterRole('system:aggregate-to-admin', aggregateTo('admin'), [toAdminRule]);
  const toEdit = clusterRole('system:aggregate-to-edit', aggregateTo('edit'), [toEditRule]);
  const toView = clusterRole('system:aggregate-to-view', aggregateTo('view'), [toViewRule]);
  return { admin, edit, view, toView, roles: [admin, edit, view, toAdmin, toEdit, toView] };
}

describe('aggregateClusterRoles (fixed point over chains and cycles)', () => {
  it('RBAC-NOTES §1.6 / §7.13: view ⊂ edit ⊂ admin resolves transitively although admin syncs first', () => {
    const { admin, edit, view, toView, roles } = bootstrapChain();
    const result = aggregateClusterRoles(roles);
    expect(result.aggregated.get(view)?.map((entry) => entry.rule)).toEqual([toViewRule]);
    expect(result.aggregated.get(edit)?.map((entry) => entry.rule)).toEqual([toEditRule, toViewRule]);
    // admin selects [edit, system:aggregate-to-admin] (sorted by name); edit contributes its aggregated rules.
    expect(result.aggregated.get(admin)?.map((entry) => entry.rule)).toEqual([toEditRule, toViewRule, toAdminRule]);
    expect(result.aggregated.get(admin)?.[1]?.origin).toEqual({ role: toView, ruleIndex: 0 });
    expect(result.converged).toBe(true);
    expect(result.rounds).toBe(4);
  });

  it('RBAC-NOTES §7.13: clusterRoleSelectors [{}] selects every ClusterRole, cluster-admin included, but not itself', () => {
    const star: PolicyRule = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };
    const clusterAdmin = clusterRole('cluster-admin', {}, [star, { nonResourceURLs: ['*'], verbs: ['*'] }]);
    const reader = clusterRole('a-reader', { team: 'x' }, [toViewRule]);
    const everything = clusterRole('everything', {}, [toAdminRule], [{}]);
    const result = aggregateClusterRoles([everything, clusterAdmin, reader]);
    expect(result.aggregated.get(everything)?.map((entry) => entry.rule)).toEqual([
      toViewRule,
      star,
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
  });

  it('RBAC-NOTES §1.6: an aggregationRule without selectors aggregates nothing (nil selector list)', () => {
    const empty: RoleDef = { ...clusterRole('empty', {}, hammerRules), aggregationRule: {} };
    const result = aggregateClusterRoles([empty, clusterRole('saw', { foo: 'bar' }, sawRules)]);
    expect(result.aggregated.get(empty)).toEqual([]);
  });

  it('RBAC-NOTES §1.6: matchExpressions select (In, NotIn on a missing key, Exists, DoesNotExist ANDed)', () => {
    const target = clusterRole('target', {}, [], [
      {
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['gold', 'silver'] },
          { key: 'team', operator: 'NotIn', values: ['blue'] },
          { key: 'aggregate', operator: 'Exists' },
          { key: 'deprecated', operator: 'DoesNotExist' },
        ],
      },
    ]);
    const roles = [
      target,
      clusterRole('chisel', { tier: 'gold', aggregate: '' }, chiselRules),
      clusterRole('hammer', { tier: 'silver', team: 'red', aggregate: 'yes' }, hammerRules),
      clusterRole('saw', { tier: 'gold', team: 'blue', aggregate: 'yes' }, sawRules),
      clusterRole('wrench', { tier: 'gold', aggregate: 'yes', deprecated: 'true' }, [{ verbs: ['turn'] }]),
      clusterRole('file', { tier: 'bronze', aggregate: 'yes' }, [{ verbs: ['file'] }]),
    ];
    expect(aggregateClusterRoles(roles).aggregated.get(target)?.map((entry) => entry.rule)).toEqual([
      ...chiselRules,
      ...hammerRules,
    ]);
  });

  it('RBAC-NOTES §1.6: cycles terminate (a ⇄ b settles in name order, written rules of b propagate)', () => {
    const ra: PolicyRule = { verbs: ['get'], resources: ['a'] };
    const rb: PolicyRule = { verbs: ['get'], resources: ['b'] };
    const a = clusterRole('a', { x: 'a' }, [ra], [{ matchLabels: { x: 'b' } }]);
    const b = clusterRole('b', { x: 'b' }, [rb], [{ matchLabels: { x: 'a' } }]);
    const result = aggregateClusterRoles([b, a]);
    expect(result.aggregated.get(a)?.map((entry) => entry.rule)).toEqual([rb]);
    expect(result.aggregated.get(b)?.map((entry) => entry.rule)).toEqual([rb]);
    expect(result.converged).toBe(true);
    expect(result.rounds).toBe(2);
  });

  it('RBAC-NOTES §1.6: the round bound stops iteration and reports non-convergence', () => {
    const { roles } = bootstrapChain();
    const result = aggregateClusterRoles(roles, { maxRounds: 1 });
    expect(result.rounds).toBe(1);
    expect(result.converged).toBe(false);
  });

  it('clusterroleaggregation_controller.go syncClusterRole: only ClusterRoles are listed, Roles never aggregate', () => {
    const role: RoleDef = { kind: 'Role', name: 'hammer', namespace: 'ns1', labels: { foo: 'bar' }, rules: hammerRules, builtin: false };
    const target = combined([{ foo: 'bar' }], sawRules);
    expect(aggregateClusterRoles([role, target]).aggregated.get(target)).toEqual([]);
  });

  it('clusterroleaggregation_controller.go syncClusterRole: an invalid selector fails the sync, rules stay as written', () => {
    const target = clusterRole('target', {}, sawRules, [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }]);
    const result = aggregateClusterRoles([target, clusterRole('hammer', { a: 'b' }, hammerRules)]);
    expect(result.aggregated.has(target)).toBe(false);
    expect(result.invalid).toEqual([{ role: target, error: '"Equals" is not a valid label selector operator' }]);
    expect(new Policy([target], []).effectiveRules(target)).toEqual(sawRules);
  });

  it('RBAC-NOTES §7.13: Policy.effectiveRules returns the aggregated rules, never the written ones', () => {
    const { admin, roles } = bootstrapChain();
    const policy = new Policy(roles, []);
    expect(policy.effectiveRules(admin)).toEqual([toEditRule, toViewRule, toAdminRule]);
  });
});

interface SelectorCase {
  upstream: string;
  selector: LabelSelector | undefined;
  labels: Labels;
  expected: boolean;
}

const selectorCases: SelectorCase[] = [
  { upstream: 'helpers.go LabelSelectorAsSelector: nil selects nothing', selector: undefined, labels: { a: 'b' }, expected: false },
  { upstream: 'helpers.go LabelSelectorAsSelector: {} selects everything', selector: {}, labels: {}, expected: true },
  { upstream: 'helpers.go LabelSelectorAsSelector: empty matchLabels selects everything', selector: { matchLabels: {} }, labels: { a: 'b' }, expected: true },
  { upstream: 'selector.go Equals: same value', selector: { matchLabels: { a: 'b' } }, labels: { a: 'b' }, expected: true },
  { upstream: 'selector.go Equals: other value', selector: { matchLabels: { a: 'b' } }, labels: { a: 'c' }, expected: false },
  { upstream: 'selector.go Equals: missing key', selector: { matchLabels: { a: 'b' } }, labels: {}, expected: false },
  { upstream: 'selector.go Equals: all pairs ANDed', selector: { matchLabels: { a: 'b', c: 'd' } }, labels: { a: 'b' }, expected: false },
  { upstream: 'selector.go In: listed value', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }, labels: { a: 'y' }, expected: true },
  { upstream: 'selector.go In: missing key', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, labels: {}, expected: false },
  { upstream: 'selector.go NotIn: missing key matches', selector: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, labels: {}, expected: true },
  { upstream: 'selector.go NotIn: listed value', selector: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, labels: { a: 'x' }, expected: false },
  { upstream: 'selector.go Exists: empty value counts', selector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, labels: { a: '' }, expected: true },
  { upstream: 'selector.go DoesNotExist: key present', selector: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, labels: { a: '' }, expected: false },
  { upstream: 'selector.go: matchLabels AND matchExpressions', selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] }, labels: { a: 'b' }, expected: false },
  { upstream: 'selector.go NewRequirement: In without values is invalid', selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, labels: { a: '' }, expected: false },
  { upstream: 'selector.go NewRequirement: Exists with values is invalid', selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }, labels: { a: 'b' }, expected: false },
  { upstream: 'helpers.go LabelSelectorAsSelector: operators are case-sensitive ("in")', selector: { matchExpressions: [{ key: 'a', operator: 'in', values: ['b'] }] }, labels: { a: 'b' }, expected: false },
];

describe('label selectors', () => {
  it.for(selectorCases)('$upstream', ({ selector, labels, expected }) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });

  it('selector.go NewRequirement: invalid selectors are errors, not "matches nothing"', () => {
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toEqual({
      ok: false,
      error: 'operator In of key "a" needs values',
    });
    expect(compileLabelSelector({ matchLabels: { 'bad key': 'x' } })).toEqual({ ok: false, error: 'invalid label key "bad key"' });
    expect(compileLabelSelector({ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }).ok).toBe(true);
  });

  it('clusterroleaggregation_controller.go ruleExists: rulesEqual treats missing and empty lists alike', () => {
    expect(rulesEqual({ verbs: ['get'] }, { verbs: ['get'], apiGroups: [], resourceNames: [] })).toBe(true);
    expect(rulesEqual({ verbs: ['get'], resources: ['pods'] }, { verbs: ['get'], resources: ['Pods'] })).toBe(false);
  });
});
