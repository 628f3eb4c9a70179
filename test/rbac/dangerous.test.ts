import { describe, expect, it } from 'vitest';
import { Index } from '../../src/model/index.js';
import { parseSource } from '../../src/parse/parse.js';
import { ClusterRbac } from '../../src/rbac/cluster.js';
import { allRules, lint } from '../../src/index.js';
import {
  ANY_SUBRESOURCE,
  DANGER_LIST,
  DANGERS,
  describeGrants,
  grants,
  isFullWildcard,
  permissionsAt,
  type Permission,
} from '../../src/rbac/dangerous.js';
import { roleGrants, roleReach } from '../../src/rbac/reach.js';
import type { PolicyRule } from '../../src/rbac/types.js';

const EXEC: Permission = { verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'exec' };
const CREATE_PODS: Permission = { verbs: ['create'], group: '', resource: 'pods' };

const rule = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): PolicyRule => ({
  apiGroups,
  resources,
  verbs,
  ...(resourceNames ? { resourceNames } : {}),
});

describe('grants', () => {
  it('matches a subresource only by its full name, "*" or "*/<sub>"', () => {
    expect(grants(rule([''], ['pods'], ['create']), EXEC)).toBeUndefined();
    expect(grants(rule([''], ['pods/*'], ['create']), EXEC)).toBeUndefined();
    expect(grants(rule([''], ['pods/exec'], ['create']), EXEC)).toMatchObject({ verbs: ['create'], resource: 'pods/exec' });
    expect(grants(rule([''], ['*'], ['get']), EXEC)).toMatchObject({ verbs: ['get'], resourceIndex: 0 });
    expect(grants(rule([''], ['secrets', '*/exec'], ['get']), EXEC)).toMatchObject({ resourceIndex: 1 });
    expect(grants(rule([''], ['*/exec'], ['create']), CREATE_PODS)).toBeUndefined();
  });

  it('treats "*" verbs as every verb, special ones included, and compares case-sensitively', () => {
    const impersonate: Permission = { verbs: ['impersonate'], group: '', resource: 'users' };
    expect(grants(rule([''], ['users'], ['get', '*']), impersonate)).toMatchObject({ verbs: ['impersonate'], verbIndex: 1 });
    expect(grants(rule([''], ['users'], ['Impersonate']), impersonate)).toBeUndefined();
    expect(grants(rule([''], ['Pods/exec'], ['create']), EXEC)).toBeUndefined();
  });

  it('knows "" as the core group and nothing else', () => {
    expect(grants(rule(['core'], ['pods/exec'], ['create']), EXEC)).toBeUndefined();
    expect(grants(rule(['v1'], ['pods/exec'], ['create']), EXEC)).toBeUndefined();
    expect(grants(rule(['apps', '*'], ['pods/exec'], ['create']), EXEC)).toMatchObject({ groupIndex: 1 });
  });

  it('keeps resourceNames, and drops verbs that a named rule can never authorize', () => {
    // POST …/pods carries no name: create with resourceNames grants nothing.
    expect(grants(rule([''], ['pods'], ['create'], ['web']), CREATE_PODS)).toBeUndefined();
    // POST …/pods/web/exec carries the pod's name.
    expect(grants(rule([''], ['pods/exec'], ['create'], ['web']), EXEC)).toMatchObject({ verbs: ['create'], resourceNames: ['web'] });
    const write: Permission = { verbs: ['create', 'update'], group: 'rbac.authorization.k8s.io', resource: 'rolebindings' };
    expect(grants(rule(['rbac.authorization.k8s.io'], ['rolebindings'], ['create', 'update'], ['a']), write)?.verbs).toEqual(['update']);
  });

  it('matches any subresource key for ANY_SUBRESOURCE', () => {
    const extras: Permission = { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'userextras', subresource: ANY_SUBRESOURCE };
    const group = ['authentication.k8s.io'];
    expect(grants(rule(group, ['userextras'], ['impersonate']), extras)).toBeUndefined();
    expect(grants(rule(group, ['userextras/scopes'], ['impersonate']), extras)).toMatchObject({ resource: 'userextras/scopes' });
    expect(grants(rule(group, ['*/scopes'], ['impersonate']), extras)).toMatchObject({ resource: 'userextras/scopes' });
    expect(grants(rule(group, ['*'], ['impersonate']), extras)).toMatchObject({ resource: 'userextras/<any key>' });
    expect(grants(rule(group, ['pods/scopes'], ['impersonate']), extras)).toBeUndefined();
  });

  it('never grants through a non-resource rule', () => {
    expect(grants({ nonResourceURLs: ['*'], verbs: ['*'] }, EXEC)).toBeUndefined();
  });
});

describe('describeGrants and isFullWildcard', () => {
  it('names the verbs, the resources and the wildcards they come through', () => {
    const r = rule(['*'], ['*'], ['get']);
    const found = [grants(r, EXEC)!, grants(r, { ...EXEC, subresource: 'attach' })!];
    expect(describeGrants(r, found)).toBe('get on pods/exec, pods/attach (through "*" in apiGroups and resources)');
  });

  it('needs "*" in verbs, apiGroups and resources, and no resourceNames', () => {
    expect(isFullWildcard(rule(['*'], ['*'], ['*']))).toBe(true);
    expect(isFullWildcard(rule(['*'], ['*'], ['*'], ['x']))).toBe(false);
    expect(isFullWildcard(rule([''], ['*'], ['*']))).toBe(false);
  });
});

describe('DANGERS: the dangerous permissions the rules report', () => {
  /** The smallest rule entry granting one verb of the permission. */
  const entryOf = (p: Permission, verb: string): PolicyRule => {
    const sub = p.subresource === ANY_SUBRESOURCE ? '/key' : p.subresource ? `/${p.subresource}` : '';
    return rule([p.group], [`${p.resource}${sub}`], [verb]);
  };

  it('is keyed by registered rules, and each rule reports every verb of every permission of its entry', () => {
    const registered = allRules.map((r) => r.id);
    const probes: { name: string; ruleId: string; what: string }[] = [];
    const documents: string[] = [];
    const add = (ruleId: string, what: string, rules: PolicyRule[]): void => {
      const name = `probe-${probes.length}`;
      probes.push({ name, ruleId, what });
      documents.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${name} }
rules: ${JSON.stringify(rules)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${name} }
subjects: [{ kind: ServiceAccount, name: app, namespace: dev }]
`);
    };
    for (const { ruleId, permissions, alsoNeeds = [], everything } of DANGER_LIST) {
      expect(registered, ruleId).toContain(ruleId);
      if (everything) add(ruleId, 'everything', [rule(['*'], ['*'], ['*'])]);
      for (const p of permissions) {
        for (const verb of p.verbs) {
          const entry = entryOf(p, verb);
          add(ruleId, JSON.stringify(entry), [entry, ...alsoNeeds.map((n) => entryOf(n, n.verbs[0]!))]);
        }
      }
    }
    const { findings } = lint([{ path: 'probe.yaml', text: documents.join('---\n') }]);
    for (const { name, ruleId, what } of probes) {
      const reported = findings.filter((f) => f.object?.name === name).map((f) => f.ruleId);
      expect(reported, `${ruleId}: ${what}`).toContain(ruleId);
    }
    expect(probes.length).toBeGreaterThan(DANGER_LIST.length);
  });

  it('drops the verbs only older Kubernetes versions count: get on pods/exec from 1.35', () => {
    const exec = DANGERS['pod-exec-access'];
    expect(permissionsAt(exec, { major: 1, minor: 34 })).toBe(exec.permissions);
    expect(permissionsAt(exec, { major: 1, minor: 35 }).map((p) => `${p.verbs.join()} ${p.resource}/${String(p.subresource)}`)).toEqual([
      'create pods/exec',
      'create pods/attach',
      'create pods/portforward',
    ]);
    expect(permissionsAt(DANGERS['secret-read-access'], { major: 1, minor: 35 })).toBe(DANGERS['secret-read-access'].permissions);
  });
});

describe('roleReach', () => {
  function rbacOf(text: string) {
    const index = new Index(parseSource({ path: 'reach.yaml', text }).manifests);
    return { index, rbac: new ClusterRbac(index) };
  }

  it('finds the bindings of an aggregated role even when all its rules were dropped as duplicates', () => {
    // system:aggregate-to-edit (sorted before "zz-dup") already has this exact rule, so the
    // aggregation controller drops zz-dup's copy; the edit binding still grants it.
    const { index, rbac } = rbacOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: zz-dup
  labels: { rbac.authorization.k8s.io/aggregate-to-edit: "true" }
rules:
  - { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: editors, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: devs }]
`);
    const reach = roleReach(rbac, index.ofKind('ClusterRole')[0]!);
    expect(reach.bound).toBe(true);
    expect(reach.related.map((r) => r.message)).toEqual(['RoleBinding dev/editors grants it through ClusterRole "edit" to Group devs']);
  });

  it('counts only ClusterRoleBindings for cluster-scoped grants, and lowers the severity of unbound ones', () => {
    const { index, rbac } = rbacOf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: node-proxy }
rules: [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: node-proxy, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-proxy }
subjects: [{ kind: Group, name: devs }]
`);
    const role = index.ofKind('ClusterRole')[0]!;
    expect(roleReach(rbac, role).severity('error')).toBe('error');
    const clusterWide = roleReach(rbac, role, { clusterScoped: true });
    expect(clusterWide.severity('error')).toBe('warning');
    expect(clusterWide.note).toContain('bound only by RoleBindings');
    expect(roleReach(rbac, role, { clusterScoped: true, limited: true }).severity('error')).toBe('note');
  });
});

describe('roleGrants', () => {
  const text = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: a, namespace: dev }
rules:
  - { apiGroups: [""], resources: ["pods"], verbs: ["create"] }
  - { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }
  - { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }
  - { apiGroups: [""], resources: ["pods", "*"], verbs: ["get"] }
  - { nonResourceURLs: ["/healthz"], verbs: ["get"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: b }
rules:
  - { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] }
  - { apiGroups: [""], resources: ["*/exec"], verbs: ["get"] }
  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }
  - { apiGroups: [""], resources: ["pods*"], verbs: ["get"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: c, namespace: dev }
rules:
  - { apiGroups: [""], resources: ["secrets", "pods/exec", "pods/attach"], verbs: ["get"] }
`;

  it('finds every entry that names the resource, one of its subresources or "*", once each, in role and entry order', () => {
    const index = new Index(parseSource({ path: 'grants.yaml', text }).manifests);
    const found = [...roleGrants({ index, rbac: new ClusterRbac(index) }, DANGERS['pod-exec-access'].permissions)];
    // Not: pods (no subresource), pods/log, non-resource entries, deployments, the full wildcard
    // (cluster-admin-binding and wildcard-rule report it), "pods*" (a literal name).
    expect(found.map((g) => `${g.role.name}#${g.entry.index}: ${g.found.map((f) => f.resource).join(', ')}`)).toEqual([
      'a#1: pods/exec',
      'a#3: pods/exec, pods/attach, pods/portforward',
      'c#0: pods/exec, pods/attach',
      'b#1: pods/exec',
    ]);
  });

  it('finds an entry of a later role again for another permission list', () => {
    const index = new Index(parseSource({ path: 'grants.yaml', text }).manifests);
    const ctx = { index, rbac: new ClusterRbac(index) };
    expect([...roleGrants(ctx, [CREATE_PODS])].map((g) => `${g.role.name}#${g.entry.index}`)).toEqual(['a#0']);
    expect([...roleGrants(ctx, DANGERS['secret-read-access'].permissions)].map((g) => `${g.role.name}#${g.entry.index}`)).toEqual(['a#3', 'c#0']);
  });
});
