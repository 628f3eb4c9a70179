/**
 * The parser's fast path (issue #7) must not change a single finding: documents whose kind no
 * enabled rule reads are skipped only when a strict line check proves they parse without error.
 * Every test here lints the same sources with `fastPath` on and off and asserts the results are
 * deep-equal (findings with their positions, suppressed findings, summaries).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules, lint, type LintOptions, type SourceText } from '../src/index.js';
import { MODEL_KINDS } from '../src/model/index.js';
import { parseSource } from '../src/parse/parse.js';
import { planSkips } from '../src/parse/skip.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(root, '../shared/corpus');
const HAS_CORPUS = existsSync(CORPUS);
const RUNS = Number(process.env.RBACLINT_FUZZ_RUNS ?? 300);
const DEFAULT_KINDS = new Set([...MODEL_KINDS, ...allRules.filter((r) => r.meta.recommended).flatMap((r) => r.meta.kinds)]);

/** The option sets compared: the defaults, every rule, and few rules (more documents skipped). */
const VARIANTS: Record<string, LintOptions> = {
  default: {},
  all: { enable: allRules.map((r) => r.id) },
  few: { disable: ['invalid-manifest', 'automount-token-enabled', 'default-service-account', 'missing-service-account-name'] },
};

function files(dir: string, base = dir): SourceText[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .map((file) => ({ path: path.relative(base, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }));
}

/** Lints with the fast path on and off and returns both results' comparable parts. */
function both(sources: readonly SourceText[], options: LintOptions = {}) {
  const pick = (fastPath: boolean) => {
    const r = lint(sources, { ...options, fastPath });
    return { findings: r.findings, summary: r.summary, suppressed: r.suppressed, unusedBaseline: r.unusedBaseline };
  };
  return { fast: pick(true), full: pick(false) };
}

function expectSame(sources: readonly SourceText[], options: LintOptions = {}): void {
  const { fast, full } = both(sources, options);
  expect(fast).toEqual(full);
}

describe('fast path: same findings as a full parse', () => {
  const fixtures = [...files(path.join(root, 'fixtures'), root), ...files(path.join(root, 'examples'), root), ...files(path.join(root, 'conformance'), root)];

  for (const [name, options] of Object.entries(VARIANTS)) {
    it(`fixtures, examples and conformance inputs, one by one and together (${name} rules)`, () => {
      expect(fixtures.length).toBeGreaterThan(20);
      for (const source of fixtures) expectSame([source], options);
      expectSame(fixtures, options);
    });
  }

  it('context-only sources are still indexed', () => {
    const context = fixtures.map((s) => ({ ...s, contextOnly: true }));
    expectSame([...fixtures.slice(0, 10), ...context.slice(10)]);
  });

  it.skipIf(!HAS_CORPUS)(`every file of ${CORPUS}${HAS_CORPUS ? '' : ' (skipped: folder absent)'}, one by one and together`, () => {
    const corpus = files(CORPUS, path.dirname(CORPUS));
    let skipped = 0;
    for (const source of corpus) skipped += planSkips(source.text, DEFAULT_KINDS)?.documents ?? 0;
    // Not vacuous: most of the corpus's bytes are documents no rule reads.
    expect(skipped).toBeGreaterThan(100);
    for (const [, options] of Object.entries(VARIANTS)) {
      for (const source of corpus) expectSame([source], options);
      expectSame(corpus, options);
    }
  }, 600_000);

  it('line index, documents and positions are those of the full parse', () => {
    const text = [
      '# Source: chart/templates/crd.yaml',
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      'spec:',
      '  names:',
      '    kind: Widget',
      '  description: a long',
      '    folded "description" with colons',
      '  text: |',
      '    block',
      '      scalar',
      '---',
      '# Source: chart/templates/sa.yaml',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: app, namespace: x}',
      '---',
      'kind: Widget',
      'spec:',
      '  a: "multi',
      '    line"',
      '---',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: bad',
      '  name: twice',
      '---',
      'apiVersion: v1',
      'kind: ServiceAcount',
      'metadata:',
      '  name: typo',
      '',
    ].join('\n');
    const plan = planSkips(text, DEFAULT_KINDS);
    expect(plan?.documents).toBe(2);
    const fast = parseSource({ path: 'a.yaml', text }, { composeKinds: DEFAULT_KINDS });
    const full = parseSource({ path: 'a.yaml', text });
    expect(fast.file.lineCounter.lineStarts).toEqual(full.file.lineCounter.lineStarts);
    expect(fast.file.documents.length).toBe(full.file.documents.length);
    expect(fast.skippedObjects).toBe(2);
    // The CustomResourceDefinition and the Widget are skipped; the rest is identical.
    const strip = (p: typeof fast) => ({
      manifests: p.manifests
        .filter((m) => m.object.kind === 'ServiceAccount' || m.object.kind === 'ServiceAcount')
        .map((m) => ({ docIndex: m.docIndex, object: m.object, helmSource: m.helmSource, range: p.file.documents[m.docIndex]!.range })),
      problems: p.problems.map((x) => ({ ...x, file: undefined })),
    });
    expect(fast.manifests.map((m) => m.object.kind)).toEqual(['ServiceAccount', 'ServiceAcount']);
    expect(full.manifests.map((m) => m.object.kind)).toEqual(['CustomResourceDefinition', 'ServiceAccount', 'Widget', 'ServiceAcount']);
    expect(strip(fast)).toEqual(strip(full));
    expectSame([{ path: 'a.yaml', text }]);
  });
});

/** Lines of a document no rule reads, valid and invalid YAML alike, at random indentations. */
const FRAGMENTS = [
  'a: b', 'a: "b"', "a: 'b'", 'a:', 'a: |', 'a: >-', 'a: |2', '- a', '- a: b', '-', '- |', 'b: c', 'a: [x, "y"]', 'a: {}',
  'a: []', 'a: {x: 1}', 'text', 'more text', 'x: y: z', 'a: "open', 'close"', "a: 'open", "close'", 'a: b # c', '# comment',
  'a: &x b', 'a: *x', 'a: !t b', '"k": v', "'k': v", 'yes: 1', 'on: 2', '1: x', 'a: "\\q"', 'a: "\\x41"', 'a: b:', 'a:b',
  '? a', ': b', 'a: - b', 'kind: Other', 'kind: ServiceAccount', 'kind:', 'kind: "Widget"', 'kind: Role', 'a: b #', 'a: -1',
  'a: "x" y', 'a:  x', '', '   ', 'key with space: v', '{{ .Values.x }}', 'a: x\tb', 'a.b/c-d: e', '$ref: x', 'a: ~',
  '---', '...', '%YAML 1.2', '--- x', 'a: "x\\', 'a: ""', "a: ''", "a: 'it''s'", '- - a', 'rbaclint: x',
];

const line = fc.tuple(fc.nat({ max: 8 }), fc.constantFrom(...FRAGMENTS)).map(([indent, text]) => ' '.repeat(indent) + text);

/** Scalars in the styles the line check reads, some multi-line (`\n` then the continuation). */
const SCALARS = ['x', 'two words', '"quoted"', "'single'", '"esc \\" \\u00e9"', '-1', 'a:b', 'http://x/y', '~', 'yes', '[a, b]', '{}',
  'plain\ncontinued', '"open\nclosed"', "'open\nclosed'", 'x # comment', '"a\\\nb"'];
const KEYS = ['a', 'b', 'name', 'kind', 'x-y.z/w', '"q"', "'s'", '$ref', 'a'];
type Tree = string | { map: [string, Tree][] } | { seq: Tree[] } | { block: string[] };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...SCALARS),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 4 }).map((map) => ({ map })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })),
    fc.array(fc.constantFrom('text', '  indented', '', 'key: value', '# not a comment', '- item'), { maxLength: 4 }).map((block) => ({ block })),
  ),
})).node;

/** Renders a value after `key:` or `- ` at `indent` (the key's or dash's column), with `step` spaces per level. */
function render(value: Tree, indent: number, step: number, sameIndentSeq: boolean): { inline: string; lines: string[] } {
  const pad = (n: number) => ' '.repeat(n);
  if (typeof value === 'string') {
    const [first, ...rest] = value.split('\n');
    return { inline: ` ${first}`, lines: rest.map((l) => pad(indent + step) + l) };
  }
  if ('block' in value) return { inline: ' |', lines: value.block.map((l) => (l === '' ? '' : pad(indent + step) + l)) };
  if ('map' in value) return { inline: '', lines: renderMap(value.map, indent + step, step) };
  const at = sameIndentSeq ? indent : indent + step;
  return { inline: '', lines: value.seq.flatMap((item) => {
    const r = render(item, at, step, false);
    if (typeof item === 'object' && 'map' in item) {
      // `- key: value` compact: the first entry on the dash's line.
      const [head, ...tail] = renderMap(item.map, at + 2, step);
      return [`${pad(at)}- ${head!.trimStart()}`, ...tail];
    }
    return [`${pad(at)}-${r.inline}`, ...r.lines];
  }) };
}

function renderMap(entries: [string, Tree][], indent: number, step: number): string[] {
  return entries.flatMap(([key, value]) => {
    const r = render(value, indent, step, step % 2 === 0);
    return [`${' '.repeat(indent)}${key}:${r.inline}`, ...r.lines];
  });
}

/** A mostly valid document of an unread kind, sometimes with one line replaced or re-indented. */
const document = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS.filter((k) => k !== 'kind')), tree), { minLength: 1, maxLength: 5 }),
    fc.integer({ min: 1, max: 4 }),
    fc.option(fc.tuple(fc.nat(), fc.oneof(line, fc.integer({ min: -3, max: 3 })))),
    // Typos of built-in kinds in built-in apiVersions are invalid-manifest findings.
    fc.constantFrom('example.com/v1', 'example.com/v1', 'v1', 'apps/v1', 'apiextensions.k8s.io/v1'),
    fc.constantFrom('Widget', 'Widget', 'ServiceAcount', 'Deploymnt', 'CustomResourceDefinition', '""'),
  )
  .map(([entries, step, mutation, apiVersion, kind]) => {
    const lines = [`apiVersion: ${apiVersion}`, `kind: ${kind}`, ...renderMap(entries, 0, step), `pad: "${'x'.repeat(200)}"`];
    if (mutation) {
      const [at, change] = mutation;
      const i = at % lines.length;
      if (typeof change === 'string') lines[i] = change;
      else lines[i] = ' '.repeat(Math.max(0, lines[i]!.length - lines[i]!.trimStart().length + change)) + lines[i]!.trimStart();
    }
    return lines.join('\n');
  });
const stream = fc.array(
  fc.oneof(document, fc.constant('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: x')),
  { minLength: 1, maxLength: 4 },
);

describe('fast path: same findings on random documents', () => {
  it('random block documents of unread kinds, alone and among read ones', () => {
    let skipped = 0;
    fc.assert(
      fc.property(stream, fc.boolean(), (docs, trailingNewline) => {
        const text = docs.join('\n---\n') + (trailingNewline ? '\n' : '');
        skipped += planSkips(text, DEFAULT_KINDS)?.documents ?? 0;
        expectSame([{ path: 'r.yaml', text }]);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many of the random documents were skipped.
    expect(skipped).toBeGreaterThan(RUNS / 10);
  }, 600_000);
});
