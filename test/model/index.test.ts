import { describe, expect, it } from 'vitest';
import { Index, ruleEntries } from '../../src/model/index.js';
import { parseSource } from '../../src/parse/parse.js';

const linted = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: dev }
spec: { template: { spec: { serviceAccountName: web, containers: [] } } }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: dev }
`;
const context = `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: prod }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec: { template: { spec: { serviceAccountName: web, containers: [] } } }
---
apiVersion: v1
kind: Namespace
metadata: { name: legacy, annotations: { rbaclint.io/external-service-accounts: "true" } }
`;

function index(): Index {
  return new Index([
    ...parseSource({ path: 'context.yaml', text: context, contextOnly: true }).manifests,
    ...parseSource({ path: 'app.yaml', text: linted }).manifests,
  ]);
}

describe('Index.get()', () => {
  const doc = (kind: string, name: string, namespace: string | undefined, note: string) =>
    `apiVersion: v1\nkind: ${kind}\nmetadata: { name: ${name}${namespace === undefined ? '' : `, namespace: ${namespace}`}, labels: { note: ${note} } }\n`;

  it('finds each object by kind, namespace and name; a later duplicate replaces the earlier one', () => {
    const text = [
      doc('ServiceAccount', 'web', 'a', 'one'),
      // The same name in a second and a third namespace (and a duplicate in the first, which wins).
      doc('ServiceAccount', 'web', 'b', 'two'),
      doc('ServiceAccount', 'web', 'a', 'three'),
      doc('ServiceAccount', 'web', 'c', 'four'),
      doc('ServiceAccount', 'web', 'c', 'five'),
      // No namespace: the default one.
      doc('ServiceAccount', 'solo', undefined, 'six'),
      doc('ServiceAccount', 'solo', undefined, 'seven'),
      doc('ClusterRole', 'web', undefined, 'eight'),
      doc('ConfigMap', 'web', 'a', 'nine'),
    ].join('---\n');
    const idx = new Index(parseSource({ path: 'x.yaml', text }).manifests, { defaultNamespace: 'dflt' });
    const note = (kind: string, namespace: string | undefined, name: string) => idx.get(kind, namespace, name)?.labels.note;
    expect([note('ServiceAccount', 'a', 'web'), note('ServiceAccount', 'b', 'web'), note('ServiceAccount', 'c', 'web')]).toEqual(['three', 'two', 'five']);
    expect([note('ServiceAccount', 'd', 'web'), note('ServiceAccount', undefined, 'web'), note('ServiceAccount', 'a', 'other')]).toEqual([undefined, undefined, undefined]);
    expect([note('ServiceAccount', 'dflt', 'solo'), note('ServiceAccount', 'a', 'solo'), note('ServiceAccount', undefined, 'solo')]).toEqual(['seven', undefined, undefined]);
    expect([note('ClusterRole', undefined, 'web'), note('ClusterRole', 'a', 'web'), note('ConfigMap', 'a', 'web'), note('ConfigMap', 'b', 'web')]).toEqual(['eight', undefined, 'nine', undefined]);
    expect(idx.serviceAccount('b', 'web')?.display).toBe('ServiceAccount b/web');
  });
});

describe('Index.reportable()', () => {
  it('iterates only the objects that can receive findings', () => {
    const view = index().reportable();
    expect(view.objects.map((o) => o.display)).toEqual(['Deployment dev/web', 'ServiceAccount dev/web']);
    expect(view.ofKind('ServiceAccount').map((o) => o.display)).toEqual(['ServiceAccount dev/web']);
    expect(view.ofKind('Namespace')).toEqual([]);
    expect(view.workloads().map((w) => w.object.display)).toEqual(['Deployment dev/web']);
  });

  it('looks up every object, context included', () => {
    const full = index();
    const view = full.reportable();
    expect(view.serviceAccount('prod', 'web')?.display).toBe('ServiceAccount prod/web');
    expect(view.get('Deployment', 'prod', 'api')?.manifest.file.path).toBe('context.yaml');
    expect(view.serviceAccountsNamed('web').map((o) => o.display)).toEqual(['ServiceAccount prod/web', 'ServiceAccount dev/web']);
    expect(view.definesServiceAccountsIn('prod')).toBe(true);
    expect(view.isExternalServiceAccountNamespace('legacy')).toBe(true);
    // The full index still iterates everything.
    expect(full.objects).toHaveLength(5);
    expect(full.workloads()).toHaveLength(2);
  });

  it('is the index itself when nothing is context-only', () => {
    const only = new Index(parseSource({ path: 'app.yaml', text: linted }).manifests);
    expect(only.reportable()).toBe(only);
  });
});

describe('ruleEntries', () => {
  it('keeps the string entries of each list, as written, and skips malformed rules', () => {
    const text = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: r, namespace: dev }
rules:
  - apiGroups: [""]
    resources:
      - pods
      - 7
      - pods/log
    verbs: [get, list]
  - not a rule
  - { verbs: ["*"], nonResourceURLs: ["/healthz"], resourceNames: rbac }
`;
    const [role] = new Index(parseSource({ path: 'role.yaml', text }).manifests).ofKind('Role');
    const entries = ruleEntries(role!);
    expect(entries.map(({ index, apiGroups, resources, verbs, resourceNames, nonResourceURLs, raw }) => ({ index, apiGroups, resources, verbs, resourceNames, nonResourceURLs, fieldOrder: Object.keys(raw) }))).toEqual([
      { index: 0, apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'], resourceNames: [], nonResourceURLs: [], fieldOrder: ['apiGroups', 'resources', 'verbs'] },
      { index: 2, apiGroups: [], resources: [], verbs: ['*'], resourceNames: [], nonResourceURLs: ['/healthz'], fieldOrder: ['verbs', 'nonResourceURLs', 'resourceNames'] },
    ]);
    // Read once per role, then shared.
    expect(ruleEntries(role!)).toBe(entries);
  });
});
