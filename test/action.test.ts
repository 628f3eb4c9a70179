import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { getInput, parseDiff, runAction, splitPaths } from '../src/action/run.js';
import { renderDiffSummary, renderSummary } from '../src/action/summary.js';
import type { Finding } from '../src/index.js';
import { SARIF_SCHEMA_PATH, sarifValidator } from './helpers/sarif-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(root, 'fixtures/inputs/action');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  summary: () => string;
  output: () => string;
}

/** A runner-like environment: the fixtures copied into GITHUB_WORKSPACE, empty summary and output files. */
function workspace(inputs: Record<string, string>, fixtures = ['deploy']): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'rbaclint-action-'));
  temps.push(dir);
  for (const name of fixtures) cpSync(path.join(FIXTURES, name), path.join(dir, name), { recursive: true });
  const runner = mkdtempSync(path.join(tmpdir(), 'rbaclint-runner-'));
  temps.push(runner);
  const summaryFile = path.join(runner, 'step_summary');
  const outputFile = path.join(runner, 'output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    // As the runner sets them from action.yml's defaults.
    INPUT_PATHS: '.',
    INPUT_CONFIG: '',
    'INPUT_FAIL-ON': 'warning',
    'INPUT_SARIF-FILE': 'rbaclint.sarif',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return {
    dir,
    env,
    summary: () => readFileSync(summaryFile, 'utf8'),
    output: () => readFileSync(outputFile, 'utf8'),
  };
}

async function run(ws: Workspace): Promise<{ code: number; stdout: string; commands: string[] }> {
  let stdout = '';
  const code = await runAction({ env: ws.env, stdout: (t) => void (stdout += t) });
  // The text report goes between ::stop-commands::<token> and ::<token>:: (nothing in it is a command).
  const stop = /^::stop-commands::([0-9a-f]{32})$/m.exec(stdout);
  const token = stop?.[1] ?? '<none>';
  if (stop) expect(stdout.split('\n').filter((l) => l === `::${token}::`)).toHaveLength(1);
  const commands = stdout.split('\n').filter((l) => l.startsWith('::') && l !== stop?.[0] && l !== `::${token}::`);
  return { code, stdout: stdout.replaceAll(token, '<token>'), commands };
}

const IMPERSONATE = (n: number, line: number) =>
  `::error file=deploy/impersonators.yaml,line=${line},col=13,endLine=${line},endColumn=24,title=impersonate-access::ClusterRole "impersonator-${String(n).padStart(2, '0')}" rules[0] allows impersonate on users: whoever holds it acts with the permissions of those identities`;
const NOTES = [
  '::notice file=deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=pod-exec-access::Role shop/reader rules[0] allows get on pods/exec, pods/attach, pods/portforward (through "*" in resources): get alone opens no stream on Kubernetes 1.35 while the AuthorizePodWebsocketUpgradeCreatePermission feature gate is on (the default since 1.35); with it off, whoever holds it runs code in the pods, with their ServiceAccount tokens (not bound)',
  '::notice file=deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=secret-read-access::Role shop/reader rules[0] allows get, list on all Secrets (through resources "*") in namespace "shop" (not bound)',
  '::notice file=deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=wildcard-rule::Role shop/reader rules[0] uses "*" in resources (not bound)',
];
const DEPRECATED =
  '::notice file=deploy/app.yaml,line=20,col=7,endLine=20,endColumn=21,title=deprecated-service-account-field::Deployment shop/web uses the deprecated field serviceAccount instead of serviceAccountName';
/** Line of the `verbs` entry of impersonator-N in the fixture. */
const lineOf = (n: number) => 8 + (n - 1) * 22;

describe('inputs', () => {
  it('reads INPUT_<NAME> as the runner names it (hyphens kept, spaces as _)', () => {
    expect(getInput({ 'INPUT_FAIL-ON': ' error ' }, 'fail-on')).toBe('error');
    expect(getInput({ INPUT_MY_INPUT: 'x' }, 'my input')).toBe('x');
    expect(getInput({}, 'paths')).toBe('');
  });
  it('splits paths on newlines and spaces, . when empty', () => {
    expect(splitPaths('deploy/\n  k8s/*.yaml other\n')).toEqual(['deploy/', 'k8s/*.yaml', 'other']);
    expect(splitPaths('  \n')).toEqual(['.']);
  });
});

describe('the action', () => {
  it('annotates within the limits, writes summary, SARIF and outputs, and fails per fail-on', async () => {
    const ws = workspace({ paths: 'deploy' });
    const { code, stdout, commands } = await run(ws);
    expect(code).toBe(1);
    // 12 errors: 9 annotated (the 10th error slot is the failure message), all 4 notes, then the notice.
    expect(commands).toEqual([
      DEPRECATED,
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => IMPERSONATE(n, lineOf(n))),
      ...NOTES,
      '::notice title=rbaclint::3 more finding(s) not annotated (GitHub shows 10 per kind and step): see the job summary, the code scanning alerts and the log',
      '::error::rbaclint: 12 finding(s) at or above fail-on "warning"',
    ]);
    // The whole text report is in the log too.
    expect(stdout).toContain('deploy/impersonators.yaml:250:13: ClusterRole "impersonator-12"');
    expect(stdout).toContain('16 problems (12 errors, 0 warnings, 4 notes) in 3 files, 27 objects');

    expect(ws.output()).toBe('findings=16\nerrors=12\nwarnings=0\nnotes=4\nsarif-file=rbaclint.sarif\n');

    const sarif = JSON.parse(readFileSync(path.join(ws.dir, 'rbaclint.sarif'), 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results).toHaveLength(16);
    expect(sarif.runs[0]!.results.filter((r) => r.ruleId === 'impersonate-access')).toHaveLength(12);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('deploy/app.yaml');
    if (existsSync(SARIF_SCHEMA_PATH)) expect(sarifValidator()(sarif)).toEqual([]);

    const summary = ws.summary();
    expect(summary.startsWith('## rbaclint\n\n❌ 16 problems (12 errors, 0 warnings, 4 notes) in 3 files, 27 objects (fail-on: `warning`)\n')).toBe(true);
    expect(summary).toContain(
      ['| Severity | Findings |', '| --- | ---: |', '| 🔴 error | 12 |', '| 🟠 warning | 0 |', '| 🔵 note | 4 |'].join('\n'),
    );
    expect(summary).toContain(
      '| [impersonate-access](https://github.com/rbaclint/rbaclint/blob/v0.1.0/docs/rules/impersonate-access.md) | 🔴 error | 12 |\n',
    );
    expect(summary).toContain(
      [
        '| File | Errors | Warnings | Notes |',
        '| --- | ---: | ---: | ---: |',
        '| `deploy/app.yaml` | 0 | 0 | 1 |',
        '| `deploy/impersonators.yaml` | 12 | 0 | 0 |',
        '| `deploy/reader.yaml` | 0 | 0 | 3 |',
      ].join('\n'),
    );
    expect(summary).toContain(
      '| 🔵 note | `deploy/reader.yaml:8:17` | wildcard-rule | Role shop/reader rules\\[0\\] uses "\\*" in resources (not bound) |\n',
    );
    expect(summary.split('\n').filter((l) => l.startsWith('| 🔴 error | `deploy/impersonators.yaml:'))).toHaveLength(12);
  });

  it('prefers findings on lines the pull request changed', async () => {
    const ws = workspace({ paths: 'deploy' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: ws.dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      }).trim();
    const file = path.join(ws.dir, 'deploy/impersonators.yaml');
    const head = readFileSync(file, 'utf8');
    const lines = head.split('\n');
    // The base commit: impersonator-11 and -12 only could get users.
    for (const n of [11, 12]) lines[lineOf(n) - 1] = lines[lineOf(n) - 1]!.replace('[impersonate]', '[get]');
    git('init', '-q', '-b', 'main');
    writeFileSync(file, lines.join('\n'));
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const baseSha = git('rev-parse', 'HEAD');
    writeFileSync(file, head);
    git('commit', '-q', '-am', 'head');
    const headSha = git('rev-parse', 'HEAD');
    const event = path.join(ws.dir, '..', `${path.basename(ws.dir)}-event.json`);
    temps.push(event);
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: baseSha }, head: { sha: headSha } } }));
    ws.env.GITHUB_EVENT_PATH = event;

    const { commands } = await run(ws);
    expect(commands.filter((c) => c.startsWith('::error file='))).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 11, 12].map((n) => IMPERSONATE(n, lineOf(n))),
    );
  });

  it('falls back to the first findings when the base commit is not in the history', async () => {
    const ws = workspace({ paths: 'deploy' });
    const event = path.join(ws.dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) } } }));
    ws.env.GITHUB_EVENT_PATH = event;
    const { commands } = await run(ws);
    expect(commands.filter((c) => c.startsWith('::error file='))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => IMPERSONATE(n, lineOf(n))));
  });

  it('passes with fail-on none, annotating 10 errors; an empty sarif-file writes none', async () => {
    const ws = workspace({ paths: 'deploy', 'fail-on': 'none', 'sarif-file': '' });
    const { code, commands } = await run(ws);
    expect(code).toBe(0);
    expect(commands.filter((c) => c.startsWith('::error'))).toHaveLength(10);
    expect(commands.at(-1)).toBe(
      '::notice title=rbaclint::2 more finding(s) not annotated (GitHub shows 10 per kind and step): see the job summary and the log',
    );
    expect(ws.output()).toContain('sarif-file=\n');
    expect(() => readFileSync(path.join(ws.dir, 'rbaclint.sarif'))).toThrow();
    expect(ws.summary()).toContain('✅ 16 problems');
  });

  it('draws the escalation paths of the objects with findings in the job summary (Mermaid)', async () => {
    const ws = workspace({ paths: 'basic.yaml' }, []);
    cpSync(path.join(FIXTURES, '../../graph/basic.yaml'), path.join(ws.dir, 'basic.yaml'));
    expect((await run(ws)).code).toBe(1);
    const summary = ws.summary();
    const graph = summary.slice(summary.indexOf('### Who can do what\n'), summary.indexOf('### Findings per file'));
    expect(graph.split('\n').slice(0, 5)).toEqual([
      '### Who can do what',
      '',
      'Workload → ServiceAccount → binding → role → dangerous permission; red: escalation paths.',
      '',
      '```mermaid',
    ]);
    expect(graph).toContain('  wl_Job_ci_deploy -->|runs as| sa_ci_deployer\n');
    expect(graph).toContain('  bind_ClusterRoleBinding_ci_admin --> role_ClusterRole_cluster_admin\n');
    expect(graph).toContain('  role_ClusterRole_cluster_admin --> perm_everything\n');
    expect(graph.trimEnd().endsWith('```')).toBe(true);
  });

  it('passes on clean manifests, with paths separated by newlines', async () => {
    const ws = workspace({ paths: 'clean/\n  clean/serviceaccount.yaml\n', 'sarif-file': 'out/scan.sarif' }, ['clean']);
    const { code, commands } = await run(ws);
    expect(code).toBe(0);
    expect(commands).toEqual([]);
    expect(ws.summary()).toBe('## rbaclint\n\n✅ No problems in 1 file, 1 object (fail-on: `warning`)\n\n');
    expect(ws.output()).toBe('findings=0\nerrors=0\nwarnings=0\nnotes=0\nsarif-file=out/scan.sarif\n');
    const sarif = JSON.parse(readFileSync(path.join(ws.dir, 'out/scan.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results).toEqual([]);
  });

  it('fails on a path that does not exist and on a bad fail-on', async () => {
    const missing = await run(workspace({ paths: 'nope' }, []));
    expect(missing.code).toBe(1);
    expect(missing.commands[0]).toMatch(/^::error file=nope,title=rbaclint::/);
    expect(missing.commands.at(-1)).toBe('::error::rbaclint: nothing to lint in nope');
    const bad = await run(workspace({ 'fail-on': 'sometimes' }, []));
    expect(bad).toMatchObject({ code: 2, commands: ['::error::rbaclint: invalid input fail-on "sometimes" (expected one of error, warning, note, none)'] });
  });

  it('applies the configuration: discovered in the workspace, or the config input', async () => {
    const ws = workspace({ paths: 'deploy' });
    writeFileSync(path.join(ws.dir, '.rbaclint.yaml'), 'rules:\n  impersonate-access: off\n  wildcard-rule: warning\n');
    const discovered = await run(ws);
    expect(discovered.code).toBe(1);
    expect(discovered.commands).toEqual([
      DEPRECATED,
      NOTES[0],
      NOTES[1],
      NOTES[2]!.replace('::notice', '::warning'),
      '::error::rbaclint: 1 finding(s) at or above fail-on "warning"',
    ]);
    writeFileSync(path.join(ws.dir, 'strict.yaml'), 'rules:\n  impersonate-access: off\n  wildcard-rule: off\n');
    ws.env.INPUT_CONFIG = 'strict.yaml';
    expect((await run(ws)).code).toBe(0);
    ws.env.INPUT_CONFIG = 'missing.yaml';
    const missing = await run(ws);
    expect(missing.code).toBe(2);
    expect(missing.commands).toEqual([expect.stringMatching(/^::error::rbaclint: cannot read the configuration file "missing.yaml"/)]);
  });

  it('the committed bundle dist/action.js does the same as the sources', async () => {
    const ws = workspace({ paths: 'deploy' });
    const expected = await run(ws);
    const again = workspace({ paths: 'deploy' });
    const result = spawnSync(process.execPath, [path.join(root, 'dist/action.js')], {
      cwd: again.dir,
      env: { PATH: process.env.PATH, ...again.env },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const stdout = result.stdout.replace(/(?<=^::stop-commands::|^::)[0-9a-f]{32}(?=$|::$)/gm, '<token>');
    expect(stdout, 'dist/action.js differs from the sources: run npm run bundle').toBe(expected.stdout);
    expect(again.summary()).toBe(ws.summary());
    expect(again.output()).toBe(ws.output());
  });
});

describe('diff-base-ref', () => {
  /** A workspace whose commit holds fixtures/diff/bindings/base and whose working tree holds its head. */
  function gitWorkspace(inputs: Record<string, string>): Workspace {
    const ws = workspace({ paths: 'deploy', 'fail-on': 'none', 'sarif-file': '', ...inputs }, []);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: ws.dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      }).trim();
    git('init', '-q', '-b', 'main');
    cpSync(path.join(root, 'fixtures/diff/bindings/base'), path.join(ws.dir, 'deploy'), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    cpSync(path.join(root, 'fixtures/diff/bindings/head'), path.join(ws.dir, 'deploy'), { recursive: true });
    return ws;
  }

  /** Workflow commands other than the lint's warning and the diff's stop-commands pair. */
  const diffCommands = (commands: string[]): string[] =>
    commands.filter((c) => !c.startsWith('::warning ') && !/^::stop-commands::[0-9a-f]{32}$|^::[0-9a-f]{32}::$/.test(c));

  it('appends the RBAC diff to the job summary, logs it and sets dangerous-gains', async () => {
    const ws = gitWorkspace({ 'diff-base-ref': 'main' });
    const { code, stdout, commands } = await run(ws);
    expect(code).toBe(0);
    expect(diffCommands(commands)).toEqual([]);
    const summary = ws.summary();
    const diff = summary.slice(summary.indexOf('## RBAC changes'));
    expect(diff.split('\n').slice(0, 3)).toEqual([
      '## RBAC changes since `main`',
      '',
      '**⚠️ 1 identity gains permissions (1 dangerous), 1 identity loses permissions.**',
    ]);
    expect(diff).toContain(
      '| ServiceAccount dev/web | read Secrets ([secret-read-access](https://github.com/rbaclint/rbaclint/blob/v0.1.0/docs/rules/secret-read-access.md)) | namespace `dev` | `get secrets` | RoleBinding dev/web-reads-secrets (`deploy/rbac.yaml:26`) → Role dev/secret-reader (`deploy/rbac.yaml:21`) |',
    );
    expect(summary.startsWith('## rbaclint\n')).toBe(true);
    // The diff is in the log too, with workflow commands off around it.
    expect(stdout).toMatch(
      /^::stop-commands::([0-9a-f]{32})\n\nRBAC changes since main:\n1 identity gains permissions \(1 dangerous\), 1 identity loses permissions\.\n[^]*\n::\1::$/m,
    );
    expect(ws.output()).toBe('findings=1\nerrors=0\nwarnings=1\nnotes=0\nsarif-file=\ndangerous-gains=1\n');
  });

  it('fails the step per diff-fail-on', async () => {
    const dangerous = await run(gitWorkspace({ 'diff-base-ref': 'main', 'diff-fail-on': 'dangerous' }));
    expect([dangerous.code, diffCommands(dangerous.commands)]).toEqual([
      1,
      ['::error::rbaclint: 1 identity or workload gains dangerous permissions since main (diff-fail-on "dangerous"): see the job summary'],
    ]);
    const bad = await run(gitWorkspace({ 'diff-base-ref': 'main', 'diff-fail-on': 'sometimes' }));
    expect(bad).toMatchObject({ code: 2, commands: ['::error::rbaclint: invalid input diff-fail-on "sometimes" (expected one of none, gain, dangerous)'] });
  });

  it('an unknown ref fails the step and says how to fetch it', async () => {
    const ws = gitWorkspace({ 'diff-base-ref': 'origin/main' });
    const { code, commands } = await run(ws);
    expect(code).toBe(1);
    expect(diffCommands(commands)).toEqual([
      '::error::rbaclint: diff-base-ref "origin/main": unknown git ref "origin/main": no such branch, tag or commit (in a shallow clone, fetch it first, e.g. actions/checkout with fetch-depth: 0)',
    ]);
    expect(ws.summary()).not.toContain('RBAC changes');
    expect(ws.output()).not.toContain('dangerous-gains');
  });

  it('cuts a diff that does not fit the summary at a line, closing <details>', () => {
    const row = `| ${'x'.repeat(100)} |`;
    const markdown = ['## RBAC changes', '', '<details><summary>3 gained</summary>', '', row, row, row, '', '</details>', ''].join('\n');
    expect(renderDiffSummary(markdown, 10_000)).toBe(`\n${markdown}`);
    expect(renderDiffSummary(markdown, 350)).toBe(
      [
        '',
        '## RBAC changes',
        '',
        '<details><summary>3 gained</summary>',
        '',
        row,
        '</details>',
        '',
        '…the RBAC diff is cut here to fit the job summary; run `rbaclint diff --base-ref <ref>` to see all of it.',
        '',
      ].join('\n'),
    );
  });

});

describe('summary', () => {
  it('stays under the size limit with a line saying how many findings it left out', () => {
    const finding = (i: number): Finding => ({
      ruleId: 'wildcard-rule',
      severity: 'warning',
      message: `Role r${i} uses "*" | <b>${'x'.repeat(200)}</b>`,
      help: '',
      file: `deploy/f${i % 50}.yaml`,
      range: { start: { line: i + 1, column: 1 }, end: { line: i + 1, column: 5 } },
      related: [],
      fingerprint: String(i),
    });
    const findings = Array.from({ length: 10_000 }, (_, i) => finding(i));
    const text = renderSummary(findings, { files: 50, objects: 10_000, error: 0, warning: 10_000, note: 0, suppressed: 0 }, {
      workspace: '/w',
      failOn: 'warning',
      failed: true,
      limit: 100_000,
    });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100_000);
    expect(text).toMatch(/\n…and \d+ more findings \(see the log or the SARIF file\)\.\n/);
    expect(text).toContain('| 🟠 warning | `deploy/f0.yaml:1:1` | wildcard-rule | Role r0 uses "\\*" \\| &lt;b&gt;');
  });
});

describe('diff parsing', () => {
  it('collects the new-side lines of each hunk', () => {
    const diff = [
      'diff --git a/x.yaml b/x.yaml',
      '--- a/x.yaml',
      '+++ b/x.yaml',
      '@@ -3,0 +4,2 @@',
      '+a',
      '+b',
      '@@ -10 +12 @@',
      '-c',
      '+d',
      'diff --git a/gone.yaml b/gone.yaml',
      '--- a/gone.yaml',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
    ].join('\n');
    expect(parseDiff(diff)).toEqual(new Map([['x.yaml', new Set([4, 5, 12])]]));
  });
});

describe('action.yml', () => {
  it('declares the inputs and outputs the action reads and writes, on node24 with the bundle', () => {
    const meta = parseYaml(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default: string }>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(Object.fromEntries(Object.entries(meta.inputs).map(([k, v]) => [k, v.default]))).toEqual({
      paths: '.',
      config: '',
      'fail-on': 'warning',
      'sarif-file': 'rbaclint.sarif',
      'diff-base-ref': '',
      'diff-fail-on': 'none',
    });
    expect(Object.keys(meta.outputs).sort()).toEqual(['dangerous-gains', 'errors', 'findings', 'notes', 'sarif-file', 'warnings']);
  });
});
