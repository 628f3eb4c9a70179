import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Summary } from '../engine/run.js';
import type { Severity } from '../engine/rule.js';
import type { LoadError } from '../load/load.js';
import type { FailOn } from '../cli/exit-code.js';
import { workflowPath } from '../report/github.js';
import { markdownCode, markdownText } from '../report/markdown.js';
import { summaryLine } from '../report/text.js';
import { ruleDocsUrl } from '../version.js';

/** GitHub rejects a step summary over 1 MiB; stay well under it. */
export const SUMMARY_LIMIT = 1024 * 1024 - 16 * 1024;

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
const ICON: Record<Severity, string> = { error: '🔴', warning: '🟠', note: '🔵' };

/** Options of {@link renderSummary}. */
export interface SummaryOptions {
  workspace: string;
  loadErrors?: readonly LoadError[];
  failOn: FailOn;
  failed: boolean;
  /** Markdown of the graph of the objects with findings (a mermaid block), shown after the rules. */
  graph?: string;
  /** Size limit in bytes (default {@link SUMMARY_LIMIT}). */
  limit?: number;
}

/**
 * The job summary (GitHub-flavoured Markdown): counts by severity, findings per rule and per file,
 * then every finding while it fits under the size limit, with a line saying how many were left out.
 */
export function renderSummary(findings: readonly Finding[], summary: Summary, options: SummaryOptions): string {
  const limit = options.limit ?? SUMMARY_LIMIT;
  const head: string[] = [];
  head.push('## rbaclint', '');
  head.push(`${options.failed ? '❌' : '✅'} ${markdownText(summaryLine(summary))} (fail-on: \`${options.failOn}\`)`, '');
  for (const e of options.loadErrors ?? []) head.push(`> [!WARNING]\n> ${markdownText(e.message)}`, '');
  if (findings.length === 0) return `${head.join('\n')}\n`;

  head.push('| Severity | Findings |', '| --- | ---: |');
  for (const s of SEVERITIES) head.push(`| ${ICON[s]} ${s} | ${summary[s]} |`);
  head.push('');

  const byRule = new Map<string, { severity: Severity; count: number }>();
  for (const f of findings) {
    const entry = byRule.get(f.ruleId) ?? { severity: f.severity, count: 0 };
    entry.count++;
    if (rank(f.severity) > rank(entry.severity)) entry.severity = f.severity;
    byRule.set(f.ruleId, entry);
  }
  const rules = [...byRule].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  head.push('### Findings per rule', '', '| Rule | Severity | Findings |', '| --- | --- | ---: |');
  for (const [id, { severity, count }] of rules) head.push(`| [${markdownText(id)}](${ruleDocsUrl(id)}) | ${ICON[severity]} ${severity} | ${count} |`);
  head.push('');

  const byFile = new Map<string, Record<Severity, number>>();
  for (const f of findings) {
    const file = display(f.file, options.workspace);
    const counts = byFile.get(file) ?? { error: 0, warning: 0, note: 0 };
    counts[f.severity]++;
    byFile.set(file, counts);
  }
  let out = `${head.join('\n')}\n`;
  // The graph only when it leaves room for the tables below; it is the first thing to go.
  if (options.graph) {
    const graph = `### Who can do what\n\nWorkload → ServiceAccount → binding → role → dangerous permission; red: escalation paths.\n\n${options.graph}\n`;
    if (bytes(out) + bytes(graph) < limit / 2) out += graph;
  }
  const files = [...byFile].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  out += appendRows(
    limit - bytes(out),
    ['### Findings per file', '', '| File | Errors | Warnings | Notes |', '| --- | ---: | ---: | ---: |'],
    files.map(([file, c]) => `| \`${markdownCode(file)}\` | ${c.error} | ${c.warning} | ${c.note} |`),
    'files',
  );
  out += appendRows(
    limit - bytes(out),
    ['### Findings', '', '| Severity | Location | Rule | Message |', '| --- | --- | --- | --- |'],
    findings.map((f) => {
      const where = `${display(f.file, options.workspace)}:${f.range.start.line}:${f.range.start.column}`;
      return `| ${ICON[f.severity]} ${f.severity} | \`${markdownCode(where)}\` | ${markdownText(f.ruleId)} | ${markdownText(f.message)} |`;
    }),
    'findings',
  );
  return out;
}

/**
 * The Markdown of `rbaclint diff` for the job summary, cut at a line (and any open `<details>`
 * closed) before it would pass `budget` bytes, with a line saying how to see all of it.
 */
export function renderDiffSummary(markdown: string, budget: number): string {
  const text = `\n${markdown}`;
  if (bytes(text) <= budget) return text;
  const note = '\n…the RBAC diff is cut here to fit the job summary; run `rbaclint diff --base-ref <ref>` to see all of it.\n';
  let out = '';
  let open = 0;
  for (const line of text.split('\n')) {
    const next = `${line}\n`;
    if (bytes(out) + bytes(next) + bytes(note) + open * 12 > budget) break;
    out += next;
    if (line.startsWith('<details>')) open++;
    if (line === '</details>') open--;
  }
  return `${out}${'</details>\n'.repeat(Math.max(0, open))}${note}`;
}

/** A table that stops, with a "…and N more" line, before the output would pass `budget` bytes. */
function appendRows(budget: number, header: string[], rows: string[], what: string): string {
  let out = `${header.join('\n')}\n`;
  const reserve = 200;
  if (bytes(out) + reserve > budget) return '';
  let shown = 0;
  for (const row of rows) {
    const next = `${row}\n`;
    if (bytes(out) + bytes(next) + reserve > budget) break;
    out += next;
    shown++;
  }
  if (shown < rows.length) out += `\n…and ${rows.length - shown} more ${what} (see the log or the SARIF file).\n`;
  return `${out}\n`;
}

function display(file: string, workspace: string): string {
  return workflowPath(path.isAbsolute(file) ? path.relative(workspace, file) : file);
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function rank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}
