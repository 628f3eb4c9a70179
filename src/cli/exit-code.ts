import type { Finding } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';

/** The lowest severity that fails the run, or `none` to never fail on findings. */
export type FailOn = Severity | 'none';

/** Exit codes of every command (DESIGN.md §2). */
export const EXIT = {
  /** Nothing at or above --fail-on. */
  ok: 0,
  /** Findings at or above --fail-on (can-i: "no"). */
  findings: 1,
  /** Usage, configuration or fatal error. */
  usage: 2,
} as const;

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

/** 1 when a finding is at or above `failOn`, else 0. */
export function exitCode(findings: readonly Finding[], failOn: FailOn): 0 | 1 {
  if (failOn === 'none') return EXIT.ok;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? EXIT.findings : EXIT.ok;
}
