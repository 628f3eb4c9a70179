import { rules as registry } from '../rules/index.js';
import { runRules, type LintResult, type RunOptions } from './engine/run.js';
import type { Rule } from './engine/rule.js';
import type { SourceText } from './parse/types.js';

export type { Finding, RelatedLocation } from './engine/finding.js';
export type { Rule, RuleMeta, Severity, Tag } from './engine/rule.js';
export type { LintResult, RunOptions, Summary } from './engine/run.js';
export type { Pos, Range, SourceText } from './parse/types.js';
export { loadPaths, type LoadError, type Loaded } from './load/load.js';
export type { RuleId } from '../rules/index.js';

/** Every rule rbaclint has, sorted by id. */
export const allRules: readonly Rule[] = registry;

/** Options of {@link lint}. */
export interface LintOptions extends RunOptions {
  /** The rules to choose from (default: all of rbaclint's). */
  rules?: readonly Rule[];
}

/**
 * Lints manifests given as texts: the function behind the CLI, the GitHub Action and the tests.
 * Never throws for bad input; syntax errors are findings.
 */
export function lint(sources: readonly SourceText[], options: LintOptions = {}): LintResult {
  return runRules(sources, options.rules ?? allRules, options);
}
