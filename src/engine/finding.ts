import type { ObjectRef } from '../model/index.js';
import type { JsonPath, Range } from '../parse/types.js';
import type { Severity } from './rule.js';

/** An object that explains a finding, positioned in its file. */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

/** A positioned finding, as every reporter receives it. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** How to fix it (the rule's help). */
  help: string;
  /** The path as the user gave it, or `<stdin>`. */
  file: string;
  /** 1-based; `end` is exclusive. */
  range: Range;
  /** The object that gets the finding (absent for parse problems, which have none). */
  object?: ObjectRef;
  /** JSON path inside the object, as rules gave it. */
  path?: readonly (string | number)[];
  /** From the Helm `# Source:` comment of the document. */
  helmSource?: string;
  related: RelatedLocation[];
  /** Stable across line shifts: rule, object identity and path (or file and message). */
  fingerprint: string;
  /** What `--fix` would change (not part of the reports). */
  fix?: FindingFix;
}

/** A rule's fix with each edit tied to the parsed object it changes. */
export interface FindingFix {
  description: string;
  edits: readonly FixEdit[];
}

/**
 * An {@link import('./rule.js').Edit} as plain data: the object is named by its file, the index of
 * its YAML document and its path in that document (`['items', 3]` inside a List).
 */
export type FixEdit = FixTarget &
  (
    | { op: 'set'; value: string | boolean; after?: readonly string[] }
    | { op: 'rename'; to: string }
    | { op: 'remove' }
  );

/** Where a {@link FixEdit} applies. */
export interface FixTarget {
  file: string;
  docIndex: number;
  pathPrefix: JsonPath;
  /** Path inside the object. */
  path: JsonPath;
}

/** Prints a JSON path the way people read it: `spec.template.spec.containers[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Orders findings by file, line, column, then rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
