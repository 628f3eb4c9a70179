import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Summary } from '../engine/run.js';
import type { Severity } from '../engine/rule.js';
import { summaryLine } from './text.js';

/** The workflow command of each severity (`note` is GitHub's `notice`). */
export const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', note: 'notice' };

/** Options of {@link renderGithub}. */
export interface GithubOptions {
  /** Directory the `file` properties are relative to (GitHub wants repository-root paths; default: as given). */
  cwd?: string;
  /** Print the summary line (default true). */
  summary?: boolean;
}

/**
 * GitHub workflow commands, one per finding
 * (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule-id>::<message>`), then the summary line.
 * Runners turn them into annotations on the files of the commit or pull request.
 */
export function renderGithub(findings: readonly Finding[], summary: Summary, options: GithubOptions = {}): string {
  const lines = findings.map((f) => annotation(f, options.cwd));
  if (options.summary !== false) lines.push(summaryLine(summary));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The workflow command of one finding. */
export function annotation(f: Finding, cwd?: string): string {
  const { start, end } = f.range;
  const properties: [string, string | number][] = [
    ['file', workflowPath(f.file, cwd)],
    ['line', start.line],
  ];
  // GitHub ignores columns on annotations that span lines (the checks API rejects them), so give them only on one line.
  if (end.line === start.line) properties.push(['col', start.column]);
  properties.push(['endLine', end.line]);
  if (end.line === start.line) properties.push(['endColumn', Math.max(end.column, start.column + 1)]);
  properties.push(['title', f.ruleId]);
  const template = f.helmSource === undefined ? '' : ` (from template ${f.helmSource})`;
  return command(COMMAND[f.severity], properties, `${f.message}${template}`);
}

/**
 * A workflow command, escaped as actions/toolkit's `command.ts` does: `%`, CR and LF in the message;
 * also `:` and `,` in property values. Other control characters are shown as `\xHH` so that a
 * manifest cannot write terminal escapes into the log.
 */
export function command(name: string, properties: readonly (readonly [string, string | number])[], message: string): string {
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${name}${props === '' ? '' : ` ${props}`}::${escapeData(message)}`;
}

/** actions/toolkit `escapeData`. */
export function escapeData(text: string): string {
  return clean(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** actions/toolkit `escapeProperty`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function clean(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A path as GitHub expects in `file=`: relative to the workspace, with forward slashes. */
export function workflowPath(file: string, cwd?: string): string {
  const relative = cwd !== undefined && path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return relative.split(path.sep).join('/').replace(/^\.\//, '');
}
