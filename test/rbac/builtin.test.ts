import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinBindings, builtinDataSource, builtinRoles } from '../../src/rbac/builtin.js';
import type { PolicyRule, RoleDef } from '../../src/rbac/types.js';
// Plain ESM script without type declarations (not type-checked: tsconfig covers src/ and rules/).
import { DEFAULT_SHARED_DIR, readInputs, renderAll } from '../../scripts/gen-builtin-data.mjs';

// Expectations come from the bootstrap-policy golden files in ../shared/kubernetes/bootstrap-policy
// (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata) and RBAC-NOTES §3.

const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';
const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';

function clusterRole(name: string): RoleDef {
  const role = builtinRoles().find((r) => r.kind === 'ClusterRole' && r.name === name);
  if (!role) throw new Error(`no built-in ClusterRole ${name}`);
  return role;
}

/** Rules a role gets from the ClusterRoles its aggregationRule selects (matchLabels only, enough for the defaults). */
function aggregatedRules(role: RoleDef): PolicyRule[] {
  const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
  return builtinRoles()
    .filter((r) => r.kind === 'ClusterRole' && r.name !== role.name)
    .filter((r) => selectors.some((s) => Object.entries(s.matchLabels ?? {}).every(([k, v]) => r.labels[k] === v)))
    .flatMap((r) => [...r.rules]);
}

const mentions = (rules: readonly PolicyRule[], resource: string): boolean => rules.some((r) => r.resources?.includes(resource) ?? false);

describe('builtinRoles', () => {
  it('has the 32 cluster roles, 45 controller roles and 7 namespace roles of the golden files', () => {
    const roles = builtinRoles();
    expect(roles).toHaveLength(84);
    expect(roles.filter((r) => r.kind === 'ClusterRole' && r.name.startsWith('system:controller:'))).toHaveLength(45);
    expect(roles.filter((r) => r.kind === 'Role').map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'kube-public/system:controller:bootstrap-signer',
      'kube-system/extension-apiserver-authentication-reader',
      'kube-system/system::leader-locking-kube-controller-manager',
      'kube-system/system::leader-locking-kube-scheduler',
      'kube-system/system:controller:bootstrap-signer',
      'kube-system/system:controller:cloud-provider',
      'kube-system/system:controller:token-cleaner',
    ]);
    expect(roles.every((r) => r.builtin && r.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults')).toBe(true);
    expect(roles.filter((r) => r.kind === 'ClusterRole').every((r) => r.namespace === undefined)).toBe(true);
  });

  it('cluster-admin is */*/* plus nonResourceURLs *', () => {
    expect(clusterRole('cluster-admin').rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
  });

  it('view is aggregated via aggregate-to-view and gets no secrets rule', () => {
    const view = clusterRole('view');
    expect(view.rules).toEqual([]);
    expect(view.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { [AGGREGATE_TO_VIEW]: 'true' } }] });
    // view itself feeds edit: it carries the aggregate-to-edit label.
    expect(view.labels[AGGREGATE_TO_EDIT]).toBe('true');
    const rules = aggregatedRules(view);
    expect(rules.length).toBeGreaterThan(0);
    expect(mentions(rules, 'pods')).toBe(true);
    expect(mentions(rules, 'secrets')).toBe(false);
    // edit does read secrets (excluded from view on purpose, TestEditViewRelationship).
    expect(mentions(aggregatedRules(clusterRole('edit')), 'secrets')).toBe(true);
  });

  it('system:basic-user grants create on selfsubjectaccessreviews in authorization.k8s.io', () => {
    expect(clusterRole('system:basic-user').rules).toEqual([
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]);
  });

  it('keeps resourceNames and rule key order verbatim', () => {
    const role = builtinRoles().find((r) => r.kind === 'Role' && r.namespace === 'kube-public' && r.name === 'system:controller:bootstrap-signer');
    expect(role?.rules[1]).toEqual({ apiGroups: [''], resourceNames: ['cluster-info'], resources: ['configmaps'], verbs: ['update'] });
    expect(Object.keys(role?.rules[1] ?? {})).toEqual(['apiGroups', 'resourceNames', 'resources', 'verbs']);
  });

  it('is cached, frozen, and returns a fresh array each call', () => {
    const a = builtinRoles();
    const b = builtinRoles();
    expect(a).not.toBe(b);
    expect(a[0]).toBe(b[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    a.pop();
    expect(builtinRoles()).toHaveLength(84);
  });
});

describe('builtinBindings', () => {
  const binding = (kind: string, name: string, namespace?: string) => {
    const b = builtinBindings().find((x) => x.kind === kind && x.name === name && x.namespace === namespace);
    if (!b) throw new Error(`no built-in ${kind} ${namespace ?? ''}/${name}`);
    return b;
  };
  const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
  const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

  it('has 12 default ClusterRoleBindings, 45 controller bindings and 7 namespace RoleBindings', () => {
    const all = builtinBindings();
    expect(all).toHaveLength(64);
    expect(all.filter((b) => b.kind === 'ClusterRoleBinding' && b.name.startsWith('system:controller:'))).toHaveLength(45);
    expect(all.filter((b) => b.kind === 'RoleBinding')).toHaveLength(7);
    expect(all.every((b) => b.builtin)).toBe(true);
  });

  it('binds the defaults to the groups of RBAC-NOTES §3.1', () => {
    expect(binding('ClusterRoleBinding', 'cluster-admin').subjects).toEqual([group('system:masters')]);
    expect(binding('ClusterRoleBinding', 'system:discovery').subjects).toEqual([group('system:authenticated')]);
    expect(binding('ClusterRoleBinding', 'system:basic-user').subjects).toEqual([group('system:authenticated')]);
    expect(binding('ClusterRoleBinding', 'system:public-info-viewer').subjects).toEqual([group('system:authenticated'), group('system:unauthenticated')]);
    expect(binding('ClusterRoleBinding', 'system:service-account-issuer-discovery').subjects).toEqual([group('system:serviceaccounts')]);
    expect(binding('ClusterRoleBinding', 'system:volume-scheduler').subjects).toEqual([user('system:kube-scheduler')]);
    expect(binding('ClusterRoleBinding', 'system:node-proxier').subjects).toEqual([user('system:kube-proxy')]);
    expect(binding('ClusterRoleBinding', 'system:kube-dns').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }]);
    expect(binding('ClusterRoleBinding', 'system:node').subjects).toEqual([]);
    expect(binding('ClusterRoleBinding', 'cluster-admin').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
  });

  it('binds system:controller:deployment-controller to SA kube-system/deployment-controller', () => {
    const b = binding('ClusterRoleBinding', 'system:controller:deployment-controller');
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:controller:deployment-controller' });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deployment-controller', namespace: 'kube-system' }]);
  });

  it('has one controller binding per controller role', () => {
    const controllerRoles = builtinRoles()
      .filter((r) => r.kind === 'ClusterRole' && r.name.startsWith('system:controller:'))
      .map((r) => r.name);
    const controllerBindings = builtinBindings()
      .filter((b) => b.kind === 'ClusterRoleBinding' && b.name.startsWith('system:controller:'))
      .map((b) => b.roleRef.name);
    expect(controllerBindings).toEqual(controllerRoles);
  });

  it('every binding refers to a built-in role of the right kind and namespace', () => {
    const roles = new Set(builtinRoles().map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`));
    for (const b of builtinBindings()) {
      const ns = b.roleRef.kind === 'Role' ? (b.namespace ?? '') : '';
      expect(roles.has(`${b.roleRef.kind}/${ns}/${b.roleRef.name}`), `${b.kind} ${b.name}`).toBe(true);
    }
  });

  it('has the kube-system and kube-public RoleBindings', () => {
    expect(binding('RoleBinding', 'system:controller:bootstrap-signer', 'kube-public').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'bootstrap-signer', namespace: 'kube-system' },
    ]);
    expect(binding('RoleBinding', 'system::extension-apiserver-authentication-reader', 'kube-system').roleRef.name).toBe('extension-apiserver-authentication-reader');
    expect(binding('RoleBinding', 'system::leader-locking-kube-scheduler', 'kube-system').subjects).toEqual([
      user('system:kube-scheduler'),
      { kind: 'ServiceAccount', name: 'kube-scheduler', namespace: 'kube-system' },
    ]);
  });

  it('reports its provenance', () => {
    expect(JSON.stringify(builtinDataSource().roles)).toContain('01899a7c86337b05a16a4155c9351cf947beaee9');
  });
});

describe('generated data', () => {
  const dataDir = fileURLToPath(new URL('../../src/rbac/data/', import.meta.url));
  const sharedPresent = existsSync(DEFAULT_SHARED_DIR);

  it.skipIf(!sharedPresent)('is current: re-running scripts/gen-builtin-data.mjs gives the committed JSON (skipped when ../shared/kubernetes is absent)', () => {
    const outputs = renderAll(readInputs()) as Record<string, string>;
    expect(Object.keys(outputs).sort()).toEqual(['builtin-bindings.json', 'builtin-roles.json', 'resources.json']);
    for (const [name, text] of Object.entries(outputs)) {
      expect(readFileSync(`${dataDir}${name}`, 'utf8'), `${name} is stale: run node scripts/gen-builtin-data.mjs`).toBe(text);
    }
  });
});
