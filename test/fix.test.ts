import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../src/index.js';
import { fixSources } from '../src/fix/apply.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'dist/src/cli/main.js');
const FIXTURES = path.join(root, 'fixtures/fix');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rbaclint(args: readonly string[], cwd: string, input = ''): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', input, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
let n = 0;
/** A fresh directory holding copies of these fixtures. */
function workspace(...names: string[]): string {
  const dir = path.join(scratch, `w${n++}`);
  spawnSync('mkdir', ['-p', dir]);
  for (const name of names) copyFileSync(path.join(FIXTURES, name), path.join(dir, name));
  return dir;
}
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const expected = (name: string) => readFileSync(path.join(FIXTURES, 'fixed', name));

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: the global setup should have built it (npm run build)`);
  scratch = mkdtempSync(path.join(tmpdir(), 'rbaclint-fix-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('--fix', () => {
  it.for([
    { name: 'mixed.yaml', count: 3 },
    { name: 'json.json', count: 4 },
    { name: 'crlf.yaml', count: 2 },
  ])('$name: the fixed file equals fixed/$name byte for byte, and a second --fix changes nothing', ({ name, count }) => {
    const dir = workspace(name);
    const first = rbaclint([name, '--fix', '-q'], dir);
    expect(first.stderr).toBe(`rbaclint: fixed ${count} findings in ${name}\n`);
    expect(readFileSync(path.join(dir, name)).equals(expected(name))).toBe(true);
    // Idempotent: nothing left to fix, the file stays as it is.
    const second = rbaclint([name, '--fix', '-q'], dir);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(dir, name)).equals(expected(name))).toBe(true);
    expect(rbaclint([name, '--fix-dry-run'], dir)).toEqual({ status: 0, stdout: '', stderr: 'rbaclint: nothing to fix\n' });
  });

  it('re-lints the fixed files clean of every fixed rule, and reports what is left with the fixed lines', () => {
    const dir = workspace('mixed.yaml');
    const run = rbaclint(['mixed.yaml', '--fix', '--format', 'json'], dir);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; line: number }[] };
    expect(report.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual([
      '31 automount-token-enabled',
      '32 missing-service-account',
      '39 missing-service-account',
    ]);
  });

  it('keeps comments, quoting, key order, CRLF line ends and the other documents: only the fixed lines differ', () => {
    const before = fixture('crlf.yaml').toString('utf8').split('\r\n');
    const after = expected('crlf.yaml').toString('utf8').split('\r\n');
    expect(after.filter((line) => !before.includes(line))).toEqual([
      '      automountServiceAccountToken: false',
      "apiVersion: 'rbac.authorization.k8s.io/v1' # quoted, and the quotes stay",
    ]);
    expect(before.filter((line) => !after.includes(line))).toEqual(["apiVersion: 'rbac.authorization.k8s.io/v1beta1' # quoted, and the quotes stay"]);
    expect(/[^\r]\n/.test(expected('crlf.yaml').toString('utf8'))).toBe(false);
  });

  it('leaves findings that need a person alone: differing serviceAccount, a ServiceAccount with bindings, v1alpha1 subjects, suppressed findings', () => {
    const dir = workspace('unfixable.yaml', 'crlf.yaml');
    const run = rbaclint(['unfixable.yaml', '--fix', '-q'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(readFileSync(path.join(dir, 'unfixable.yaml')).equals(fixture('unfixable.yaml'))).toBe(true);
    expect(run.stdout).toContain('unfixable.yaml:11:7: Deployment ci/builder uses the deprecated field serviceAccount');
    // The v1alpha1 binding of crlf.yaml has a subject with apiVersion: it stays v1alpha1.
    rbaclint(['crlf.yaml', '--fix'], dir);
    expect(readFileSync(path.join(dir, 'crlf.yaml'), 'utf8')).toContain("apiVersion: 'rbac.authorization.k8s.io/v1alpha1'\r\nkind: ClusterRoleBinding");
  });

  it('never writes Helm-rendered files, and says why', () => {
    const dir = workspace('helm-rendered.yaml');
    const run = rbaclint(['helm-rendered.yaml', '--fix', '-q'], dir);
    expect(run.stderr).toBe(
      "rbaclint: helm-rendered.yaml: 1 fixable finding not fixed: it is Helm-rendered output (# Source: shop/templates/deployment.yaml): the next helm template would undo the fix; fix the chart's template\n",
    );
    expect(run.status).toBe(1);
    expect(readFileSync(path.join(dir, 'helm-rendered.yaml')).equals(fixture('helm-rendered.yaml'))).toBe(true);
  });

  it('never writes stdin, and says why; the report is the unfixed one', () => {
    const dir = workspace();
    const run = rbaclint(['-', '--fix', '-q'], dir, fixture('mixed.yaml').toString('utf8'));
    expect(run.stderr).toBe('rbaclint: <stdin>: 3 fixable findings not fixed: standard input cannot be written back; lint the files themselves with --fix\n');
    expect(run.stdout).toContain('<stdin>:33:13: RoleBinding dev/worker uses "rbac.authorization.k8s.io/v1beta1"');
    expect(run.status).toBe(1);
  });

  it('keeps a byte order mark, the file mode, and writes through a symbolic link to its target', () => {
    const dir = workspace('mixed.yaml');
    writeFileSync(path.join(dir, 'bom.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('mixed.yaml')]));
    chmodSync(path.join(dir, 'bom.yaml'), 0o640);
    symlinkSync('mixed.yaml', path.join(dir, 'link.yaml'));
    // One at a time: together they define the same objects twice, and the last definition wins.
    expect(rbaclint(['bom.yaml', '--fix', '-q'], dir).stderr).toBe('rbaclint: fixed 3 findings in bom.yaml\n');
    expect(rbaclint(['link.yaml', '--fix', '-q'], dir).stderr).toBe('rbaclint: fixed 3 findings in link.yaml\n');
    expect(readFileSync(path.join(dir, 'bom.yaml')).equals(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), expected('mixed.yaml')]))).toBe(true);
    expect(statSync(path.join(dir, 'bom.yaml')).mode & 0o777).toBe(0o640);
    expect(readFileSync(path.join(dir, 'mixed.yaml')).equals(expected('mixed.yaml'))).toBe(true);
    expect(statSync(path.join(dir, 'link.yaml'), { throwIfNoEntry: true }).isFile()).toBe(true);
    expect(spawnSync('readlink', [path.join(dir, 'link.yaml')], { encoding: 'utf8' }).stdout.trim()).toBe('mixed.yaml');
  });

  it('does not rewrite a UTF-16 file (rbaclint writes UTF-8 only), and the report shows it unfixed', () => {
    const dir = workspace();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture('mixed.yaml').toString('utf8'), 'utf16le')]);
    writeFileSync(path.join(dir, 'wide.yaml'), utf16);
    const run = rbaclint(['wide.yaml', '--fix', '-q'], dir);
    expect(run.stderr).toBe('rbaclint: wide.yaml: not fixed: it is UTF-16; rbaclint only rewrites UTF-8 files\n');
    expect(readFileSync(path.join(dir, 'wide.yaml')).equals(utf16)).toBe(true);
    expect(run.stdout).toContain('wide.yaml:33:13: RoleBinding dev/worker uses "rbac.authorization.k8s.io/v1beta1"');
  });
});

describe('--fix-dry-run', () => {
  it('prints a unified diff that git apply turns into the fixed file, changes nothing, exits 1', () => {
    const dir = workspace('mixed.yaml', 'unfixable.yaml');
    const run = rbaclint(['.', '--fix-dry-run'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('rbaclint: --fix would fix 3 findings in 1 file\n');
    expect(run.stdout).toBe(
      [
        '--- a/mixed.yaml',
        '+++ b/mixed.yaml',
        '@@ -7,8 +7,9 @@',
        ' spec:',
        '   template:',
        '     spec:',
        '       serviceAccountName: web   # its own SA',
        '+      automountServiceAccountToken: false',
        '       containers:',
        '         - name: web',
        '           image: "nginx:1.27"',
        ' ---',
        '@@ -16,8 +17,9 @@',
        ' kind: ServiceAccount',
        ' metadata:',
        '   name: web',
        '   namespace: dev',
        '+automountServiceAccountToken: false',
        ' ---',
        ' apiVersion: batch/v1',
        ' kind: CronJob',
        ' metadata: {name: old, namespace: dev}',
        '@@ -26,12 +28,12 @@',
        '   jobTemplate:',
        '     spec:',
        '       template:',
        '         spec:',
        '-          serviceAccount: worker',
        '+          serviceAccountName: worker',
        '           containers: [{name: x, image: busybox}]',
        ' ---',
        '-apiVersion: rbac.authorization.k8s.io/v1beta1',
        '+apiVersion: rbac.authorization.k8s.io/v1',
        ' kind: RoleBinding',
        ' metadata: {name: worker, namespace: dev}',
        ' roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: worker}',
        ' subjects: [{kind: ServiceAccount, name: worker, namespace: dev}]',
        '',
      ].join('\n'),
    );
    expect(readFileSync(path.join(dir, 'mixed.yaml')).equals(fixture('mixed.yaml'))).toBe(true);
    writeFileSync(path.join(dir, 'fix.patch'), run.stdout);
    const apply = spawnSync('git', ['apply', '--unsafe-paths', 'fix.patch'], { cwd: dir, encoding: 'utf8' });
    expect(apply.stderr).toBe('');
    expect(readFileSync(path.join(dir, 'mixed.yaml')).equals(expected('mixed.yaml'))).toBe(true);
  });

  it('--output writes the diff to a file', () => {
    const dir = workspace('json.json');
    const run = rbaclint(['json.json', '--fix-dry-run', '--output', 'fix.patch'], dir);
    expect(run).toEqual({ status: 1, stdout: '', stderr: 'rbaclint: --fix would fix 4 findings in 1 file\n' });
    expect(readFileSync(path.join(dir, 'fix.patch'), 'utf8')).toMatch(/^--- a\/json\.json\n\+\+\+ b\/json\.json\n@@ /);
  });
});

describe('fix options that do not go together', () => {
  it.for([
    [['--fix', '--fix-dry-run'], 'rbaclint: --fix and --fix-dry-run exclude each other: --fix-dry-run shows what --fix would write\n'],
    [['--fix', '--write-baseline', 'b.json'], 'rbaclint: --fix cannot be combined with --write-baseline: fix first, then record what is left\n'],
    [['--fix-dry-run', '--format', 'json'], 'rbaclint: --fix-dry-run prints a unified diff, not a report: leave out --format (--output writes the diff to a file)\n'],
  ] as const)('%j: exit 2 with a message', ([args, message]) => {
    const dir = workspace('mixed.yaml');
    expect(rbaclint(['mixed.yaml', ...args], dir)).toEqual({ status: 2, stdout: '', stderr: message });
    expect(readFileSync(path.join(dir, 'mixed.yaml')).equals(fixture('mixed.yaml'))).toBe(true);
  });
});

describe('fixSources (in process)', () => {
  const text = (name: string) => fixture(name).toString('utf8');
  const run = (sources: { path: string; text: string }[]) =>
    fixSources(sources, (s) => lint(s), { isStdin: () => false });

  it('fixes a finding whose edits overlap another one in a later pass (remove + insert in one flow mapping)', () => {
    const outcome = run([{ path: 'json.json', text: text('json.json') }]);
    expect(outcome.fixed).toBe(4);
    expect(outcome.changed.get('json.json')?.after).toBe(expected('json.json').toString('utf8'));
    expect(outcome.result.findings.filter((f) => f.fix).map((f) => f.ruleId)).toEqual([]);
  });

  it('changes only the files with fixes, and a ServiceAccount in another file gets its edit there', () => {
    const workloadOnly = text('mixed.yaml').split('---\n')[0]!;
    const account = ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: web', '  namespace: dev', ''].join('\n');
    const outcome = run([
      { path: 'deploy.yaml', text: workloadOnly },
      { path: 'sa.yaml', text: account },
      { path: 'other.yaml', text: text('unfixable.yaml') },
    ]);
    expect([...outcome.changed.keys()]).toEqual(['deploy.yaml', 'sa.yaml']);
    expect(outcome.changed.get('sa.yaml')?.after).toBe(`${account}automountServiceAccountToken: false\n`);
  });

  it('does not fix the default ServiceAccount of a namespace declared external (it may be bound elsewhere)', () => {
    const deploy = text('mixed.yaml').split('---\n')[0]!.replace('serviceAccountName: web   # its own SA', 'serviceAccountName: web');
    const external = { path: 'ctx', contextOnly: true, text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n  annotations:\n    rbaclint.io/external-service-accounts: "true"\n' };
    const outcome = run([external, { path: 'deploy.yaml', text: deploy }]);
    expect(outcome.changed.size).toBe(0);
    expect(outcome.fixed).toBe(0);
  });
});
