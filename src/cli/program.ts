import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { allRules } from '../index.js';
import { pkg } from '../version.js';
import { addCanICommand } from './can-i-command.js';
import { addDiffCommand } from './diff-command.js';
import { addContextOptions, KUBE_VERSION_HELP, kubeVersionArg } from './rbac-args.js';
import { EXIT } from './exit-code.js';
import { addQueryConfig } from './query-config.js';
import type { Io } from './io.js';
import { FAIL_ON, FORMATS, runLint, type LintCommandOptions } from './lint-command.js';
import { addGraphCommand } from './graph-command.js';
import { addPermissionsCommand } from './permissions-command.js';
import { RULES_FORMATS, runRules, type RulesCommandOptions } from './rules-command.js';
import { addWhoCanCommand } from './who-can-command.js';

const EXAMPLES = `
Examples:
  $ rbaclint deploy/                          lint every *.yaml, *.yml, *.json below deploy/
  $ helm template my-release ./chart | rbaclint -
  $ helm template my-release ./chart | rbaclint - --helm-chart ./chart --format sarif
  $ rbaclint 'k8s/**/*.yaml' --format sarif --output rbaclint.sarif
  $ rbaclint deploy/ --fail-on error --disable automount-token-enabled
  $ rbaclint deploy/ --write-baseline rbaclint-baseline.json
  $ rbaclint deploy/ --baseline rbaclint-baseline.json   only new findings fail
  $ rbaclint deploy/ --fix-dry-run > fixes.patch    review, then: git apply fixes.patch (or --fix)
  $ rbaclint --print-config                   the configuration in effect, as YAML
  $ rbaclint rules                            list every rule
  $ rbaclint diff --base-ref origin/main deploy/   what the change lets each identity do
  $ rbaclint graph deploy/ > rbac.mmd         workload → ServiceAccount → binding → role → permission

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage error, invalid configuration or baseline, or nothing could be read. Documentation: ${pkg.homepage}`;

/** Builds the command-line program; every action resolves the process exit code through `done`. */
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const ruleIds = allRules.map((r) => r.id);
  const program = new Command('rbaclint')
    .description('Lint Kubernetes ServiceAccounts and RBAC in manifests, offline.')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run rbaclint --help for usage)')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // One prefix for every error message, ours and commander's.
      outputError: (text, write) => write(text.replace(/^error: /, 'rbaclint: ')),
    })
    .exitOverride();

  const lint = program
    .command('lint', { isDefault: true })
    .description('lint manifests: files, directories, globs, or - for stdin (the default command)')
    .argument('[paths...]', 'files, directories (searched for *.yaml, *.yml, *.json), globs, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(FAIL_ON).default('warning'),
    )
    .option('-n, --namespace <ns>', 'namespace of namespaced objects that set none', 'default')
    .addOption(new Option('--enable <rules>', 'also run these rules (comma-separated, repeatable)').argParser(ruleList(ruleIds)))
    .addOption(new Option('--disable <rules>', 'do not run these rules (comma-separated, repeatable)').argParser(ruleList(ruleIds)))
    .option('-c, --config <file>', 'configuration file (default: .rbaclint.yaml, .rbaclint.yml or .rbaclint.json, searched upward)')
    .option('--print-config', 'print the configuration in effect (file merged with the flags) as YAML and exit')
    .option('--baseline <file>', 'suppress the findings recorded in this baseline file: only new findings are reported')
    .option('--write-baseline <file>', 'record the current findings in this baseline file and exit 0')
    .option('--stdin-filename <name>', 'file name to report for stdin (default <stdin>)')
    .option(
      '--context <path>',
      'also read these manifests (file, directory, glob) for cross-references only: their objects count, they get no findings; repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--helm-chart <dir>',
      'chart directory of Helm-rendered input: SARIF and github findings point at its templates (# Source: <chart>/templates/x.yaml)',
    )
    .option('--kube-version <version>', KUBE_VERSION_HELP, kubeVersionArg)
    .addOption(
      new Option(
        '--strict [rules]',
        'ignore suppressions written in manifests (comments, annotations) for these rules (comma-separated; none given: every rule); the configuration and baselines still apply',
      ).argParser(strictList(ruleIds)),
    )
    .option(
      '--fix',
      'fix what can be fixed safely, in place (automount off for ServiceAccounts without bindings, serviceAccount → serviceAccountName, RBAC v1beta1 → v1), then report what is left; never stdin or Helm-rendered files',
    )
    .option('--fix-dry-run', 'print what --fix would change as a unified diff (git apply can apply it) and change nothing; exit 1 when there is something to fix')
    .option('-q, --quiet', 'print findings only: no summary line, nothing when clean')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'no colour in text output (NO_COLOR is honoured too)')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], options: LintCommandOptions, command: Command) => {
      if (paths.length === 0 && options.printConfig !== true) {
        // The message commander gives for a missing required argument (paths are optional only
        // for --print-config).
        command.error("error: missing required argument 'paths'", { code: 'commander.missingArgument' });
      }
      // Flags beat the configuration file, so it matters whether a value came from the command line.
      const fromCli = (key: 'failOn' | 'namespace' | 'format') => command.getOptionValueSource(key) === 'cli';
      done(
        await runLint(paths, { ...options, failOnFromCli: fromCli('failOn'), namespaceFromCli: fromCli('namespace'), formatFromCli: fromCli('format') }, io),
      );
    });

  program
    .command('rules')
    .description('list the rules with their default severity')
    .addOption(new Option('-f, --format <format>', 'output format').choices(RULES_FORMATS).default('text'))
    .option('--out <dir>', 'with --format markdown: write a documentation page per rule (<dir>/<id>.md) instead of the table')
    .action(async (options: RulesCommandOptions) => {
      done(await runRules(allRules, options, io));
    });

  // RBAC queries over the manifests: kubectl auth can-i, kubectl who-can, and a permissions listing.
  addCanICommand(program, io, done);
  addWhoCanCommand(program, io, done);
  addPermissionsCommand(program, io, done);
  addDiffCommand(program, io, done);
  addGraphCommand(program, io, done);
  for (const name of ['can-i', 'who-can', 'permissions', 'graph', 'diff']) {
    const command = program.commands.find((c) => c.name() === name);
    if (command) addQueryConfig(addContextOptions(command), io);
  }

  // `rbaclint --help` lists the options of the default command too, not only the commands.
  program.addHelpText('after', () => `${lintOptionsHelp(lint)}${EXAMPLES}`);
  return program;
}

/** The options of `rbaclint lint`, formatted as commander formats them in its own help. */
function lintOptionsHelp(lint: Command): string {
  const helper = lint.createHelp();
  helper.prepareContext({ helpWidth: 80 });
  const width = helper.longestOptionTermLength(lint, helper);
  const items = helper
    .visibleOptions(lint)
    .map((option) => helper.formatItem(helper.optionTerm(option), width, helper.optionDescription(option), helper));
  return `\nOptions of lint, the default command (rbaclint [lint] <paths...>):\n${items.join('\n')}\n`;
}

/** Parses `a,b` into rule ids, accumulating over repeated options and rejecting unknown ids. */
function ruleList(ruleIds: readonly string[]): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous = []) => {
    const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
    const unknown = ids.filter((id) => !ruleIds.includes(id));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`unknown rule ${unknown.map((id) => `"${id}"`).join(', ')}; run "rbaclint rules" for the list`);
    }
    return [...previous, ...ids];
  };
}

/**
 * Parses `--strict [rules]`: a value is a comma-separated list of rule ids (accumulated over
 * repeats); `--strict` alone (commander passes no value) means every rule.
 */
function strictList(ruleIds: readonly string[]): (value: string, previous: boolean | string[] | undefined) => boolean | string[] {
  const parse = ruleList(ruleIds);
  return (value, previous) => {
    let ids: string[];
    try {
      ids = parse(value, []);
    } catch (error) {
      throw new InvalidArgumentError(`${(error as Error).message} (to make every rule strict, put --strict after the paths or write --strict=<rules>)`);
    }
    return previous === true ? true : [...(Array.isArray(previous) ? previous : []), ...ids];
  };
}

/** Runs the CLI with these arguments (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    io.stderr(`rbaclint: internal error: ${(error as Error).message}\nPlease report it with the input that caused it.\n`);
    return EXIT.usage;
  }
  return code;
}
