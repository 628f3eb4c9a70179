/**
 * The `invalid-manifest` rule and the schemas behind it: ajv validators compiled ahead of time by
 * scripts/gen-schemas.mjs into schemas/kubernetes/, loaded lazily per API group/version. The
 * fixture harness (test/rules.test.ts) covers fixtures/rules/invalid-manifest/; this file covers
 * the field-by-field guarantee (a typo in any field a rule reads is reported, never read as unset),
 * the error mapping, lazy loading and that the committed schemas are current.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { lint } from '../src/index.js';
import { loadedSchemaModules, schemaApiVersions, schemaKinds } from '../src/load/schemas.js';
import invalidManifest from '../rules/invalid-manifest.js';
import { didYouMean, editDistance, validateObject } from '../src/model/validate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OPENAPI = path.resolve(root, '../shared/kubernetes/openapi-v3');

describe('lazy loading', () => {
  // Runs first in this file (its own worker): nothing is loaded before an object needs it.
  it('loads the validators of a group/version only when an object of it is validated', () => {
    expect(loadedSchemaModules()).toEqual([]);
    validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(loadedSchemaModules()).toEqual([]);
    validateObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [] });
    expect(loadedSchemaModules()).toEqual(['rbac.authorization.k8s.io_v1.cjs']);
  });
});

/** Findings of invalid-manifest as `line:column message`. */
function invalid(text: string): string[] {
  return lint([{ path: 'in.yaml', text }])
    .findings.filter((f) => f.ruleId === 'invalid-manifest')
    .map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`);
}

/**
 * Objects holding every field that rbaclint's rules and model read (src/model, src/rbac, rules/):
 * ServiceAccount automount and secrets, pod specs of every workload shape, projected token volumes,
 * Roles with aggregation, bindings with subjects and roleRef, token Secrets.
 */
const READ_FIELDS = `apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop, labels: { a: b }, annotations: { c: d } }
automountServiceAccountToken: false
secrets: [{ name: web-token }]
imagePullSecrets: [{ name: registry }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      serviceAccount: web
      automountServiceAccountToken: false
      containers:
        - name: web
          image: nginx
          volumeMounts: [{ name: token, mountPath: /var/run/token }]
      volumes:
        - name: token
          projected:
            sources:
              - serviceAccountToken: { audience: vault, expirationSeconds: 3600, path: token }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: web
          restartPolicy: Never
          containers: [{ name: job, image: busybox }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: aggregate }
aggregationRule:
  clusterRoleSelectors: [{ matchLabels: { rbac.example.com/aggregate-to-view: "true" } }]
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["one"]
    verbs: ["get"]
  - nonResourceURLs: ["/healthz"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: web, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aggregate }
subjects:
  - { kind: ServiceAccount, name: web, namespace: shop }
  - { kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: v1
kind: Secret
metadata: { name: web-token, namespace: shop, annotations: { kubernetes.io/service-account.name: web } }
type: kubernetes.io/service-account-token
data: { token: dG9rZW4= }
`;

/** Every key of every mapping of the text except inside labels/annotations/matchLabels/data (free-form maps). */
function keysOf(text: string): { line: number; column: number; key: string; offset: number }[] {
  const keys: { line: number; column: number; key: string; offset: number }[] = [];
  let docStart = 0;
  for (const part of text.split(/^---\n/m)) {
    const doc = parseDocument(part);
    const walk = (node: unknown, freeForm: boolean): void => {
      if (isMap(node)) {
        for (const pair of (node as YAMLMap).items as Pair[]) {
          const key = pair.key;
          if (!freeForm && isScalar(key) && key.range) {
            const offset = docStart + key.range[0];
            const before = text.slice(0, offset);
            keys.push({ line: before.split('\n').length, column: offset - before.lastIndexOf('\n'), key: String(key.value), offset });
          }
          const name = isScalar(key) ? String(key.value) : '';
          walk(pair.value, ['labels', 'annotations', 'matchLabels', 'data'].includes(name));
        }
      } else if (node && typeof node === 'object' && 'items' in node) {
        for (const item of (node as { items: unknown[] }).items) walk(item, false);
      }
    };
    walk(doc.contents, false);
    docStart += part.length + 4;
  }
  return keys;
}

/** A typo a person makes: the first two letters swapped, or (for one-letter-case typos) a lowered capital. */
function typo(key: string): string {
  const capital = key.search(/[A-Z]/);
  if (capital > 0) return key.slice(0, capital) + key[capital]!.toLowerCase() + key.slice(capital + 1);
  return key[1]! + key[0]! + key.slice(2);
}

describe('typos in the fields rules read never pass as unset', () => {
  it('the objects holding them are valid as written', () => {
    expect(invalid(READ_FIELDS)).toEqual([]);
  });

  const keys = keysOf(READ_FIELDS).filter((k) => !['apiVersion', 'kind'].includes(k.key));
  it.for(keys.map((k) => [`${k.line}:${k.column} ${k.key}`, k] as const))('a typo in %s is reported at that key, with a did-you-mean', ([, k]) => {
    const wrong = typo(k.key);
    const text = READ_FIELDS.slice(0, k.offset) + wrong + READ_FIELDS.slice(k.offset + k.key.length);
    const found = invalid(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${k.line}:${k.column} .* has unknown field "[^"]*${wrong.replace(/[.$]/g, '\\$&')}"; did you mean "${k.key}"\\?$`));
  });
});

describe('error mapping', () => {
  const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ns }\nspec:\n${spec}`;

  it('type errors point at the value and say what it is and what it must be', () => {
    expect(invalid(pod('  automountServiceAccountToken: "true"\n  containers: []\n'))).toEqual([
      '5:33 Pod ns/p has "spec.automountServiceAccountToken" set to the string "true", but it must be a boolean; write true without quotes',
    ]);
    expect(invalid(pod('  containers: { name: x }\n'))).toEqual(['5:15 Pod ns/p has "spec.containers" set to a mapping, but it must be a list']);
    expect(invalid(pod('  containers: [{ name: c, image: i, livenessProbe: { httpGet: { port: [1] } } }]\n'))).toEqual([
      '5:71 Pod ns/p has "spec.containers[0].livenessProbe.httpGet.port" set to a list, but it must be an integer or a string',
    ]);
  });

  it('a null list item is its type\'s zero value, as Kubernetes decodes it: no type error', () => {
    expect(invalid(pod('  containers: [{ name: c, image: i, args: [null, x] }]\n  imagePullSecrets: [null]\n'))).toEqual([]);
    expect(invalid(pod('  containers: [{ name: c, image: i, args: [[null]] }]\n'))).toEqual([
      '5:44 Pod ns/p has "spec.containers[0].args[0]" set to a list, but it must be a string',
    ]);
  });

  it('a "__proto__" key is a field like any other, with a null beside it or not', () => {
    for (const extra of ['', '  nodeName: null\n']) {
      expect(invalid(pod(`  containers: []\n${extra}  __proto__: { hostNetwork: true }\n`))).toEqual([
        `${extra === '' ? 6 : 7}:3 Pod ns/p has unknown field "spec.__proto__"`,
      ]);
    }
  });

  it('YAML 1.1 booleans (yes/no/on/off) are booleans, as kubectl reads them', () => {
    expect(invalid(pod('  automountServiceAccountToken: no\n  containers: []\n'))).toEqual([]);
  });

  it('values the published schema does not constrain (restartPolicy) are left to the API server', () => {
    expect(invalid(pod('  restartPolicy: Sometimes\n  containers: []\n'))).toEqual([]);
  });

  it('a kind typo in a group rbaclint knows gets a did-you-mean; unknown kinds there are skipped (kind: Config)', () => {
    expect(invalid('apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: d }\n')).toEqual([
      '2:7 Deploymnet default/d has kind "Deploymnet", which apiVersion "apps/v1" does not serve; did you mean "Deployment"?',
    ]);
    expect(invalid('apiVersion: v1\nkind: Config\nclusters: []\n')).toEqual([]);
  });

  it('long values are cut in messages', () => {
    expect(invalid(`apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: s }\nautomountServiceAccountToken: "${'x'.repeat(100)}"\n`)).toEqual([
      `4:31 ServiceAccount default/s has "automountServiceAccountToken" set to the string "${'x'.repeat(40)}…", but it must be a boolean`,
    ]);
  });

  it('did-you-mean: edit distance with adjacent swaps, case-only differences always match', () => {
    expect(editDistance('serviceAccountname', 'serviceAccountName')).toBe(1);
    expect(editDistance('verbs', 'vebrs')).toBe(1);
    expect(didYouMean('SERVICEACCOUNTNAME', ['serviceAccountName', 'serviceAccount'], 2)).toBe('serviceAccountName');
    expect(didYouMean('completelyDifferent', ['serviceAccountName'], 6)).toBeUndefined();
  });
});

it('the rule declares exactly the kinds that have a compiled schema', () => {
  const kinds = [...new Set(schemaApiVersions().flatMap((apiVersion) => schemaKinds(apiVersion)))].sort();
  expect([...invalidManifest.meta.kinds]).toEqual(kinds);
  expect(schemaApiVersions()).toEqual(['apps/v1', 'batch/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'v1']);
});

describe.skipIf(!existsSync(OPENAPI))(`schemas/kubernetes is generated from ${OPENAPI}`, () => {
  it('the committed files are what scripts/gen-schemas.mjs generates (run it after updating ../shared)', async () => {
    const script = (await import(path.join(root, 'scripts/gen-schemas.mjs'))) as {
      generate(inputs: Map<string, unknown>): Map<string, string>;
      readInputs(dir: string): Map<string, unknown>;
    };
    const files = script.generate(script.readInputs(OPENAPI));
    expect([...files.keys()].sort()).toEqual(['apps_v1.cjs', 'batch_v1.cjs', 'core_v1.cjs', 'index.json', 'policy_v1.cjs', 'rbac.authorization.k8s.io_v1.cjs']);
    for (const [name, text] of files) expect(readFileSync(path.join(root, 'schemas/kubernetes', name), 'utf8'), name).toBe(text);
  }, 60_000);
});
