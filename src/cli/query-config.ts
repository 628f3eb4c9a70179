/**
 * The configuration file for the RBAC commands (`can-i`, `who-can`, `permissions`, `graph`,
 * `diff`): the same file `lint` reads (`-c, --config`, else `.rbaclint.yaml` found upward), of which
 * these commands use what decides the answer: `namespace` (as `--default-namespace`), `kubeVersion`
 * and `context:` (declared objects and context files). A flag given on the command line wins.
 */
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { ConfigError, declaredContextSource, displayPath, loadConfig } from '../engine/config.js';
import { allRules } from '../index.js';
import { isKubeVersionError, parseKubeVersion } from '../rbac/version.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import type { InputOptions } from './rbac-args.js';

/** Help text of `-c, --config` for the RBAC commands. */
export const QUERY_CONFIG_HELP =
  'configuration file (default: .rbaclint.yaml, .rbaclint.yml or .rbaclint.json, searched upward); ' +
  'its namespace, kubeVersion and context apply, flags win';

/** The options the configuration fills in, as commander holds them. */
interface QueryConfigOptions extends Omit<InputOptions, 'filename'> {
  config?: string;
}

/**
 * Adds `-c, --config` to an RBAC command, and a hook that applies the configuration to its options
 * before its action runs. An invalid configuration is an error (exit 2), as it is for `lint`.
 */
export function addQueryConfig(command: Command, io: Io): Command {
  return command.option('-c, --config <file>', QUERY_CONFIG_HELP).hook('preAction', async (_, actionCommand) => {
    await applyQueryConfig(actionCommand, io);
  });
}

async function applyQueryConfig(command: Command, io: Io): Promise<void> {
  const options = command.opts<QueryConfigOptions>();
  let loaded;
  try {
    loaded = await loadConfig(allRules, io.cwd, options.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`rbaclint: ${error.message}\n`);
    throw new CommanderError(EXIT.usage, 'rbaclint.config', error.message);
  }
  if (!loaded) return;
  const { config, file } = loaded;
  if (config.namespace !== undefined && command.getOptionValueSource('defaultNamespace') !== 'cli') {
    command.setOptionValueWithSource('defaultNamespace', config.namespace, 'config');
  }
  if (config.kubeVersion !== undefined && options.kubeVersion === undefined) {
    // Checked when the configuration was read.
    const version = parseKubeVersion(config.kubeVersion);
    if (!isKubeVersionError(version)) command.setOptionValueWithSource('kubeVersion', version, 'config');
  }
  const context = config.context ?? {};
  // The configuration's context files (relative to it) come before --context, as for lint.
  const files = (context.files ?? []).map((f) => displayPath(io.cwd, path.resolve(path.dirname(file), f)));
  if (files.length > 0) command.setOptionValueWithSource('context', [...files, ...(options.context ?? [])], 'config');
  const declared = declaredContextSource(context, `${displayPath(io.cwd, file)}#context`);
  if (declared) command.setOptionValueWithSource('declaredContext', declared, 'config');
}
