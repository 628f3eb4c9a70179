/**
 * Baselines (issue #8): `--write-baseline <file>` records today's findings and exits 0;
 * `--baseline <file>` hides them, so only new findings are reported and fail the run. Entries are
 * keyed by the finding fingerprint (rule, object, JSON path) and the file, so line shifts do not
 * matter. The CLI runs in-process from scratch directories; outputs and exit codes are exact.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../src/engine/baseline.js';
import { runInProcess } from './helpers/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(root, 'fixtures/inputs/config/rbac.yaml');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const rbaclint = (cwd: string, args: readonly string[]): Promise<Run> => runInProcess(args, { cwd });

/** A second cluster-admin binding: the "new" finding. */
const NEW_BINDING = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: release-bot
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: release-bot
    namespace: ci
`;

let scratch: string;
let n = 0;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'rbaclint-baseline-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(): string {
  const dir = path.join(scratch, `p${n++}`);
  mkdirSync(path.join(dir, 'deploy'), { recursive: true });
  copyFileSync(MANIFEST, path.join(dir, 'deploy/rbac.yaml'));
  return dir;
}

describe('--write-baseline, then --baseline', () => {
  it('write → clean re-run (exit 0) → shifted lines plus one new finding: only the new one, exit 1', async () => {
    const dir = project();

    const write = await rbaclint(dir, ['deploy/', '--write-baseline', 'rbaclint-baseline.json']);
    expect(write).toEqual({ code: 0, stdout: '', stderr: 'rbaclint: wrote 2 findings to the baseline rbaclint-baseline.json\n' });
    expect(readdirSync(dir).sort()).toEqual(['deploy', 'rbaclint-baseline.json']); // no temporary file left
    const written = JSON.parse(readFileSync(path.join(dir, 'rbaclint-baseline.json'), 'utf8')) as {
      version: number;
      findings: Record<string, string>[];
    };
    expect(written.version).toBe(1);
    expect(written.findings.map(({ fingerprint, ...human }) => [fingerprint!.length, human])).toEqual([
      [
        32,
        {
          ruleId: 'cluster-admin-binding',
          file: 'deploy/rbac.yaml',
          object: 'ClusterRoleBinding "ci-deployer"',
          message: 'ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer',
        },
      ],
      [
        32,
        {
          ruleId: 'secret-read-access',
          file: 'deploy/rbac.yaml',
          object: 'Role default/orders',
          message: 'Role default/orders rules[0] allows get, list on all Secrets in namespace "default"',
        },
      ],
    ]);

    expect(await rbaclint(dir, ['deploy/', '--baseline', 'rbaclint-baseline.json'])).toEqual({
      code: 0,
      stdout: 'No problems in 1 file, 4 objects, 2 suppressed\n',
      stderr: '',
    });

    const file = path.join(dir, 'deploy/rbac.yaml');
    writeFileSync(file, `\n\n\n${readFileSync(file, 'utf8')}${NEW_BINDING}`);
    expect(await rbaclint(dir, ['deploy/', '--baseline', 'rbaclint-baseline.json'])).toEqual({
      code: 1,
      stdout: [
        'deploy/rbac.yaml:51:9: ClusterRoleBinding "release-bot" grants cluster-admin to ServiceAccount ci/release-bot [cluster-admin-binding]',
        '  51 |   name: cluster-admin',
        '     |         ^~~~~~~~~~~~~ error',
        '',
        '1 problem (1 error, 0 warnings, 0 notes) in 1 file, 5 objects, 2 suppressed',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('entries that match nothing are counted in the text summary, not reported', async () => {
    const dir = project();
    await rbaclint(dir, ['deploy/', '--write-baseline', 'b.json']);
    const file = path.join(dir, 'deploy/rbac.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('resources: ["secrets"]', 'resources: ["configmaps"]'));
    expect(await rbaclint(dir, ['deploy/', '--baseline', 'b.json'])).toEqual({
      code: 0,
      stdout: 'No problems in 1 file, 4 objects, 1 suppressed, 1 baseline entry matched nothing\n',
      stderr: '',
    });
    expect((await rbaclint(dir, ['deploy/', '--baseline', 'b.json', '-q'])).stdout).toBe('');
  });

  it('matches from another working directory (paths are relative to the baseline file)', async () => {
    const dir = project();
    await rbaclint(dir, ['deploy/rbac.yaml', '--write-baseline', 'b.json']);
    expect(await rbaclint(path.join(dir, 'deploy'), ['rbac.yaml', '--baseline', '../b.json'])).toEqual({
      code: 0,
      stdout: 'No problems in 1 file, 4 objects, 2 suppressed\n',
      stderr: '',
    });
  });

  it('the same finding in another file is new', async () => {
    const dir = project();
    await rbaclint(dir, ['deploy/', '--write-baseline', 'b.json']);
    copyFileSync(path.join(dir, 'deploy/rbac.yaml'), path.join(dir, 'deploy/copy.yaml'));
    const run = await rbaclint(dir, ['deploy/', '--baseline', 'b.json', '-q', '--format', 'json']);
    const findings = (JSON.parse(run.stdout) as { findings: { file: string; ruleId: string }[] }).findings;
    expect(findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['deploy/copy.yaml secret-read-access', 'deploy/copy.yaml cluster-admin-binding']);
  });

  it('--write-baseline with --baseline rewrites the whole baseline from the current findings', async () => {
    const dir = project();
    await rbaclint(dir, ['deploy/', '--write-baseline', 'b.json']);
    const file = path.join(dir, 'deploy/rbac.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}${NEW_BINDING}`);
    expect(await rbaclint(dir, ['deploy/', '--baseline', 'b.json', '--write-baseline', 'b.json'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'rbaclint: wrote 3 findings to the baseline b.json\n',
    });
    expect((await rbaclint(dir, ['deploy/', '--baseline', 'b.json'])).code).toBe(0);
  });

  it('comments and annotations apply before the baseline; unused-suppression findings can be baselined too', async () => {
    const dir = project();
    const file = path.join(dir, 'deploy/rbac.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  name: orders\nrules:', '  name: orders\n  annotations:\n    ignore.rbaclint.io/secret-read-access: ""\nrules:'));
    const write = await rbaclint(dir, ['deploy/', '--write-baseline', 'b.json']);
    expect(write.stderr).toBe('rbaclint: wrote 3 findings to the baseline b.json\n');
    expect(parseBaseline(readFileSync(path.join(dir, 'b.json'), 'utf8'), 'b.json').findings.map((f) => f.ruleId)).toEqual([
      'cluster-admin-binding',
      'secret-read-access',
      'unused-suppression',
    ]);
    expect((await rbaclint(dir, ['deploy/', '--baseline', 'b.json'])).stdout).toBe('No problems in 1 file, 4 objects, 3 suppressed\n');
  });
});

describe('bad baselines: exit 2', () => {
  it.for([
    ['missing.json', undefined, 'rbaclint: cannot read the baseline "missing.json": no such file or directory; write one with --write-baseline missing.json\n'],
    ['b.json', '{"findings": ', /^rbaclint: b\.json: not a baseline: JSON syntax error: .+; write one with --write-baseline b\.json\n$/],
    ['b.json', '[]', 'rbaclint: b.json: not a baseline (expected {"version": 1, "findings": [...]}); write one with --write-baseline b.json\n'],
    ['b.json', '{"version": 2, "findings": []}', 'rbaclint: b.json: baseline version 2 is not supported (expected 1); write it again with --write-baseline b.json\n'],
    ['b.json', '{"version": 1, "findings": [{"file": "x"}]}', 'rbaclint: b.json: findings[0]: needs a "fingerprint" and a "file" string; write the baseline again with --write-baseline b.json\n'],
  ] as const)('%s %s', async ([name, text, message]) => {
    const dir = project();
    if (text !== undefined) writeFileSync(path.join(dir, name), text);
    const run = await rbaclint(dir, ['deploy/', '--baseline', name]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    if (typeof message === 'string') expect(run.stderr).toBe(message);
    else expect(run.stderr).toMatch(message);
  });

  it('a baseline that cannot be written', async () => {
    const dir = project();
    expect(await rbaclint(dir, ['deploy/', '--write-baseline', 'no/such/dir/b.json'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'rbaclint: cannot write the baseline to "no/such/dir/b.json": directory "' + path.join(dir, 'no/such/dir') + '" does not exist\n',
    });
  });
});
