/**
 * `--fix`: applies the fixes of the reported findings to the texts, in passes (as ESLint does),
 * until no finding has a fix left that can be applied. Every changed file is parsed again and each
 * edit read back before it is kept, so a fix can never break a file.
 */
import type { Finding, FixEdit } from '../engine/finding.js';
import type { LintResult } from '../engine/run.js';
import { parseSource } from '../parse/parse.js';
import type { JsonPath, SourceText } from '../parse/types.js';
import { spliceFor, type Splice } from './splice.js';

/** More passes than any chain of fixes needs (one fix never enables more than one other). */
const MAX_PASSES = 10;

/** Options of {@link fixSources}. */
export interface FixOptions {
  /** Sources that cannot be written back (standard input). */
  isStdin: (path: string) => boolean;
}

/** Findings whose fix was not applied, and why. */
export interface NotFixed {
  file: string;
  reason: string;
  findings: number;
}

/** What {@link fixSources} did. */
export interface FixOutcome {
  /** The files whose text changed: the text before (as linted) and after. */
  changed: Map<string, { before: string; after: string }>;
  /** Findings fixed, over all passes. */
  fixed: number;
  notFixed: NotFixed[];
  /** The lint result of the fixed texts. */
  result: LintResult;
  /** The sources with the fixed texts. */
  sources: SourceText[];
}

/**
 * Lints, applies the fixes, lints again, until nothing more can be fixed. `lintOnce` is the same
 * lint the user asked for (rules, configuration, suppressions): suppressed findings are not fixed.
 */
export function fixSources(
  sources: readonly SourceText[],
  lintOnce: (sources: readonly SourceText[]) => LintResult,
  options: FixOptions,
): FixOutcome {
  let current = [...sources];
  const original = new Map(sources.map((s) => [s.path, withoutBom(s.text)]));
  let result = lintOnce(current);
  let fixed = 0;
  let notFixed = new Map<string, NotFixed>();

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    notFixed = new Map();
    const skip = (file: string, reason: string) => {
      const key = `${file}\u0000${reason}`;
      const entry = notFixed.get(key) ?? { file, reason, findings: 0 };
      entry.findings++;
      notFixed.set(key, entry);
    };
    /** Accepted splices per file, with the edits they make (for reading back). */
    const accepted = new Map<string, { splices: Splice[]; edits: FixEdit[]; findings: Finding[] }>();
    // Each file with fixes is parsed again in full: the lint may have skipped documents it does not read.
    const cache = new Map<string, Parsed | undefined>();
    const parsed = (file: string): Parsed | undefined => {
      if (!cache.has(file)) {
        const source = current.find((s) => s.path === file);
        const result = source && parseSource({ path: source.path, text: withoutBom(source.text) });
        cache.set(
          file,
          result && {
            parse: result,
            helmSource: new Map(result.manifests.flatMap((m) => (m.helmSource === undefined ? [] : [[m.docIndex, m.helmSource] as const]))),
          },
        );
      }
      return cache.get(file);
    };
    for (const finding of result.findings) {
      const planned = planFinding(finding, options, parsed, skip);
      if (!planned) continue;
      // All of a finding's edits or none: one that overlaps another finding's waits for the next pass.
      if (planned.some(({ file, splice }) => conflicts(accepted.get(file)?.splices ?? [], splice))) continue;
      for (const { file, splice, edit } of planned) {
        let entry = accepted.get(file);
        if (!entry) accepted.set(file, (entry = { splices: [], edits: [], findings: [] }));
        if (!entry.splices.some((s) => sameSplice(s, splice))) entry.splices.push(splice);
        entry.edits.push(edit);
        if (!entry.findings.includes(finding)) entry.findings.push(finding);
      }
    }

    const fixedNow = new Set<Finding>();
    const texts = new Map<string, string>();
    for (const [file, { splices, edits, findings }] of accepted) {
      // Every accepted file was parsed for planning (parsed() above): that parse is the "before".
      const before = parsed(file)!.parse;
      const after = applySplices(before.file.text, splices);
      const problem = readBack(before, after, edits);
      if (problem !== undefined) {
        findings.forEach(() => skip(file, problem));
        continue;
      }
      texts.set(file, after);
      for (const finding of findings) fixedNow.add(finding);
    }
    if (texts.size === 0) break;
    fixed += fixedNow.size;
    current = current.map((s) => (texts.has(s.path) ? { ...s, text: texts.get(s.path)! } : s));
    result = lintOnce(current);
  }

  const changed = new Map<string, { before: string; after: string }>();
  for (const source of current) {
    const before = original.get(source.path)!;
    const after = withoutBom(source.text);
    if (after !== before) changed.set(source.path, { before, after });
  }
  return { changed, fixed, notFixed: [...notFixed.values()], result, sources: current };
}

/** A file as parsed for fixing (in full), with the Helm template of each document. */
interface Parsed {
  parse: ReturnType<typeof parseSource>;
  helmSource: Map<number, string>;
}

/** The splices of one finding's fix, or undefined when it has none that can be applied. */
function planFinding(
  finding: Finding,
  options: FixOptions,
  parsed: (file: string) => Parsed | undefined,
  skip: (file: string, reason: string) => void,
): { file: string; splice: Splice; edit: FixEdit }[] | undefined {
  if (!finding.fix || finding.fix.edits.length === 0) return undefined;
  const planned: { file: string; splice: Splice; edit: FixEdit }[] = [];
  for (const edit of finding.fix.edits) {
    const source = parsed(edit.file);
    if (!source) return undefined;
    const why = unwritable(edit, source, options);
    if (why !== undefined) {
      skip(edit.file, why);
      return undefined;
    }
    const result = spliceFor(edit, source.parse.file.documents[edit.docIndex], source.parse.file.text);
    if ('unsupported' in result) {
      skip(edit.file, `${finding.fix.description}: ${result.unsupported}`);
      return undefined;
    }
    planned.push({ file: edit.file, splice: result.splice, edit });
  }
  return planned;
}

/** Why a file cannot be fixed, or undefined. */
function unwritable(edit: FixEdit, source: Parsed, options: FixOptions): string | undefined {
  if (options.isStdin(edit.file)) return 'standard input cannot be written back; lint the files themselves with --fix';
  const helmSource = source.helmSource.get(edit.docIndex);
  if (helmSource !== undefined) {
    return `it is Helm-rendered output (# Source: ${helmSource}): the next helm template would undo the fix; fix the chart's template`;
  }
  return undefined;
}

/** Whether a splice overlaps one already accepted (an identical one is not a conflict). */
function conflicts(accepted: readonly Splice[], splice: Splice): boolean {
  return accepted.some(
    (s) => !sameSplice(s, splice) && (s.start < splice.end && splice.start < s.end || (s.start === splice.start && (s.start === s.end || splice.start === splice.end))),
  );
}

function sameSplice(a: Splice, b: Splice): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}

/** Applies non-overlapping splices, from the end of the text backwards so offsets stay valid. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * Parses the fixed text and checks that it has the same documents and objects, no new syntax
 * error, and that every edit reads back as intended. Returns why not, or undefined when it does.
 */
function readBack(old: ReturnType<typeof parseSource>, after: string, edits: readonly FixEdit[]): string | undefined {
  const fresh = parseSource({ path: old.file.path, text: after });
  if (fresh.problems.length > old.problems.length || fresh.manifests.length !== old.manifests.length) {
    return 'the fixed text did not parse as the same objects (not written; please report this)';
  }
  for (const edit of edits) {
    const manifest = fresh.manifests.find((m) => m.docIndex === edit.docIndex && samePath(m.pathPrefix, edit.pathPrefix));
    const value = manifest && valueAt(manifest.object, edit.path);
    const parent = manifest && valueAt(manifest.object, edit.path.slice(0, -1));
    const key = edit.path.at(-1);
    const has = (name: unknown) => typeof parent === 'object' && parent !== null && Object.hasOwn(parent, String(name));
    const ok =
      edit.op === 'set'
        ? value === edit.value
        : edit.op === 'rename'
          ? !has(key) && has(edit.to)
          : !has(key);
    if (!ok) return 'the fixed text did not read back as intended (not written; please report this)';
  }
  return undefined;
}

function valueAt(object: unknown, path: JsonPath): unknown {
  let current = object;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
