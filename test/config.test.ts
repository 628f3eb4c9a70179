/**
 * The configuration file (issue #8): discovery upward from the working directory, `--config`,
 * each key (rules, failOn, namespace, ignore), flags beating the file, every bad-config message,
 * `--print-config`, and the generated JSON Schema. The CLI runs in-process (runInProcess, with a
 * recorded Io) from scratch directories, so every test states exact output and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globToRegExp, mergeConfig, parseConfig } from '../src/engine/config.js';
import { defineRule } from '../src/engine/rule.js';
import { allRules } from '../src/index.js';
import { runInProcess } from './helpers/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(root, 'fixtures/inputs/config/rbac.yaml');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process in `cwd`, without colour. */
const rbaclint = (cwd: string, args: readonly string[]): Promise<Run> => runInProcess(args, { cwd });

/** The findings of a JSON report as `file:line:col severity rule-id: message`, then the summary. */
function findingsOf(run: Run): string[] {
  const report = JSON.parse(run.stdout) as {
    findings: { file: string; line: number; column: number; severity: string; ruleId: string; message: string }[];
    summary: Record<string, number>;
  };
  const s = report.summary;
  return [
    ...report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`),
    `summary: ${s.files} files, ${s.objects} objects, ${s.error} errors, ${s.warning} warnings, ${s.note} notes, ${s.suppressed} suppressed`,
  ];
}

const SECRET = (ns: string, severity = 'warning') =>
  `deploy/rbac.yaml:13:17 ${severity} secret-read-access: Role ${ns}/orders rules[0] allows get, list on all Secrets in namespace "${ns}"`;
const ADMIN = (severity = 'error') =>
  `deploy/rbac.yaml:35:9 ${severity} cluster-admin-binding: ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer`;

let scratch: string;
let n = 0;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'rbaclint-config-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh project directory holding deploy/rbac.yaml and the given files. */
function project(files: Record<string, string> = {}): string {
  const dir = path.join(scratch, `p${n++}`);
  mkdirSync(path.join(dir, 'deploy'), { recursive: true });
  copyFileSync(MANIFEST, path.join(dir, 'deploy/rbac.yaml'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('without a configuration file', () => {
  it('defaults: namespace "default", both findings, exit 1', async () => {
    const run = await rbaclint(project(), ['deploy/', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(findingsOf(run)).toEqual([SECRET('default'), ADMIN(), 'summary: 1 files, 4 objects, 1 errors, 1 warnings, 0 notes, 0 suppressed']);
  });
});

describe('discovery', () => {
  it('finds .rbaclint.yaml in a parent of the working directory', async () => {
    const dir = project({ '.rbaclint.yaml': 'namespace: shop\n', 'deploy/nested/.keep': '' });
    const run = await rbaclint(path.join(dir, 'deploy/nested'), ['..', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(findingsOf(run)[0]).toBe(SECRET('shop').replace('deploy/rbac.yaml', '../rbac.yaml'));
  });

  it('the nearest directory wins, and in one directory .yaml before .yml before .json', async () => {
    const dir = project({
      '.rbaclint.yaml': 'namespace: far\n',
      'deploy/.rbaclint.json': '{ "namespace": "json" }',
      'deploy/.rbaclint.yml': 'namespace: yml\n',
    });
    const run = await rbaclint(path.join(dir, 'deploy'), ['rbac.yaml', '--format', 'json']);
    expect(findingsOf(run)[0]).toBe(SECRET('yml').replace('deploy/', ''));
    rmSync(path.join(dir, 'deploy/.rbaclint.yml'));
    expect(findingsOf(await rbaclint(path.join(dir, 'deploy'), ['rbac.yaml', '--format', 'json']))[0]).toBe(SECRET('json').replace('deploy/', ''));
  });

  it('--config names the file (relative to the working directory) and no search happens', async () => {
    const dir = project({ '.rbaclint.yaml': 'namespace: found\n', 'ci/strict.yaml': 'namespace: given\nfailOn: error\n' });
    const run = await rbaclint(dir, ['deploy/', '--config', 'ci/strict.yaml', '--format', 'json']);
    expect(findingsOf(run)[0]).toBe(SECRET('given'));
    expect(run.code).toBe(1);
    const missing = await rbaclint(dir, ['deploy/', '-c', 'nope.yaml']);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'rbaclint: cannot read the configuration file "nope.yaml": no such file or directory; check the --config path\n',
    });
  });
});

describe('keys', () => {
  it('rules: a severity changes the findings\' severity; off disables the rule', async () => {
    const dir = project({ '.rbaclint.yaml': 'rules:\n  cluster-admin-binding: warning\n  secret-read-access: "off"\n' });
    const run = await rbaclint(dir, ['deploy/', '--format', 'json']);
    expect(findingsOf(run)).toEqual([ADMIN('warning'), 'summary: 1 files, 4 objects, 0 errors, 1 warnings, 0 notes, 0 suppressed']);
    expect(run.code).toBe(1);
    // The configuration is YAML 1.2: a bare off is the string "off", not false.
    const bare = await rbaclint(project({ '.rbaclint.yaml': 'rules:\n  secret-read-access: off\n' }), ['deploy/', '--format', 'json']);
    expect(findingsOf(bare)).toEqual([ADMIN(), 'summary: 1 files, 4 objects, 1 errors, 0 warnings, 0 notes, 0 suppressed']);
  });

  it('rules: a rule that is not recommended is enabled by naming a severity', async () => {
    const optIn = defineRule({ id: 'opt-in', meta: { ...allRules[0]!.meta, recommended: false, severity: 'warning' } });
    expect(mergeConfig([optIn], undefined).rules).toEqual({ 'opt-in': 'off' });
    const loaded = { file: '/x/.rbaclint.yaml', config: await parseConfig('rules:\n  opt-in: note\n', '.rbaclint.yaml', [optIn]) };
    expect(mergeConfig([optIn], loaded)).toMatchObject({ rules: { 'opt-in': 'note' }, severities: { 'opt-in': 'note' } });
    expect(mergeConfig([optIn], undefined, { enable: ['opt-in'] }).rules).toEqual({ 'opt-in': 'warning' });
  });

  it('failOn: error makes warnings pass; --fail-on beats it', async () => {
    const dir = project({ '.rbaclint.yaml': 'failOn: error\nrules:\n  cluster-admin-binding: warning\n' });
    expect((await rbaclint(dir, ['deploy/', '-q'])).code).toBe(0);
    expect((await rbaclint(dir, ['deploy/', '-q', '--fail-on', 'warning'])).code).toBe(1);
  });

  it('namespace: the default namespace; --namespace beats it', async () => {
    const dir = project({ '.rbaclint.yaml': 'namespace: shop\n' });
    expect(findingsOf(await rbaclint(dir, ['deploy/', '--format', 'json']))[0]).toBe(SECRET('shop'));
    expect(findingsOf(await rbaclint(dir, ['deploy/', '--format', 'json', '-n', 'cli']))[0]).toBe(SECRET('cli'));
  });

  it('--enable and --disable beat the file', async () => {
    const dir = project({ '.rbaclint.yaml': 'rules:\n  secret-read-access: "off"\n  cluster-admin-binding: note\n' });
    const run = await rbaclint(dir, ['deploy/', '--format', 'json', '--enable', 'secret-read-access', '--disable', 'cluster-admin-binding']);
    expect(findingsOf(run)).toEqual([SECRET('default'), 'summary: 1 files, 4 objects, 0 errors, 1 warnings, 0 notes, 0 suppressed']);
  });

  it('ignore: globs relative to the configuration file; matching files are not linted, their findings count as suppressed', async () => {
    const dir = project({
      '.rbaclint.yaml': 'ignore:\n  - deploy/generated/\n  - "*.skip.yaml"\n',
      'deploy/generated/admin.yaml': readFileSync(MANIFEST, 'utf8').split('---\n').at(-1)!,
      'deploy/other.skip.yaml': readFileSync(MANIFEST, 'utf8').split('---\n').at(-1)!,
    });
    const run = await rbaclint(path.join(dir, 'deploy'), ['.', '--format', 'json']);
    expect(findingsOf(run)).toEqual([
      SECRET('default').replace('deploy/', ''),
      ADMIN().replace('deploy/', ''),
      'summary: 1 files, 4 objects, 1 errors, 1 warnings, 0 notes, 2 suppressed',
    ]);
    const text = await rbaclint(path.join(dir, 'deploy'), ['.', '-q']);
    expect(text.stdout).not.toContain('generated/');
  });
});

describe('the README example (fixtures/inputs/config/example/.rbaclint.yaml)', () => {
  const example = path.join(root, 'fixtures/inputs/config/example');

  it('lowers cluster-admin-binding to a warning, turns secret-read-access off, fails on errors only, ignores generated/', async () => {
    expect(await rbaclint(example, ['../rbac.yaml', 'generated/'])).toEqual({
      code: 0,
      stdout: [
        '../rbac.yaml:35:9: ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer [cluster-admin-binding]',
        '  35 |   name: cluster-admin',
        '     |         ^~~~~~~~~~~~~ warning',
        '',
        '1 problem (0 errors, 1 warning, 0 notes) in 1 file, 4 objects, 1 suppressed',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--print-config shows it merged with the flags', async () => {
    const run = await rbaclint(example, ['--print-config', '--fail-on', 'warning']);
    expect(run.stdout.split('\n').slice(0, 7)).toEqual([
      '# rbaclint configuration: .rbaclint.yaml, then the command line',
      'failOn: warning',
      'namespace: shop',
      'ignore:',
      '  - generated/',
      '  - charts/**/templates/',
      'rules:',
    ]);
    expect(run.stdout).toContain('\n  cluster-admin-binding: warning\n');
    expect(run.stdout).toContain('\n  secret-read-access: off\n');
  });
});

describe('invalid configuration: exit 2, the key and what is allowed', () => {
  const cases: [string, string, string][] = [
    ['.rbaclint.yaml', 'rules:\n  wildcard-rule: fatal\n', '.rbaclint.yaml: rules.wildcard-rule: must be one of off, note, warning, error'],
    ['.rbaclint.yaml', 'rules:\n  wildcard-rule: false\n', '.rbaclint.yaml: rules.wildcard-rule: must be one of off, note, warning, error'],
    ['.rbaclint.yaml', 'rules:\n  foo: error\n', '.rbaclint.yaml: rules.foo: unknown rule; run "rbaclint rules"'],
    ['.rbaclint.yaml', 'rule:\n  foo: error\n', '.rbaclint.yaml: rule: unknown key; allowed: rules, failOn, namespace, ignore, strict, kubeVersion, context'],
    ['.rbaclint.yaml', 'rules: [wildcard-rule]\n', '.rbaclint.yaml: rules: must be a mapping'],
    ['.rbaclint.yaml', 'failOn: never\n', '.rbaclint.yaml: failOn: must be one of error, warning, note, none'],
    ['.rbaclint.yaml', 'namespace: ""\n', '.rbaclint.yaml: namespace: must not be empty'],
    ['.rbaclint.yaml', 'namespace: [a]\n', '.rbaclint.yaml: namespace: must be a string'],
    ['.rbaclint.yaml', 'ignore: generated/\n', '.rbaclint.yaml: ignore: must be a list'],
    ['.rbaclint.yaml', 'ignore: [generated/, 3]\n', '.rbaclint.yaml: ignore[1]: must be a string'],
    ['.rbaclint.yaml', '- rules\n', '.rbaclint.yaml: must be a mapping of settings (rules, failOn, namespace, ignore, strict, kubeVersion, context)'],
    ['.rbaclint.yaml', 'rules:\n  a: 1\n  a: 2\n', '.rbaclint.yaml:3:3: YAML syntax error: Map keys must be unique'],
    ['.rbaclint.json', '{ "rules": { "wildcard-rule": "error", } }', '.rbaclint.json: JSON syntax error: '],
  ];
  it.for(cases)('%s %j', async ([name, text, message]) => {
    const run = await rbaclint(project({ [name]: text }), ['deploy/']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    if (message.endsWith(': ')) expect(run.stderr).toMatch(new RegExp(`^rbaclint: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S.*\\n$`));
    else expect(run.stderr).toBe(`rbaclint: ${message}\n`);
  });

  it('every error is listed, one per line', async () => {
    const run = await rbaclint(project({ '.rbaclint.yaml': 'rules:\n  foo: error\n  wildcard-rule: loud\nfailOn: x\n' }), ['deploy/']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'rbaclint: .rbaclint.yaml: rules.foo: unknown rule; run "rbaclint rules"',
        'rbaclint: .rbaclint.yaml: rules.wildcard-rule: must be one of off, note, warning, error',
        'rbaclint: .rbaclint.yaml: failOn: must be one of error, warning, note, none',
        '',
      ].join('\n'),
    });
  });

  it('a file found upward is named relative to the working directory', async () => {
    const dir = project({ '.rbaclint.yaml': 'failOn: never\n' });
    const run = await rbaclint(path.join(dir, 'deploy'), ['.']);
    expect(run.stderr).toBe('rbaclint: ../.rbaclint.yaml: failOn: must be one of error, warning, note, none\n');
  });
});

describe('--print-config', () => {
  const rulesYaml = (overrides: Record<string, string>) =>
    allRules.map((r) => `  ${r.id}: ${overrides[r.id] ?? (r.meta.recommended ? r.meta.severity : 'off')}\n`).join('');

  it('with no paths and no file: the defaults, exit 0', async () => {
    const dir = project();
    const run = await rbaclint(dir, ['--print-config']);
    expect(run).toEqual({
      code: 0,
      stdout: `# rbaclint configuration: none found, defaults, then the command line\nfailOn: warning\nnamespace: default\nignore: []\nrules:\n${rulesYaml({})}kubeVersion: "1.35"\nstrict: []\n`,
      stderr: '',
    });
  });

  it('the file merged with the flags, as a YAML configuration that validates', async () => {
    const dir = project({ '.rbaclint.yaml': 'failOn: error\nnamespace: shop\nignore: [generated/]\nrules:\n  wildcard-rule: error\n  secret-read-access: "off"\n' });
    const run = await rbaclint(path.join(dir, 'deploy'), ['--print-config', '--disable', 'wildcard-rule', '--fail-on', 'note', 'ignored/path.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `# rbaclint configuration: ../.rbaclint.yaml, then the command line\nfailOn: note\nnamespace: shop\nignore:\n  - generated/\nrules:\n${rulesYaml({ 'wildcard-rule': 'off', 'secret-read-access': 'off' })}kubeVersion: "1.35"\nstrict: []\n`,
    );
    await expect(parseConfig(run.stdout, 'printed.yaml', allRules)).resolves.toBeDefined();
  });

  it('an invalid file is exit 2 here too', async () => {
    expect((await rbaclint(project({ '.rbaclint.yaml': 'failOn: x\n' }), ['--print-config'])).code).toBe(2);
  });

  it('without --print-config, paths are still required', async () => {
    const run = await rbaclint(project(), []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'paths'");
  });
});

describe('schemas/rbaclint-config.schema.json', () => {
  const schemaFile = path.join(root, 'schemas/rbaclint-config.schema.json');

  it('is up to date with the registry (node scripts/gen-config-schema.mjs --check)', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/gen-config-schema.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('lists every rule id, each with off, note, warning, error', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { properties: { rules: { properties: Record<string, { enum: string[] }> } } };
    const properties = schema.properties.rules.properties;
    expect(Object.keys(properties).sort()).toEqual(allRules.map((r) => r.id).sort());
    for (const id of Object.keys(properties)) expect(properties[id]!.enum).toEqual(['off', 'note', 'warning', 'error']);
  });

  it('accepts the README example and rejects an unknown rule', () => {
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    expect(validate({ rules: { 'wildcard-rule': 'error', 'secret-read-access': 'off' }, failOn: 'error', namespace: 'shop', ignore: ['charts/**/templates/'] })).toBe(true);
    expect(validate({ rules: { 'wildcard-rulez': 'error' } })).toBe(false);
  });
});

describe('ignore globs', () => {
  it.for([
    ['generated/', 'generated/a.yaml', true],
    ['generated/', 'deploy/generated/a.yaml', true],
    ['deploy/generated', 'deploy/generated/x/a.yaml', true],
    ['deploy/generated', 'other/deploy/generated/a.yaml', false],
    ['*.skip.yaml', 'a/b/c.skip.yaml', true],
    ['charts/**/templates/*.yaml', 'charts/app/sub/templates/rbac.yaml', true],
    ['charts/**/templates/*.yaml', 'charts/templates/rbac.yaml', true],
    ['charts/*/templates/*.yaml', 'charts/app/sub/templates/rbac.yaml', false],
    ['rbac.{yaml,yml}', 'x/rbac.yml', true],
    ['role?.yaml', 'role1.yaml', true],
    ['role[0-9].yaml', 'rolex.yaml', false],
  ] as const)('%s ~ %s: %s', ([glob, file, matches]) => {
    expect(globToRegExp(glob).test(file)).toBe(matches);
  });
});
