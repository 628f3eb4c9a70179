import path from 'node:path';
import type { Finding } from './finding.js';

/** Version of the baseline file format; changes only on a breaking change. */
export const BASELINE_VERSION = 1;

/** One accepted finding. Only `fingerprint` and `file` decide a match; the rest is for people. */
export interface BaselineEntry {
  /** {@link Finding.fingerprint}: rule, object and JSON path, so it survives line shifts. */
  fingerprint: string;
  ruleId: string;
  /** The file, relative to the directory of the baseline file (`<stdin>` as is). */
  file: string;
  /** `Kind namespace/name` or `Kind "name"`; absent for findings without an object. */
  object?: string;
  message: string;
}

/** The baseline file. */
export interface Baseline {
  version: typeof BASELINE_VERSION;
  findings: BaselineEntry[];
}

/** A baseline file that cannot be used; the message is ready to print after `rbaclint: `. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * Paths in a baseline are relative to its own directory, so that it matches from any working
 * directory; findings name files relative to the working directory.
 */
export interface BaselinePaths {
  /** Working directory the findings' paths are relative to. */
  cwd: string;
  /** Directory of the baseline file. */
  dir: string;
}

/** A finding's file as the baseline writes it. */
export function toBaselinePath(file: string, paths: BaselinePaths): string {
  if (file === '<stdin>' || (file.startsWith('<') && file.endsWith('>'))) return file;
  return path.relative(paths.dir, path.resolve(paths.cwd, file)).split(path.sep).join('/');
}

/** The baseline of these findings: one entry per file and fingerprint, sorted so that it diffs well. */
export function renderBaseline(findings: readonly Finding[], paths: BaselinePaths): string {
  const entries = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const file = toBaselinePath(f.file, paths);
    const key = `${file}\u0000${f.fingerprint}`;
    if (entries.has(key)) continue;
    entries.set(key, {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      file,
      ...(f.object ? { object: displayRef(f.object) } : {}),
      message: f.message,
    });
  }
  const sorted = [...entries.values()].sort(
    (a, b) =>
      compare(a.file, b.file) || compare(a.ruleId, b.ruleId) || compare(a.object ?? '', b.object ?? '') || compare(a.message, b.message) || compare(a.fingerprint, b.fingerprint),
  );
  const baseline: Baseline = { version: BASELINE_VERSION, findings: sorted };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Reads a baseline text; `name` is how messages name the file. */
export function parseBaseline(text: string, name: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${name}: not a baseline: JSON syntax error: ${(error as Error).message}; write one with --write-baseline ${name}`);
  }
  const v = value as Partial<Baseline> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.findings)) {
    throw new BaselineError(`${name}: not a baseline (expected {"version": 1, "findings": [...]}); write one with --write-baseline ${name}`);
  }
  if (v.version !== BASELINE_VERSION) {
    throw new BaselineError(`${name}: baseline version ${JSON.stringify(v.version)} is not supported (expected ${BASELINE_VERSION}); write it again with --write-baseline ${name}`);
  }
  v.findings.forEach((entry, i) => {
    const e = entry as Partial<BaselineEntry> | null;
    if (typeof e !== 'object' || e === null || typeof e.fingerprint !== 'string' || typeof e.file !== 'string') {
      throw new BaselineError(`${name}: findings[${i}]: needs a "fingerprint" and a "file" string; write the baseline again with --write-baseline ${name}`);
    }
  });
  return { version: BASELINE_VERSION, findings: v.findings };
}

/** Matches findings against a baseline; each entry records whether it matched. */
export class BaselineMatcher {
  private readonly entries = new Map<string, { entry: BaselineEntry; used: boolean }>();
  /** Baseline path of each finding file (asked once per finding; files are few). */
  private readonly fileKeys = new Map<string, string>();

  constructor(
    baseline: Baseline,
    private readonly paths: BaselinePaths,
  ) {
    for (const entry of baseline.findings) this.entries.set(`${entry.file}\u0000${entry.fingerprint}`, { entry, used: false });
  }

  /** Whether the baseline holds this finding (and marks its entry used). */
  match(finding: Finding): boolean {
    let file = this.fileKeys.get(finding.file);
    if (file === undefined) this.fileKeys.set(finding.file, (file = toBaselinePath(finding.file, this.paths)));
    const hit = this.entries.get(`${file}\u0000${finding.fingerprint}`);
    if (!hit) return false;
    hit.used = true;
    return true;
  }

  /** Entries that matched no finding (fixed since the baseline was written, or renamed). */
  unused(): BaselineEntry[] {
    return [...this.entries.values()].filter((e) => !e.used).map((e) => e.entry);
  }
}

function displayRef(ref: NonNullable<Finding['object']>): string {
  return ref.namespace === undefined ? `${ref.kind} "${ref.name}"` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
