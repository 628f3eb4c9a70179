/**
 * `rbaclint diff`: the comparison (src/rbac/diff.ts) on fixtures/diff/<case>/{base,head}/, and the
 * built command: exact text and JSON, exit codes, `--base-ref` against a temporary git repository,
 * and the Markdown report snapshotted in test/__snapshots__/diff-<case>.md.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRbacInput, type RbacInput } from '../src/cli/rbac-args.js';
import type { Io } from '../src/cli/io.js';
import { diffRbac, identityLabel, type PermissionChange, type RbacDiff } from '../src/rbac/diff.js';
import { describePermission, describeScope } from '../src/cli/diff-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'dist/src/cli/main.js');
const CASES = 'fixtures/diff';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (from the project root unless `cwd` is given), without colour. */
function rbaclint(args: readonly string[], cwd = root): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: child.exitCode, stdout, stderr });
    });
    child.stdin?.end('');
  });
}

/** Loads one side the way the command does. */
async function load(dir: string): Promise<RbacInput> {
  let stderr = '';
  const io: Io = {
    cwd: root,
    stdout: () => undefined,
    stderr: (text) => void (stderr += text),
    readStdin: () => Promise.resolve(''),
    color: () => false,
    env: {},
  };
  const input = await loadRbacInput('diff', { filename: [dir], defaultNamespace: 'default' }, io);
  if (typeof input === 'number') throw new Error(`cannot load ${dir}: ${stderr}`);
  expect(stderr).toBe('');
  return input;
}

async function diffCase(name: string, reverse = false): Promise<RbacDiff> {
  const base = await load(`${CASES}/${name}/base`);
  const head = await load(`${CASES}/${name}/head`);
  return reverse ? diffRbac(head, base) : diffRbac(base, head);
}

/** `get secrets in namespace dev !secret-read-access`: a change in one line, with its danger ids. */
function line(change: PermissionChange): string {
  const danger = change.dangerous.map((d) => ` !${d.id}`).join('');
  return `${describePermission(change)} ${describeScope(change)}${danger}`;
}

/** Identities as `label: +gained… / -lost…` lines. */
function identities(diff: RbacDiff): Record<string, { gained: string[]; lost: string[] }> {
  return Object.fromEntries(diff.identities.map((i) => [identityLabel(i.identity), { gained: i.gained.map(line), lost: i.lost.map(line) }]));
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
});

describe('diffRbac', () => {
  it('an added binding is a gain, a removed binding a loss', async () => {
    const diff = await diffCase('bindings');
    expect(identities(diff)).toEqual({
      'ServiceAccount dev/web': { gained: ['get secrets in namespace dev !secret-read-access'], lost: [] },
      'ServiceAccount dev/reporter': { gained: [], lost: ['get, list pods in namespace dev'] },
    });
    // Dangerous gains first; the gain names the binding and the rule of the head.
    expect(diff.identities.map((i) => identityLabel(i.identity))).toEqual(['ServiceAccount dev/web', 'ServiceAccount dev/reporter']);
    const [grant] = diff.identities[0]?.gained[0]?.grantedBy ?? [];
    expect(grant?.binding.name).toBe('web-reads-secrets');
    expect(grant?.origin).toMatchObject({ ruleIndex: 0, role: { kind: 'Role', name: 'secret-reader', namespace: 'dev' } });
    expect(diff.workloads).toEqual([]);
  });

  it('a widened rule gains only the verbs, resources and URLs it adds', async () => {
    const diff = await diffCase('widened');
    expect(identities(diff)).toEqual({
      'User alice': {
        gained: [
          'list secrets cluster-wide !secret-read-access',
          'patch deployments.apps cluster-wide',
          'get, list, watch, patch deployments.apps/scale cluster-wide',
          'get /debug/* cluster-wide',
        ],
        lost: [],
      },
    });
  });

  it('the same rule narrowed back is a loss of exactly that', async () => {
    const diff = await diffCase('widened', true);
    expect(identities(diff)).toEqual({
      'User alice': {
        gained: [],
        lost: [
          'list secrets cluster-wide !secret-read-access',
          'patch deployments.apps cluster-wide',
          'get, list, watch, patch deployments.apps/scale cluster-wide',
          'get /debug/* cluster-wide',
        ],
      },
    });
  });

  it('a RoleBinding turned ClusterRoleBinding gains the other namespaces and loses nothing; "*" is gained as "*"', async () => {
    const diff = await diffCase('moved');
    expect(identities(diff)).toEqual({
      'ServiceAccount dev/reader': { gained: ['get pods cluster-wide'], lost: [] },
      'Group config-editors': { gained: ['* configmaps in namespace dev'], lost: [] },
    });
  });

  it('a workload switching ServiceAccount gains its new rights and loses the old; a token mounted again gains', async () => {
    const diff = await diffCase('workload-sa');
    expect(diff.identities).toEqual([]);
    expect(
      diff.workloads.map((w) => ({
        workload: `${w.kind} ${w.namespace}/${w.name}`,
        account: [w.base?.serviceAccount, w.head?.serviceAccount],
        tokens: [w.base?.tokens, w.head?.tokens],
        gained: w.gained.map(line),
        lost: w.lost.map(line),
      })),
    ).toEqual([
      {
        workload: 'CronJob dev/rollout',
        account: ['dev/deployer', 'dev/deployer'],
        tokens: [[], ['dev/deployer']],
        gained: [
          'create deployments.apps in namespace dev !workload-create-access',
          'get configmaps in namespace dev',
          'get, list, update deployments.apps in namespace dev',
        ],
        lost: [],
      },
      {
        workload: 'Deployment dev/web',
        account: ['dev/web', 'dev/deployer'],
        tokens: [['dev/web'], ['dev/deployer']],
        gained: ['create deployments.apps in namespace dev !workload-create-access', 'get, list, update deployments.apps in namespace dev'],
        lost: ['watch configmaps in namespace dev'],
      },
    ]);
  });

  it('a ClusterRole that starts to be aggregated into a bound role is a gain of its subjects', async () => {
    const diff = await diffCase('aggregation');
    expect(identities(diff)).toEqual({
      'ServiceAccount monitoring/prometheus': {
        gained: ['get nodes/proxy cluster-wide !node-proxy-access', 'list nodes cluster-wide'],
        lost: [],
      },
    });
    const [grant] = diff.identities[0]?.gained[0]?.grantedBy ?? [];
    expect([grant?.role.name, grant?.origin.role.name, grant?.origin.ruleIndex]).toEqual(['monitoring', 'monitoring-nodes', 0]);
  });

  it('a binding to a group is a gain of the group and of the input\'s ServiceAccounts in it, and of their workloads', async () => {
    const diff = await diffCase('group');
    expect(identities(diff)).toEqual({
      'ServiceAccount dev/web': { gained: ['get, list secrets in namespace dev !secret-read-access'], lost: [] },
      'Group system:serviceaccounts:dev': { gained: ['get, list secrets in namespace dev !secret-read-access'], lost: [] },
    });
    expect(diff.identities[0]?.gained[0]?.grantedBy[0]?.subject).toEqual({
      kind: 'Group',
      name: 'system:serviceaccounts:dev',
      apiGroup: 'rbac.authorization.k8s.io',
    });
    expect(diff.workloads.map((w) => [w.name, w.gained.map(line), w.lost.map(line)])).toEqual([
      ['web', ['get, list secrets in namespace dev !secret-read-access'], []],
    ]);
  });

  it('get alone on pods/exec is dangerous before Kubernetes 1.35 only, and is then listed apart', async () => {
    const base = await load(`${CASES}/edit-binding/base`);
    const head = await load(`${CASES}/edit-binding/head`);
    const exec = (diff: RbacDiff): string[] => (diff.identities[0]?.gained ?? []).map(line).filter((l) => / pods\/exec /.test(l));
    expect(exec(diffRbac(base, head))).toEqual([
      'create pods/exec in namespace ci !pod-exec-access',
      'get, list, watch, update, patch, delete, deletecollection pods/exec in namespace ci',
    ]);
    expect(exec(diffRbac(base, head, { kubeVersion: { major: 1, minor: 34 } }))).toEqual([
      'get, create pods/exec in namespace ci !pod-exec-access',
      'list, watch, update, patch, delete, deletecollection pods/exec in namespace ci',
    ]);
  });

  it('writing ConfigMaps is dangerous in kube-system only (a danger of one namespace)', async () => {
    expect(identities(await diffCase('configmaps'))).toEqual({
      'ServiceAccount dev/app': {
        gained: ['update configmaps in namespace kube-system !system-configmap-write-access', 'update configmaps in namespace dev'],
        lost: [],
      },
    });
  });

  it('the same input on both sides is no change', async () => {
    const side = await load(`${CASES}/workload-sa/head`);
    expect(diffRbac(side, side)).toEqual({ identities: [], workloads: [] });
  });
});

describe.concurrent('rbaclint diff', () => {
  it('text: the verdict, then each identity with + and - lines and what grants them', async ({ expect }) => {
    const run = await rbaclint(['diff', `${CASES}/bindings/base`, `${CASES}/bindings/head`]);
    expect(run).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        '1 identity gains permissions (1 dangerous), 1 identity loses permissions.',
        '',
        'ServiceAccount dev/web',
        '  + get secrets in namespace dev  [dangerous: read Secrets]',
        '      by RoleBinding dev/web-reads-secrets (fixtures/diff/bindings/head/rbac.yaml:26) -> Role dev/secret-reader rules[0] (fixtures/diff/bindings/head/rbac.yaml:21)',
        '',
        'ServiceAccount dev/reporter',
        '  - get, list pods in namespace dev',
        '      was RoleBinding dev/reporter-reads-pods (fixtures/diff/bindings/base/rbac.yaml:26) -> Role dev/pod-reader rules[0] (fixtures/diff/bindings/base/rbac.yaml:13)',
        '',
      ].join('\n'),
    });
  });

  it('--base and --head take several paths each', async ({ expect }) => {
    const run = await rbaclint(['diff', '--base', `${CASES}/aggregation/base/rbac.yaml`, '--head', `${CASES}/aggregation/head/rbac.yaml`, `${CASES}/aggregation/head/extra.yaml`]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([
      '1 identity gains permissions (1 dangerous).',
      '',
      'ServiceAccount monitoring/prometheus',
      '  + get nodes/proxy cluster-wide  [dangerous: reach the kubelet API (nodes/proxy)]',
    ]);
  });

  it('json: a stable shape with the granting binding and rule, file and line', async ({ expect }) => {
    const run = await rbaclint(['diff', `${CASES}/bindings/base`, `${CASES}/bindings/head`, '--format', 'json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toEqual({
      version: 1,
      base: { ref: null, paths: ['fixtures/diff/bindings/base'] },
      head: { paths: ['fixtures/diff/bindings/head'] },
      summary: {
        identitiesGaining: 1,
        identitiesLosing: 1,
        identitiesWithDangerousGains: 1,
        dangerousGains: 1,
        workloadsChanged: 0,
        workloadsWithDangerousGains: 0,
      },
      identities: [
        {
          subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'web' },
          gained: [
            {
              verbs: ['get'],
              namespace: 'dev',
              apiGroup: '',
              resource: 'secrets',
              subresource: '',
              resourceName: '',
              dangerous: [{ rule: 'secret-read-access', description: 'read Secrets' }],
              grantedBy: [
                {
                  binding: { kind: 'RoleBinding', namespace: 'dev', name: 'web-reads-secrets', builtin: false, file: 'fixtures/diff/bindings/head/rbac.yaml', line: 26 },
                  subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'web' },
                  role: { kind: 'Role', namespace: 'dev', name: 'secret-reader', builtin: false, file: 'fixtures/diff/bindings/head/rbac.yaml', line: 18 },
                  rule: { index: 0, file: 'fixtures/diff/bindings/head/rbac.yaml', line: 21 },
                },
              ],
            },
          ],
          lost: [],
        },
        {
          subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'reporter' },
          gained: [],
          lost: [
            {
              verbs: ['get', 'list'],
              namespace: 'dev',
              apiGroup: '',
              resource: 'pods',
              subresource: '',
              resourceName: '',
              dangerous: [],
              grantedBy: [
                {
                  binding: { kind: 'RoleBinding', namespace: 'dev', name: 'reporter-reads-pods', builtin: false, file: 'fixtures/diff/bindings/base/rbac.yaml', line: 26 },
                  subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'reporter' },
                  role: { kind: 'Role', namespace: 'dev', name: 'pod-reader', builtin: false, file: 'fixtures/diff/bindings/base/rbac.yaml', line: 10 },
                  rule: { index: 0, file: 'fixtures/diff/bindings/base/rbac.yaml', line: 13 },
                },
              ],
            },
          ],
        },
      ],
      workloads: [],
    });
  });

  it('json: workloads with their ServiceAccount, token and status; an aggregated rule names the role it is written in', async ({ expect }) => {
    const workloads = JSON.parse((await rbaclint(['diff', `${CASES}/workload-sa/base`, `${CASES}/workload-sa/head`, '--format', 'json'])).stdout) as {
      workloads: { name: string; status: string; base: unknown; head: unknown }[];
    };
    expect(workloads.workloads.map((w) => [w.name, w.status, w.base, w.head])).toEqual([
      [
        'rollout',
        'changed',
        { serviceAccount: 'dev/deployer', automountedToken: false, tokens: [], file: 'fixtures/diff/workload-sa/base/app.yaml', line: 55 },
        { serviceAccount: 'dev/deployer', automountedToken: true, tokens: ['dev/deployer'], file: 'fixtures/diff/workload-sa/head/app.yaml', line: 55 },
      ],
      [
        'web',
        'changed',
        { serviceAccount: 'dev/web', automountedToken: true, tokens: ['dev/web'], file: 'fixtures/diff/workload-sa/base/app.yaml', line: 43 },
        { serviceAccount: 'dev/deployer', automountedToken: true, tokens: ['dev/deployer'], file: 'fixtures/diff/workload-sa/head/app.yaml', line: 43 },
      ],
    ]);
    const aggregated = JSON.parse((await rbaclint(['diff', `${CASES}/aggregation/base`, `${CASES}/aggregation/head`, '--format', 'json'])).stdout) as {
      identities: { gained: { grantedBy: { rule: unknown }[] }[] }[];
    };
    expect(aggregated.identities[0]?.gained[0]?.grantedBy[0]?.rule).toEqual({
      from: { kind: 'ClusterRole', name: 'monitoring-nodes', builtin: false, file: 'fixtures/diff/aggregation/head/extra.yaml', line: 2 },
      index: 0,
      file: 'fixtures/diff/aggregation/head/extra.yaml',
      line: 7,
    });
  });

  it.for(['bindings', 'widened', 'moved', 'workload-sa', 'aggregation', 'group', 'edit-binding'])('markdown: %s', async (name, { expect }) => {
    const run = await rbaclint(['diff', `${CASES}/${name}/base`, `${CASES}/${name}/head`, '--format', 'markdown']);
    expect(run.status).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot(`__snapshots__/diff-${name}.md`);
  });

  it('markdown: dangerous gains grouped first; a long table folded into <details>; a workload that holds its account\'s gains points at it', async ({ expect }) => {
    const run = await rbaclint(['diff', `${CASES}/edit-binding/base`, `${CASES}/edit-binding/head`, '--format', 'markdown']);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '## RBAC changes',
      '',
      '**⚠️ 1 identity gains permissions (1 dangerous), 1 workload changes (1 gains dangerous permissions).**',
    ]);
    expect(lines.filter((l) => l.startsWith('| ServiceAccount ci/deployer | ')).map((l) => l.split(' | ')[1]?.replace(/ \(\[.*$/, ''))).toEqual([
      'create pods (and run as any ServiceAccount of the namespace)',
      'exec, attach or port-forward into pods',
      'read Secrets',
      'impersonate other identities',
      'request ServiceAccount tokens',
      '83 (⚠️ 14 dangerous)',
    ]);
    expect(lines.filter((l) => l.startsWith('<details>') || l === '</details>')).toEqual(['<details><summary>83 gained</summary>', '</details>']);
    expect(lines.slice(-6)).toEqual([
      '| Job ci/deploy (`fixtures/diff/edit-binding/head/ci.yaml:6`) | ci/deployer | mounted | 83 (⚠️ 14 dangerous) | 0 |',
      '',
      '#### ⚠️ Job ci/deploy',
      '',
      'What ServiceAccount ci/deployer gains and loses, above.',
      '',
    ]);
  });

  it('no change: one line in text and Markdown, empty lists in JSON', async ({ expect }) => {
    const same = [`${CASES}/moved/head`, `${CASES}/moved/head`];
    expect(await rbaclint(['diff', ...same])).toEqual({ status: 0, stdout: 'No RBAC change.\n', stderr: '' });
    expect((await rbaclint(['diff', ...same, '--format', 'markdown'])).stdout).toBe('## RBAC changes\n\nNo RBAC change.\n');
    const json = JSON.parse((await rbaclint(['diff', ...same, '--format', 'json'])).stdout) as Record<string, unknown>;
    expect([json.identities, json.workloads]).toEqual([[], []]);
  });

  it('--fail-on: dangerous exits 1 on a dangerous gain (identity or workload), gain on any gain, none never', async ({ expect }) => {
    const status = async (name: string, failOn: string, reverse = false): Promise<number | null> => {
      const sides = [`${CASES}/${name}/base`, `${CASES}/${name}/head`];
      return (await rbaclint(['diff', ...(reverse ? sides.reverse() : sides), '--fail-on', failOn])).status;
    };
    expect(await status('bindings', 'dangerous')).toBe(1);
    expect(await status('bindings', 'none')).toBe(0);
    expect(await status('workload-sa', 'dangerous')).toBe(1);
    expect(await status('moved', 'dangerous')).toBe(0);
    expect(await status('moved', 'gain')).toBe(1);
    // Only losses: no gain.
    expect(await status('widened', 'gain', true)).toBe(0);
  });

  it('usage errors exit 2 with a message and no stack trace', async ({ expect }) => {
    const none = await rbaclint(['diff']);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      'rbaclint diff: give the base and the head: rbaclint diff <base> <head>, rbaclint diff --base <paths…> --head <paths…>, ' +
        "or rbaclint diff --base-ref <git-ref> [paths…]\nSee 'rbaclint diff --help' for help and examples.\n",
    );
    const one = await rbaclint(['diff', `${CASES}/moved/head`]);
    expect([one.status, one.stderr.split('\n')[0]]).toEqual([
      2,
      'rbaclint diff: expected two paths (base and head), got 1; give the base and the head: rbaclint diff <base> <head>, rbaclint diff --base <paths…> --head <paths…>, or rbaclint diff --base-ref <git-ref> [paths…]',
    ]);
    const headOnly = await rbaclint(['diff', '--head', `${CASES}/moved/head`]);
    expect([headOnly.status, headOnly.stderr.startsWith('rbaclint diff: --head needs --base (or --base-ref); ')]).toEqual([2, true]);
    const missing = await rbaclint(['diff', 'fixtures/diff/no-such-dir', `${CASES}/moved/head`]);
    expect(missing).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'rbaclint: warning: base: Cannot read "fixtures/diff/no-such-dir": no such file or directory; check the path for typing mistakes\n' +
        'rbaclint diff: nothing could be read from "fixtures/diff/no-such-dir"\n',
    });
    const format = await rbaclint(['diff', `${CASES}/moved/base`, `${CASES}/moved/head`, '--format', 'sarif']);
    expect([format.status, format.stderr.split('\n')[0]]).toEqual([
      2,
      "rbaclint: option '--format <format>' argument 'sarif' is invalid. Allowed choices are text, json, markdown.",
    ]);
  });
});

describe('rbaclint diff --base-ref', () => {
  let repo = '';
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    // A repository whose commit holds the base of two cases; the working tree holds their head,
    // plus a directory the commit does not have.
    repo = mkdtempSync(path.join(tmpdir(), 'rbaclint-diff-git-'));
    git('init', '-q');
    git('config', 'user.name', 'rbaclint test');
    git('config', 'user.email', 'test@rbaclint.invalid');
    git('config', 'commit.gpgsign', 'false');
    for (const name of ['bindings', 'aggregation']) cpSync(path.join(root, CASES, name, 'base'), path.join(repo, 'deploy', name), { recursive: true });
    writeFileSync(path.join(repo, 'README.md'), 'not a manifest\n');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('tag', 'v1');
    for (const name of ['bindings', 'aggregation']) cpSync(path.join(root, CASES, name, 'head'), path.join(repo, 'deploy', name), { recursive: true });
    mkdirSync(path.join(repo, 'added'));
    cpSync(path.join(root, CASES, 'moved', 'head', 'rbac.yaml'), path.join(repo, 'added', 'rbac.yaml'));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('reads the base from the ref at the same paths, with the same relative file names', async () => {
    const run = await rbaclint(['diff', '--base-ref', 'v1', 'deploy/bindings'], repo);
    expect(run).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        '1 identity gains permissions (1 dangerous), 1 identity loses permissions.',
        '',
        'ServiceAccount dev/web',
        '  + get secrets in namespace dev  [dangerous: read Secrets]',
        '      by RoleBinding dev/web-reads-secrets (deploy/bindings/rbac.yaml:26) -> Role dev/secret-reader rules[0] (deploy/bindings/rbac.yaml:21)',
        '',
        'ServiceAccount dev/reporter',
        '  - get, list pods in namespace dev',
        '      was RoleBinding dev/reporter-reads-pods (deploy/bindings/rbac.yaml:26) -> Role dev/pod-reader rules[0] (deploy/bindings/rbac.yaml:13)',
        '',
      ].join('\n'),
    });
  });

  it('globs, a subdirectory as working directory, and the default path "."', async () => {
    const glob = await rbaclint(['diff', '--base-ref', 'HEAD', 'deploy/aggregation/*.yaml', '--format', 'json'], repo);
    expect(glob.status).toBe(0);
    const identities = (JSON.parse(glob.stdout) as { identities: { subject: unknown }[] }).identities.map((i) => i.subject);
    expect(identities).toEqual([{ kind: 'ServiceAccount', namespace: 'monitoring', name: 'prometheus' }]);

    const sub = await rbaclint(['diff', '--base-ref', 'HEAD', 'bindings', '--fail-on', 'dangerous'], path.join(repo, 'deploy'));
    expect([sub.status, sub.stdout.split('\n')[4]]).toEqual([
      1,
      '      by RoleBinding dev/web-reads-secrets (bindings/rbac.yaml:26) -> Role dev/secret-reader rules[0] (bindings/rbac.yaml:21)',
    ]);

    const all = await rbaclint(['diff', '--base-ref', 'HEAD', '--format', 'json'], repo);
    expect((JSON.parse(all.stdout) as { summary: unknown }).summary).toEqual({
      identitiesGaining: 4,
      identitiesLosing: 1,
      identitiesWithDangerousGains: 2,
      dangerousGains: 2,
      workloadsChanged: 0,
      workloadsWithDangerousGains: 0,
    });
  });

  it('a path the ref does not have is an empty base', async () => {
    const run = await rbaclint(['diff', '--base-ref', 'v1', 'added'], repo);
    expect([run.status, run.stderr, run.stdout.split('\n')[0]]).toEqual([0, '', '2 identities gain permissions.']);
  });

  it('markdown names the ref', async () => {
    const run = await rbaclint(['diff', '--base-ref', 'v1', 'deploy/aggregation', '--format', 'markdown'], repo);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['## RBAC changes since `v1`', '', '**⚠️ 1 identity gains permissions (1 dangerous).**']);
  });

  it('an unknown ref, or no repository, exits 2 with a message', async () => {
    const unknown = await rbaclint(['diff', '--base-ref', 'no-such-branch', 'deploy'], repo);
    expect(unknown).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'rbaclint diff: unknown git ref "no-such-branch": no such branch, tag or commit (in a shallow clone, fetch it first, e.g. actions/checkout with fetch-depth: 0)\n',
    });
    const option = await rbaclint(['diff', '--base-ref', '--upload-pack=x', 'deploy'], repo);
    expect([option.status, option.stderr]).toEqual([2, 'rbaclint diff: invalid git ref "--upload-pack=x"\n']);
    const outside = mkdtempSync(path.join(tmpdir(), 'rbaclint-diff-nogit-'));
    try {
      writeFileSync(path.join(outside, 'a.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a, namespace: dev }\n');
      const run = await rbaclint(['diff', '--base-ref', 'HEAD', 'a.yaml'], outside);
      expect([run.status, run.stderr.startsWith('rbaclint diff: --base-ref needs a git repository: fatal: not a git repository')]).toEqual([2, true]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    const stdin = await rbaclint(['diff', '--base-ref', 'HEAD', '-'], repo);
    expect([stdin.status, stdin.stderr]).toEqual([
      2,
      'rbaclint diff: --base-ref reads the base from git and cannot pair it with stdin (-); give the paths of the manifests\n',
    ]);
  });
});
