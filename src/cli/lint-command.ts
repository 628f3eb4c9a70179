import { loadPaths } from '../load/load.js';
import { lint } from '../index.js';
import type { Severity } from '../engine/rule.js';
import { EXIT, exitCode, type FailOn } from './exit-code.js';
import { writeAtomically } from './output.js';
import type { Io } from './io.js';

/** The report formats of `rbaclint lint`. */
export const FORMATS = ['text', 'json', 'sarif'] as const;
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
}

/** Runs `rbaclint lint <paths…>` and returns the exit code. */
export async function runLint(paths: readonly string[], options: LintCommandOptions, io: Io): Promise<number> {
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
  const result = lint(loaded.sources, {
    defaultNamespace: options.namespace,
    ...(options.enable ? { enable: options.enable } : {}),
    ...(options.disable ? { disable: options.disable } : {}),
  });

  let report: string;
  switch (options.format) {
    case 'json': {
      const { renderJson } = await import('../report/json.js');
      report = renderJson(result.findings, result.summary);
      break;
    }
    case 'sarif': {
      const { renderSarif } = await import('../report/sarif.js');
      report = renderSarif(result.findings, result.rules, { cwd: io.cwd, notifications: loaded.errors });
      break;
    }
    case 'text': {
      const { renderText } = await import('../report/text.js');
      const color = options.output === undefined && io.color(options.color);
      const texts = new Map(loaded.sources.map((s) => [s.path, s.text]));
      report = renderText(result.findings, result.summary, { color, texts, summary: options.quiet !== true });
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
  return exitCode(result.findings, options.failOn);
}

/** Severities accepted on the command line. */
export function isSeverity(value: string): value is Severity {
  return value === 'error' || value === 'warning' || value === 'note';
}
