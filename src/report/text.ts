import { createColors } from 'picocolors';
import type { Finding } from '../engine/finding.js';
import type { Summary } from '../engine/run.js';
import type { Severity } from '../engine/rule.js';
import { escapeControl } from './escape.js';

/** Options of {@link renderText}. */
export interface TextOptions {
  color?: boolean;
  /** Source text per file path, for snippets (files without one get no snippet). */
  texts?: ReadonlyMap<string, string>;
  /** Print the summary line (default true). */
  summary?: boolean;
}

/**
 * One line per finding, `file:line:col: message [rule-id]`, then the source line with a caret
 * under the range and the severity, then a summary line.
 */
export function renderText(findings: readonly Finding[], summary: Summary, options: TextOptions = {}): string {
  const c = createColors(options.color ?? false);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, note: c.blue };
  const lines: string[] = [];
  const splitCache = new Map<string, string[]>();
  for (const f of findings) {
    const where = `${f.file}:${f.range.start.line}:${f.range.start.column}`;
    lines.push(`${c.bold(escapeControl(where))}: ${escapeControl(f.message)} ${c.dim(`[${f.ruleId}]`)}`);
    const text = options.texts?.get(f.file);
    if (text !== undefined) {
      let fileLines = splitCache.get(f.file);
      // Without the byte order mark, which the parser strips too (columns count from after it).
      if (!fileLines) splitCache.set(f.file, (fileLines = text.replace(/^\uFEFF/, '').split(/\r?\n/)));
      const source = fileLines[f.range.start.line - 1];
      if (source !== undefined) lines.push(...snippet(source, f, paint[f.severity], c.dim));
    } else {
      lines.push(`  ${paint[f.severity](f.severity)}`);
    }
    if (f.helmSource !== undefined) lines.push(c.dim(`      = from template ${escapeControl(f.helmSource)}`));
    for (const r of f.related) {
      lines.push(c.dim(`      = related: ${escapeControl(`${r.file}:${r.range.start.line}:${r.range.start.column}`)} ${escapeControl(r.message)}`));
    }
  }
  if (options.summary === false) return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  if (findings.length > 0) lines.push('');
  lines.push(summaryLine(summary, c.bold));
  return `${lines.join('\n')}\n`;
}

function snippet(source: string, f: Finding, paint: (s: string) => string, dim: (s: string) => string): string[] {
  const number = String(f.range.start.line);
  const gutter = ' '.repeat(Math.max(4, number.length + 1));
  const startIndex = f.range.start.column - 1;
  const endIndex =
    f.range.end.line === f.range.start.line ? Math.max(f.range.end.column - 1, startIndex + 1) : Math.max(source.length, startIndex + 1);
  const shown = escapeControl(source.replace(/\t/g, '    '));
  const before = source.slice(0, startIndex).replace(/\t/g, '    ');
  const width = escapeControl(source.slice(startIndex, endIndex).replace(/\t/g, '    ')).length;
  const caret = `${' '.repeat(escapeControl(before).length)}^${'~'.repeat(Math.max(0, width - 1))}`;
  return [
    `${dim(`${number.padStart(gutter.length)} |`)} ${shown}`,
    `${dim(`${gutter} |`)} ${paint(`${caret} ${f.severity}`)}`,
  ];
}

/** `3 problems (1 error, 1 warning, 1 note) in 2 files, 9 objects`. */
export function summaryLine(summary: Summary, bold: (s: string) => string = (s) => s): string {
  const total = summary.error + summary.warning + summary.note;
  const scope = `${plural(summary.files, 'file')}, ${plural(summary.objects, 'object')}`;
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  if (total === 0) return `No problems in ${scope}${suppressed}`;
  const counts = `${plural(summary.error, 'error')}, ${plural(summary.warning, 'warning')}, ${plural(summary.note, 'note')}`;
  return bold(`${plural(total, 'problem')} (${counts}) in ${scope}${suppressed}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
