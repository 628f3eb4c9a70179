import { describe, expect, it } from 'vitest';
import {
  Policy,
  RBAC_API_GROUP,
  appliesTo,
  describeSubject,
  firstApplyingSubject,
  parseServiceAccountUsername,
  ruleAllows,
  serviceAccountUser,
  userInfo,
} from '../../src/rbac/index.js';
import type {
  BindingDef,
  NonResourceAttributes,
  PolicyRule,
  ResourceAttributes,
  RoleDef,
  Subject,
  UserInfo,
} from '../../src/rbac/index.js';

// ---------------------------------------------------------------------------------------------
// Builders (our own table format; the upstream tables are read, not copied).
// ---------------------------------------------------------------------------------------------

interface ResourceOptions {
  group?: string;
  sub?: string;
  name?: string;
  ns?: string;
}

function res(verb: string, resource: string, options: ResourceOptions = {}): ResourceAttributes {
  return {
    kind: 'resource',
    verb,
    apiGroup: options.group ?? '',
    resource,
    subresource: options.sub ?? '',
    name: options.name ?? '',
    namespace: options.ns ?? '',
  };
}

function url(verb: string, path: string): NonResourceAttributes {
  return { kind: 'nonResource', verb, path };
}

const User = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_API_GROUP, name });
const Group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_API_GROUP, name });
const SA = (name: string, namespace?: string): Subject => ({
  kind: 'ServiceAccount',
  apiGroup: '',
  name,
  ...(namespace === undefined ? {} : { namespace }),
});

function clusterRole(name: string, rules: PolicyRule[], extra: Partial<RoleDef> = {}): RoleDef {
  return { kind: 'ClusterRole', name, labels: {}, rules, builtin: false, ...extra };
}

function nsRole(namespace: string, name: string, rules: PolicyRule[]): RoleDef {
  return { kind: 'Role', name, namespace, labels: {}, rules, builtin: false };
}

function crb(name: string, roleName: string, subjects: Subject[]): BindingDef {
  return {
    kind: 'ClusterRoleBinding',
    name,
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: roleName },
    subjects,
    builtin: false,
  };
}

function rb(namespace: string, name: string, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): BindingDef {
  return {
    kind: 'RoleBinding',
    name,
    namespace,
    roleRef: { apiGroup: RBAC_API_GROUP, kind: roleKind, name: roleName },
    subjects,
    builtin: false,
  };
}

/** The user of upstream `defaultAttributes`: groups is a comma-separated string, `""` gives `[""]`. */
function raw(name: string, groups = ''): UserInfo {
  return { name, groups: groups.split(',') };
}

const everything: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], nonResourceURLs: ['*'] };

// ---------------------------------------------------------------------------------------------
// 1. Pure rule matching: rbac_test.go TestRuleMatches, plus RBAC-NOTES §7 traps on single rules.
// ---------------------------------------------------------------------------------------------

interface RuleTable {
  upstream: string;
  rule: PolicyRule;
  requests: Array<[ResourceAttributes | NonResourceAttributes, boolean]>;
}

const g = (group: string, resource: string, verb: string, sub?: string): ResourceAttributes =>
  res(verb, resource, sub === undefined ? { group } : { group, sub });

const ruleTables: RuleTable[] = [
  {
    upstream: 'rbac_test.go TestRuleMatches "star verb, exact match other"',
    rule: { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] },
    requests: [
      [g('group1', 'resource1', 'verb1'), true],
      [g('group2', 'resource1', 'verb1'), false],
      [g('group1', 'resource2', 'verb1'), false],
      [g('group2', 'resource2', 'verb1'), false],
      [g('group1', 'resource1', 'verb2'), true],
      [g('group2', 'resource1', 'verb2'), false],
      [g('group1', 'resource2', 'verb2'), false],
      [g('group2', 'resource2', 'verb2'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "star group, exact match other"',
    rule: { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] },
    requests: [
      [g('group1', 'resource1', 'verb1'), true],
      [g('group2', 'resource1', 'verb1'), true],
      [g('group1', 'resource2', 'verb1'), false],
      [g('group2', 'resource2', 'verb1'), false],
      [g('group1', 'resource1', 'verb2'), false],
      [g('group2', 'resource1', 'verb2'), false],
      [g('group1', 'resource2', 'verb2'), false],
      [g('group2', 'resource2', 'verb2'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "star resource, exact match other"',
    rule: { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] },
    requests: [
      [g('group1', 'resource1', 'verb1'), true],
      [g('group2', 'resource1', 'verb1'), false],
      [g('group1', 'resource2', 'verb1'), true],
      [g('group2', 'resource2', 'verb1'), false],
      [g('group1', 'resource1', 'verb2'), false],
      [g('group2', 'resource1', 'verb2'), false],
      [g('group1', 'resource2', 'verb2'), false],
      [g('group2', 'resource2', 'verb2'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "tuple expansion"',
    rule: { verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] },
    requests: [
      [g('group1', 'resource1', 'verb1'), true],
      [g('group2', 'resource1', 'verb1'), true],
      [g('group1', 'resource2', 'verb1'), true],
      [g('group2', 'resource2', 'verb1'), true],
      [g('group1', 'resource1', 'verb2'), true],
      [g('group2', 'resource1', 'verb2'), true],
      [g('group1', 'resource2', 'verb2'), true],
      [g('group2', 'resource2', 'verb2'), true],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "subresource expansion"',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] },
    requests: [
      [g('group1', 'resource1', 'verb1', 'subresource1'), true],
      [g('group2', 'resource1', 'verb1', 'subresource2'), false],
      [g('group1', 'resource2', 'verb1', 'subresource1'), false],
      [g('group2', 'resource2', 'verb1', 'subresource1'), false],
      [g('group1', 'resource1', 'verb2', 'subresource1'), true],
      [g('group2', 'resource1', 'verb2', 'subresource2'), false],
      [g('group1', 'resource2', 'verb2', 'subresource1'), false],
      [g('group2', 'resource2', 'verb2', 'subresource1'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "star nonresource, exact match other"',
    rule: { verbs: ['verb1'], nonResourceURLs: ['*'] },
    requests: [
      [url('verb1', '/foo'), true],
      [url('verb1', '/foo/bar'), true],
      [url('verb1', '/foo/baz'), true],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb1', '/foo/baz/one'), true],
      [url('verb2', '/foo'), false],
      [url('verb2', '/foo/bar'), false],
      [url('verb2', '/foo/baz'), false],
      [url('verb2', '/foo/bar/one'), false],
      [url('verb2', '/foo/baz/one'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "star nonresource subpath"',
    rule: { verbs: ['verb1'], nonResourceURLs: ['/foo/*'] },
    requests: [
      [url('verb1', '/foo'), false],
      [url('verb1', '/foo/bar'), true],
      [url('verb1', '/foo/baz'), true],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb1', '/foo/baz/one'), true],
      [url('verb1', '/notfoo'), false],
      [url('verb1', '/notfoo/bar'), false],
      [url('verb1', '/notfoo/baz'), false],
      [url('verb1', '/notfoo/bar/one'), false],
      [url('verb1', '/notfoo/baz/one'), false],
    ],
  },
  {
    upstream: 'rbac_test.go TestRuleMatches "star verb, exact nonresource"',
    rule: { verbs: ['*'], nonResourceURLs: ['/foo', '/foo/bar/one'] },
    requests: [
      [url('verb1', '/foo'), true],
      [url('verb1', '/foo/bar'), false],
      [url('verb1', '/foo/baz'), false],
      [url('verb1', '/foo/bar/one'), true],
      [url('verb1', '/foo/baz/one'), false],
      [url('verb2', '/foo'), true],
      [url('verb2', '/foo/bar'), false],
      [url('verb2', '/foo/baz'), false],
      [url('verb2', '/foo/bar/one'), true],
      [url('verb2', '/foo/baz/one'), false],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.3 (resources: "*" includes subresources)',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] },
    requests: [
      [res('get', 'pods', { sub: 'exec' }), true],
      [res('get', 'pods'), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.3 (pods does not include pods/exec)',
    rule: { verbs: ['create'], apiGroups: [''], resources: ['pods'] },
    requests: [
      [res('create', 'pods', { sub: 'exec', name: 'web' }), false],
      [res('create', 'pods'), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.3 (pods/* only equals the literal subresource "*")',
    rule: { verbs: ['create'], apiGroups: [''], resources: ['pods/*'] },
    requests: [
      [res('create', 'pods', { sub: 'exec', name: 'web' }), false],
      [res('create', 'pods'), false],
      [res('create', 'pods', { sub: '*' }), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.3 (*/* matches no real request)',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*/*'] },
    requests: [
      [res('get', 'pods', { sub: 'log' }), false],
      [res('get', 'pods'), false],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.3 (*/scale is the only subresource wildcard)',
    rule: { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] },
    requests: [
      [res('update', 'deployments', { group: 'apps', sub: 'scale' }), true],
      [res('update', 'statefulsets', { group: 'apps', sub: 'scale' }), true],
      [res('update', 'deployments', { group: 'apps' }), false],
      [res('update', 'deployments', { group: 'apps', sub: 'status' }), false],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.4 (apiGroups "" is core; "core" and "v1" match nothing)',
    rule: { verbs: ['get'], apiGroups: ['core', 'v1'], resources: ['pods'] },
    requests: [
      [res('get', 'pods'), false],
      [res('get', 'pods', { group: 'core' }), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.4 (apiGroups [""] is the core group only)',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods', 'deployments'] },
    requests: [
      [res('get', 'pods'), true],
      [res('get', 'deployments', { group: 'apps' }), false],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.4 (verbs and resources are case-sensitive)',
    rule: { verbs: ['GET'], apiGroups: [''], resources: ['Pods'] },
    requests: [
      [res('get', 'pods'), false],
      [res('GET', 'pods'), false],
      [res('get', 'Pods'), false],
      [res('GET', 'Pods'), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.5 (resourceNames never authorize nameless requests)',
    rule: { verbs: ['get', 'list', 'watch', 'create', 'deletecollection'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] },
    requests: [
      [res('get', 'configmaps', { name: 'cfg', ns: 'a' }), true],
      [res('get', 'configmaps', { name: 'other', ns: 'a' }), false],
      [res('list', 'configmaps', { ns: 'a' }), false],
      [res('watch', 'configmaps', { ns: 'a' }), false],
      [res('create', 'configmaps', { ns: 'a' }), false],
      [res('deletecollection', 'configmaps', { ns: 'a' }), false],
      [res('list', 'configmaps', { ns: 'a', name: 'cfg' }), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.5 ("*" in resourceNames is a literal name)',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['*'] },
    requests: [
      [res('get', 'secrets', { name: 'token' }), false],
      [res('get', 'secrets', { name: '*' }), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.6 (resourceNames restrict subresource creates that carry the parent name)',
    rule: { verbs: ['create'], apiGroups: [''], resources: ['pods/exec', 'serviceaccounts/token'], resourceNames: ['web', 'builder'] },
    requests: [
      [res('create', 'pods', { sub: 'exec', name: 'web', ns: 'dev' }), true],
      [res('create', 'pods', { sub: 'exec', name: 'db', ns: 'dev' }), false],
      [res('create', 'serviceaccounts', { sub: 'token', name: 'builder', ns: 'dev' }), true],
      [res('create', 'serviceaccounts', { sub: 'token', name: 'default', ns: 'dev' }), false],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.7 (trailing * is a plain prefix after trimming every trailing *)',
    rule: { verbs: ['get'], nonResourceURLs: ['/foo*', '/metrics/**', '/a/*/b'] },
    requests: [
      [url('get', '/foo'), true],
      [url('get', '/foobar'), true],
      [url('get', '/metrics/'), true],
      [url('get', '/metrics'), false],
      [url('get', '/a/x/b'), false],
      [url('get', '/a/*/b'), true],
    ],
  },
  {
    upstream: 'rbac.go RuleAllows (nonResourceURLs ignored for resource requests, resources for URLs)',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    requests: [
      [url('get', '/healthz'), false],
      [res('get', 'pods'), true],
    ],
  },
  {
    upstream: 'rbac.go RuleAllows (a URL rule grants no resource)',
    rule: { verbs: ['*'], nonResourceURLs: ['*'] },
    requests: [
      [res('get', 'pods'), false],
      [url('get', '/healthz'), true],
    ],
  },
  {
    upstream: 'RBAC-NOTES §7.17 (query verb "*" is literal: listing every verb does not match it)',
    rule: { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'], apiGroups: [''], resources: ['pods'] },
    requests: [
      [res('*', 'pods', { ns: 'a' }), false],
      [res('patch', 'pods', { ns: 'a', name: 'p' }), true],
    ],
  },
  {
    upstream: 'evaluation_helpers.go (missing rule fields behave as empty lists)',
    rule: { verbs: ['get'] },
    requests: [
      [res('get', 'pods'), false],
      [url('get', '/healthz'), false],
    ],
  },
];

interface RuleCase {
  upstream: string;
  rule: PolicyRule;
  attrs: ResourceAttributes | NonResourceAttributes;
  expected: boolean;
  label: string;
}

const ruleCases: RuleCase[] = ruleTables.flatMap(({ upstream, rule, requests }) =>
  requests.map(([attrs, expected]) => ({ upstream, rule, attrs, expected, label: describeRequest(attrs) })),
);

describe('ruleAllows', () => {
  it.for(ruleCases)('$upstream: $label → $expected', ({ rule, attrs, expected }) => {
    expect(ruleAllows(rule, attrs)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The authorizer: rbac_test.go TestAuthorizer and RBAC-NOTES §7 traps over whole policies.
// ---------------------------------------------------------------------------------------------

interface World {
  roles: RoleDef[];
  bindings: BindingDef[];
}

// rbac_test.go TestAuthorizer case 0: a RoleBinding in ns1 to ClusterRole admin (*,*,*,*).
const authorizerWorld0: World = {
  roles: [clusterRole('admin', [everything])],
  bindings: [rb('ns1', 'admin', 'ClusterRole', 'admin', [User('admin'), Group('admins')])],
};
// rbac_test.go TestAuthorizer case 1: non-resource URLs.
const authorizerWorld1: World = {
  roles: [
    clusterRole('non-resource-url-getter', [{ verbs: ['get'], apiGroups: [''], resources: [''], nonResourceURLs: ['/apis'] }]),
    clusterRole('non-resource-url', [{ verbs: ['*'], apiGroups: [''], resources: [''], nonResourceURLs: ['/apis'] }]),
    clusterRole('non-resource-url-prefix', [{ verbs: ['get'], apiGroups: [''], resources: [''], nonResourceURLs: ['/apis/*'] }]),
  ],
  bindings: [
    crb('getter', 'non-resource-url-getter', [User('foo'), Group('bar')]),
    crb('any', 'non-resource-url', [User('admin'), Group('admin')]),
    crb('prefix', 'non-resource-url-prefix', [User('prefixed'), Group('prefixed')]),
  ],
};
// rbac_test.go TestAuthorizer case 2: rule on pods, request on pods/status.
const authorizerWorld2: World = {
  roles: [clusterRole('admin', [{ verbs: ['*'], apiGroups: ['*'], resources: ['pods'], nonResourceURLs: ['*'] }])],
  bindings: [rb('ns1', 'admin', 'ClusterRole', 'admin', [User('admin'), Group('admins')])],
};
// rbac_test.go TestAuthorizer case 3: pods/status and */scale.
const authorizerWorld3: World = {
  roles: [
    clusterRole('admin', [
      { verbs: ['*'], apiGroups: ['*'], resources: ['pods/status'], nonResourceURLs: ['*'] },
      { verbs: ['*'], apiGroups: ['*'], resources: ['*/scale'], nonResourceURLs: ['*'] },
    ]),
  ],
  bindings: [rb('ns1', 'admin', 'ClusterRole', 'admin', [User('admin'), Group('admins')])],
};

const readPods: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };
const readSecrets: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['secrets'] };

// RBAC-NOTES §7.1: RoleBindings only count in their own namespace.
const scopeWorld: World = {
  roles: [nsRole('ns1', 'reader', [readPods]), nsRole('ns2', 'reader', [readSecrets]), clusterRole('pod-reader', [readPods])],
  bindings: [
    rb('ns1', 'alice-reads', 'Role', 'reader', [User('alice')]),
    crb('bob-reads', 'pod-reader', [User('bob')]),
  ],
};

// rule.go VisitRulesFor: a RoleBinding whose namespace was never defaulted sits in "" and is never visited.
const namelessNamespaceWorld: World = {
  roles: [clusterRole('pod-reader', [readPods])],
  bindings: [
    {
      kind: 'RoleBinding',
      name: 'no-namespace',
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: 'pod-reader' },
      subjects: [User('alice')],
      builtin: false,
    },
  ],
};

// RBAC-NOTES §7.2: a RoleBinding to a ClusterRole with cluster-scoped and URL rules.
const namespaceAdmin = clusterRole('ns-admin', [
  { verbs: ['get', 'list', 'delete', 'patch'], apiGroups: [''], resources: ['namespaces', 'nodes', 'persistentvolumes'] },
  { verbs: ['get'], nonResourceURLs: ['/healthz'] },
]);
const rbToClusterRoleWorld: World = {
  roles: [namespaceAdmin],
  bindings: [rb('team-a', 'carol-admin', 'ClusterRole', 'ns-admin', [User('carol')])],
};

// RBAC-NOTES §7.8, §7.9, §7.10, §7.19: subjects.
const subjectWorld: World = {
  roles: [
    nsRole('dev', 'config-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]),
    clusterRole('node-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]),
    clusterRole('version-reader', [{ verbs: ['get'], nonResourceURLs: ['/version'] }]),
    clusterRole('lease-reader', [{ verbs: ['get'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] }]),
    clusterRole('event-reader', [{ verbs: ['list'], apiGroups: [''], resources: ['events'] }]),
    clusterRole('healthz-reader', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
  ],
  bindings: [
    rb('dev', 'default-sa', 'Role', 'config-reader', [SA('default'), SA('web')]),
    crb('nameless-sa', 'node-reader', [SA('web')]),
    crb('sa-as-user', 'version-reader', [User('system:serviceaccount:dev:web'), User('*')]),
    crb('all-sas', 'lease-reader', [Group('system:serviceaccounts')]),
    crb('dev-sas', 'event-reader', [Group('system:serviceaccounts:dev')]),
    crb('authenticated', 'healthz-reader', [Group('system:authenticated')]),
    crb('anonymous', 'version-reader', [Group('system:unauthenticated'), { kind: 'user', name: 'alice' }]),
  ],
};

// RBAC-NOTES §7.12: dangling roleRef.
const danglingBindings: BindingDef[] = [
  rb('dev', 'to-missing-role', 'Role', 'squatted', [User('dana')]),
  crb('to-missing-clusterrole', 'squatted', [User('dana')]),
];
const squatted = nsRole('dev', 'squatted', [readSecrets]);

// RBAC-NOTES §7.13: an aggregated ClusterRole's written rules are overwritten.
const aggregatedWorld: World = {
  roles: [
    clusterRole('agg', [readSecrets], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/agg': 'true' } }] } }),
    clusterRole('pods', [readPods], { labels: { 'example.com/agg': 'true' } }),
  ],
  bindings: [crb('erin-agg', 'agg', [User('erin')])],
};

// RBAC-NOTES §7.14, §7.15, §7.17, §7.18: write-time and escalation-shaped requests.
const escalationWorld: World = {
  roles: [
    nsRole('dev', 'deployer', [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }]),
    nsRole('dev', 'exec-get', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/exec'] }]),
    clusterRole('node-proxy', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes/proxy'] }]),
    nsRole('dev', 'binder', [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view'] }]),
    clusterRole('impersonator', [{ verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts', 'users', 'groups'] }]),
  ],
  bindings: [
    rb('dev', 'frank-deploys', 'Role', 'deployer', [User('frank')]),
    rb('dev', 'frank-execs', 'Role', 'exec-get', [User('frank')]),
    crb('gina-proxy', 'node-proxy', [User('gina')]),
    rb('dev', 'hank-proxy', 'ClusterRole', 'node-proxy', [User('hank')]),
    rb('dev', 'ivan-binds', 'Role', 'binder', [User('ivan')]),
    rb('dev', 'judy-impersonates', 'ClusterRole', 'impersonator', [User('judy')]),
    crb('kim-impersonates', 'impersonator', [User('kim')]),
  ],
};

// RBAC-NOTES §7.16: excerpts of the bootstrap edit/view aggregation
// (shared/kubernetes/bootstrap-policy/cluster-roles-featuregates.yaml).
const aggregateTo = (target: string): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${target}`]: 'true' });
const bootstrapWorld: World = {
  roles: [
    clusterRole('edit', [], { labels: aggregateTo('admin'), aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo('edit') }] } }),
    clusterRole('view', [], { labels: aggregateTo('edit'), aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo('view') }] } }),
    clusterRole(
      'system:aggregate-to-edit',
      [
        { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
        { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
        { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      ],
      { labels: aggregateTo('edit') },
    ),
    clusterRole(
      'system:aggregate-to-view',
      [{ apiGroups: [''], resources: ['configmaps', 'pods', 'serviceaccounts', 'services'], verbs: ['get', 'list', 'watch'] }],
      { labels: aggregateTo('view') },
    ),
  ],
  bindings: [
    rb('dev', 'editors', 'ClusterRole', 'edit', [Group('dev-editors')]),
    rb('dev', 'viewers', 'ClusterRole', 'view', [Group('dev-viewers')]),
  ],
};

// RBAC-NOTES §7.20: later definitions win (an upgraded cluster's built-in role may be a superset).
const precedenceWorld: World = {
  roles: [
    { ...clusterRole('edit', [readPods]), builtin: true },
    clusterRole('edit', [readPods, readSecrets]),
  ],
  bindings: [crb('ops-edit', 'edit', [serviceAccountSubject('ops', 'deployer')])],
};

function serviceAccountSubject(namespace: string, name: string): Subject {
  return SA(name, namespace);
}

interface AuthorizerCase {
  upstream: string;
  world: World;
  user: UserInfo;
  attrs: ResourceAttributes | NonResourceAttributes;
  expected: boolean;
}

const ns1 = (verb: string, resource: string, sub = ''): ResourceAttributes => res(verb, resource, { sub, ns: 'ns1' });
const apiUser = (name: string): UserInfo => ({ name, groups: [] });
const apiGroupUser = (groupName: string): UserInfo => ({ name: '', groups: [groupName] });

const authorizerCases: AuthorizerCase[] = [
  // rbac_test.go TestAuthorizer case 0
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldPass', world: authorizerWorld0, user: raw('admin'), attrs: ns1('get', 'Pods'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldPass', world: authorizerWorld0, user: raw('admin'), attrs: ns1('watch', 'Pods'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldPass', world: authorizerWorld0, user: raw('admin', 'group1'), attrs: ns1('watch', 'Foobar'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldPass', world: authorizerWorld0, user: raw('joe', 'admins'), attrs: ns1('watch', 'Foobar'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldPass', world: authorizerWorld0, user: raw('joe', 'group1,admins'), attrs: ns1('watch', 'Foobar'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldFail', world: authorizerWorld0, user: raw('admin'), attrs: res('GET', 'Pods', { ns: 'ns2' }), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldFail', world: authorizerWorld0, user: raw('admin'), attrs: res('GET', 'Nodes'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldFail', world: authorizerWorld0, user: raw('admin', 'admins'), attrs: res('GET', 'Pods', { ns: 'ns2' }), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #0 shouldFail', world: authorizerWorld0, user: raw('admin', 'admins'), attrs: res('GET', 'Nodes'), expected: false },
  // rbac_test.go TestAuthorizer case 1 (non-resource URLs)
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiUser('foo'), attrs: url('get', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiGroupUser('bar'), attrs: url('get', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiUser('admin'), attrs: url('get', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiGroupUser('admin'), attrs: url('get', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiUser('admin'), attrs: url('watch', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiGroupUser('admin'), attrs: url('watch', '/apis'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiUser('prefixed'), attrs: url('get', '/apis/v1'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiGroupUser('prefixed'), attrs: url('get', '/apis/v1'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiUser('prefixed'), attrs: url('get', '/apis/v1/foobar'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldPass', world: authorizerWorld1, user: apiGroupUser('prefixed'), attrs: url('get', '/apis/v1/foorbar'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong verb)', world: authorizerWorld1, user: apiUser('foo'), attrs: url('watch', '/apis'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong verb)', world: authorizerWorld1, user: apiGroupUser('bar'), attrs: url('watch', '/apis'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong path)', world: authorizerWorld1, user: apiUser('foo'), attrs: url('get', '/api/v1'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong path)', world: authorizerWorld1, user: apiGroupUser('bar'), attrs: url('get', '/api/v1'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong path)', world: authorizerWorld1, user: apiUser('admin'), attrs: url('get', '/api/v1'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (wrong path)', world: authorizerWorld1, user: apiGroupUser('admin'), attrs: url('get', '/api/v1'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (not covered by prefix)', world: authorizerWorld1, user: apiUser('prefixed'), attrs: url('get', '/api/v1'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #1 shouldFail (not covered by prefix)', world: authorizerWorld1, user: apiGroupUser('prefixed'), attrs: url('get', '/api/v1'), expected: false },
  // rbac_test.go TestAuthorizer cases 2 and 3 (subresource resolution)
  { upstream: 'rbac_test.go TestAuthorizer #2 shouldPass', world: authorizerWorld2, user: raw('admin'), attrs: ns1('get', 'pods'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #2 shouldFail', world: authorizerWorld2, user: raw('admin'), attrs: ns1('get', 'pods', 'status'), expected: false },
  { upstream: 'rbac_test.go TestAuthorizer #3 shouldPass', world: authorizerWorld3, user: raw('admin'), attrs: ns1('get', 'pods', 'status'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #3 shouldPass', world: authorizerWorld3, user: raw('admin'), attrs: ns1('get', 'pods', 'scale'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #3 shouldPass', world: authorizerWorld3, user: raw('admin'), attrs: ns1('get', 'deployments', 'scale'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #3 shouldPass', world: authorizerWorld3, user: raw('admin'), attrs: ns1('get', 'anything', 'scale'), expected: true },
  { upstream: 'rbac_test.go TestAuthorizer #3 shouldFail', world: authorizerWorld3, user: raw('admin'), attrs: ns1('get', 'pods'), expected: false },
  // RBAC-NOTES §7.1
  { upstream: 'RBAC-NOTES §7.1 (RoleBinding grants in its namespace)', world: scopeWorld, user: userInfo('alice'), attrs: res('list', 'pods', { ns: 'ns1' }), expected: true },
  { upstream: 'RBAC-NOTES §7.1 (same-named Role in another namespace is not used)', world: scopeWorld, user: userInfo('alice'), attrs: res('get', 'secrets', { ns: 'ns1', name: 's' }), expected: false },
  { upstream: 'RBAC-NOTES §7.1 (RoleBinding does not grant in another namespace)', world: scopeWorld, user: userInfo('alice'), attrs: res('list', 'pods', { ns: 'ns2' }), expected: false },
  { upstream: 'RBAC-NOTES §7.1 (all-namespaces list sees ClusterRoleBindings only)', world: scopeWorld, user: userInfo('alice'), attrs: res('list', 'pods'), expected: false },
  { upstream: 'RBAC-NOTES §7.1 (ClusterRoleBinding grants across all namespaces)', world: scopeWorld, user: userInfo('bob'), attrs: res('list', 'pods'), expected: true },
  { upstream: 'RBAC-NOTES §7.1 (ClusterRoleBinding grants in every namespace)', world: scopeWorld, user: userInfo('bob'), attrs: res('watch', 'pods', { ns: 'anything' }), expected: true },
  { upstream: 'rule.go VisitRulesFor (a RoleBinding without namespace is never consulted)', world: namelessNamespaceWorld, user: userInfo('alice'), attrs: res('list', 'pods'), expected: false },
  // RBAC-NOTES §7.2
  { upstream: 'RBAC-NOTES §7.2 (RoleBinding to ClusterRole: no cluster-scoped nodes)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('list', 'nodes'), expected: false },
  { upstream: 'RBAC-NOTES §7.2 (RoleBinding to ClusterRole: no persistentvolumes)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('get', 'persistentvolumes', { name: 'pv1' }), expected: false },
  { upstream: 'RBAC-NOTES §7.2 (RoleBinding to ClusterRole: no nonResourceURLs)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: url('get', '/healthz'), expected: false },
  { upstream: 'RBAC-NOTES §7.2 (own Namespace object: get namespaces/team-a)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('get', 'namespaces', { ns: 'team-a', name: 'team-a' }), expected: true },
  { upstream: 'RBAC-NOTES §7.2 (own Namespace object: delete namespaces/team-a)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('delete', 'namespaces', { ns: 'team-a', name: 'team-a' }), expected: true },
  { upstream: 'RBAC-NOTES §7.2 (another Namespace object)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('delete', 'namespaces', { ns: 'team-b', name: 'team-b' }), expected: false },
  { upstream: 'RBAC-NOTES §7.2 (list namespaces is cluster-wide)', world: rbToClusterRoleWorld, user: userInfo('carol'), attrs: res('list', 'namespaces'), expected: false },
  // RBAC-NOTES §7.8, §7.19
  { upstream: 'RBAC-NOTES §7.8 (RoleBinding SA subject without namespace = binding namespace)', world: subjectWorld, user: serviceAccountUser('dev', 'web'), attrs: res('get', 'configmaps', { ns: 'dev', name: 'c' }), expected: true },
  { upstream: 'RBAC-NOTES §7.8 (same SA name in another namespace)', world: subjectWorld, user: serviceAccountUser('prod', 'web'), attrs: res('get', 'configmaps', { ns: 'dev', name: 'c' }), expected: false },
  { upstream: 'RBAC-NOTES §7.8 (ClusterRoleBinding SA subject without namespace never matches)', world: subjectWorld, user: serviceAccountUser('dev', 'web'), attrs: res('get', 'nodes', { name: 'n1' }), expected: false },
  { upstream: 'RBAC-NOTES §7.19 (pod without serviceAccountName runs as dev/default)', world: subjectWorld, user: serviceAccountUser('dev', 'default'), attrs: res('get', 'configmaps', { ns: 'dev', name: 'c' }), expected: true },
  // RBAC-NOTES §7.9
  { upstream: 'RBAC-NOTES §7.9 (User system:serviceaccount:dev:web is that ServiceAccount)', world: subjectWorld, user: serviceAccountUser('dev', 'web'), attrs: url('get', '/version'), expected: true },
  { upstream: 'RBAC-NOTES §7.9 (User "*" is not a wildcard)', world: subjectWorld, user: userInfo('mallory', ['devs']), attrs: url('get', '/version'), expected: false },
  { upstream: 'RBAC-NOTES §7.9 (every SA is in system:serviceaccounts)', world: subjectWorld, user: serviceAccountUser('prod', 'api'), attrs: res('get', 'leases', { group: 'coordination.k8s.io', ns: 'x', name: 'l' }), expected: true },
  { upstream: 'RBAC-NOTES §7.9 (system:serviceaccounts:dev holds dev SAs)', world: subjectWorld, user: serviceAccountUser('dev', 'api'), attrs: res('list', 'events', { ns: 'dev' }), expected: true },
  { upstream: 'RBAC-NOTES §7.9 (system:serviceaccounts:dev excludes prod SAs)', world: subjectWorld, user: serviceAccountUser('prod', 'api'), attrs: res('list', 'events', { ns: 'dev' }), expected: false },
  { upstream: 'RBAC-NOTES §7.9 (a human is not in system:serviceaccounts)', world: subjectWorld, user: userInfo('alice'), attrs: res('get', 'leases', { group: 'coordination.k8s.io', ns: 'x', name: 'l' }), expected: false },
  // RBAC-NOTES §7.10
  { upstream: 'RBAC-NOTES §7.10 (every SA is authenticated)', world: subjectWorld, user: serviceAccountUser('prod', 'api'), attrs: url('get', '/healthz'), expected: true },
  { upstream: 'RBAC-NOTES §7.10 (anonymous is not authenticated)', world: subjectWorld, user: userInfo('system:anonymous'), attrs: url('get', '/healthz'), expected: false },
  { upstream: 'RBAC-NOTES §7.10 (anonymous is in system:unauthenticated)', world: subjectWorld, user: userInfo('system:anonymous'), attrs: url('get', '/version'), expected: true },
  { upstream: 'rule_test.go TestAppliesTo (unknown subject kind "user" never matches)', world: subjectWorld, user: apiUser('alice'), attrs: url('get', '/version'), expected: false },
  // RBAC-NOTES §7.11
  { upstream: 'RBAC-NOTES §7.11 (system:masters is allowed with no binding at all)', world: { roles: [], bindings: [] }, user: userInfo('root', ['system:masters']), attrs: res('delete', 'nodes', { name: 'n1' }), expected: true },
  { upstream: 'RBAC-NOTES §7.11 (system:masters is allowed any URL)', world: { roles: [], bindings: [] }, user: userInfo('root', ['system:masters']), attrs: url('post', '/anything'), expected: true },
  { upstream: 'RBAC-NOTES §7.11 (a User named system:masters is not the group)', world: { roles: [], bindings: [] }, user: userInfo('system:masters'), attrs: url('get', '/healthz'), expected: false },
  // RBAC-NOTES §7.12
  { upstream: 'RBAC-NOTES §7.12 (dangling roleRef grants nothing)', world: { roles: [], bindings: danglingBindings }, user: userInfo('dana'), attrs: res('get', 'secrets', { ns: 'dev', name: 's' }), expected: false },
  { upstream: 'RBAC-NOTES §7.12 (…and grants once the role appears)', world: { roles: [squatted], bindings: danglingBindings }, user: userInfo('dana'), attrs: res('get', 'secrets', { ns: 'dev', name: 's' }), expected: true },
  { upstream: 'RBAC-NOTES §7.12 (a dangling binding does not block other bindings)', world: { roles: [clusterRole('reader', [readSecrets])], bindings: [...danglingBindings, crb('ok', 'reader', [User('dana')])] }, user: userInfo('dana'), attrs: res('list', 'secrets'), expected: true },
  // RBAC-NOTES §7.13
  { upstream: 'RBAC-NOTES §7.13 (aggregated ClusterRole: written rules are overwritten)', world: aggregatedWorld, user: userInfo('erin'), attrs: res('get', 'secrets', { ns: 'a', name: 's' }), expected: false },
  { upstream: 'RBAC-NOTES §7.13 (aggregated ClusterRole: selected rules apply)', world: aggregatedWorld, user: userInfo('erin'), attrs: res('get', 'pods', { ns: 'a', name: 'p' }), expected: true },
  // RBAC-NOTES §7.14
  { upstream: 'RBAC-NOTES §7.14 (create pods needs no "use serviceaccount" permission)', world: escalationWorld, user: userInfo('frank'), attrs: res('create', 'pods', { ns: 'dev' }), expected: true },
  { upstream: 'RBAC-NOTES §7.14 (there is no use verb on serviceaccounts to check)', world: escalationWorld, user: userInfo('frank'), attrs: res('use', 'serviceaccounts', { ns: 'dev', name: 'admin' }), expected: false },
  // RBAC-NOTES §7.15
  { upstream: 'RBAC-NOTES §7.15 (get pods/exec is its own grant: WebSocket exec before 1.35)', world: escalationWorld, user: userInfo('frank'), attrs: res('get', 'pods', { ns: 'dev', sub: 'exec', name: 'web' }), expected: true },
  { upstream: 'RBAC-NOTES §7.15 (get pods/exec does not grant create pods/exec)', world: escalationWorld, user: userInfo('frank'), attrs: res('create', 'pods', { ns: 'dev', sub: 'exec', name: 'web' }), expected: false },
  { upstream: 'RBAC-NOTES §7.15 (get nodes/proxy through a ClusterRoleBinding)', world: escalationWorld, user: userInfo('gina'), attrs: res('get', 'nodes', { sub: 'proxy', name: 'node1' }), expected: true },
  { upstream: 'RBAC-NOTES §7.15 (nodes/proxy through a RoleBinding: cluster-scoped, not granted)', world: escalationWorld, user: userInfo('hank'), attrs: res('get', 'nodes', { sub: 'proxy', name: 'node1' }), expected: false },
  // RBAC-NOTES §7.16
  { upstream: 'RBAC-NOTES §7.16 (edit reads secrets)', world: bootstrapWorld, user: userInfo('ed', ['dev-editors']), attrs: res('get', 'secrets', { ns: 'dev', name: 's' }), expected: true },
  { upstream: 'RBAC-NOTES §7.16 (edit execs into pods)', world: bootstrapWorld, user: userInfo('ed', ['dev-editors']), attrs: res('create', 'pods', { ns: 'dev', sub: 'exec', name: 'web' }), expected: true },
  { upstream: 'RBAC-NOTES §7.16 (edit impersonates serviceaccounts)', world: bootstrapWorld, user: userInfo('ed', ['dev-editors']), attrs: res('impersonate', 'serviceaccounts', { ns: 'dev', name: 'default' }), expected: true },
  { upstream: 'RBAC-NOTES §7.16 (edit mints serviceaccount tokens)', world: bootstrapWorld, user: userInfo('ed', ['dev-editors']), attrs: res('create', 'serviceaccounts', { ns: 'dev', sub: 'token', name: 'default' }), expected: true },
  { upstream: 'RBAC-NOTES §7.16 (edit includes view through aggregation)', world: bootstrapWorld, user: userInfo('ed', ['dev-editors']), attrs: res('list', 'configmaps', { ns: 'dev' }), expected: true },
  { upstream: 'RBAC-NOTES §7.16 (view does not read secrets)', world: bootstrapWorld, user: userInfo('vic', ['dev-viewers']), attrs: res('get', 'secrets', { ns: 'dev', name: 's' }), expected: false },
  { upstream: 'RBAC-NOTES §7.16 (view does not exec)', world: bootstrapWorld, user: userInfo('vic', ['dev-viewers']), attrs: res('create', 'pods', { ns: 'dev', sub: 'exec', name: 'web' }), expected: false },
  { upstream: 'RBAC-NOTES §7.16 (view reads pods)', world: bootstrapWorld, user: userInfo('vic', ['dev-viewers']), attrs: res('get', 'pods', { ns: 'dev', name: 'web' }), expected: true },
  // RBAC-NOTES §7.17
  { upstream: 'RBAC-NOTES §7.17 (bind is checked in the binding namespace, by role name)', world: escalationWorld, user: userInfo('ivan'), attrs: res('bind', 'clusterroles', { group: 'rbac.authorization.k8s.io', ns: 'dev', name: 'view' }), expected: true },
  { upstream: 'RBAC-NOTES §7.17 (bind restricted by resourceNames)', world: escalationWorld, user: userInfo('ivan'), attrs: res('bind', 'clusterroles', { group: 'rbac.authorization.k8s.io', ns: 'dev', name: 'admin' }), expected: false },
  { upstream: 'RBAC-NOTES §7.17 (bind for a ClusterRoleBinding has namespace "")', world: escalationWorld, user: userInfo('ivan'), attrs: res('bind', 'clusterroles', { group: 'rbac.authorization.k8s.io', name: 'view' }), expected: false },
  // RBAC-NOTES §7.18
  { upstream: 'RBAC-NOTES §7.18 (impersonating SAs is namespaced: a RoleBinding suffices)', world: escalationWorld, user: userInfo('judy'), attrs: res('impersonate', 'serviceaccounts', { ns: 'dev', name: 'deployer' }), expected: true },
  { upstream: 'RBAC-NOTES §7.18 (impersonating users needs a ClusterRoleBinding)', world: escalationWorld, user: userInfo('judy'), attrs: res('impersonate', 'users', { name: 'alice' }), expected: false },
  { upstream: 'RBAC-NOTES §7.18 (impersonate groups without resourceNames includes system:masters)', world: escalationWorld, user: userInfo('kim'), attrs: res('impersonate', 'groups', { name: 'system:masters' }), expected: true },
  // RBAC-NOTES §7.20
  { upstream: 'RBAC-NOTES §7.20 (the later definition of a role wins: superset in an upgraded cluster)', world: precedenceWorld, user: serviceAccountUser('ops', 'deployer'), attrs: res('get', 'secrets', { ns: 'x', name: 's' }), expected: true },
  { upstream: 'RBAC-NOTES §7.20 (a legacy token Secret authenticates as its SA: same grants)', world: precedenceWorld, user: userInfo('system:serviceaccount:ops:deployer'), attrs: res('list', 'pods'), expected: true },
];

const policies = new Map<World, Policy>();
function policyOf(world: World): Policy {
  let policy = policies.get(world);
  if (policy === undefined) {
    policy = new Policy(world.roles, world.bindings);
    policies.set(world, policy);
  }
  return policy;
}

describe('Policy.allows', () => {
  it.for(authorizerCases.map((c) => ({ ...c, label: `${c.user.name || '(no name)'} ${describeRequest(c.attrs)}` })))(
    '$upstream: $label → $expected',
    ({ world, user, attrs, expected }) => {
      const policy = policyOf(world);
      expect(policy.allows(user, attrs)).toBe(expected);
      const explanation = policy.explain(user, attrs);
      expect(explanation.allowed).toBe(expected);
      expect(explanation.grants.length > 0 || explanation.viaSystemMasters).toBe(expected);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 3. Subject matching: rule_test.go TestAppliesTo.
// ---------------------------------------------------------------------------------------------

interface AppliesCase {
  upstream: string;
  subjects: Subject[];
  user: UserInfo;
  namespace: string;
  index: number;
}

const appliesCases: AppliesCase[] = [
  { upstream: 'rule_test.go TestAppliesTo "single subject that matches username"', subjects: [User('foobar')], user: apiUser('foobar'), namespace: '', index: 0 },
  { upstream: 'rule_test.go TestAppliesTo "multiple subjects, one that matches username"', subjects: [User('barfoo'), User('foobar')], user: apiUser('foobar'), namespace: '', index: 1 },
  { upstream: 'rule_test.go TestAppliesTo "multiple subjects, none that match username"', subjects: [User('barfoo'), User('foobar')], user: apiUser('zimzam'), namespace: '', index: -1 },
  { upstream: 'rule_test.go TestAppliesTo "multiple subjects, one that match group"', subjects: [User('barfoo'), Group('foobar')], user: { name: 'zimzam', groups: ['foobar'] }, namespace: '', index: 1 },
  { upstream: 'rule_test.go TestAppliesTo "multiple subjects, one that match group, should ignore namespace"', subjects: [User('barfoo'), Group('foobar')], user: { name: 'zimzam', groups: ['foobar'] }, namespace: 'namespace1', index: 1 },
  { upstream: 'rule_test.go TestAppliesTo "multiple subjects with a service account that matches"', subjects: [User('barfoo'), Group('foobar'), SA('default', 'kube-system')], user: apiUser('system:serviceaccount:kube-system:default'), namespace: 'default', index: 2 },
  { upstream: 'rule_test.go TestAppliesTo "* user subject name doesn\'t match all users"', subjects: [User('*')], user: apiUser('foobar'), namespace: 'default', index: -1 },
  { upstream: 'rule_test.go TestAppliesTo "binding to all authenticated and unauthenticated subjects matches authenticated user"', subjects: [Group('system:authenticated'), Group('system:unauthenticated')], user: { name: 'foobar', groups: ['system:authenticated'] }, namespace: 'default', index: 0 },
  { upstream: 'rule_test.go TestAppliesTo "binding to all authenticated and unauthenticated subjects matches anonymous user"', subjects: [Group('system:authenticated'), Group('system:unauthenticated')], user: { name: 'system:anonymous', groups: ['system:unauthenticated'] }, namespace: 'default', index: 1 },
  { upstream: 'RBAC-NOTES §7.8 (SA subject without namespace takes the RoleBinding namespace)', subjects: [SA('web')], user: serviceAccountUser('dev', 'web'), namespace: 'dev', index: 0 },
  { upstream: 'RBAC-NOTES §7.8 (SA subject without namespace in a ClusterRoleBinding)', subjects: [SA('web')], user: serviceAccountUser('dev', 'web'), namespace: '', index: -1 },
  { upstream: 'RBAC-NOTES §7.8 (an explicit SA namespace beats the binding namespace)', subjects: [SA('web', 'prod')], user: serviceAccountUser('dev', 'web'), namespace: 'dev', index: -1 },
  { upstream: 'RBAC-NOTES §7.9 (User subject with an SA username)', subjects: [User('system:serviceaccount:dev:web')], user: serviceAccountUser('dev', 'web'), namespace: '', index: 0 },
  { upstream: 'RBAC-NOTES §7.9 (names are case-sensitive)', subjects: [User('Alice'), Group('Devs')], user: { name: 'alice', groups: ['devs'] }, namespace: '', index: -1 },
  { upstream: 'rule.go appliesToUser (unknown kinds never match: "user", "serviceaccount")', subjects: [{ kind: 'user', name: 'alice' }, { kind: 'serviceaccount', name: 'web', namespace: 'dev' }], user: { name: 'alice', groups: [] }, namespace: 'dev', index: -1 },
  { upstream: 'rule.go appliesToUser (Group namespace is ignored)', subjects: [{ kind: 'Group', name: 'devs', namespace: 'other' }], user: { name: 'alice', groups: ['devs'] }, namespace: 'dev', index: 0 },
];

describe('appliesTo / firstApplyingSubject', () => {
  it.for(appliesCases)('$upstream', ({ subjects, user, namespace, index }) => {
    expect(firstApplyingSubject(subjects, user, namespace)).toBe(index);
    expect(subjects.map((subject) => appliesTo(subject, user, namespace)).indexOf(true)).toBe(index);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Effective rules: rule_test.go TestDefaultRuleResolver.
// ---------------------------------------------------------------------------------------------

const ruleReadPods: PolicyRule = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['pods'] };
const ruleReadServices: PolicyRule = { verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['services'] };
const ruleWriteNodes: PolicyRule = { verbs: ['PUT', 'CREATE', 'UPDATE'], apiGroups: ['v1'], resources: ['nodes'] };
const ruleAdmin: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
const staticRoles1: World = {
  roles: [
    nsRole('namespace1', 'readthings', [ruleReadPods, ruleReadServices]),
    clusterRole('cluster-admin', [ruleAdmin]),
    clusterRole('write-nodes', [ruleWriteNodes]),
  ],
  bindings: [
    rb('namespace1', 'readthings', 'Role', 'readthings', [User('foobar'), Group('group1')]),
    crb('cluster-admin', 'cluster-admin', [User('admin'), Group('admin')]),
  ],
};

interface RulesForCase {
  upstream: string;
  world: World;
  user: UserInfo;
  namespace: string;
  expected: PolicyRule[];
}

const rulesForCases: RulesForCase[] = [
  { upstream: 'rule_test.go TestDefaultRuleResolver #0 (RoleBinding rules in namespace1)', world: staticRoles1, user: apiUser('foobar'), namespace: 'namespace1', expected: [ruleReadPods, ruleReadServices] },
  { upstream: 'rule_test.go TestDefaultRuleResolver #1 (nothing in namespace2)', world: staticRoles1, user: apiUser('foobar'), namespace: 'namespace2', expected: [] },
  { upstream: 'rule_test.go TestDefaultRuleResolver #2 (no namespace: cluster rules only)', world: staticRoles1, user: { name: 'foobar', groups: ['admin'] }, namespace: '', expected: [ruleAdmin] },
  { upstream: 'rule_test.go TestDefaultRuleResolver #3 (empty user)', world: staticRoles1, user: { name: '', groups: [] }, namespace: '', expected: [] },
  { upstream: 'rule.go VisitRulesFor (ClusterRoleBindings first, then RoleBindings of the namespace)', world: staticRoles1, user: { name: 'foobar', groups: ['admin'] }, namespace: 'namespace1', expected: [ruleAdmin, ruleReadPods, ruleReadServices] },
  { upstream: 'RBAC-NOTES §7.12 (rulesFor skips dangling bindings)', world: { roles: [], bindings: danglingBindings }, user: userInfo('dana'), namespace: 'dev', expected: [] },
];

describe('Policy.rulesFor', () => {
  it.for(rulesForCases)('$upstream', ({ world, user, namespace, expected }) => {
    expect(policyOf(world).rulesFor(user, namespace).map((grant) => grant.rule)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. who-can: subject_locator_test.go TestSubjectLocator.
// ---------------------------------------------------------------------------------------------

const locatorWorld0: World = {
  roles: [clusterRole('admin', [everything])],
  bindings: [
    crb('admin', 'admin', [User('super-admin'), Group('super-admins')]),
    rb('ns1', 'admin', 'ClusterRole', 'admin', [User('admin'), Group('admins')]),
  ],
};
const locatorWorld1: World = {
  roles: [clusterRole('admin', [everything]), nsRole('ns1', 'admin', [{ verbs: ['get'], apiGroups: ['*'], resources: ['Pods'], nonResourceURLs: ['*'] }])],
  bindings: [
    crb('admin', 'admin', [User('super-admin'), Group('super-admins')]),
    rb('ns1', 'admin', 'Role', 'admin', [User('admin'), Group('admins')]),
  ],
};
const whoCanWorld: World = {
  roles: [nsRole('dev', 'reader', [readSecrets]), clusterRole('secret-reader', [readSecrets]), clusterRole('cluster-admin', [everything])],
  bindings: [
    crb('cluster-admin', 'cluster-admin', [Group('system:masters')]),
    crb('nameless', 'secret-reader', [SA('web'), { kind: 'Robot', name: 'r2' }]),
    rb('dev', 'local', 'Role', 'reader', [SA('web'), User('alice')]),
    rb('dev', 'again', 'ClusterRole', 'secret-reader', [SA('web', 'dev'), User('alice'), SA('job', 'ci')]),
    rb('prod', 'elsewhere', 'Role', 'reader', [User('bob')]),
    rb('dev', 'dangling', 'Role', 'missing', [User('carol')]),
  ],
};

interface WhoCanCase {
  upstream: string;
  world: World;
  attrs: ResourceAttributes | NonResourceAttributes;
  expected: string[];
}

const masters = 'Group system:masters';

const whoCanCases: WhoCanCase[] = [
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "no super user, star matches star" #0',
    world: locatorWorld0,
    attrs: res('get', 'Pods', { ns: 'ns1' }),
    expected: [masters, 'User super-admin', 'Group super-admins', 'User admin', 'Group admins'],
  },
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "no super user, star matches star" #1 (namespace "*" is literal)',
    world: locatorWorld0,
    attrs: res('*', 'Pods', { ns: '*' }),
    expected: [masters, 'User super-admin', 'Group super-admins'],
  },
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "no super user, star matches star" #2 (empty ns)',
    world: locatorWorld0,
    attrs: res('*', 'Pods'),
    expected: [masters, 'User super-admin', 'Group super-admins'],
  },
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "super user, local roles work" #0 (super user not modelled)',
    world: locatorWorld1,
    attrs: res('get', 'Pods', { ns: 'ns1' }),
    expected: [masters, 'User super-admin', 'Group super-admins', 'User admin', 'Group admins'],
  },
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "super user, local roles work" #1 (verb matches correctly)',
    world: locatorWorld1,
    attrs: res('create', 'Pods', { ns: 'ns1' }),
    expected: [masters, 'User super-admin', 'Group super-admins'],
  },
  {
    upstream: 'subject_locator_test.go TestSubjectLocator "super user, local roles work" #2 (binding only works in correct ns)',
    world: locatorWorld1,
    attrs: res('get', 'Pods', { ns: 'ns2' }),
    expected: [masters, 'User super-admin', 'Group super-admins'],
  },
  {
    upstream: 'subject_locator.go AllowedSubjects + RBAC-NOTES §1.8 (dedupe, SA namespace defaulted, no dangling, no other namespace)',
    world: whoCanWorld,
    attrs: res('get', 'secrets', { ns: 'dev', name: 's' }),
    expected: [masters, 'ServiceAccount dev/web', 'User alice', 'ServiceAccount ci/job'],
  },
  {
    upstream: 'RBAC-NOTES §7.1 (cluster-scope who-can ignores RoleBindings)',
    world: whoCanWorld,
    attrs: res('list', 'secrets'),
    expected: [masters],
  },
  {
    upstream: 'RBAC-NOTES §7.7 (non-resource who-can sees ClusterRoleBindings only)',
    world: locatorWorld0,
    attrs: url('get', '/healthz'),
    expected: [masters, 'User super-admin', 'Group super-admins'],
  },
  {
    upstream: 'RBAC-NOTES §7.11 (system:masters can do anything even with no policy)',
    world: { roles: [], bindings: [] },
    attrs: res('delete', 'nodes', { name: 'n1' }),
    expected: [masters],
  },
];

describe('Policy.whoCan', () => {
  it.for(whoCanCases)('$upstream', ({ world, attrs, expected }) => {
    const entries = policyOf(world).whoCan(attrs);
    expect(entries.map((entry) => describeSubject(entry.subject, ''))).toEqual(expected);
    expect(entries[0]?.via).toBe('system:masters');
  });

  it('subject_locator.go AllowedSubjects: each subject carries the first binding that grants it', () => {
    const entries = policyOf(whoCanWorld).whoCan(res('get', 'secrets', { ns: 'dev', name: 's' }));
    expect(
      entries.map((entry) =>
        entry.via === 'binding' ? [entry.binding.name, entry.role.name, entry.bindingNamespace ?? '(cluster)'] : ['system:masters'],
      ),
    ).toEqual([['system:masters'], ['local', 'reader', 'dev'], ['local', 'reader', 'dev'], ['again', 'secret-reader', 'dev']]);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Explanations, bindings and identities.
// ---------------------------------------------------------------------------------------------

describe('Policy.explain / bindingsFor / danglingBindings', () => {
  it('rbac.go authorizingVisitor: explain lists every allowing rule with its binding and subject', () => {
    const policy = policyOf(whoCanWorld);
    const explanation = policy.explain(serviceAccountUser('dev', 'web'), res('get', 'secrets', { ns: 'dev', name: 's' }));
    expect(explanation.viaSystemMasters).toBe(false);
    expect(explanation.grants.map((grant) => [grant.binding.name, grant.role.name, grant.ruleIndex, describeSubject(grant.subject, grant.bindingNamespace)])).toEqual([
      ['local', 'reader', 0, 'ServiceAccount dev/web'],
      ['again', 'secret-reader', 0, 'ServiceAccount dev/web'],
    ]);
  });

  it('RBAC-NOTES §7.11: explain flags system:masters and still lists RBAC grants', () => {
    const explanation = policyOf(locatorWorld0).explain({ name: 'super-admin', groups: ['system:masters'] }, res('get', 'pods', { ns: 'ns1', name: 'p' }));
    expect(explanation.viaSystemMasters).toBe(true);
    expect(explanation.allowed).toBe(true);
    expect(explanation.grants.map((grant) => grant.binding.name)).toEqual(['admin']);
  });

  it('RBAC-NOTES §7.13: a grant through an aggregated role names the role the rule comes from', () => {
    const [grant] = policyOf(aggregatedWorld).explain(userInfo('erin'), res('get', 'pods', { ns: 'a', name: 'p' })).grants;
    expect([grant?.role.name, grant?.origin.role.name, grant?.origin.ruleIndex]).toEqual(['agg', 'pods', 0]);
  });

  it('RBAC-NOTES §7.8: bindingsFor finds ClusterRoleBindings and RoleBindings of every namespace, dangling included', () => {
    const policy = policyOf(whoCanWorld);
    expect(policy.bindingsFor(userInfo('alice')).map((match) => [match.binding.name, match.role?.name ?? null])).toEqual([
      ['local', 'reader'],
      ['again', 'secret-reader'],
    ]);
    expect(policy.bindingsFor(userInfo('carol')).map((match) => [match.binding.name, match.role?.name ?? null])).toEqual([['dangling', null]]);
    expect(policy.bindingsFor(serviceAccountUser('ci', 'job')).map((match) => match.binding.name)).toEqual(['again']);
  });

  it('RoleBindings of one user or group in one namespace, then in several: each request sees its namespace only', () => {
    const policy = new Policy(
      [nsRole('a', 'pods', [readPods]), nsRole('b', 'pods', [readPods]), nsRole('a', 'secrets', [readSecrets])],
      [
        rb('a', 'a1', 'Role', 'pods', [User('ann'), Group('team')]),
        rb('a', 'a2', 'Role', 'secrets', [User('ann'), Group('team')]),
        // A second namespace after two bindings in the first, then the first again.
        rb('b', 'b1', 'Role', 'pods', [User('ann'), Group('team')]),
        rb('a', 'a3', 'Role', 'pods', [User('ann')]),
        rb('b', 'b2', 'Role', 'pods', [User('bob')]),
      ],
    );
    const names = (grants: readonly { binding: BindingDef }[]) => [...new Set(grants.map((grant) => grant.binding.name))];
    expect(names(policy.rulesFor(userInfo('ann'), 'a'))).toEqual(['a1', 'a2', 'a3']);
    expect(names(policy.rulesFor(userInfo('ann'), 'b'))).toEqual(['b1']);
    expect(names(policy.rulesFor(userInfo('ann'), 'c'))).toEqual([]);
    expect(names(policy.rulesFor(userInfo('bob'), 'b'))).toEqual(['b2']);
    expect(names(policy.rulesFor(userInfo('bob'), 'a'))).toEqual([]);
    expect(names(policy.rulesFor({ name: 'carl', groups: ['team'] }, 'a'))).toEqual(['a1', 'a2']);
    expect(names(policy.rulesFor({ name: 'carl', groups: ['team'] }, 'b'))).toEqual(['b1']);
    expect(policy.bindingsFor(userInfo('ann')).map((match) => match.binding.name)).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(policy.bindingsFor({ name: 'carl', groups: ['team'] }).map((match) => match.binding.name)).toEqual(['a1', 'a2', 'b1']);
    // A rule of a role that is not aggregated comes from the role itself.
    const [grant] = policy.rulesFor(userInfo('ann'), 'a');
    expect([grant?.origin.role, grant?.origin.ruleIndex]).toEqual([grant?.role, 0]);
  });

  it('bindingsFor: a binding that applies to several users gives each the same match, with the subject that applies', () => {
    const policy = new Policy([clusterRole('view', [readPods])], [crb('all', 'view', [User('x'), Group('system:authenticated')])]);
    const [first] = policy.bindingsFor({ name: 'u1', groups: ['system:authenticated'] });
    const [second] = policy.bindingsFor({ name: 'u2', groups: ['system:authenticated'] });
    expect(first?.subject).toEqual(Group('system:authenticated'));
    expect(second).toBe(first);
    expect(policy.bindingsFor(userInfo('x'))[0]?.subject).toEqual(User('x'));
  });

  it('RBAC-NOTES §1.5: danglingBindings lists bindings whose roleRef resolves to nothing', () => {
    const crbToRole: BindingDef = { ...crb('crb-to-role', 'reader', [User('x')]), roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: 'reader' } };
    const weirdKind: BindingDef = { ...crb('weird', 'reader', [User('x')]), roleRef: { apiGroup: RBAC_API_GROUP, kind: 'clusterrole', name: 'reader' } };
    const policy = new Policy([nsRole('', 'reader', [readPods]), clusterRole('reader', [readPods])], [crbToRole, weirdKind, ...danglingBindings]);
    expect(policy.danglingBindings().map((binding) => binding.name)).toEqual(['crb-to-role', 'weird', 'to-missing-role', 'to-missing-clusterrole']);
    expect(policy.roleFor(crbToRole)).toBeUndefined();
  });

  it('rule.go GetRoleReferenceRules: roleFor looks Roles up in the binding namespace', () => {
    const policy = policyOf(scopeWorld);
    const [binding] = policy.bindings();
    expect(binding === undefined ? undefined : policy.roleFor(binding)?.namespace).toBe('ns1');
  });

  it('Policy: later definitions of the same kind/namespace/name win and earlier ones are reported', () => {
    const first = clusterRole('edit', [readPods]);
    const second = clusterRole('edit', [readSecrets]);
    const policy = new Policy([first, nsRole('a', 'edit', [readPods]), second], []);
    expect(policy.roles()).toEqual([nsRole('a', 'edit', [readPods]), second]);
    expect(policy.shadowed).toEqual([first]);
    expect(policy.getRole('ClusterRole', 'edit')).toBe(second);
    expect(policy.getRole('Role', 'edit', 'a')?.rules).toEqual([readPods]);
    // holds(): this very definition, not one of the same name.
    expect([policy.holds(second), policy.holds(first), policy.holds(clusterRole('edit', [readSecrets]))]).toEqual([true, false, false]);
  });
});

describe('identities', () => {
  it('serviceaccount/util.go MakeUsername + MakeGroupNames + authenticated_group_adder.go', () => {
    expect(serviceAccountUser('dev', 'web')).toEqual({
      name: 'system:serviceaccount:dev:web',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
    });
  });

  it.for([
    { upstream: 'authenticated_group_adder.go (adds system:authenticated)', name: 'alice', groups: ['devs'], expected: ['devs', 'system:authenticated'] },
    { upstream: 'authenticated_group_adder.go (already authenticated)', name: 'alice', groups: ['system:authenticated', 'devs'], expected: ['system:authenticated', 'devs'] },
    { upstream: 'authenticated_group_adder.go (system:unauthenticated present: nothing added)', name: 'alice', groups: ['system:unauthenticated'], expected: ['system:unauthenticated'] },
    { upstream: 'anonymous.go (anonymous gets system:unauthenticated only)', name: 'system:anonymous', groups: [], expected: ['system:unauthenticated'] },
    { upstream: 'impersonation.go (anonymous with groups keeps them, adds system:unauthenticated)', name: 'system:anonymous', groups: ['x'], expected: ['x', 'system:unauthenticated'] },
    { upstream: 'impersonation.go (SA username without groups gets the SA groups)', name: 'system:serviceaccount:dev:web', groups: [], expected: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'] },
    { upstream: 'impersonation.go (SA username with explicit groups keeps only those)', name: 'system:serviceaccount:dev:web', groups: ['g'], expected: ['g', 'system:authenticated'] },
  ])('$upstream', ({ name, groups, expected }) => {
    expect(userInfo(name, groups)).toEqual({ name, groups: expected });
  });

  it.for([
    { upstream: 'serviceaccount/util.go SplitUsername (valid)', username: 'system:serviceaccount:kube-system:default', expected: { namespace: 'kube-system', name: 'default' } },
    { upstream: 'serviceaccount/util.go SplitUsername (dotted SA name)', username: 'system:serviceaccount:ns:a.b', expected: { namespace: 'ns', name: 'a.b' } },
    { upstream: 'serviceaccount/util.go SplitUsername (too many parts)', username: 'system:serviceaccount:ns:a:b', expected: undefined },
    { upstream: 'serviceaccount/util.go SplitUsername (invalid namespace)', username: 'system:serviceaccount:Dev:web', expected: undefined },
    { upstream: 'serviceaccount/util.go SplitUsername (plural group prefix is not a username)', username: 'system:serviceaccounts:dev', expected: undefined },
    { upstream: 'serviceaccount/util.go SplitUsername (empty name)', username: 'system:serviceaccount:dev:', expected: undefined },
  ])('$upstream', ({ username, expected }) => {
    expect(parseServiceAccountUsername(username)).toEqual(expected);
  });

  it.for([
    { upstream: 'rule.go describeSubject (SA with namespace)', subject: SA('web', 'dev'), ns: '', expected: 'ServiceAccount dev/web' },
    { upstream: 'rule.go describeSubject (SA defaulted to binding namespace)', subject: SA('web'), ns: 'dev', expected: 'ServiceAccount dev/web' },
    { upstream: 'rule.go describeSubject (SA without any namespace)', subject: SA('web'), ns: '', expected: 'ServiceAccount web (no namespace)' },
    { upstream: 'rule.go describeSubject (Group)', subject: Group('system:authenticated'), ns: 'dev', expected: 'Group system:authenticated' },
    { upstream: 'rule.go describeSubject (User)', subject: User('alice'), ns: '', expected: 'User alice' },
  ])('$upstream', ({ subject, ns, expected }) => {
    expect(describeSubject(subject, ns)).toBe(expected);
  });
});

function describeRequest(attrs: ResourceAttributes | NonResourceAttributes): string {
  if (attrs.kind === 'nonResource') return `${attrs.verb} ${attrs.path}`;
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const group = attrs.apiGroup === '' ? '' : `.${attrs.apiGroup}`;
  const name = attrs.name === '' ? '' : ` "${attrs.name}"`;
  const namespace = attrs.namespace === '' ? ' (cluster)' : ` in ${attrs.namespace}`;
  return `${attrs.verb} ${resource}${group}${name}${namespace}`;
}
