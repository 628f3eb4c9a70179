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
import { allRules, lint, type LintOptions, type Range, type SourceText } from '../src/index.js';
import { MODEL_KINDS } from '../src/model/index.js';
import { parseSource } from '../src/parse/parse.js';
import { readFast, stringTable } from '../src/parse/fast.js';
import { checkDocument, planSkips } from '../src/parse/skip.js';
import { locate, locateNodeIn } from '../src/parse/locate.js';
import { rangeIn } from '../src/engine/run.js';
import { isMap, isSeq } from 'yaml';
import { dumpObjects, generateDumpJson, generateDumpYaml, generateManifests } from '../scripts/generate-manifests.mjs';

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

/** Whether lint reads the source by the parser's value path (with the default rules' kinds). */
function readByValuePath(source: SourceText): boolean {
  const parsed = parseSource(source, { composeKinds: DEFAULT_KINDS, lintValues: true });
  // Only the value path outlines pieces.
  return parsed.file.outline !== undefined && parsed.manifests.length > 0;
}

describe('fast path: same findings as a full parse', () => {
  const fixtures = [...files(path.join(root, 'fixtures'), root), ...files(path.join(root, 'examples'), root), ...files(path.join(root, 'conformance'), root)];

  for (const [name, options] of Object.entries(VARIANTS)) {
    it(`fixtures, examples and conformance inputs, one by one and together (${name} rules)`, () => {
      expect(fixtures.length).toBeGreaterThan(20);
      // Not vacuous: many fixtures are read by the value path (their objects know their pieces).
      expect(fixtures.filter((source) => readByValuePath(source)).length).toBeGreaterThan(100);
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
    // Not vacuous: most of the corpus's bytes are documents no rule reads, and most files are
    // read by the value path.
    expect(skipped).toBeGreaterThan(100);
    expect(corpus.filter((source) => readByValuePath(source)).length).toBeGreaterThan(150);
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
  'plain\ncontinued', '"open\nclosed"', "'open\nclosed'", 'x # comment', '"a\\\nb"', '"q" # c', "'s' #c", '# c', '[a] # c', 'x #',
  '"\\t\\x41\\U0001F600\\N\\_\\/\\\\"', '"\\q"', '"\\x4"', '"\\UFFFFFFFF"', '"\\u00e9\\"" # "c"', '\n{}', '\n[a, "b"]', '\n{k: v}', '\n[]\n  x',
  // Double-quoted scalars on more lines: folding, escaped line breaks, lines that look like comments or items.
  '"a  \n\n  b \\\n c\\"" # c', '"\n x"', '"x\n"', '"#x\n# no comment\n- y"', '"a\n\n\n"', '"\\\n"', '"a\nb" c'];
const KEYS = ['a', 'b', 'name', 'kind', 'x-y.z/w', '"q"', "'s'", '$ref', 'a'];
type Tree = string | { map: [string, Tree][] } | { seq: Tree[] } | { block: string[] };
const treeOf = (scalars: string[], blocks: string[], uniqueKeys = false): fc.Arbitrary<Tree> =>
  fc.letrec<{ node: Tree }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...scalars),
      (uniqueKeys
        ? fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 4, selector: ([key]) => key })
        : fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 4 })
      ).map((map) => ({ map })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })),
      fc.array(fc.constantFrom(...blocks), { maxLength: 4 }).map((block) => ({ block })),
    ),
  })).node;
const tree = treeOf(SCALARS, ['text', '  indented', '', 'key: value', '# not a comment', '- item']);

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
    expect(skipped).toBeGreaterThan(RUNS / 20);
  }, 600_000);

  it('the line check reads a document in place: the same answer inside a larger text as alone', () => {
    // Around it: an open quoted scalar and a block scalar header before, an escape after; the
    // check must not look past its own lines.
    const before = 'x: "open\n---\n  y: |\n';
    let accepted = 0;
    fc.assert(
      fc.property(document, fc.constantFrom('', '\n'), fc.constantFrom('---\nkind: Role', '\n  - z: "\\', ''), (doc, newline, after) => {
        const region = doc + newline;
        const alone = checkDocument(region);
        const inside = checkDocument(before + region + after, before.length, before.length + region.length);
        expect(inside && { ...inside, contentStart: inside.contentStart - before.length }).toEqual(alone);
        if (alone) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });
});

/**
 * The value path (src/parse/fast.ts, for sources that get no findings): the same objects, in the
 * same key order, and the same positions as a full parse, or else a full parse. Random streams,
 * the same documents as items of a `kind: List` (as kubectl prints dumps), and JSON.
 */
/** A document as the item of a List at column `indent`. */
const asItem = (doc: string, indent: number) =>
  doc
    .split('\n')
    .map((l, i) => (i === 0 ? `${' '.repeat(indent)}- ${l}` : l === '' ? l : `${' '.repeat(indent + 2)}${l}`))
    .join('\n');

describe('value path: same objects and positions as a full parse', () => {
  it('short scalars go through the table of strings given for the run, from every file', () => {
    const strings = stringTable();
    const options = { composeKinds: new Set(['ServiceAccount']), lintValues: true, strings };
    const one = parseSource({ path: 'a.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: dev\n' }, options);
    const two = parseSource({ path: 'b.json', text: '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "json-is-not-shared"}}' }, options);
    const three = parseSource({ path: 'c.yaml', text: `kind: ServiceAccount\nmetadata:\n  name: "quoted"\n  labels: {a: b}\n  annotations:\n    long: ${'x'.repeat(41)}\n    list: [get, "list"]\n` }, options);
    expect([one, two, three].map((parsed) => parsed.manifests.length)).toEqual([1, 1, 1]);
    // JSON is read by JSON.parse; a flow mapping and a string over 40 characters are not shared.
    expect(strings.filter((s) => s !== '').sort()).toEqual(['ServiceAccount', 'dev', 'get', 'list', 'quoted', 'v1', 'web']);
    expect(three.manifests[0]!.object).toEqual({ kind: 'ServiceAccount', metadata: { name: 'quoted', labels: { a: 'b' }, annotations: { long: 'x'.repeat(41), list: ['get', 'list'] } } });
    // The RBAC commands' reading (values), too.
    const query = stringTable();
    parseSource({ path: 'd.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n' }, { values: true, composeKinds: new Set(['ServiceAccount']), strings: query });
    expect(query.filter((s) => s !== '').sort()).toEqual(['ServiceAccount', 'api', 'v1']);
  });

  /** Objects (with key order), problems and the range of every object and of each of its top-level keys. */
  function summary(parsed: ReturnType<typeof parseSource>) {
    return {
      objects: parsed.manifests.map((m) => JSON.stringify(m.object)),
      // Which document holds each object, and where in it, as a full parse counts them.
      docs: parsed.manifests.map((m) => `${m.docIndex} ${m.pathPrefix.join('.')} ${m.helmSource ?? '-'}`),
      // Where each object's `kind` key is (its `file:line` label): seen by the reader, or located in the nodes.
      kinds: parsed.manifests.map((m) => {
        const at = m.kindAt;
        if (at !== undefined) return `${m.file.lineCounter.linePos(at).line}:${m.file.lineCounter.linePos(at).col}`;
        const { piece, pathPrefix } = m.nodes ?? { piece: m.docIndex, pathPrefix: m.pathPrefix };
        const { start } = locate(m.file.documents[piece]!, m.file.lineCounter, [...pathPrefix, 'kind'], 'key').range;
        return `${start.line}:${start.column}`;
      }),
      problems: parsed.problems.map((p) => `${p.range.start.line}:${p.range.start.column}-${p.range.end.line}:${p.range.end.column} ${p.message}`),
      ranges: parsed.manifests.map((m) =>
        [[], ...Object.keys(m.object).map((k) => [k])].map((p) => {
          // The value path's pieces (a document or a List item) are where its nodes are.
          const { piece, pathPrefix } = m.nodes ?? { piece: m.docIndex, pathPrefix: m.pathPrefix };
          const doc = m.file.documents[piece]!;
          const key = locate(doc, m.file.lineCounter, [...pathPrefix, ...p], 'key').range;
          const value = locate(doc, m.file.lineCounter, [...pathPrefix, ...p]).range;
          return `${key.start.line}:${key.start.column} ${value.start.line}:${value.start.column}-${value.end.line}:${value.end.column}`;
        }),
      ),
    };
  }
  function expectSameValues(text: string): boolean {
    const values = parseSource({ path: 'v.yaml', text }, { values: true });
    const full = parseSource({ path: 'v.yaml', text });
    expect(summary(values)).toEqual(summary(full));
    return values.file.documents !== full.file.documents && values.problems.length === 0;
  }

  it('fixtures, examples and conformance inputs', () => {
    const fixtures = [...files(path.join(root, 'fixtures'), root), ...files(path.join(root, 'examples'), root), ...files(path.join(root, 'conformance'), root)];
    for (const source of fixtures) expectSameValues(source.text);
  });

  it.skipIf(!HAS_CORPUS)(`every file of ${CORPUS}${HAS_CORPUS ? '' : ' (skipped: folder absent)'}`, () => {
    let read = 0;
    for (const source of files(CORPUS, path.dirname(CORPUS))) if (expectSameValues(source.text)) read++;
    // Not vacuous: most corpus files are read by the value path.
    expect(read).toBeGreaterThan(100);
  }, 600_000);

  it('random streams and Lists of random documents', () => {
    let read = 0;
    fc.assert(
      fc.property(stream, fc.boolean(), fc.nat({ max: 2 }), (docs, trailingNewline, indent) => {
        const end = trailingNewline ? '\n' : '';
        if (expectSameValues(docs.join('\n---\n') + end)) read++;
        if (expectSameValues(`apiVersion: v1\nitems:\n${docs.map((d) => asItem(d, indent)).join('\n')}\nkind: List\nmetadata:\n  resourceVersion: ""${end}`)) read++;
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many random texts were read by the value path.
    expect(read).toBeGreaterThan(RUNS / 5);
  }, 600_000);

  it('random Helm-rendered streams: # Source: comments, empty documents, consecutive markers, templates', () => {
    const preamble = fc.constantFrom('', '# Source: chart/templates/a.yaml\n', '# Source: chart/templates/b.yaml\n# a comment\n', '# a comment\n', '\n');
    // Go templates that are data (kept), and one only Helm writes (an unrendered chart: parsed in full).
    const extra = fc.constantFrom('', '', '', 'note: "{{ $labels.instance }} is down"\n', 'plain: a {{ .x }} b\n', 'name: {{ .Release.Name }}\n');
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(preamble, fc.option(document, { nil: undefined }), extra, fc.boolean()), { minLength: 1, maxLength: 5 }), preamble, fc.boolean(), (docs, lead, leadingMarker) => {
        const body = docs.map(([pre, doc, more, double]) => `${double ? '---\n' : ''}---\n${pre}${doc === undefined ? '' : `${doc}\n${more}`}`).join('');
        const text = `${lead}${leadingMarker ? body : body.slice(4)}`;
        if (expectSameValues(text)) read++;
        // And the findings (with their Helm templates) of a lint with and without the fast paths.
        expectSame([{ path: 'rendered.yaml', text }]);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: some were read by the value path (most hold a syntax error or a Helm action):
    // 15 to 31 of 300 in 25 runs, so RUNS / 20 failed about one run in six.
    expect(read).toBeGreaterThan(RUNS / 40);
  }, 600_000);

  it('random documents with comment lines at any indentation: read by the value path, as the parser reads them', () => {
    // Read by the value path (not left to the parser), deeper and shallower comments alike.
    const commented = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n    # deeper\n  namespace: x\ndata:\n # shallower\n  k: v\n';
    for (const text of [commented, `apiVersion: v1\nitems:\n${asItem(commented, 0)}\nkind: List\n`]) {
      expect(expectSameValues(text)).toBe(true);
      const fast = readFast(text, 256, 100, () => undefined);
      expect('composed' in fast && fast.composed.size).toBe(0);
    }
    let read = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...KEYS.filter((k) => k !== 'kind')), tree), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('# c', '#', '#c: x', '# - x', '#  key: "v"')), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (entries, step, comments, asList) => {
          const lines = ['apiVersion: v1', 'kind: ConfigMap', ...renderMap(entries, 0, step)];
          // Never before the first line: a comment there is the document's preamble.
          for (const [at, indent, comment] of comments) lines.splice(1 + (at % lines.length), 0, ' '.repeat(indent) + comment);
          const doc = lines.join('\n');
          const text = asList ? `apiVersion: v1\nitems:\n${asItem(doc, 0)}\nkind: List\n` : `${doc}\n`;
          if (expectSameValues(text)) read++;
          expectSame([{ path: 'c.yaml', text }]);
        },
      ),
      { numRuns: RUNS },
    );
    // Not vacuous: the value path read many of them.
    expect(read).toBeGreaterThan(RUNS / 8);
  }, 600_000);

  it('edge cases: YAML 1.1 timestamps, indented comments before a skipped document, a List with flow items', () => {
    // An unquoted date is a Date for the parser (and so no namespace): the same on both paths.
    const dated = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: a\n  namespace: 2001-12-14\nrules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get]\n';
    const lintRead = parseSource({ path: 'd.yaml', text: dated }, { composeKinds: DEFAULT_KINDS, lintValues: true });
    expect((lintRead.manifests[0]!.object.metadata as Record<string, unknown>).namespace).toBeInstanceOf(Date);
    expectSame([{ path: 'd.yaml', text: dated }]);
    expect(lint([{ path: 'd.yaml', text: dated }]).findings.map((f) => f.message)).toEqual([
      'Role default/a rules[0] allows get on all Secrets in namespace "default" (not bound)',
    ]);
    // A skipped document whose preamble holds an indented comment is still skipped, and counted once.
    const indented =
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n  # indented comment\napiVersion: example.com/v1\nkind: Widget\n' +
      `metadata:\n  name: w\nspec:\n  q: "${'x'.repeat(200)}"\n`;
    const read = parseSource({ path: 'i.yaml', text: indented }, { composeKinds: DEFAULT_KINDS, lintValues: true });
    expect([read.manifests.map((m) => m.object.kind), read.skippedObjects, read.file.outline !== undefined]).toEqual([['ServiceAccount'], 1, true]);
    expectSame([{ path: 'i.yaml', text: indented }]);
    // A comment line after an indented List item's nested sequence: the parser ends the item after
    // the next item's indentation (the value path leaves such a List to it).
    for (const text of [
      'apiVersion: v1\nitems:\n - a:\n   - b\n   # c\n - kind: Role\nkind: List\n',
      'apiVersion: v1\nitems:\n - a:\n   - b\n\n   # c\n - kind: Role\nkind: List\n',
      'apiVersion: v1\nitems:\n - extra:\n    - |\n       indented\n     # not a comment\n - kind: Role\nkind: List\n',
    ]) {
      expectSameValues(text);
    }
    // A List whose items are a flow sequence of scalars holds no object.
    for (const text of ['apiVersion: v1\nkind: List\nitems: [a, b]\n', 'apiVersion: v1\nkind: RoleList\nitems: [a]\n']) {
      expectSameValues(text);
      expectSame([{ path: 'l.yaml', text }]);
      expect(lint([{ path: 'l.yaml', text }]).summary.objects).toBe(0);
    }
  });

  it('random JSON values, pretty and compact', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom('kind', 'apiVersion', 'a', 'b', 'items', 'x y', ''), json), { maxLength: 4 }), fc.boolean(), (items, pretty) => {
        const list = { apiVersion: 'v1', items: items.map((i) => ({ kind: 'Widget', ...i })), kind: 'List' };
        if (expectSameValues(JSON.stringify(list, null, pretty ? 4 : undefined))) read++;
        expectSameValues(JSON.stringify(items[0] ?? {}, null, pretty ? 2 : undefined));
      }),
      { numRuns: RUNS },
    );
    expect(read).toBeGreaterThan(RUNS / 5);
  }, 600_000);

  it('scalars resolve as the YAML 1.1 schema resolves them, as values, items, flow items and keys', () => {
    const scalars = [
      '0o17', '017', '0x1F', '1_000', '1e3', '1.5e3', '.5', '.inf', '-.inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
      '2001-12-14 21:59:43.10 -5', '12:30:00', '190:20:30', '1:2', '0b101', '+1', '-0', '12345678901234567890', 'null', 'Null', '~',
      'y', 'n', 'on', 'off', 'Yes', 'NO', 'True', '1.0', '-.5', '+.5e+3', 'a b', 'x#y', 'é', '日本', '100m', '128Mi', ':x', '?x',
      '-x', '.', '..', '=', '<<', '!x', 'a:b', 'f:spec', '"q"', "'it''s'", '""', "''", '[]', '{}', '[a, 1, "b"]', '{a: 1, b: x}',
    ];
    for (const scalar of scalars) {
      const docs = [
        `kind: Widget\nv: ${scalar}\n`,
        `kind: Widget\nv:\n- ${scalar}\n- x\n`,
        `kind: Widget\nv: [${scalar}]\n`,
        `kind: Widget\n${scalar}: v\n`,
        `kind: Widget\nm:\n  ${scalar}: v\n  w: ${scalar}\n`,
      ];
      for (const doc of docs) expectSameValues(doc);
    }
    expect(expectSameValues('kind: Widget\nv: 100m\nf:spec: 1\nlist:\n- a: 1\n  b: [x, 2]\n')).toBe(true);
  });

  it('kubectl-style dumps are read without the parser: YAML List, JSON, and a stream', () => {
    const objects = dumpObjects(200);
    const yaml = generateDumpYaml(200);
    const json = generateDumpJson(200);
    expect(expectSameValues(yaml)).toBe(true);
    expect(expectSameValues(json)).toBe(true);
    expect(expectSameValues(generateManifests(200))).toBe(true);
    expect(parseSource({ path: 'd.yaml', text: yaml }, { values: true }).manifests.map((m) => m.object)).toEqual(objects);
    // Each object's `kind` key was seen by the reader: its file:line label composes nothing.
    for (const text of [yaml, generateManifests(200)]) {
      const manifests = parseSource({ path: 'd.yaml', text }, { values: true }).manifests;
      expect(manifests.length).toBeGreaterThan(100);
      expect(manifests.every((m) => m.kindAt !== undefined)).toBe(true);
    }
  });
  /**
   * `select` (the RBAC commands): a document or List item whose `kind` and `metadata.namespace` are
   * certain from its top-level lines is not read when refused. The objects accepted are exactly
   * those of a full parse, with their positions; a full parse's syntax errors are found wherever
   * an object is read (a refused one is not checked, so a List around it still yields its other
   * items).
   */
  type Select = (kind: string, namespace: string | undefined) => boolean;
  const accepted = (select: Select) => (m: ReturnType<typeof parseSource>['manifests'][number]) => {
    const kind = m.object.kind;
    if (typeof kind !== 'string' || kind === '') return true;
    const metadata = m.object.metadata;
    const ns = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>).namespace : undefined;
    return select(kind, typeof ns === 'string' && ns !== '' ? ns : undefined);
  };
  /** Compares a parse with `select` to a full parse; returns how many objects it did not read. */
  function expectSelected(text: string, select: Select, composeKinds?: ReadonlySet<string>): number {
    const full = parseSource({ path: 'v.yaml', text });
    const selected = parseSource({ path: 'v.yaml', text }, { values: true, select, ...(composeKinds ? { composeKinds } : {}) });
    // With composeKinds, objects without a kind are not compared: a text the value path leaves to
    // a full parse is parsed with the fast path's skips, which skip them (no rule reads them).
    const keep = (m: ReturnType<typeof parseSource>['manifests'][number]) =>
      accepted(select)(m) &&
      (!composeKinds || (typeof m.object.kind === 'string' && m.object.kind !== '' && (composeKinds.has(m.object.kind) || m.object.kind === 'CustomResourceDefinition')));
    const view = (parsed: ReturnType<typeof parseSource>) => {
      const s = summary({ ...parsed, manifests: parsed.manifests.filter(keep), problems: [] });
      return new Map(s.docs.map((d, i) => [d, [s.objects[i], s.kinds[i], s.ranges[i]]]));
    };
    const a = view(selected);
    const b = view(full);
    if (full.problems.length === 0) {
      expect(selected.problems).toEqual([]);
      expect([...a]).toEqual([...b]);
    } else {
      // Read where it was read, the same; a problem is the full parse's, or none was met.
      for (const [doc, object] of b) expect(a.get(doc)).toEqual(object);
      if (selected.problems.length > 0) expect(selected.problems.map((p) => p.message)).toEqual(full.problems.map((p) => p.message));
    }
    return selected.problems.length === 0 && selected.file.documents !== full.file.documents ? selected.skippedObjects : 0;
  }
  const selectArb = fc
    .record({
      kinds: fc.subarray(['Role', 'RoleBinding', 'Widget', 'RoleList', 'ServiceAccount']),
      // `y` is a boolean in YAML 1.1: never a namespace.
      namespaces: fc.subarray(['x', 'z']),
      none: fc.boolean(),
    })
    .map(({ kinds, namespaces, none }): Select => (kind, ns) => kinds.includes(kind) && (ns === undefined ? none : namespaces.includes(ns)));
  // Valid values, certain and not (quoted, commented, tagged, anchored, not strings), and a few
  // that are not valid YAML.
  const KIND_VALUES = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('Role', 'RoleBinding', 'Widget', 'ServiceAccount', '"Role"', "'RoleBinding'", 'Role # c', 'RoleList') },
    { weight: 3, arbitrary: fc.constantFrom('&a Role', '!!str Role', '', '~', 'yes', '"Ro\\x6ce"', 'Role x', '1') },
    { weight: 1, arbitrary: fc.constantFrom('"Role" x', "'Role", 'Role:') },
  );
  const NS_VALUES = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('x', 'y', '"x"', "'y'", 'x # c', '""') },
    { weight: 3, arbitrary: fc.constantFrom('~', 'yes', '1x', '"x\\u0041"', '[x]', '{}', 'x y', '&n x', '', "'x''y'") },
    { weight: 1, arbitrary: fc.constantFrom('"y', 'x: y') },
  );
  const metadataArb = fc.tuple(NS_VALUES, NS_VALUES, fc.oneof(fc.constantFrom(0, 1, 2, 9), fc.nat({ max: 9 }))).map(([ns, other, shape]) =>
    [
      `metadata:\n  name: a\n  namespace: ${ns}`,
      `metadata:\n  namespace: ${ns}\n  finalizers:\n  - f\n  labels:\n    k: v`,
      `metadata:\n    namespace: ${ns}`,
      `metadata: {namespace: ${ns}}`,
      `metadata:\n- namespace: ${ns}`,
      `metadata:\n  namespace: ${ns}\n  namespace: ${other}`,
      `metadata:\n  a: "x\n  namespace: ${ns}"`,
      `metadata:\n  <<: {namespace: ${other}}\n  name: a`,
      `metadata:\n  annotations:\n    a: |\n      namespace: ${other}\n  namespace: ${ns}`,
      `metadata:\n  name: a\n# comment\n  namespace: ${ns}\n  labels:\n  - x`,
    ][shape]!,
  );
  /** Top-level entries that hold `kind:` and `namespace:` lines below the top level. */
  const OTHER_ENTRIES = [
    'spec:\n  a: b\n  kind: Role\n  metadata:\n    namespace: x',
    'data:\n  a: |\n    kind: Role\n    namespace: x\n  b: "two\n    lines"',
    'labels: [a, b]',
    'subjects:\n- kind: ServiceAccount\n  namespace: x\n  name: a',
    "quoted: 'a\n  kind: Role'",
    'anchor: &x b',
    'empty:',
    '# comment\nx: 1',
    'rules:\n- a: b\n  c: [d]',
    'items:\n  - kind: Role\n    metadata:\n      namespace: z',
  ];
  /** A document whose header lines take many shapes, valid and not, with random other keys. */
  const headed = fc
    .tuple(
      fc.option(KIND_VALUES, { nil: undefined, freq: 8 }),
      fc.option(metadataArb, { nil: undefined, freq: 8 }),
      fc.subarray(OTHER_ENTRIES),
      fc.integer({ min: 1, max: 3 }),
      fc.option(fc.tuple(fc.nat(), line), { nil: undefined, freq: 10 }),
      fc.nat({ max: 5 }),
      fc.option(tree, { nil: undefined, freq: 3 }),
    )
    .map(([kind, metadata, entries, step, mutation, at, extra]) => {
      // Whole entries, in a random order; a random value under `extra` (sometimes not valid YAML).
      const blocks = ['apiVersion: v1', ...entries, ...(extra === undefined ? [] : [renderMap([['extra', extra]], 0, step).join('\n')])];
      blocks.splice(Math.min(at, blocks.length), 0, ...(kind === undefined ? [] : [`kind: ${kind}`]), ...(metadata === undefined ? [] : [metadata]));
      const text = blocks.join('\n').split('\n');
      if (mutation) text[mutation[0] % text.length] = mutation[1];
      return text.join('\n');
    });

  /** Valid documents only: every answer must then be exactly a full parse's. */
  // Some continue on the next lines (a plain scalar: `Role` then `  List` is "Role List").
  const VALID_KINDS = ['Role', 'RoleBinding', 'Widget', '"Role"', "'RoleBinding'", 'Role # c', 'RoleList', '&a Role', '!!str Role', '', '~', 'yes', 'Role x', '1',
    'Role\n  List', 'Widget\n\n   Role'];
  const VALID_NS = ['x', 'y', 'z', '"x"', "'z'", 'x # c', '""', '~', 'yes', 'on', '1x', '"x\\u0041"', '[x]', '{}', 'x y', '&n x', '', "'x''y'", '12:30',
    'x\n      y', 'y\n\n      x'];
  const validHeaded = fc
    .tuple(fc.constantFrom(...VALID_KINDS), fc.constantFrom(...VALID_NS), fc.nat({ max: 9 }), fc.subarray(OTHER_ENTRIES), fc.nat({ max: 5 }))
    .map(([kind, ns, shape, entries, at]) => {
      const metadata = [
        `metadata:\n  name: a\n  namespace: ${ns}`,
        `metadata:\n  namespace: ${ns}\n  finalizers:\n  - f\n  labels:\n    k: v`,
        `metadata:\n    namespace: ${ns}`,
        `metadata: {namespace: ${ns.replace(/ #.*/, '')}}`,
        `metadata:\n- namespace: ${ns}`,
        `metadata:\n  labels:\n    namespace: x\n  name: a`,
        `metadata:\n  name: a\n  labels:\n    namespace: y\n    a: b`,
        `metadata:\n  <<: {namespace: x}\n  name: a`,
        `metadata:\n  annotations:\n    a: |\n      namespace: x\n  namespace: ${ns}`,
        `metadata:\n  name: a\n# comment\n  namespace: ${ns}\n  labels:\n  - x`,
      ][shape]!;
      const blocks = ['apiVersion: v1', ...entries];
      blocks.splice(Math.min(at, blocks.length), 0, `kind: ${kind}`, metadata);
      return blocks.join('\n');
    });

  it('select: random streams and Lists of valid documents with random headers: exactly the objects of a full parse', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(validHeaded, { minLength: 1, maxLength: 3 }), selectArb, fc.nat({ max: 2 }), (docs, select, indent) => {
        const stream = `${docs.join('\n---\n')}\n`;
        const list = `apiVersion: v1\nitems:\n${docs.map((d) => asItem(d, indent)).join('\n')}\nkind: List\n`;
        for (const text of [stream, list]) {
          expect(parseSource({ path: 'v.yaml', text }).problems).toEqual([]);
          refused += expectSelected(text, select);
        }
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS);
  }, 600_000);

  it('select: random streams and Lists of documents with random headers', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(headed, { minLength: 1, maxLength: 3 }), selectArb, fc.nat({ max: 2 }), fc.boolean(), (docs, select, indent, kinds) => {
        const composeKinds = kinds ? new Set(['Role', 'RoleBinding']) : undefined;
        refused += expectSelected(`${docs.join('\n---\n')}\n`, select, composeKinds);
        refused += expectSelected(`apiVersion: v1\nitems:\n${docs.map((d) => asItem(d, indent)).join('\n')}\nkind: List\nmetadata:\n  resourceVersion: ""\n`, select, composeKinds);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many objects were not read.
    expect(refused).toBeGreaterThan(RUNS / 20);
  }, 600_000);

  it('an empty value with a comment ending an indented List item: the parser ends the item at the next dash, so it reads the List', () => {
    for (const indent of [0, 1, 2]) {
      const p = ' '.repeat(indent);
      for (const last of ['extra: # c', `metadata:\n${p}    labels: # c`]) {
        const text = `apiVersion: v1\nitems:\n${p}- kind: Role\n${p}  ${last}\n${p}- kind: Role\n${p}  ${last}\nkind: List\n`;
        // The same objects and ranges as a full parse, read for lint and for the RBAC commands.
        expectSameValues(text);
        expectSelected(text, () => true);
      }
    }
  });

  it('select: random JSON Lists, with repeated keys, escapes, odd values and broken separators', () => {
    const JSON_KINDS = ['"Role"', '"RoleBinding"', '"Widget"', '"Ro\\u006ce"', '1', 'null', '{"a": 1}', '"RoleList"'];
    const JSON_NS = ['"x"', '"y"', '"x"', '""', '"\\u0078"', '1', 'null', '["x"]'];
    const item = fc
      .tuple(
        fc.option(fc.constantFrom(...JSON_KINDS), { nil: undefined }),
        fc.option(fc.constantFrom(...JSON_NS), { nil: undefined }),
        fc.nat({ max: 6 }),
        fc.constantFrom(...JSON_KINDS),
        fc.constantFrom(...JSON_NS),
      )
      .map(([kind, ns, shape, otherKind, otherNs]) => {
        const keys = ['"apiVersion": "v1"'];
        if (kind !== undefined) keys.push(`"kind": ${kind}`);
        const meta = ns === undefined ? '"name": "a"' : `"name": "a", "namespace": ${ns}`;
        if (shape === 1) keys.push(`"metadata": {${meta}, "namespace": ${otherNs}}`);
        else if (shape === 2) keys.push(`"metadata": {${meta}}`, '"metadata": {}');
        else if (shape === 3) keys.push(`"kind": ${otherKind}`, `"metadata": {${meta}}`);
        else if (shape === 4) keys.push('"metadata": "x"');
        else if (shape === 5) keys.push(`"spec": {"kind": ${otherKind}, "metadata": {"namespace": ${otherNs}}}`, `"metadata": {${meta}}`);
        else keys.unshift(`"metadata": {"labels": {"namespace": ${otherNs}}, ${meta}}`);
        return `{${keys.join(', ')}}`;
      });
    let refused = 0;
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), selectArb, fc.oneof({ weight: 4, arbitrary: fc.constantFrom(', ', ',\n  ', ' , ') }, fc.constantFrom(',,', ' ', '')), fc.constantFrom('List', 'List', 'RoleList', 'Widget'), (items, select, separator, kind) => {
        const text = `{\n  "apiVersion": "v1",\n  "items": [\n  ${items.join(separator)}\n  ],\n  "kind": "${kind}"\n}\n`;
        refused += expectSelected(text, select);
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS / 40);
  }, 600_000);

  it('select: random valid JSON Lists: exactly the objects of a full parse', () => {
    const value = fc.constantFrom('"Role"', '"RoleBinding"', '"x"', '"y"', '""', '"\\u0078"', '1', 'null', '["x"]', '{"a": 1}');
    const item = fc
      .tuple(fc.option(value, { nil: undefined }), fc.option(value, { nil: undefined }), value, value, fc.nat({ max: 3 }))
      .map(([kind, ns, otherKind, otherNs, shape]) => {
        const keys = ['"apiVersion": "v1"', ...(kind === undefined ? [] : [`"kind": ${kind}`])];
        const meta = ns === undefined ? '"name": "a"' : `"name": "a", "namespace": ${ns}`;
        if (shape === 0) keys.push(`"metadata": {${meta}}`);
        else if (shape === 1) keys.push(`"spec": {"kind": ${otherKind}, "metadata": {"namespace": ${otherNs}}}`, `"metadata": {${meta}}`);
        else if (shape === 2) keys.unshift(`"metadata": {"labels": {"namespace": ${otherNs}}, ${meta}}`);
        else keys.push(`"metadata": ${otherNs}`);
        return `{${keys.join(', ')}}`;
      });
    let refused = 0;
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), selectArb, fc.boolean(), (items, select, pretty) => {
        const text = pretty ? `{\n  "apiVersion": "v1",\n  "items": [\n    ${items.join(',\n    ')}\n  ],\n  "kind": "List"\n}\n` : `{"apiVersion":"v1","items":[${items.join(',')}],"kind":"List"}`;
        expect(parseSource({ path: 'v.json', text }).problems).toEqual([]);
        refused += expectSelected(text, select);
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS / 3);
  }, 600_000);

  it('select: kubectl-style dumps, YAML and JSON, read by namespace', () => {
    const select: Select = (kind, ns) => ns === undefined || !['Role', 'RoleBinding', 'ServiceAccount'].includes(kind) || ns === 'team-3';
    for (const text of [generateDumpYaml(400), generateDumpJson(400), generateManifests(400)]) {
      const refused = expectSelected(text, select);
      expect(refused).toBeGreaterThan(200);
    }
  });
});

describe('outline: the ranges of a piece the value path read, without the parser', () => {
  /** Values the reader reads (no multi-line scalars, no comments after values), blocks without leading empty lines. */
  const readable = treeOf(
    ['x', 'two words', '"quoted"', "'single'", "'it''s'", '-1', 'a:b', 'http://x/y', '~', 'yes', '[a, b]', '[]', '{}', '{k: v}', '""', `[a, "b", 'c']`, 'x  ', '"q"  ', '[a]  ',
      // Comments after values, escapes, flow collections on a line of their own.
      'x # c', 'two words  #c', '"q" # c', "'it''s' # 'c'", '# c', '"e\\"s\\u00e9\\\\"', '"\\"" # "', '\n{}', '\n[a, b]',
      '"a\nb"', '"a \\\n\nb" # c', '"x\n#y\n"'],
    ['text', '  indented', 'key: value', '# not a comment', '- item', ''],
    true,
  );
  /** Every path of the composed node (and a missing one below each), with both targets. */
  function paths(node: unknown, prefix: (string | number)[], out: (string | number)[][]): void {
    out.push(prefix, [...prefix, 'missing'], [...prefix, 7]);
    if (isMap(node)) for (const pair of node.items) paths(pair.value, [...prefix, String((pair.key as { value: unknown }).value)], out);
    else if (isSeq(node)) node.items.forEach((item, i) => paths(item, [...prefix, i], out));
  }
  /**
   * Whether each piece of `text` the value path outlines gives every range the composed piece gives
   * (with comment lines in the content: every range it claims, see Outline.exact); how many
   * pieces were outlined, and how many ranges came from outlines with comment lines.
   */
  function expectSameOutline(text: string, options: Parameters<typeof parseSource>[1] = { values: true }): { outlined: number; commented: number } {
    const parsed = parseSource({ path: 'o.yaml', text }, options);
    const { file } = parsed;
    let outlined = 0;
    let commented = 0;
    const pieces = new Set(parsed.file.outline ? parsed.manifests.map((m) => m.nodes?.piece ?? m.docIndex) : []);
    for (const piece of pieces) {
      const outline = file.outline?.(piece);
      if (!outline) continue;
      outlined++;
      const doc = file.documents[piece]!;
      const all: (string | number)[][] = [];
      paths(doc.contents, [], all);
      const show = (p: (string | number)[], target: string, r: Range) => `${p.join('.')} ${target} ${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
      const fromOutline: string[] = [];
      const composed: string[] = [];
      for (const p of all) {
        for (const target of ['key', 'value'] as const) {
          const located = locateNodeIn(outline.root, file.lineCounter, p, target);
          if (!outline.exact(located.node)) continue;
          if (outline.commented) commented++;
          fromOutline.push(show(p, target, located.range));
          composed.push(show(p, target, locate(doc, file.lineCounter, p, target).range));
        }
      }
      expect(fromOutline).toEqual(composed);
    }
    return { outlined, commented };
  }

  it('random documents, Lists and Helm-rendered streams, blank and comment lines anywhere', () => {
    let outlined = 0;
    let commented = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS.filter((k) => k !== 'kind')), readable), { minLength: 1, maxLength: 5, selector: ([key]) => key }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '', ' ', '    ', '', '  # c', '# c', '      #c: x')), { maxLength: 3 }),
        fc.constantFrom('document', 'list', 'stream'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 3 }),
        (entries, step, extra, shape, trailingNewline, keyComments) => {
          const lines = ['apiVersion: v1', 'kind: ConfigMap', ...renderMap(entries, 0, step)];
          // A comment after a key whose value is on the next lines.
          for (const at of keyComments) if (lines[at % lines.length]!.endsWith(':')) lines[at % lines.length] += ' # c';
          for (const [at, line] of extra) lines.splice(1 + (at % lines.length), 0, line);
          const doc = lines.join('\n');
          const end = trailingNewline ? '\n' : '';
          const text =
            shape === 'list' ? `apiVersion: v1\nitems:\n${asItem(doc, step % 3)}\n${asItem(doc, step % 3)}\nkind: List${end}` : shape === 'stream' ? `# Source: a.yaml\n${doc}\n---\n${doc}${end}` : `${doc}${end}`;
          const values = expectSameOutline(text);
          // The lint path (documents of unread kinds skipped) outlines the same pieces.
          const linted = expectSameOutline(`${text}\n---\napiVersion: x/v1\nkind: Widget\nspec:\n  a: "${'x'.repeat(300)}"\n`, { composeKinds: DEFAULT_KINDS, lintValues: true });
          outlined += values.outlined + linted.outlined;
          commented += values.commented + linted.commented;
        },
      ),
      { numRuns: RUNS },
    );
    // Not vacuous: many pieces were outlined (the others hold an empty item, …), some with comment lines.
    expect(outlined).toBeGreaterThan(RUNS / 4);
    expect(commented).toBeGreaterThan(RUNS / 4);
  }, 600_000);

  it('a collection or empty value that a comment line follows is not positioned on the outline; a piece the parser composed is not outlined', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # note\ndata:\n  k: v\n  e:\n';
    const parsed = parseSource({ path: 'c.yaml', text }, { values: true });
    const outlined = parsed.file.outline?.(0);
    expect(outlined?.commented).toBe(true);
    expect(rangeIn(parsed.manifests[0]!, ['data', 'k'])).toEqual({ start: { line: 7, column: 6 }, end: { line: 7, column: 7 } });
    // Keys and scalars are the outline's, and so are collections and empty values not followed by
    // the comment; a collection whose last line the comment follows is left to the composed document.
    const exact = (path: string[], target?: 'key') => outlined!.exact(locateNodeIn(outlined!.root, parsed.file.lineCounter, path, target).node);
    expect([exact(['data', 'k']), exact(['data'], 'key'), exact(['data']), exact(['data', 'e']), exact(['metadata']), exact([])]).toEqual([true, true, true, true, false, true]);
    expect(rangeIn(parsed.manifests[0]!, ['metadata'])).toEqual(locate(parsed.file.documents[0]!, parsed.file.lineCounter, ['metadata']).range);
    // Without the comment: every range is the outline's.
    const plain = parseSource({ path: 'c.yaml', text: text.replace('  # note\n', '') }, { values: true });
    expect(plain.file.outline?.(0)?.commented).toBe(false);
    expect(rangeIn(plain.manifests[0]!, ['data', 'k'])).toEqual({ start: { line: 6, column: 6 }, end: { line: 6, column: 7 } });
    // Where the parser ends an empty value with a comment, or a scalar a deeper comment line
    // follows, is not what the outline says (`range[2]`), but their positions and those of what
    // holds them are.
    for (const text of ['kind: A\na:\n  b: #\n\n  d: 2\nc: 1\n', 'kind: A\na: x\n  # c\nb: 1\n', 'kind: A\nm:\n  a: x\n    # c\nb: 1\n']) {
      expect(expectSameOutline(text).outlined).toBe(1);
    }
    // A preamble comment (Helm's # Source:) is not content.
    expect(parseSource({ path: 'c.yaml', text: `# Source: x.yaml\n${text.replace('  # note\n', '')}` }, { values: true }).file.outline?.(0)?.commented).toBe(false);
    // An anchor is left to the parser: that piece is composed, not outlined.
    const anchored = parseSource({ path: 'c.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n a\n' }, { values: true });
    expect(anchored.file.outline?.(0)).toBeUndefined();
  });

  it.skipIf(!HAS_CORPUS)(`every piece of ${CORPUS}${HAS_CORPUS ? '' : ' (skipped: folder absent)'}`, () => {
    let outlined = 0;
    let commented = 0;
    for (const source of files(CORPUS, path.dirname(CORPUS))) {
      // As lint reads it (the kinds rules read), and every kind in the smaller files.
      for (const counts of [
        expectSameOutline(source.text, { composeKinds: DEFAULT_KINDS, lintValues: true }),
        ...(source.text.length < 100_000 ? [expectSameOutline(source.text)] : []),
      ]) {
        outlined += counts.outlined;
        commented += counts.commented;
      }
    }
    expect(outlined).toBeGreaterThan(1000);
    expect(commented).toBeGreaterThan(1000);
  }, 600_000);
});
