import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The pre-commit hook (.pre-commit-hooks.yaml), run by the real pre-commit: `pre-commit try-repo`
 * installs this repository as a `language: node` hook (npm install + npm pack + npm install -g,
 * no build step) and runs the committed bundle dist/rbaclint.js on a repository's files.
 * Needs `pre-commit` on PATH (.ci/run installs Debian's) and the npm registry for the hook's
 * dependencies; skipped when pre-commit is not installed.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(root, 'fixtures/inputs/pre-commit');
const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const HAS_PRE_COMMIT = version.status === 0;

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'rbaclint tests',
  GIT_AUTHOR_EMAIL: 'tests@example.com',
  GIT_COMMITTER_NAME: 'rbaclint tests',
  GIT_COMMITTER_EMAIL: 'tests@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
};
delete GIT_ENV.FORCE_COLOR;

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

describe('.pre-commit-hooks.yaml', () => {
  it('is a node hook on the committed bundle that sees all files in one process', () => {
    const hooks = parseYaml(readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: 'rbaclint',
      entry: 'rbaclint',
      args: ['--context', '.'],
      language: 'node',
      types_or: ['yaml', 'json'],
      require_serial: true,
    });
    expect(hooks[0]).not.toHaveProperty('language_version');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.bin.rbaclint).toBe('dist/rbaclint.js');
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/rbaclint.js', 'dist/data']));
    // pre-commit 3.0.4 runs `npm pack` and takes its whole stdout as the tarball name: no lifecycle scripts.
    for (const script of ['prepare', 'prepack', 'postpack', 'prepublish', 'install', 'postinstall', 'preinstall']) {
      expect(pkg.scripts).not.toHaveProperty(script);
    }
    expect(readFileSync(path.join(root, 'dist/rbaclint.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe.skipIf(!HAS_PRE_COMMIT)(
  `pre-commit try-repo${HAS_PRE_COMMIT ? ` (${version.stdout.trim()})` : ' (skipped: pre-commit is not installed; .ci/run installs it)'}`,
  () => {
    let temp: string;
    let hookRepo: string;
    let target: string;
    let home: string;

    beforeAll(() => {
      temp = mkdtempSync(path.join(tmpdir(), 'rbaclint-pre-commit-'));
      // The hook repository: what this repository commits of the package (git ls-files: tracked or
      // not ignored, so the bundles but not the tsc output), committed in a temporary repository so
      // that the test does not depend on the state of this repository's own commits.
      hookRepo = path.join(temp, 'hook');
      const listed = spawnSync(
        'git',
        ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', 'package.json', 'package-lock.json', '.pre-commit-hooks.yaml', 'LICENSE', 'dist', 'schemas'],
        { cwd: root, encoding: 'utf8' },
      );
      const files = listed.stdout.split('\0').filter((f) => f !== '' && existsSync(path.join(root, f)));
      expect(files).toEqual(expect.arrayContaining(['package.json', '.pre-commit-hooks.yaml', 'dist/rbaclint.js', 'dist/data/builtin-roles.json']));
      for (const file of files) {
        mkdirSync(path.dirname(path.join(hookRepo, file)), { recursive: true });
        copyFileSync(path.join(root, file), path.join(hookRepo, file));
      }
      git(hookRepo, 'init', '-q');
      git(hookRepo, 'add', '-A');
      git(hookRepo, 'commit', '-q', '-m', 'rbaclint hook');

      target = path.join(temp, 'target');
      mkdirSync(path.join(target, 'deploy'), { recursive: true });
      copyFileSync(path.join(FIXTURES, 'bad.yaml'), path.join(target, 'deploy/rbac.yaml'));
      copyFileSync(path.join(FIXTURES, 'good.yaml'), path.join(target, 'deploy/serviceaccount.yaml'));
      // YAML that is not a Kubernetes manifest is passed to the hook too, and must not fail it.
      writeFileSync(path.join(target, '.pre-commit-config.yaml'), 'repos: []\n');
      writeFileSync(path.join(target, 'notes.md'), '# not linted\n');
      git(target, 'init', '-q');
      git(target, 'add', '-A');
      home = path.join(temp, 'pre-commit-home');
    });

    afterAll(() => {
      if (temp) rmSync(temp, { recursive: true, force: true });
    });

    const tryRepo = () => {
      const result = spawnSync('pre-commit', ['try-repo', hookRepo, 'rbaclint', '--all-files', '--verbose', '--color', 'never'], {
        cwd: target,
        env: { ...GIT_ENV, PRE_COMMIT_HOME: home },
        encoding: 'utf8',
        timeout: 280_000,
      });
      if (result.error) throw result.error;
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    };

    it('fails with the finding on a bad manifest, then passes once it is fixed', () => {
      const bad = tryRepo();
      expect(bad.output).toMatch(/^rbaclint\.+Failed$/m);
      expect(bad.output).toContain(
        'deploy/rbac.yaml:9:9: ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount tools/ci [cluster-admin-binding]',
      );
      // All three YAML files went to one process (require_serial), the Markdown file to none.
      expect(bad.output).toContain('1 problem (1 error, 0 warnings, 0 notes) in 3 files, 2 objects');
      expect(bad.status).toBe(1);

      copyFileSync(path.join(FIXTURES, 'fixed.yaml'), path.join(target, 'deploy/rbac.yaml'));
      git(target, 'add', '-A');
      const fixed = tryRepo();
      expect(fixed.output).toMatch(/^rbaclint\.+Passed$/m);
      expect(fixed.output).toContain('No problems in 3 files, 2 objects');
      expect(fixed.status).toBe(0);
    }, 300_000);

    it('a commit that changes one file: the unchanged files are read as context, so no false missing-service-account or missing-role-ref', () => {
      const repo = path.join(temp, 'context-target');
      const source = path.join(root, 'fixtures/inputs/context/repo/deploy');
      mkdirSync(path.join(repo, 'deploy'), { recursive: true });
      copyFileSync(path.join(source, 'serviceaccounts.yaml'), path.join(repo, 'deploy/serviceaccounts.yaml'));
      git(repo, 'init', '-q');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'ServiceAccount and Role');
      // Only the change is staged: pre-commit passes only deploy/web.yaml to the hook.
      copyFileSync(path.join(source, 'web.yaml'), path.join(repo, 'deploy/web.yaml'));
      git(repo, 'add', 'deploy/web.yaml');
      const result = spawnSync('pre-commit', ['try-repo', hookRepo, 'rbaclint', '--verbose', '--color', 'never'], {
        cwd: repo,
        env: { ...GIT_ENV, PRE_COMMIT_HOME: home },
        encoding: 'utf8',
        timeout: 280_000,
      });
      const output = `${result.stdout}${result.stderr}`;
      expect(output).toMatch(/^rbaclint\.+Passed$/m);
      expect(output).toContain('No problems in 1 file, 3 objects');
      expect(result.status).toBe(0);
    }, 300_000);
  },
);
