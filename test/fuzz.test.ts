/**
 * Property-based fuzzing (issue #3): random texts, mutated real-world manifests and random objects
 * of the kinds rbaclint reads never make `lint()` (or the reporters) throw, and every finding and
 * related location is inside its file.
 *
 * `npm test` runs RBACLINT_FUZZ_RUNS runs per property (default 60); run more with e.g.
 * `RBACLINT_FUZZ_RUNS=5000 npx vitest run test/fuzz.test.ts`. A failure prints fast-check's seed
 * and shrunk counterexample; replay it with RBACLINT_FUZZ_SEED=<seed>.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { allRules, lint, type Finding, type SourceText } from '../src/index.js';
import { renderJson } from '../src/report/json.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RBACLINT_FUZZ_RUNS ?? 60);
const SEED = process.env.RBACLINT_FUZZ_SEED === undefined ? undefined : Number(process.env.RBACLINT_FUZZ_SEED);
const PARAMS = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const TIMEOUT = Math.max(120_000, RUNS * 2_000);
const ALL = { enable: allRules.map((r) => r.id) };

/** Seeds for mutation: the shared corpus when present (files under 64 KiB), else the rule fixtures. */
function seeds(): SourceText[] {
  const corpus = path.resolve(root, '../shared/corpus');
  const dir = existsSync(corpus) ? corpus : path.join(root, 'fixtures/rules');
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => statSync(file).size < 64 * 1024)
    .sort()
    .map((file) => ({ path: path.relative(dir, file), text: readFileSync(file, 'utf8') }));
}
const SEEDS = seeds();

/** Lines as an editor counts them. */
function lineCount(text: string): number {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;
}

/** Lints the sources with every rule and renders every format; returns positions outside their file. */
function check(sources: readonly SourceText[]): string[] {
  const result = lint(sources, ALL);
  renderText(result.findings, result.summary, { texts: new Map(sources.map((s) => [s.path, s.text])) });
  renderJson(result.findings, result.summary);
  renderSarif(result.findings, result.rules, { cwd: root });
  const lines = new Map(sources.map((s) => [s.path, lineCount(s.text)]));
  const outside: string[] = [];
  const inside = (file: string, range: Finding['range'], what: string) => {
    const count = lines.get(file);
    const { start, end } = range;
    const ok =
      count !== undefined &&
      start.line >= 1 &&
      start.column >= 1 &&
      end.line <= count &&
      (end.line > start.line || (end.line === start.line && end.column >= start.column));
    if (!ok) outside.push(`${what} ${file}:${start.line}:${start.column}-${end.line}:${end.column} (${count} lines)`);
  };
  for (const f of result.findings) {
    inside(f.file, f.range, `[${f.ruleId}]`);
    for (const r of f.related) inside(r.file, r.range, `related of [${f.ruleId}]`);
  }
  return outside;
}

/** Pieces of YAML and JSON syntax, Kubernetes keys and hostile bytes that random texts are made of. */
const PIECES = [
  '\n', '  ', '    ', '- ', ': ', ':', ',', '{', '}', '[', ']', '"', "'", '#', '|', '>', '?', '!', '&a ', '*a', '<<: *a',
  '---\n', '...\n', '%YAML 1.1\n', '\t', '\r\n', '\u0000', '\uFEFF', '\u001b[31m', '{{ .Values.x }}', '{{- include "x" . }}',
  'apiVersion: v1', 'apiVersion: rbac.authorization.k8s.io/v1', 'apiVersion: apps/v1', 'kind: ServiceAccount', 'kind: Role',
  'kind: ClusterRoleBinding', 'kind: Deployment', 'kind: List', 'items:', 'metadata:', 'name: x', 'namespace: y', 'rules:',
  'subjects:', 'roleRef:', 'verbs: ["*"]', 'resources: [secrets]', 'spec:', 'template:', 'serviceAccountName: x',
  'automountServiceAccountToken: yes', 'null', '~', '0x1F', '1e400', '-.inf', '2001-01-01', 'true', '"\\u0000"',
];

/** A random text made of pieces and random characters. */
const randomText = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), { maxLength: 120 })
  .map((parts) => parts.join(''));

/** One edit of a text at a relative position (0..1). */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), piece: fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 4 })) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, edits: readonly Mutation[]): string {
  let out = text;
  for (const edit of edits) {
    const at = Math.floor(edit.at * out.length);
    switch (edit.op) {
      case 'delete':
        out = out.slice(0, at) + out.slice(at + edit.length);
        break;
      case 'insert':
        out = out.slice(0, at) + edit.piece + out.slice(at);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'duplicate-line': {
        const start = out.lastIndexOf('\n', at - 1) + 1;
        const end = out.indexOf('\n', at);
        const lineText = out.slice(start, end < 0 ? out.length : end + 1);
        out = out.slice(0, start) + lineText + out.slice(start);
        break;
      }
    }
  }
  return out;
}

/** Any JSON-like value, small: what a wrong-typed field could hold. */
const anyValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, '', '*', 'system:masters', 'cluster-admin', 'default', 'secrets', 'get'),
  fc.string({ maxLength: 6 }),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('*'), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('kind', 'name', 'namespace', 'apiGroup', 'verbs', 'resources', 'x'), fc.oneof(fc.string({ maxLength: 4 }), fc.constant('*')), { maxKeys: 4 }),
);

/** Objects of the kinds the rules read, with random values at the fields they read. */
const randomObject = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1', 'example.com/v1'),
  kind: fc.constantFrom('ServiceAccount', 'Secret', 'Pod', 'Deployment', 'CronJob', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'List', 'Widget'),
  metadata: fc.oneof(anyValue, fc.record({ name: anyValue, namespace: anyValue, labels: anyValue, annotations: anyValue }, { requiredKeys: [] })),
  automountServiceAccountToken: anyValue,
  rules: fc.oneof(anyValue, fc.array(fc.record({ apiGroups: anyValue, resources: anyValue, verbs: anyValue, resourceNames: anyValue, nonResourceURLs: anyValue }, { requiredKeys: [] }), { maxLength: 3 })),
  subjects: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 })),
  roleRef: anyValue,
  aggregationRule: fc.oneof(anyValue, fc.record({ clusterRoleSelectors: fc.oneof(anyValue, fc.array(fc.record({ matchLabels: anyValue }), { maxLength: 2 })) })),
  items: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 })),
  type: fc.constantFrom('Opaque', 'kubernetes.io/service-account-token', 1),
  spec: fc.oneof(
    anyValue,
    fc.record({ serviceAccountName: anyValue, serviceAccount: anyValue, automountServiceAccountToken: anyValue, volumes: anyValue, containers: anyValue }, { requiredKeys: [] }),
    fc.record({ template: fc.oneof(anyValue, fc.record({ spec: fc.oneof(anyValue, fc.record({ serviceAccountName: anyValue, volumes: anyValue }, { requiredKeys: [] })) })) }),
  ),
}, { requiredKeys: ['apiVersion', 'kind'] });

describe('fuzz: lint() never throws and positions stay inside the file', () => {
  it(`random texts (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(randomText, (text) => {
        expect(check([{ path: 'random.yaml', text }, { path: 'other.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: x }\n' }])).toEqual([]);
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it(`mutated real-world manifests (${SEEDS.length} seeds, ${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, edits) => {
        const seed = SEEDS[i]!;
        expect(check([{ path: seed.path, text: mutate(seed.text, edits) }])).toEqual([]);
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it(`random objects of the kinds the rules read, as YAML and as JSON (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(randomObject, { minLength: 1, maxLength: 5 }), (objects) => {
        const yaml = objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
        const json = JSON.stringify(objects[0]);
        expect(check([{ path: 'objects.yaml', text: yaml }, { path: 'object.json', text: json }])).toEqual([]);
      }),
      PARAMS,
    );
  }, TIMEOUT);
});
