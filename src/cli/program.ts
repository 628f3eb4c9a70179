import { Command, CommanderError, Option } from 'commander';
import { allRules } from '../index.js';
import { pkg } from '../version.js';
import { addCanICommand } from './can-i-command.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import { FAIL_ON, FORMATS, runLint, type LintCommandOptions } from './lint-command.js';
import { addPermissionsCommand } from './permissions-command.js';
import { RULES_FORMATS, renderRules, type RulesFormat } from './rules-command.js';
import { addWhoCanCommand } from './who-can-command.js';

const EXAMPLES = `
Examples:
  $ rbaclint deploy/                          lint every *.yaml, *.yml, *.json below deploy/
  $ helm template my-release ./chart | rbaclint -
  $ rbaclint 'k8s/**/*.yaml' --format sarif --output rbaclint.sarif
  $ rbaclint deploy/ --fail-on error --disable automount-token-enabled
  $ rbaclint rules                            list every rule

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage error or nothing could be read. Documentation: ${pkg.homepage}`;

/** Builds the command-line program; every action resolves the process exit code through `done`. */
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const ruleIds = allRules.map((r) => r.id);
  const program = new Command('rbaclint')
    .description('Lint Kubernetes ServiceAccounts and RBAC in manifests, offline.')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run rbaclint --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const lint = program
    .command('lint', { isDefault: true })
    .description('lint manifests: files, directories, globs, or - for stdin (the default command)')
    .argument('<paths...>', 'files, directories (searched for *.yaml, *.yml, *.json), globs, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(FAIL_ON).default('warning'),
    )
    .option('-n, --namespace <ns>', 'namespace of namespaced objects that set none', 'default')
    .addOption(new Option('--enable <rules...>', 'also run these rules (off by default)').choices(ruleIds))
    .addOption(new Option('--disable <rules...>', 'do not run these rules').choices(ruleIds))
    .option('--stdin-filename <name>', 'file name to report for stdin (default <stdin>)')
    .option('-q, --quiet', 'print findings only: no summary line, nothing when clean')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'no colour in text output (NO_COLOR is honoured too)')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], options: LintCommandOptions) => {
      done(await runLint(paths, options, io));
    });

  program
    .command('rules')
    .description('list the rules with their default severity')
    .addOption(new Option('-f, --format <format>', 'output format').choices(RULES_FORMATS).default('text'))
    .action((options: { format: RulesFormat }) => {
      io.stdout(renderRules(allRules, options.format));
      done(EXIT.ok);
    });

  // RBAC queries over the manifests: kubectl auth can-i, kubectl who-can, and a permissions listing.
  addCanICommand(program, io, done);
  addWhoCanCommand(program, io, done);
  addPermissionsCommand(program, io, done);

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
