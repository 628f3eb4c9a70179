import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../src/index.js';
import { buildProgram } from '../src/cli/program.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The `bin` of package.json; test/global-setup.ts builds it when missing or stale. */
const BIN = path.join(root, 'dist/src/cli/main.js');
const FIXTURES = 'fixtures/inputs/cli';
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const ruleIds = allRules.map((r) => r.id);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI like a shell would, without colour, from the project root. */
function rbaclint(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The text findings of examples/rbac.yaml, as `rbaclint` prints them for a file named `name`. */
const rbacFindings = (name: string) =>
  [
    `${name}:12:17: Role shop/orders rules[1] allows get, list on all Secrets in namespace "shop" [secret-read-access]`,
    '  12 |     resources: ["secrets"]',
    '     |                 ^~~~~~~~~ warning',
    `      = related: ${name}:23:9 RoleBinding shop/orders grants it to ServiceAccount shop/orders`,
    `${name}:36:9: ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer [cluster-admin-binding]`,
    '  36 |   name: cluster-admin',
    '     |         ^~~~~~~~~~~~~ error',
  ].join('\n');

const NOTHING_TO_LINT = 'rbaclint: nothing to lint; give files, directories, globs or - for stdin (see rbaclint --help)\n';
const USAGE_HINT = '(run rbaclint --help for usage)\n';

let scratch: string;
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: the global setup should have built it (npm run build)`);
  scratch = mkdtempSync(path.join(tmpdir(), 'rbaclint-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('rbaclint (the built binary)', () => {
  it('package.json bin is the committed bundle, and it answers exactly as the build these tests spawn', () => {
    expect(pkg.bin.rbaclint).toBe('dist/rbaclint.js');
    const bundled = spawnSync(process.execPath, [path.join(root, pkg.bin.rbaclint!), 'examples/'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const built = rbaclint(['examples/']);
    expect({ status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }).toEqual({
      status: built.status,
      stdout: built.stdout,
      stderr: built.stderr,
    });
  });

  it('examples/: exit 1 and the exact text report', async () => {
    const run = rbaclint(['examples/']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot('__snapshots__/cli-examples.txt');
    expect(run.stdout.split('\n').at(-2)).toBe('6 problems (1 error, 5 warnings, 0 notes) in 3 files, 8 objects');
  });

  it('`lint examples/` is the same as `examples/`', () => {
    const implicit = rbaclint(['examples/']);
    const explicit = rbaclint(['lint', 'examples/']);
    expect(explicit).toEqual(implicit);
  });

  it('a clean file: exit 0 and one summary line', () => {
    expect(rbaclint([`${FIXTURES}/clean.yaml`])).toEqual({ status: 0, stdout: 'No problems in 1 file, 3 objects\n', stderr: '' });
  });

  it('a missing path: exit 2 and a message naming it', () => {
    expect(rbaclint([`${FIXTURES}/no-such-file.yaml`])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: Cannot read "${FIXTURES}/no-such-file.yaml": no such file or directory; check the path for typing mistakes\n${NOTHING_TO_LINT}`,
    });
  });

  it('--context: objects of other files resolve cross-references but get no findings', () => {
    const change = 'fixtures/inputs/context/repo/deploy/web.yaml';
    const alone = rbaclint([change, '--quiet']);
    expect(alone.stdout.match(/\[[a-z-]+\]$/gm)).toEqual([
      '[automount-token-enabled]',
      '[missing-service-account]',
      '[missing-role-ref]',
      '[missing-service-account]',
    ]);
    expect(alone.status).toBe(1);
    // With the repository as context, the ServiceAccount and the Role of the unchanged file exist,
    // and the ServiceAccount's automountServiceAccountToken: false applies to the Deployment.
    const withContext = rbaclint(['--context', 'fixtures/inputs/context/repo', change]);
    expect(withContext).toEqual({ status: 0, stdout: 'No problems in 1 file, 3 objects\n', stderr: '' });
    // A context file's own problems are not reported.
    const reversed = rbaclint(['--context', change, 'fixtures/inputs/context/repo/deploy/serviceaccounts.yaml']);
    expect(reversed).toEqual({ status: 0, stdout: 'No problems in 1 file, 2 objects\n', stderr: '' });
  });

  it('a missing path next to a good file: the good file is linted and the exit code follows its findings', () => {
    expect(rbaclint([`${FIXTURES}/no-such-file.yaml`, 'examples/rbac.yaml'])).toEqual({
      status: 1,
      stdout: `${rbacFindings('examples/rbac.yaml')}\n\n2 problems (1 error, 1 warning, 0 notes) in 1 file, 3 objects\n`,
      stderr: `rbaclint: Cannot read "${FIXTURES}/no-such-file.yaml": no such file or directory; check the path for typing mistakes\n`,
    });
  });

  it('a glob that matches nothing and a directory without manifests: exit 2 with a message for each', () => {
    const run = rbaclint([`${FIXTURES}/*.nothing`, scratch]);
    expect(run).toEqual({
      status: 2,
      stdout: '',
      stderr:
        `rbaclint: No files match the pattern "${FIXTURES}/*.nothing"; check it for typing mistakes\n` +
        `rbaclint: No *.yaml, *.yml or *.json files in directory "${scratch}"\n${NOTHING_TO_LINT}`,
    });
  });

  it('stdin via "-": findings are reported for <stdin>', () => {
    const input = readFileSync(path.join(root, 'examples/rbac.yaml'), 'utf8');
    expect(rbaclint(['-'], { input })).toEqual({
      status: 1,
      stdout: `${rbacFindings('<stdin>')}\n\n2 problems (1 error, 1 warning, 0 notes) in 1 file, 3 objects\n`,
      stderr: '',
    });
  });

  it('stdin with --stdin-filename: findings are reported for that name, in every format', () => {
    const input = readFileSync(path.join(root, 'examples/rbac.yaml'), 'utf8');
    const text = rbaclint(['-', '--stdin-filename', 'deploy/rbac.yaml'], { input });
    expect(text).toEqual({
      status: 1,
      stdout: `${rbacFindings('deploy/rbac.yaml')}\n\n2 problems (1 error, 1 warning, 0 notes) in 1 file, 3 objects\n`,
      stderr: '',
    });
    const json = JSON.parse(rbaclint(['-', '--stdin-filename', 'deploy/rbac.yaml', '--format', 'json'], { input }).stdout) as {
      findings: { file: string }[];
    };
    expect(json.findings.map((f) => f.file)).toEqual(['deploy/rbac.yaml', 'deploy/rbac.yaml']);
  });

  it('stdin with concatenated JSON objects (jq -c): each object is read, findings at their own line', () => {
    const input =
      '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"ci","namespace":"build"}}\n' +
      '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"ci-admin"},' +
      '"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},' +
      '"subjects":[{"kind":"ServiceAccount","name":"ci","namespace":"build"}]}\n';
    const run = rbaclint(['-', '--no-color'], { input });
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('<stdin>:2:183: ClusterRoleBinding "ci-admin" grants cluster-admin to ServiceAccount build/ci [cluster-admin-binding]');
    expect(run.stdout).toContain('1 problem (1 error, 0 warnings, 0 notes) in 1 file, 2 objects\n');
  });

  it('empty stdin: no objects, exit 0', () => {
    expect(rbaclint(['-'], { input: '' })).toEqual({ status: 0, stdout: 'No problems in 1 file, 0 objects\n', stderr: '' });
  });

  it('--output writes the exact report to the file and nothing to stdout', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const file = path.join(scratch, `report.${format}`);
      const toFile = rbaclint(['examples/', '--format', format, '--output', file]);
      expect(toFile).toEqual({ status: 1, stdout: '', stderr: '' });
      const toStdout = rbaclint(['examples/', '--format', format]);
      expect(readFileSync(file, 'utf8')).toBe(toStdout.stdout);
    }
    // Text written to a file never has colour codes, even when colour is forced.
    const forced = path.join(scratch, 'forced.txt');
    expect(rbaclint(['examples/', '--color', '-o', forced]).status).toBe(1);
    expect(readFileSync(forced, 'utf8')).toBe(rbaclint(['examples/']).stdout);
  });

  it('--output into a directory that does not exist: exit 2 and a message naming the target', () => {
    const file = path.join(scratch, 'missing-dir', 'report.txt');
    expect(rbaclint(['examples/', '-o', file])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: cannot write the report to "${file}": directory "${path.dirname(file)}" does not exist\n`,
    });
  });

  it('--format json has the shape of DESIGN.md §3', () => {
    const run = rbaclint(['examples/', '--format', 'json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      version: 1,
      findings: [
        {
          ruleId: 'automount-token-enabled',
          severity: 'warning',
          message:
            'Deployment shop/web gets an API token for ServiceAccount shop/web mounted: neither the pod template nor the ServiceAccount sets automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults',
          file: 'examples/deployment.yaml',
          line: 13,
          column: 5,
          endLine: 13,
          endColumn: 9,
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
          path: 'spec.template.spec',
          related: [{ file: 'examples/serviceaccount.yaml', line: 5, column: 9, message: 'ServiceAccount shop/web' }],
        },
        {
          ruleId: 'missing-service-account',
          severity: 'warning',
          message: 'Deployment shop/orders runs as ServiceAccount shop/order-worker, which the input does not define',
          file: 'examples/deployment.yaml',
          line: 32,
          column: 27,
          endLine: 32,
          endColumn: 39,
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders' },
          path: 'spec.template.spec.serviceAccountName',
        },
        {
          ruleId: 'automount-token-enabled',
          severity: 'warning',
          message:
            'CronJob shop/cleanup gets an API token for ServiceAccount shop/default mounted: the pod template does not set automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults',
          file: 'examples/deployment.yaml',
          line: 48,
          column: 9,
          endLine: 48,
          endColumn: 13,
          object: { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'shop', name: 'cleanup' },
          path: 'spec.jobTemplate.spec.template.spec',
        },
        {
          ruleId: 'missing-service-account-name',
          severity: 'warning',
          message: 'CronJob shop/cleanup sets no serviceAccountName, so its pods run as the "default" ServiceAccount of namespace "shop"',
          file: 'examples/deployment.yaml',
          line: 48,
          column: 9,
          endLine: 48,
          endColumn: 13,
          object: { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'shop', name: 'cleanup' },
          path: 'spec.jobTemplate.spec.template.spec',
        },
        {
          ruleId: 'secret-read-access',
          severity: 'warning',
          message: 'Role shop/orders rules[1] allows get, list on all Secrets in namespace "shop"',
          file: 'examples/rbac.yaml',
          line: 12,
          column: 17,
          endLine: 12,
          endColumn: 26,
          object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespace: 'shop', name: 'orders' },
          path: 'rules[1].resources[0]',
          related: [{ file: 'examples/rbac.yaml', line: 23, column: 9, message: 'RoleBinding shop/orders grants it to ServiceAccount shop/orders' }],
        },
        {
          ruleId: 'cluster-admin-binding',
          severity: 'error',
          message: 'ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer',
          file: 'examples/rbac.yaml',
          line: 36,
          column: 9,
          endLine: 36,
          endColumn: 22,
          object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'ci-deployer' },
          path: 'roleRef.name',
        },
      ],
      summary: { files: 3, objects: 8, error: 1, warning: 5, note: 0, suppressed: 0 },
    });
  });

  it('--format json: helmSource for rendered charts, and no object/path for parse problems', () => {
    const helm = JSON.parse(rbaclint([`${FIXTURES}/helm-rendered.yaml`, '--format', 'json']).stdout) as {
      findings: { ruleId: string; line: number; helmSource?: string }[];
    };
    expect(helm.findings.map((f) => [f.ruleId, f.line, f.helmSource])).toEqual([
      ['secret-read-access', 20, 'shop/templates/rbac.yaml'],
      ['automount-token-enabled', 52, 'shop/templates/deployment.yaml'],
    ]);
    const broken = JSON.parse(rbaclint([`${FIXTURES}/broken.yaml`, '--format', 'json']).stdout) as { findings: unknown[] };
    expect(broken.findings[1]).toEqual({
      ruleId: 'parse-error',
      severity: 'error',
      message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      file: `${FIXTURES}/broken.yaml`,
      line: 22,
      column: 5,
      endLine: 22,
      endColumn: 6,
    });
  });

  it('a broken file next to a good one: findings of both, exit 1 (a broken manifest is a finding)', () => {
    expect(rbaclint([`${FIXTURES}/broken.yaml`, 'examples/rbac.yaml'])).toEqual({
      status: 1,
      stdout: [
        rbacFindings('examples/rbac.yaml'),
        `${FIXTURES}/broken.yaml:8:9: ClusterRoleBinding "ops-admin" grants cluster-admin to Group ops [cluster-admin-binding]`,
        '   8 |   name: cluster-admin',
        '     |         ^~~~~~~~~~~~~ error',
        `${FIXTURES}/broken.yaml:22:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] [parse-error]`,
        '  22 |     verbs: ["get"]',
        '     |     ^ error',
        '',
        '4 problems (3 errors, 1 warning, 0 notes) in 2 files, 4 objects',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('a Helm-rendered file: each finding names its template', () => {
    expect(rbaclint([`${FIXTURES}/helm-rendered.yaml`])).toEqual({
      status: 1,
      stdout: [
        `${FIXTURES}/helm-rendered.yaml:20:31: Role shop/release-shop rules[0] allows get, list on all Secrets in namespace "shop"; held by Deployment shop/release-shop [secret-read-access]`,
        '  20 |     resources: ["configmaps", "secrets"]',
        '     |                               ^~~~~~~~~ warning',
        '      = from template shop/templates/rbac.yaml',
        `      = related: ${FIXTURES}/helm-rendered.yaml:32:9 RoleBinding shop/release-shop grants it to ServiceAccount shop/release-shop`,
        `      = related: ${FIXTURES}/helm-rendered.yaml:53:7 Deployment shop/release-shop runs with an API token of ServiceAccount shop/release-shop`,
        `      = related: ${FIXTURES}/helm-rendered.yaml:6:9 ServiceAccount shop/release-shop`,
        `${FIXTURES}/helm-rendered.yaml:52:5: Deployment shop/release-shop gets an API token for ServiceAccount shop/release-shop mounted: neither the pod template nor the ServiceAccount sets automountServiceAccountToken; RoleBinding shop/release-shop grants it rights, so set it to true explicitly if the pods call the API [automount-token-enabled]`,
        '  52 |     spec:',
        '     |     ^~~~ warning',
        '      = from template shop/templates/deployment.yaml',
        `      = related: ${FIXTURES}/helm-rendered.yaml:6:9 ServiceAccount shop/release-shop`,
        '',
        '2 problems (0 errors, 2 warnings, 0 notes) in 1 file, 4 objects',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('a UTF-8 BOM and CRLF line breaks: the same lines, columns and snippets as plain LF files', () => {
    expect(rbaclint([`${FIXTURES}/bom-template.yaml`, `${FIXTURES}/crlf.yaml`])).toEqual({
      status: 1,
      stdout: [
        `${FIXTURES}/bom-template.yaml:1:1: Unrendered Helm/Go template action: this file is a chart template, not a manifest; lint the output of "helm template" instead [unrendered-template]`,
        '   1 | {{- if .Values.rbac.create }}',
        '     | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~ error',
        `${FIXTURES}/crlf.yaml:6:74: ClusterRoleBinding "ops-admin" grants cluster-admin to Group ops [cluster-admin-binding]`,
        '   6 | roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }',
        '     |                                                                          ^~~~~~~~~~~~~ error',
        '',
        '2 problems (2 errors, 0 warnings, 0 notes) in 2 files, 1 object',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  describe('--fail-on', () => {
    // examples/ has an error; deployment.yaml only warnings; deprecated-field.yaml only a note.
    const cases: [string, string | undefined, number][] = [
      ['examples/', undefined, 1],
      ['examples/', 'error', 1],
      ['examples/', 'none', 0],
      ['examples/deployment.yaml', undefined, 1],
      ['examples/deployment.yaml', 'error', 0],
      ['examples/deployment.yaml', 'warning', 1],
      ['examples/deployment.yaml', 'note', 1],
      ['examples/deployment.yaml', 'none', 0],
      [`${FIXTURES}/deprecated-field.yaml`, undefined, 0],
      [`${FIXTURES}/deprecated-field.yaml`, 'warning', 0],
      [`${FIXTURES}/deprecated-field.yaml`, 'note', 1],
      [`${FIXTURES}/deprecated-field.yaml`, 'none', 0],
      [`${FIXTURES}/clean.yaml`, 'note', 0],
    ];
    it.for(cases)('%s --fail-on %s → exit %i', ([input, failOn, expected]) => {
      const run = rbaclint([input, ...(failOn === undefined ? [] : ['--fail-on', failOn])]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(expected);
    });

    it('the report is the same whatever --fail-on says', () => {
      expect(rbaclint(['examples/', '--fail-on', 'none']).stdout).toBe(rbaclint(['examples/']).stdout);
    });

    it('an unknown severity: exit 2', () => {
      expect(rbaclint(['examples/', '--fail-on', 'fatal'])).toEqual({
        status: 2,
        stdout: '',
        stderr: `rbaclint: option '--fail-on <severity>' argument 'fatal' is invalid. Allowed choices are error, warning, note, none.\n${USAGE_HINT}`,
      });
    });
  });

  it('the deprecated-field fixture has exactly one note', () => {
    expect(rbaclint([`${FIXTURES}/deprecated-field.yaml`])).toEqual({
      status: 0,
      stdout: [
        `${FIXTURES}/deprecated-field.yaml:15:3: Pod tools/once uses the deprecated field serviceAccount instead of serviceAccountName [deprecated-service-account-field]`,
        '  15 |   serviceAccount: batch',
        '     |   ^~~~~~~~~~~~~~ note',
        '',
        '1 problem (0 errors, 0 warnings, 1 note) in 1 file, 2 objects',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--disable turns a rule off; the summary counts what remains', () => {
    const run = rbaclint(['examples/rbac.yaml', '--disable', 'cluster-admin-binding,secret-read-access']);
    expect(run).toEqual({ status: 0, stdout: 'No problems in 1 file, 3 objects\n', stderr: '' });
    expect(rbaclint(['examples/rbac.yaml', '--disable', 'secret-read-access', '--fail-on', 'error']).status).toBe(1);
  });

  it.for(['--disable', '--enable'])('%s with an unknown rule: exit 2 and the list of rules', (flag) => {
    expect(rbaclint(['examples/', flag, 'no-such-rule'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: option '${flag} <rules>' argument 'no-such-rule' is invalid. unknown rule "no-such-rule"; run "rbaclint rules" for the list\n${USAGE_HINT}`,
    });
  });

  it('--disable takes one comma-separated value, so the paths after it are still paths', () => {
    expect(rbaclint(['--disable', 'cluster-admin-binding,secret-read-access', 'examples/rbac.yaml'])).toEqual({
      status: 0,
      stdout: 'No problems in 1 file, 3 objects\n',
      stderr: '',
    });
    // Blanks around the commas and empty items are ignored.
    expect(rbaclint(['--disable', ' cluster-admin-binding , ,secret-read-access,', 'examples/rbac.yaml'])).toEqual({
      status: 0,
      stdout: 'No problems in 1 file, 3 objects\n',
      stderr: '',
    });
  });

  it('--disable is repeatable: the lists add up, and the paths after the last one are linted', () => {
    const run = rbaclint([
      '--disable',
      'automount-token-enabled,missing-service-account-name',
      '--disable',
      'cluster-admin-binding',
      'examples/rbac.yaml',
      'examples/deployment.yaml',
    ]);
    expect(run).toEqual({
      status: 1,
      stdout: [
        'examples/rbac.yaml:12:17: Role shop/orders rules[1] allows get, list on all Secrets in namespace "shop" [secret-read-access]',
        '  12 |     resources: ["secrets"]',
        '     |                 ^~~~~~~~~ warning',
        '      = related: examples/rbac.yaml:23:9 RoleBinding shop/orders grants it to ServiceAccount shop/orders',
        '',
        '1 problem (0 errors, 1 warning, 0 notes) in 2 files, 6 objects',
        '',
      ].join('\n'),
      stderr: '',
    });
    // The same with the options after the paths, and with `--disable=` spelling.
    expect(
      rbaclint(['examples/rbac.yaml', 'examples/deployment.yaml', '--disable=automount-token-enabled', '--disable', 'missing-service-account-name,cluster-admin-binding']),
    ).toEqual(run);
  });

  it('an unknown rule id inside a comma list: exit 2, naming only the unknown ids, nothing linted', () => {
    expect(rbaclint(['--disable', 'secret-read-access,no-such-rule', 'examples/'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: option '--disable <rules>' argument 'secret-read-access,no-such-rule' is invalid. unknown rule "no-such-rule"; run "rbaclint rules" for the list\n${USAGE_HINT}`,
    });
    expect(rbaclint(['--disable', 'secret-read-access', '--enable', 'bogus-a,cluster-admin-binding,bogus-b', 'examples/'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: option '--enable <rules>' argument 'bogus-a,cluster-admin-binding,bogus-b' is invalid. unknown rule "bogus-a", "bogus-b"; run "rbaclint rules" for the list\n${USAGE_HINT}`,
    });
  });

  it.for([
    ['head -1', 'Usage: rbaclint [options] [command]\n'],
    ['true', ''],
  ])('rbaclint --help | %s: a reader that goes away early is not a crash (no EPIPE, exit 0)', ([reader, shown]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', RBACLINT_NODE: process.execPath, RBACLINT_BIN: BIN };
    delete env.FORCE_COLOR;
    const result = spawnSync('bash', ['-c', `"$RBACLINT_NODE" "$RBACLINT_BIN" --help | ${reader}; echo "status: \${PIPESTATUS[*]}"`], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.error) throw result.error;
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: `${shown}status: 0 0\n`,
      stderr: '',
    });
  });

  it('an unknown --format: exit 2 and the choices', () => {
    expect(rbaclint(['examples/', '--format', 'xml'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif, github.\n${USAGE_HINT}`,
    });
  });

  it('an unknown option and a missing path argument: exit 2', () => {
    expect(rbaclint(['examples/', '--bogus'])).toEqual({ status: 2, stdout: '', stderr: `rbaclint: unknown option '--bogus'\n${USAGE_HINT}` });
    expect(rbaclint([])).toEqual({ status: 2, stdout: '', stderr: `rbaclint: missing required argument 'paths'\n${USAGE_HINT}` });
  });

  it('--quiet: findings only, no summary line; nothing at all when clean', () => {
    const quiet = rbaclint(['examples/', '--quiet']);
    const full = rbaclint(['examples/']);
    expect(quiet.status).toBe(1);
    expect(quiet.stdout).toBe(full.stdout.replace(/\n\n6 problems \(1 error, 5 warnings, 0 notes\) in 3 files, 8 objects\n$/, '\n'));
    expect(quiet.stdout).not.toContain('problems');
    expect(rbaclint([`${FIXTURES}/clean.yaml`, '-q'])).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('colour: none with NO_COLOR, ANSI codes with --color', () => {
    expect(rbaclint(['examples/rbac.yaml']).stdout).not.toMatch(/\u001b\[/);
    const colored = rbaclint(['examples/rbac.yaml', '--color']).stdout;
    expect(colored).toMatch(/\u001b\[31m/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(rbaclint(['examples/rbac.yaml']).stdout);
  });

  it('--version prints the version of package.json', () => {
    expect(rbaclint(['--version'])).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(rbaclint(['-V'])).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help mentions every option of the default command, every command, the examples and the exit codes', () => {
    const run = rbaclint(['--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const program = buildProgram(
      { cwd: root, stdout: () => {}, stderr: () => {}, readStdin: async () => '', color: () => false, env: {} },
      () => {},
    );
    const lint = program.commands.find((c) => c.name() === 'lint')!;
    const flags = [...program.options, ...lint.options].filter((o) => !o.hidden).map((o) => o.long ?? o.short!);
    expect(flags).toEqual(expect.arrayContaining(['--version', '--format', '--output', '--fail-on', '--stdin-filename', '--quiet']));
    for (const flag of flags) expect(run.stdout, flag).toContain(flag);
    for (const command of program.commands) expect(run.stdout, command.name()).toContain(`  ${command.name()} `);
    expect(run.stdout).toContain('Examples:\n  $ rbaclint deploy/');
    expect(run.stdout).toContain('Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,\n2 usage error');
  });

  it('<command> --help lists every option of that command', () => {
    const program = buildProgram(
      { cwd: root, stdout: () => {}, stderr: () => {}, readStdin: async () => '', color: () => false, env: {} },
      () => {},
    );
    for (const command of program.commands) {
      const run = rbaclint([command.name(), '--help']);
      expect(run.status, command.name()).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`Usage: rbaclint ${command.name()} `);
      for (const option of command.options.filter((o) => !o.hidden)) {
        expect(run.stdout, `${command.name()} ${option.flags}`).toContain(option.flags);
      }
    }
    expect(rbaclint(['lint', '--help']).stdout).toContain('Examples:');
  });

  it('rules lists every rule of the registry, in order, with its severity', () => {
    const run = rbaclint(['rules']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE +SEVERITY {2}DEFAULT {2}FIX {2}DESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual(ruleIds);
    for (const [i, rule] of allRules.entries()) {
      expect(lines[i + 1]).toBe(
        `${rule.id.padEnd(lines[0]!.indexOf('SEVERITY') - 2)}  ${rule.meta.severity.padEnd(8)}  ${(rule.meta.recommended ? 'on' : 'off').padEnd(7)}  ${(rule.meta.fixable === undefined ? '' : 'yes').padEnd(3)}  ${rule.meta.description}`,
      );
    }
    expect(lines.filter((l) => / on +yes  /.test(l)).map((l) => l.split(' ')[0])).toEqual([
      'automount-token-enabled',
      'deprecated-rbac-api',
      'deprecated-service-account-field',
    ]);
  });

  it('rules --format json parses and lists every rule', () => {
    const run = rbaclint(['rules', '--format', 'json']);
    expect(run.status).toBe(0);
    const rules = JSON.parse(run.stdout) as { id: string; severity: string; description: string; docs: string }[];
    expect(rules.map((r) => r.id)).toEqual(ruleIds);
    for (const [i, rule] of allRules.entries()) {
      expect(rules[i]).toMatchObject({ id: rule.id, severity: rule.meta.severity, description: rule.meta.description });
      expect(rules[i]!.docs).toMatch(new RegExp(`/docs/rules/${rule.id}\\.md$`));
    }
  });

  it('rules --format with an unknown format: exit 2', () => {
    expect(rbaclint(['rules', '--format', 'xml'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `rbaclint: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are text, json, markdown.\n${USAGE_HINT}`,
    });
  });
});
