import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { allRules, lint, type Finding, type LintResult, type SourceText } from '../src/index.js';
import { renderSarif } from '../src/report/sarif.js';
import { SARIF_SCHEMA_PATH, sarifValidator } from './helpers/sarif-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Real-world manifests (Apache-2.0) shared by the team outside this repository. */
const CORPUS = path.resolve(root, '../shared/corpus');
const UNRENDERED = '_unrendered-helm/';
const HELM_SOURCE_LINE = /^#\s*Source:\s*\S/;

function manifestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.relative(CORPUS, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Number of lines as an editor counts them (a final line break opens one more, empty line). */
function lineCount(text: string): number {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;
}

const HAS_CORPUS = existsSync(CORPUS);
const HAS_SCHEMA = existsSync(SARIF_SCHEMA_PATH);

describe.skipIf(!HAS_CORPUS)(`corpus ${CORPUS}${HAS_CORPUS ? '' : ' (skipped: folder absent)'}`, () => {
  let sources: SourceText[];
  let result: LintResult;
  let warnings: unknown[][];
  const byFile = new Map<string, Finding[]>();

  beforeAll(() => {
    sources = manifestFiles(CORPUS).map((file) => ({ path: file, text: readFileSync(path.join(CORPUS, file), 'utf8') }));
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const started = performance.now();
    try {
      result = lint(sources, { enable: allRules.map((r) => r.id) });
    } finally {
      warnings = emitWarning.mock.calls;
      emitWarning.mockRestore();
    }
    const elapsed = performance.now() - started;
    const bytes = sources.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
    console.log(
      `corpus: linted ${sources.length} files (${(bytes / 2 ** 20).toFixed(1)} MiB, ${result.summary.objects} objects) ` +
        `with ${result.rules.length} rules in ${elapsed.toFixed(0)} ms: ${result.findings.length} findings ` +
        `(${result.summary.error} errors, ${result.summary.warning} warnings, ${result.summary.note} notes)`,
    );
    for (const finding of result.findings) {
      const list = byFile.get(finding.file) ?? [];
      list.push(finding);
      byFile.set(finding.file, list);
    }
  }, 300_000);

  it('finds the corpus files, and runs every rule', () => {
    expect(sources.length).toBeGreaterThan(200);
    expect(result.rules.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
    expect(result.summary.files).toBe(sources.length);
  });

  it('emits no process warnings (they would reach the user on stderr)', () => {
    expect(warnings).toEqual([]);
  });

  it('every finding and related location is inside its file: 1 ≤ line ≤ lines of the file, column ≥ 1', () => {
    const lines = new Map(sources.map((s) => [s.path, lineCount(s.text)]));
    const outside: string[] = [];
    const check = (file: string, range: Finding['range'], what: string) => {
      const count = lines.get(file);
      const { start, end } = range;
      const ok =
        count !== undefined &&
        start.line >= 1 &&
        start.line <= count &&
        start.column >= 1 &&
        end.line >= start.line &&
        end.line <= count &&
        end.column >= 1 &&
        (end.line > start.line || end.column >= start.column);
      if (!ok) outside.push(`${what} ${file}:${start.line}:${start.column}-${end.line}:${end.column} (${count} lines)`);
    };
    for (const f of result.findings) {
      check(f.file, f.range, `[${f.ruleId}]`);
      for (const r of f.related) check(r.file, r.range, `related of [${f.ruleId}]`);
    }
    expect(outside).toEqual([]);
  });

  it('every finding after the first "# Source:" comment of a Helm-rendered file has a helmSource', () => {
    const missing: string[] = [];
    let helmFiles = 0;
    for (const source of sources) {
      const firstSource = source.text.split(/\r?\n/).findIndex((line) => HELM_SOURCE_LINE.test(line));
      if (firstSource < 0) continue;
      helmFiles++;
      for (const f of byFile.get(source.path) ?? []) {
        if (f.range.start.line > firstSource + 1 && f.helmSource === undefined) {
          missing.push(`${f.file}:${f.range.start.line}:${f.range.start.column} [${f.ruleId}] ${f.message}`);
        }
      }
    }
    expect(helmFiles).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it(`every file under ${UNRENDERED} gives unrendered-template findings`, () => {
    const unrendered = sources.filter((s) => s.path.startsWith(UNRENDERED)).map((s) => s.path);
    expect(unrendered.length).toBeGreaterThan(0);
    const without = unrendered.filter((file) => !(byFile.get(file) ?? []).some((f) => f.ruleId === 'unrendered-template'));
    expect(without).toEqual([]);
  });

  it(`files outside ${UNRENDERED} parse: no parse-error or unrendered-template finding`, () => {
    const problems = result.findings
      .filter((f) => !f.file.startsWith(UNRENDERED) && (f.ruleId === 'parse-error' || f.ruleId === 'unrendered-template'))
      .map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} [${f.ruleId}] ${f.message}`);
    expect(problems).toEqual([]);
  });

  it.skipIf(!HAS_SCHEMA)(`the SARIF of the whole corpus validates${HAS_SCHEMA ? '' : ` (skipped: ${SARIF_SCHEMA_PATH} absent)`}`, () => {
    const started = performance.now();
    const log = JSON.parse(renderSarif(result.findings, result.rules, { cwd: CORPUS })) as Log;
    const validate = sarifValidator();
    expect(validate(log)).toEqual([]);
    expect(log.runs[0]!.results!.length).toBe(Math.min(result.findings.length, 5000));
    console.log(`corpus: SARIF rendered and validated in ${(performance.now() - started).toFixed(0)} ms`);
  });
});
