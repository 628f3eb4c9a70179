import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ajv, ErrorObject } from 'ajv';
import { LineCounter, parseDocument, stringify } from 'yaml';
import type { Rule, Severity } from './rule.js';
import type { SourceText } from '../parse/types.js';
import { DEFAULT_KUBE_VERSION, formatKubeVersion, isKubeVersionError, parseKubeVersion, type KubeVersion } from '../rbac/version.js';
import { EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION } from '../model/object.js';
import { fsReason } from '../load/fs-errors.js';

/** File names of the configuration, in the order they are looked for in each directory. */
export const CONFIG_FILE_NAMES = ['.rbaclint.yaml', '.rbaclint.yml', '.rbaclint.json'] as const;

/** A rule's setting in the configuration: a severity, or `off`. */
export type RuleSetting = Severity | 'off';

/** Values of `rules.<id>`, in the order messages list them. */
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'note', 'warning', 'error'];

/** Values of `failOn` (the same as `--fail-on`). */
export const FAIL_ON_VALUES = ['error', 'warning', 'note', 'none'] as const;
export type ConfigFailOn = (typeof FAIL_ON_VALUES)[number];

/** The top-level keys of a configuration file. */
const TOP_KEYS = ['rules', 'failOn', 'namespace', 'ignore', 'strict', 'kubeVersion', 'context'] as const;

/** Keys of `context:`: objects that exist outside the input, and files to read as context only. */
const CONTEXT_KEYS = ['files', 'serviceAccounts', 'namespaces', 'roles', 'clusterRoles', 'roleBindings', 'clusterRoleBindings'] as const;


/** A configuration file as written (every key optional). */
export interface Config {
  /** Severity per rule id; `off` disables a rule, a severity enables one that is not recommended. */
  rules?: Record<string, RuleSetting>;
  failOn?: ConfigFailOn;
  /** Namespace of namespaced objects that set none. */
  namespace?: string;
  /** Globs of files not to lint, relative to the directory of the configuration file. */
  ignore?: string[];
  /** Rules whose comment and annotation suppressions are ignored; `true` for every rule. */
  strict?: boolean | string[];
  /** Kubernetes version of the target cluster, `1.<minor>` (as --kube-version). */
  kubeVersion?: string;
  /** Objects that exist outside the input; they count for cross-references and RBAC, get no findings. */
  context?: ContextConfig;
}

/** The `context:` key. */
export interface ContextConfig {
  /** Files, directories and globs of manifests (cluster dumps) read as context only, relative to the configuration file. */
  files?: string[];
  /** ServiceAccounts as `namespace/name`. */
  serviceAccounts?: string[];
  /** Namespaces whose ServiceAccounts are all managed elsewhere (any name counts as existing). */
  namespaces?: string[];
  /** Roles as `namespace/name`. */
  roles?: string[];
  clusterRoles?: string[];
  /** RoleBindings as `namespace/name`. */
  roleBindings?: string[];
  clusterRoleBindings?: string[];
}

/** A configuration file that was found and read. */
export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  config: Config;
}

/** A configuration that cannot be used; `message` is ready to print after `rbaclint: `. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The JSON Schema of the configuration file, made from the rule registry so that it lists every
 * rule id (scripts/gen-config-schema.mjs writes it to schemas/rbaclint-config.schema.json).
 */
export function configSchema(rules: readonly Rule[]): Record<string, unknown> {
  const ruleProperties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    ruleProperties[rule.id] = {
      description: `${rule.meta.description} Default: ${rule.meta.recommended ? rule.meta.severity : 'off'}.`,
      enum: [...RULE_SETTINGS],
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/rbaclint/rbaclint/blob/main/schemas/rbaclint-config.schema.json',
    title: 'rbaclint configuration (.rbaclint.yaml, .rbaclint.yml or .rbaclint.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'URL or path of this schema, for editors.' },
      rules: {
        description: 'Severity per rule id: off, note, warning or error. Naming a severity enables a rule that is off by default.',
        type: 'object',
        additionalProperties: false,
        properties: ruleProperties,
      },
      failOn: {
        description: 'Lowest severity that makes the exit code 1 (as --fail-on).',
        enum: [...FAIL_ON_VALUES],
      },
      namespace: {
        description: 'Namespace of namespaced objects that set none (as --namespace).',
        type: 'string',
        minLength: 1,
      },
      ignore: {
        description: 'Globs of files not to lint, relative to the directory of this file (*, **, ?, {a,b}, [abc]).',
        type: 'array',
        items: { type: 'string', minLength: 1 },
      },
      strict: {
        description:
          'Strict mode (as --strict): comment and annotation suppressions in manifests are ignored for these rules (true: every rule); the findings are reported and the suppressions become unused-suppression notes. The configuration and baselines still apply.',
        anyOf: [
          { type: 'boolean' },
          { type: 'array', items: { enum: Object.keys(ruleProperties) } },
        ],
      },
      kubeVersion: {
        description: `Kubernetes version of the target cluster, 1.<minor> (as --kube-version; default ${formatKubeVersion(DEFAULT_KUBE_VERSION)}, the newest supported).`,
        type: 'string',
        pattern: '^v?1\\.[0-9]+(\\.[0-9]+)?$',
      },
      context: {
        description: 'Objects that exist outside the input (in the cluster, or managed elsewhere): they count for cross-references and RBAC and never get findings.',
        type: 'object',
        additionalProperties: false,
        properties: {
          files: {
            description: 'Files, directories and globs of manifests to read as context only, relative to this file (e.g. a dump made with kubectl get serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings -A -o yaml).',
            type: 'array',
            items: { type: 'string', minLength: 1 },
          },
          serviceAccounts: { description: 'ServiceAccounts that exist, as namespace/name.', type: 'array', items: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$' } },
          namespaces: {
            description: 'Namespaces whose ServiceAccounts are managed elsewhere: a ServiceAccount of any name exists there.',
            type: 'array',
            items: { type: 'string', pattern: '^[^/\\s]+$' },
          },
          roles: { description: 'Roles that exist (rules unknown: they grant nothing rbaclint can see), as namespace/name.', type: 'array', items: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$' } },
          clusterRoles: { description: 'ClusterRoles that exist (rules unknown: they grant nothing rbaclint can see).', type: 'array', items: { type: 'string', pattern: '^[^/\\s]+$' } },
          roleBindings: { description: 'RoleBindings that exist, as namespace/name.', type: 'array', items: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$' } },
          clusterRoleBindings: { description: 'ClusterRoleBindings that exist.', type: 'array', items: { type: 'string', pattern: '^[^/\\s]+$' } },
        },
      },
    },
  };
}

/**
 * Finds the configuration: `explicit` (from `--config`, relative to `cwd`) when given, else the
 * first of {@link CONFIG_FILE_NAMES} in `cwd`, then in each parent directory up to the root.
 * Returns undefined when none exists. Throws {@link ConfigError} when the file is unreadable or
 * invalid.
 */
export async function loadConfig(rules: readonly Rule[], cwd: string, explicit?: string): Promise<LoadedConfig | undefined> {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the configuration file "${explicit}": ${fsReason(error)}; check the --config path`);
    }
    return { file, config: await parseConfig(text, displayPath(cwd, file), rules) };
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = path.join(dir, name);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw new ConfigError(`cannot read the configuration file "${displayPath(cwd, file)}": ${fsReason(error)}`);
      }
      return { file, config: await parseConfig(text, displayPath(cwd, file), rules) };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Parses and validates a configuration text. `name` is how messages name the file. A `.json`
 * name is read as JSON, anything else as YAML; an empty file is an empty configuration.
 */
export async function parseConfig(text: string, name: string, rules: readonly Rule[]): Promise<Config> {
  let value: unknown;
  if (name.endsWith('.json')) {
    try {
      value = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${name}: JSON syntax error: ${(error as Error).message}`);
    }
  } else {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
    const error = doc.errors[0];
    if (error) {
      const { line, col: column } = lineCounter.linePos(error.pos[0]);
      throw new ConfigError(`${name}:${line}:${column}: YAML syntax error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    value = doc.toJS() ?? {};
  }
  const validate = await validatorFor(rules);
  if (!validate(value)) {
    let errors = validate.errors ?? [];
    // `strict` is a boolean or a list: when an entry of the list is wrong, say only that.
    if (errors.some((e) => e.instancePath.startsWith('/strict/'))) errors = errors.filter((e) => e.instancePath !== '/strict');
    else if (errors.some((e) => e.instancePath === '/strict')) errors = errors.filter((e) => e.instancePath !== '/strict' || e.keyword === 'anyOf');
    const messages = [...new Set(errors.map(describeError))];
    throw new ConfigError(messages.map((m) => `${name}: ${m}`).join('\nrbaclint: '));
  }
  const config = value as Config;
  if (config.kubeVersion !== undefined) {
    const parsed = parseKubeVersion(config.kubeVersion);
    if (isKubeVersionError(parsed)) throw new ConfigError(`${name}: kubeVersion: ${parsed.error}`);
  }
  return config;
}

const validators = new WeakMap<readonly Rule[], ReturnType<Ajv['compile']>>();

/** The configuration's validator; ajv is loaded only when there is a configuration to validate (a tenth of the start-up). */
async function validatorFor(rules: readonly Rule[]): Promise<ReturnType<Ajv['compile']>> {
  let validate = validators.get(rules);
  if (!validate) {
    const { Ajv } = await import('ajv');
    validate = new Ajv({ allErrors: true, strict: true }).compile(configSchema(rules));
    validators.set(rules, validate);
  }
  return validate;
}

/** One ajv error as `key: what is allowed`, with the key as people write it (`rules.wildcard-rule`). */
function describeError(error: ErrorObject): string {
  const where = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '');
  const key = (extra: string) => (where === '' ? extra : `${where}.${extra}`);
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      if (where === 'rules') return `${key(extra)}: unknown rule; run "rbaclint rules"`;
      if (where === 'context') return `${key(extra)}: unknown key; allowed: ${CONTEXT_KEYS.join(', ')}`;
      return `${key(extra)}: unknown key; allowed: ${TOP_KEYS.join(', ')}`;
    }
    case 'pattern':
      if (where === 'kubeVersion') return `${where}: must be a Kubernetes version such as ${formatKubeVersion(DEFAULT_KUBE_VERSION)}`;
      return `${where}: must be ${/^context\.(serviceAccounts|roles|roleBindings)\[/.test(where) ? 'namespace/name' : 'a name without "/"'}`;
    case 'anyOf':
      return `${where}: must be true, false or a list of rule ids`;
    case 'enum':
      if (where.startsWith('strict[')) return `${where}: unknown rule; run "rbaclint rules"`;
      return `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'type': {
      const type = String((error.params as { type: string }).type);
      const what = { object: 'a mapping', array: 'a list', string: 'a string' }[type] ?? type;
      if (where === '') return `must be a mapping of settings (${TOP_KEYS.join(', ')})`;
      return `${where}: must be ${what}`;
    }
    case 'minLength':
      return `${where}: must not be empty`;
    default:
      return `${where === '' ? '(top level)' : where}: ${error.message ?? 'is invalid'}`;
  }
}

/** What the command line says, for {@link mergeConfig}; flags beat the configuration. */
export interface CliSettings {
  failOn?: ConfigFailOn;
  namespace?: string;
  enable?: readonly string[];
  disable?: readonly string[];
  /** `--strict` (true: every rule) or `--strict <rules>`; added to the configuration's. */
  strict?: boolean | readonly string[];
  /** `--kube-version`, already checked. */
  kubeVersion?: KubeVersion;
}

/** The settings a run uses: defaults, then the configuration file, then the command line. */
export interface EffectiveConfig {
  /** Absolute path of the configuration file, when one was used. */
  file?: string;
  failOn: ConfigFailOn;
  namespace: string;
  ignore: string[];
  /** Every rule of the registry with its setting, in registry order. */
  rules: Record<string, RuleSetting>;
  /** The rules whose severity the configuration set (they override per-finding severities). */
  severities: Record<string, Severity>;
  /** Strict rule ids (configuration and command line together), in registry order. */
  strict: string[];
  kubeVersion: KubeVersion;
  /** The configuration's `context:` (empty when none). */
  context: ContextConfig;
}

/** Merges defaults, a configuration and command-line settings. */
export function mergeConfig(rules: readonly Rule[], loaded: LoadedConfig | undefined, cli: CliSettings = {}): EffectiveConfig {
  const config = loaded?.config ?? {};
  const settings: Record<string, RuleSetting> = {};
  const severities: Record<string, Severity> = {};
  for (const rule of rules) {
    const configured = config.rules?.[rule.id];
    let setting: RuleSetting = configured ?? (rule.meta.recommended ? rule.meta.severity : 'off');
    if (configured !== undefined && configured !== 'off') severities[rule.id] = configured;
    if (cli.enable?.includes(rule.id) && setting === 'off') setting = rule.meta.severity;
    if (cli.disable?.includes(rule.id)) setting = 'off';
    settings[rule.id] = setting;
  }
  const strictIds = new Set<string>();
  for (const strict of [config.strict, cli.strict]) {
    if (strict === true) for (const rule of rules) strictIds.add(rule.id);
    else if (Array.isArray(strict)) for (const id of strict) strictIds.add(id);
  }
  let kubeVersion = cli.kubeVersion;
  if (kubeVersion === undefined && config.kubeVersion !== undefined) {
    // Checked by parseConfig.
    const parsed = parseKubeVersion(config.kubeVersion);
    if (!isKubeVersionError(parsed)) kubeVersion = parsed;
  }
  return {
    ...(loaded ? { file: loaded.file } : {}),
    failOn: cli.failOn ?? config.failOn ?? 'warning',
    namespace: cli.namespace ?? config.namespace ?? 'default',
    ignore: config.ignore ?? [],
    rules: settings,
    severities,
    strict: rules.map((r) => r.id).filter((id) => strictIds.has(id)),
    kubeVersion: kubeVersion ?? DEFAULT_KUBE_VERSION,
    context: config.context ?? {},
  };
}

/** The effective configuration as a YAML configuration file (for `--print-config`). */
export function renderConfig(effective: EffectiveConfig, cwd: string): string {
  const source = effective.file === undefined ? 'none found, defaults' : displayPath(cwd, effective.file);
  const body = stringify(
    {
      failOn: effective.failOn,
      namespace: effective.namespace,
      ignore: effective.ignore,
      rules: effective.rules,
      kubeVersion: formatKubeVersion(effective.kubeVersion),
      strict: effective.strict,
      ...(Object.keys(effective.context).length > 0 ? { context: effective.context } : {}),
    },
    { lineWidth: 0 },
  );
  return `# rbaclint configuration: ${source}, then the command line\n${body}`;
}

/**
 * Whether `file` (a path as given, relative to `cwd`) matches one of the `ignore` globs, which are
 * relative to `baseDir`. A pattern without `/` matches a name at any depth (as in .gitignore), and a
 * pattern that matches a directory matches every file below it.
 */
export function ignoreMatcher(patterns: readonly string[], baseDir: string, cwd: string): (file: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map(globToRegExp);
  return (file) => {
    const rel = path.relative(baseDir, path.resolve(cwd, file)).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('../') || path.isAbsolute(rel)) return false;
    return regexes.some((re) => re.test(rel));
  };
}

/** Translates a glob (`*`, `**`, `?`, `{a,b}`, `[abc]`) into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.replace(/^\.\//, '').replace(/^\//, '');
  const anyDepth = !pattern.replace(/\/$/, '').includes('/');
  pattern = pattern.replace(/\/$/, '');
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        out += '\\[';
      } else {
        out += `[${pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (ch === '{') {
      braces++;
      out += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (ch === ',' && braces > 0) {
      out += '|';
    } else {
      out += ch.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${out}(?:/.*)?$`);
}

/** A path for messages: relative to the working directory when inside it. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}


/**
 * The objects the configuration's `context:` declares (ServiceAccounts, namespaces of unknown
 * ServiceAccounts, Roles, ClusterRoles and bindings by name) as one context-only source of
 * synthesized manifests, named `name` (e.g. `.rbaclint.yaml#context`); undefined when it declares
 * none. Declared roles have no rules (what they allow is unknown, so they grant nothing rbaclint
 * can see) and declared bindings no roleRef (they grant nothing): they exist, so references to them
 * resolve. A declared namespace becomes a Namespace annotated
 * {@link EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION}, which `missing-service-account` honours.
 */
export function declaredContextSource(context: ContextConfig, name: string): SourceText | undefined {
  const docs: unknown[] = [];
  const split = (ref: string) => {
    const slash = ref.indexOf('/');
    return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  };
  for (const ref of context.serviceAccounts ?? []) docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: split(ref) });
  for (const ns of context.namespaces ?? []) {
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, annotations: { [EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION]: 'true' } } });
  }
  const rbac = 'rbac.authorization.k8s.io/v1';
  for (const ref of context.roles ?? []) docs.push({ apiVersion: rbac, kind: 'Role', metadata: split(ref), rules: [] });
  for (const role of context.clusterRoles ?? []) docs.push({ apiVersion: rbac, kind: 'ClusterRole', metadata: { name: role }, rules: [] });
  for (const ref of context.roleBindings ?? []) docs.push({ apiVersion: rbac, kind: 'RoleBinding', metadata: split(ref) });
  for (const binding of context.clusterRoleBindings ?? []) docs.push({ apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: binding } });
  if (docs.length === 0) return undefined;
  // JSON is YAML: one document per line, so a position names the declared entry.
  return { path: name, text: docs.map((d) => `--- ${JSON.stringify(d)}`).join('\n') + '\n', contextOnly: true };
}
