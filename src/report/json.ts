import type { Finding } from '../engine/finding.js';
import { formatPath } from '../engine/finding.js';
import type { Summary } from '../engine/run.js';

/** Version of the JSON report; changes only on a breaking change. */
export const JSON_REPORT_VERSION = 1;

/** The JSON report (DESIGN.md §3). */
export function renderJson(findings: readonly Finding[], summary: Summary): string {
  const report = {
    version: JSON_REPORT_VERSION,
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.range.start.line,
      column: f.range.start.column,
      endLine: f.range.end.line,
      endColumn: f.range.end.column,
      ...(f.object ? { object: f.object } : {}),
      ...(f.path ? { path: formatPath(f.path) } : {}),
      ...(f.helmSource === undefined ? {} : { helmSource: f.helmSource }),
      ...(f.related.length > 0
        ? {
            related: f.related.map((r) => ({
              file: r.file,
              line: r.range.start.line,
              column: r.range.start.column,
              message: r.message,
            })),
          }
        : {}),
    })),
    summary,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
