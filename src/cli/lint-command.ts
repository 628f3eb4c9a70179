import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPaths } from '../load/load.js';
import { MAX_CONTEXT_BYTES } from '../parse/parse.js';
import { allRules, lint, type LintOptions, type LintResult, type SourceText } from '../index.js';
import { BaselineError, parseBaseline, renderBaseline, type Baseline, type BaselineEntry } from '../engine/baseline.js';
import { ConfigError, declaredContextSource, displayPath, ignoreMatcher, loadConfig, mergeConfig, renderConfig, type EffectiveConfig } from '../engine/config.js';
import type { KubeVersion } from '../rbac/version.js';
import { contextWarning } from './rbac-args.js';
import type { Finding } from '../engine/finding.js';
import type { HelmChart } from '../report/helm.js';
import type { Severity } from '../engine/rule.js';
import { EXIT, exitCode, type FailOn } from './exit-code.js';
import { writeAtomically } from './output.js';
import type { Io } from './io.js';

/** The report formats of `rbaclint lint`. */
export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Values of `--fail-on`. */
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'note', 'none'];

/** Options of the lint command, as commander parses them. */
export interface LintCommandOptions {
  format: Format;
  output?: string;
  failOn: FailOn;
  namespace: string;
  enable?: string[];
  disable?: string[];
  quiet?: boolean;
  color?: boolean;
  stdinFilename?: string;
  /** `--config <file>`. */
  config?: string;
  printConfig?: boolean;
  baseline?: string;
  writeBaseline?: string;
  /** Whether `failOn` was given on the command line (else the configuration's value wins over the default). */
  failOnFromCli?: boolean;
  /** Whether `namespace` was given on the command line. */
  namespaceFromCli?: boolean;
  /** `--context <path>` (repeatable): manifests read for cross-references only, never reported on. */
  context?: string[];
  /** `--kube-version <1.x>`, parsed. */
  kubeVersion?: KubeVersion;
  /** `--strict` (true: every rule) or `--strict <rules>`. */
  strict?: boolean | string[];
  /** `--helm-chart <dir>`: SARIF and GitHub annotations point at this chart's templates. */
  helmChart?: string;
  /** `--fix`: apply the fixes to the files, then report what is left. */
  fix?: boolean;
  /** `--fix-dry-run`: print the fixes as a unified diff; change nothing. */
  fixDryRun?: boolean;
  /** Whether `format` was given on the command line. */
  formatFromCli?: boolean;
}

/** Runs `rbaclint lint <paths…>` and returns the exit code. */
export async function runLint(paths: readonly string[], options: LintCommandOptions, io: Io): Promise<number> {
  const conflict = fixConflict(options);
  if (conflict !== undefined) {
    io.stderr(`rbaclint: ${conflict}\n`);
    return EXIT.usage;
  }
  let effective: EffectiveConfig;
  try {
    const loaded = await loadConfig(allRules, io.cwd, options.config);
    effective = mergeConfig(allRules, loaded, {
      ...(options.failOnFromCli ? { failOn: options.failOn } : {}),
      ...(options.namespaceFromCli ? { namespace: options.namespace } : {}),
      ...(options.enable ? { enable: options.enable } : {}),
      ...(options.disable ? { disable: options.disable } : {}),
      ...(options.strict === undefined ? {} : { strict: options.strict }),
      ...(options.kubeVersion === undefined ? {} : { kubeVersion: options.kubeVersion }),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`rbaclint: ${error.message}\n`);
    return EXIT.usage;
  }
  if (options.printConfig) {
    io.stdout(renderConfig(effective, io.cwd));
    return EXIT.ok;
  }

  let helmChart: HelmChart | undefined;
  if (options.helmChart !== undefined) {
    const { HelmChartError, loadHelmChart } = await import('../report/helm.js');
    try {
      helmChart = await loadHelmChart(options.helmChart, io.cwd);
    } catch (error) {
      if (!(error instanceof HelmChartError)) throw error;
      io.stderr(`rbaclint: ${error.message}\n`);
      return EXIT.usage;
    }
  }

  let baseline: Baseline | undefined;
  if (options.baseline !== undefined && options.writeBaseline === undefined) {
    try {
      baseline = await readBaseline(options.baseline, io.cwd);
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      io.stderr(`rbaclint: ${error.message}\n`);
      return EXIT.usage;
    }
  }

  const loaded = await loadPaths(paths, {
    cwd: io.cwd,
    readStdin: io.readStdin,
    ...(options.stdinFilename === undefined ? {} : { stdinName: options.stdinFilename }),
  });
  for (const error of loaded.errors) io.stderr(`rbaclint: ${error.message}\n`);
  if (loaded.sources.length === 0) {
    io.stderr('rbaclint: nothing to lint; give files, directories, globs or - for stdin (see rbaclint --help)\n');
    return EXIT.usage;
  }
  const configDir = effective.file === undefined ? io.cwd : path.dirname(effective.file);
  // Context first (declared objects, the configuration's context files, then --context), so the
  // linted input wins on kind/namespace/name clashes.
  const declared = declaredContextSource(effective.context, `${effective.file === undefined ? 'configuration' : displayPath(io.cwd, effective.file)}#context`);
  const configContext = (effective.context.files ?? []).map((file) => displayPath(io.cwd, path.resolve(configDir, file)));
  const context = await contextSources([...configContext, ...(options.context ?? [])], loaded.sources, io);
  const sources = [...(declared ? [declared] : []), ...context, ...loaded.sources];
  const matchesIgnore = ignoreMatcher(effective.ignore, configDir, io.cwd);
  const stdinName = options.stdinFilename ?? '<stdin>';
  const runOptions: LintOptions = {
    defaultNamespace: effective.namespace,
    enable: Object.keys(effective.rules).filter((id) => effective.rules[id] !== 'off'),
    disable: Object.keys(effective.rules).filter((id) => effective.rules[id] === 'off'),
    severities: effective.severities,
    kubeVersion: effective.kubeVersion,
    ...(effective.strict.length > 0 ? { strict: effective.strict } : {}),
    ...(effective.ignore.length > 0 ? { isIgnored: (file: string) => file !== stdinName && matchesIgnore(file) } : {}),
    ...(baseline && options.baseline !== undefined
      ? { baseline: { baseline, paths: baselinePaths(options.baseline, io.cwd), name: options.baseline } }
      : {}),
  };
  let result: LintResult;
  /** The texts the report shows (after --fix, the fixed ones). */
  let shown: readonly SourceText[] = loaded.sources;
  if (options.fix === true || options.fixDryRun === true) {
    const { applyFixes } = await import('./fix-output.js');
    const isStdin = (file: string) => paths.includes('-') && file === stdinName;
    const fixed = await applyFixes(sources, (s) => lint(s, runOptions), { isStdin, dryRun: options.fixDryRun === true, output: options.output }, io);
    if (typeof fixed === 'number') return fixed;
    result = fixed.result;
    shown = fixed.sources.filter((s) => !s.contextOnly);
  } else {
    result = lint(sources, runOptions);
  }
  // A context file left out (too large, and not plain enough for the value path) gets no finding: say so.
  for (const source of context) {
    const warning = contextWarning(source, result.contextProblems.find((p) => p.file.path === source.path));
    if (warning !== undefined) io.stderr(`rbaclint: context: ${warning}\n`);
  }

  if (options.writeBaseline !== undefined) {
    const count = result.findings.length;
    try {
      await writeAtomically(path.resolve(io.cwd, options.writeBaseline), renderBaseline(result.findings, baselinePaths(options.writeBaseline, io.cwd)));
    } catch (error) {
      io.stderr(`rbaclint: cannot write the baseline to "${options.writeBaseline}": ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr(`rbaclint: wrote ${count} finding${count === 1 ? '' : 's'} to the baseline ${options.writeBaseline}\n`);
    return EXIT.ok;
  }

  let report: string;
  switch (options.format) {
    case 'json': {
      const { renderJson } = await import('../report/json.js');
      report = renderJson(result.findings, result.summary);
      break;
    }
    case 'sarif': {
      const { renderSarif } = await import('../report/sarif.js');
      report = renderSarif(await helmFindings(result.findings, helmChart, shown, io), result.rules, {
        cwd: io.cwd,
        notifications: loaded.errors,
      });
      break;
    }
    case 'github': {
      const { renderGithub } = await import('../report/github.js');
      report = renderGithub(await helmFindings(result.findings, helmChart, shown, io), result.summary, {
        cwd: io.cwd,
        summary: options.quiet !== true,
      });
      break;
    }
    case 'text': {
      const { renderText } = await import('../report/text.js');
      const color = options.output === undefined && io.color(options.color);
      const texts = new Map(shown.map((s) => [s.path, s.text]));
      report = renderText(result.findings, result.summary, { color, texts, summary: options.quiet !== true });
      if (options.quiet !== true) report = withUnusedBaseline(report, result.unusedBaseline);
      break;
    }
  }
  if (options.output !== undefined) {
    try {
      await writeAtomically(options.output, report);
    } catch (error) {
      io.stderr(`rbaclint: cannot write the report to "${options.output}": ${(error as Error).message}\n`);
      return EXIT.usage;
    }
  } else {
    io.stdout(report);
  }
  return exitCode(result.findings, effective.failOn);
}

/** Why the fix options cannot be combined with the others given, or undefined. */
function fixConflict(options: LintCommandOptions): string | undefined {
  if (options.fix === true && options.fixDryRun === true) return '--fix and --fix-dry-run exclude each other: --fix-dry-run shows what --fix would write';
  const flag = options.fix === true ? '--fix' : options.fixDryRun === true ? '--fix-dry-run' : undefined;
  if (flag === undefined) return undefined;
  if (options.writeBaseline !== undefined) return `${flag} cannot be combined with --write-baseline: fix first, then record what is left`;
  if (options.printConfig === true) return `${flag} cannot be combined with --print-config`;
  if (options.fixDryRun === true && options.formatFromCli === true) {
    return '--fix-dry-run prints a unified diff, not a report: leave out --format (--output writes the diff to a file)';
  }
  return undefined;
}

/** Reads and checks a baseline file (`file` relative to `cwd`). */
async function readBaseline(file: string, cwd: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new BaselineError(`cannot read the baseline "${file}": ${why}; write one with --write-baseline ${file}`);
  }
  return parseBaseline(text, displayPath(cwd, path.resolve(cwd, file)));
}

function baselinePaths(file: string, cwd: string) {
  return { cwd, dir: path.dirname(path.resolve(cwd, file)) };
}

/**
 * Adds the count of stale baseline entries to the summary line (the last line of the text report):
 * `…, 2 suppressed, 1 baseline entry matched nothing`.
 */
function withUnusedBaseline(report: string, unused: readonly BaselineEntry[]): string {
  if (unused.length === 0) return report;
  const note = `, ${unused.length} baseline ${unused.length === 1 ? 'entry' : 'entries'} matched nothing`;
  return report.replace(/\n$/, `${note}\n`);
}

/**
 * Loads `--context` paths as context-only sources: they take part in cross-references and RBAC
 * (a ServiceAccount, Role or binding in a file that is not being linted) but get no findings. A file
 * that is also linted is taken once, as linted. Context comes first, so an object defined in both
 * is taken from the linted input (the change).
 */
async function contextSources(paths: readonly string[], linted: readonly { path: string }[], io: Io) {
  if (paths.length === 0) return [];
  // Cluster dumps are read up to the larger limit of the parser's value path (context gets no findings).
  const context = await loadPaths(paths, { cwd: io.cwd, maxBytes: MAX_CONTEXT_BYTES });
  for (const error of context.errors) io.stderr(`rbaclint: context: ${error.message}\n`);
  const lintedFiles = new Set(linted.map((s) => path.resolve(io.cwd, s.path)));
  return context.sources
    .filter((s) => !lintedFiles.has(path.resolve(io.cwd, s.path)))
    .map((s) => ({ ...s, contextOnly: true }));
}

/**
 * With `--helm-chart`, findings rendered from the chart's templates point at the templates (and
 * say where they were rendered); a warning names `# Source:` charts that are not this chart.
 */
async function helmFindings(
  findings: readonly Finding[],
  chart: HelmChart | undefined,
  sources: readonly { path: string; text: string }[],
  io: Io,
): Promise<readonly Finding[]> {
  if (chart === undefined) return findings;
  const { mapToHelmChart, otherCharts } = await import('../report/helm.js');
  const others = otherCharts(findings, chart);
  if (others.length > 0) {
    io.stderr(
      `rbaclint: --helm-chart ${chart.dir}: its Chart.yaml name is "${chart.name}", but findings come from chart ${others.map((n) => `"${n}"`).join(', ')}; those keep their rendered locations\n`,
    );
  }
  return mapToHelmChart(findings, chart, new Map(sources.map((s) => [s.path, s.text])));
}

/** Severities accepted on the command line. */
export function isSeverity(value: string): value is Severity {
  return value === 'error' || value === 'warning' || value === 'note';
}
