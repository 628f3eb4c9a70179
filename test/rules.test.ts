/**
 * The fixture harness (STYLE §E): every fixture of every rule of the registry is linted with ALL
 * rules on, its findings are compared with the markers written in the fixture, and the text
 * report is compared with the golden `<name>.out` next to it.
 *
 * Fixtures live in `fixtures/rules/<rule-id>/`: `reported*.{yaml,yml,json}` declare findings,
 * `clean*.{yaml,yml,json}` must produce none (of any rule).
 *
 * Markers in YAML fixtures (the human-written truth; `-u` never rewrites them):
 * - trailing `# expect: rule-id[, rule-id…]` on a line that holds YAML: one finding of each listed
 *   rule starts on that line (list an id twice for two findings);
 * - caret line, a comment-only line `#   ^ rule-id[, rule-id…]`: one finding of each listed rule
 *   starts on the nearest line above that is not itself a caret line, at the column of the `^`.
 *   Where a rule has a caret for a line, the columns of all its findings on that line are checked.
 *
 * JSON fixtures cannot carry comments, so a `reported*.json` fixture declares its findings in a
 * sibling `<name>.expect` file, one `rule-id line[:column]` per line (`#` starts a comment); a
 * `clean*.json` fixture has no `.expect` file. YAML fixtures never have one. The golden output is
 * `<name>.out` (`reported-json.json` → `reported-json.out`), so two fixtures of a rule may not share a
 * name: call JSON ones `reported-json.json`, `clean-json.json`.
 *
 * Also checked on every fixture: the findings' Helm origin (`helmSource` is the last
 * `# Source:` comment above the finding, none without one), that a finding inside a `List`
 * lands inside the item of its own object, and that messages end without a period (STYLE §C).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { rules } from '../rules/index.js';
import { lint, type Finding } from '../src/index.js';
import { renderText } from '../src/report/text.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RULE_IDS: readonly string[] = rules.map((rule) => rule.id);
const FIXTURE = /^(reported|clean)([\w.-]*)\.(ya?ml|json)$/;
const ID_LIST = String.raw`[a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*`;
const TRAILING_MARKER = new RegExp(String.raw`\s#\s*expect:\s*(${ID_LIST})\s*$`);
const CARET_MARKER = new RegExp(String.raw`^(\s*#\s*)\^\s+(${ID_LIST})\s*$`);
const COMMENT_ONLY = /^\s*#/;
const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;

/** One expected finding: rule, 1-based line and, where a caret gives it, 1-based column. */
interface Expected {
  ruleId: string;
  line: number;
  column?: number;
}

/** Fixture file names of a rule, sorted. */
function fixturesOf(id: string): string[] {
  const dir = join(ROOT, 'fixtures', 'rules', id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => FIXTURE.test(name))
    .sort();
}

/** `reported-list.yaml` → `reported-list`. */
function stemOf(name: string): string {
  return name.replace(/\.(ya?ml|json)$/, '');
}

function splitIds(list: string): string[] {
  return list.split(',').map((id) => id.trim());
}

/** Markers written inside a YAML fixture. */
function yamlMarkers(text: string): Expected[] {
  const expected: Expected[] = [];
  const lines = text.split(/\r?\n/);
  let target = 0; // 1-based number of the last line that is not a caret line
  lines.forEach((source, i) => {
    const line = i + 1;
    const caret = CARET_MARKER.exec(source);
    if (caret) {
      if (target === 0) throw new Error(`line ${line}: caret marker without a line above it`);
      const column = caret[1]!.length + 1;
      for (const ruleId of splitIds(caret[2]!)) expected.push({ ruleId, line: target, column });
      return;
    }
    target = line;
    if (!source.includes('expect:')) return;
    if (COMMENT_ONLY.test(source)) throw new Error(`line ${line}: "# expect:" on a comment-only line marks nothing`);
    const trailing = TRAILING_MARKER.exec(source);
    if (!trailing) throw new Error(`line ${line}: malformed marker ${JSON.stringify(source)}`);
    for (const ruleId of splitIds(trailing[1]!)) expected.push({ ruleId, line });
  });
  return expected;
}

/** Expectations of a JSON fixture, from its sibling `.expect` file. */
function expectFileMarkers(text: string): Expected[] {
  const expected: Expected[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const source = raw.replace(/#.*$/, '').trim();
    if (source === '') return;
    const m = /^([a-z][a-z0-9-]*)\s+(\d+)(?::(\d+))?$/.exec(source);
    if (!m) throw new Error(`.expect line ${i + 1}: expected "rule-id line[:column]", got ${JSON.stringify(raw)}`);
    expected.push({ ruleId: m[1]!, line: Number(m[2]), ...(m[3] === undefined ? {} : { column: Number(m[3]) }) });
  });
  return expected;
}

/** Sort key text of a finding or marker: `12:5 wildcard-rule` or `12 wildcard-rule` (no column). */
function keyOf(e: Expected): string {
  return `${e.line}${e.column === undefined ? '' : `:${e.column}`} ${e.ruleId}`;
}

function sortKeys(keys: string[]): string[] {
  const parts = (k: string) => /^(\d+)(?::(\d+))? (.*)$/.exec(k)!;
  return keys.sort((a, b) => {
    const [, la, ca, ra] = parts(a);
    const [, lb, cb, rb] = parts(b);
    return Number(la) - Number(lb) || Number(ca ?? 0) - Number(cb ?? 0) || (ra! < rb! ? -1 : ra! > rb! ? 1 : 0);
  });
}

/** Findings as marker keys, with the column only where a caret asks for it. */
function findingKeys(findings: readonly Finding[], expected: readonly Expected[]): string[] {
  const withColumn = new Set(expected.filter((e) => e.column !== undefined).map((e) => `${e.ruleId}@${e.line}`));
  return sortKeys(
    findings.map((f) => {
      const { line, column } = f.range.start;
      return keyOf({ ruleId: f.ruleId, line, ...(withColumn.has(`${f.ruleId}@${line}`) ? { column } : {}) });
    }),
  );
}

/** The Helm template a line comes from: the last `# Source:` comment above it. */
function helmSourceAt(lines: readonly string[], line: number): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < line - 1; i++) {
    const m = HELM_SOURCE.exec(lines[i]!);
    if (m) found = m[1];
  }
  return found;
}

/** An item of a `List` document: its index in `items`, the lines it spans, its kind and name. */
interface ListItem {
  index: number;
  first: number;
  last: number;
  kind: unknown;
  name: unknown;
}

/** Every item of every `List` document of a text, found with the yaml library on its own. */
function listItems(text: string): ListItem[] {
  const lineCounter = new LineCounter();
  const items: ListItem[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, version: '1.1' })) {
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    const kind: unknown = doc.contents.get('kind');
    const list = doc.contents.get('items', true);
    if (typeof kind !== 'string' || !kind.endsWith('List') || !isSeq(list)) continue;
    list.items.forEach((item, index) => {
      if (!isMap(item) || !item.range) return;
      const metadata = item.get('metadata', true);
      items.push({
        index,
        first: lineCounter.linePos(item.range[0]).line,
        // range[1] is exclusive and may sit at the start of the next item's line.
        last: lineCounter.linePos(Math.max(item.range[0], item.range[1] - 1)).line,
        kind: item.get('kind'),
        name: isMap(metadata) ? metadata.get('name') : undefined,
      });
    });
  }
  return items;
}

describe.for(RULE_IDS)('%s', (id) => {
  const dir = join('fixtures', 'rules', id);

  it.for(fixturesOf(id))('%s', async (name) => {
    const file = `${dir}/${name}`;
    const text = readFileSync(join(ROOT, file), 'utf8');
    const stem = stemOf(name);
    const expectPath = join(ROOT, dir, `${stem}.expect`);
    const isJson = name.endsWith('.json');
    const clean = name.startsWith('clean');
    expect(fixturesOf(id).filter((other) => stemOf(other) === stem), `${stem}.out belongs to one fixture`).toEqual([name]);

    let expected: Expected[];
    if (isJson && !clean) {
      expect(existsSync(expectPath), `${file} needs ${stem}.expect`).toBe(true);
      expected = expectFileMarkers(readFileSync(expectPath, 'utf8'));
    } else {
      expect(existsSync(expectPath), `${stem}.expect is only for reported JSON fixtures`).toBe(false);
      expected = isJson ? [] : yamlMarkers(text);
    }
    for (const e of expected) expect(RULE_IDS, `unknown rule id in a marker of ${file}`).toContain(e.ruleId);
    if (clean) expect(expected, 'clean fixtures carry no markers').toEqual([]);
    else expect(expected.length, 'reported fixtures declare at least one finding').toBeGreaterThan(0);

    const result = lint([{ path: file, text }], { enable: RULE_IDS });
    expect(result.rules.map((rule) => rule.id)).toEqual(RULE_IDS);
    const { findings } = result;

    expect(findingKeys(findings, expected), 'Too few or too many findings').toEqual(sortKeys(expected.map(keyOf)));

    const lines = text.split(/\r?\n/);
    const items = listItems(text);
    const itemOf = (f: Finding) => items.find((i) => i.first <= f.range.start.line && f.range.start.line <= i.last);
    for (const f of findings) {
      const where = `${f.ruleId} at ${f.range.start.line}:${f.range.start.column}`;
      expect(f.file).toBe(file);
      expect(f.message, `${where}: messages end without a period`).not.toMatch(/\.$/);
      expect(f.helmSource, `${where}: Helm origin`).toBe(helmSourceAt(lines, f.range.start.line));
      const item = itemOf(f);
      if (item) expect({ kind: item.kind, name: item.name }, `${where}: List item`).toEqual({ kind: f.object?.kind, name: f.object?.name });
    }
    if (stem.startsWith('reported-helm-source')) {
      expect(findings.filter((f) => f.helmSource === undefined), 'every finding of a Helm stream has an origin').toEqual([]);
    }
    if (stem.startsWith('reported-list')) {
      // Positions inside a List are absolute: prove it past items[0].
      expect(findings.some((f) => (itemOf(f)?.index ?? 0) >= 1), 'a finding inside items[1] or later').toBe(true);
    }

    const out = renderText(findings, result.summary, { texts: new Map([[file, text]]) });
    await expect(out).toMatchFileSnapshot(join(ROOT, dir, `${stem}.out`));
  });
});
