/**
 * Context: objects that exist outside the input. Declared in the configuration (`context:`), or
 * read from cluster dumps with `--context` (lint, can-i, who-can, permissions). Context objects take
 * part in cross-references and RBAC but never get findings; where the input and the context define
 * the same object, the input (the change) wins; a dump's `kubernetes.io/bootstrapping: rbac-defaults`
 * objects replace rbaclint's built-in roles and bindings.
 * Fixtures: fixtures/inputs/cluster/ (dump.yaml = a trimmed kubectl dump; change.yaml = the change;
 * declared/ = a configuration with `context:`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../src/action/run.js';
import { declaredContextSource } from '../src/engine/config.js';
import { lint } from '../src/index.js';
import { runInProcess } from './helpers/run-cli.js';

const DIR = 'fixtures/inputs/cluster';
const DUMP = `${DIR}/dump.yaml`;
const CHANGE = `${DIR}/change.yaml`;

const cli = (args: string[], cwd = process.cwd()) => runInProcess(args, { cwd });

const lines = (text: string) => text.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));

describe('declared external objects (config context:)', () => {
  const declared = path.join(DIR, 'declared');

  it('a workload whose ServiceAccount is declared external gets no missing-service-account; typos still do', async () => {
    const run = await cli(['app.yaml', '--no-color'], declared);
    expect(lines(run.stdout)).toEqual([
      'app.yaml:38:27: Deployment shop/typo runs as ServiceAccount shop/paymnts, which the input does not define [missing-service-account]',
    ]);
  });

  it('without the declarations the same input gets those findings', async () => {
    const run = await cli(['app.yaml', '--no-color', '-c', 'empty.yaml'], declared);
    expect(lines(run.stdout).map((l) => l.replace(/^(\S+ ).*\[(.*)\]$/, '$1$2'))).toEqual([
      'app.yaml:20:27: missing-service-account', // declared ServiceAccount shop/payments
      'app.yaml:38:27: missing-service-account',
      'app.yaml:59:27: missing-service-account', // any ServiceAccount of the declared namespace legacy
      'app.yaml:74:9: missing-role-ref', // declared ClusterRole vendor-reader
      'app.yaml:88:9: missing-role-ref', // ClusterRole secret-reader of context.files (the dump)
    ]);
  });

  it('the GitHub Action applies the configuration\'s context too', async () => {
    let stdout = '';
    const env = { GITHUB_WORKSPACE: path.resolve(declared), INPUT_PATHS: 'app.yaml', 'INPUT_SARIF-FILE': '', 'INPUT_FAIL-ON': 'error' };
    expect(await runAction({ env, stdout: (t) => void (stdout += t) })).toBe(0);
    expect(stdout).toContain('Deployment shop/typo runs as ServiceAccount shop/paymnts');
    expect(stdout).not.toContain('shop/payments,');
    expect(stdout).not.toContain('legacy/hand-made');
    expect(stdout).not.toContain('vendor-reader');
    expect(stdout).not.toContain('secret-reader');
  });

  it('--print-config shows the context', async () => {
    const run = await cli(['--print-config'], declared);
    expect(run.stdout).toContain('context:\n  serviceAccounts:\n    - shop/payments\n  namespaces:\n    - legacy\n');
  });

  it('synthesizes one context-only document per declared object', () => {
    const source = declaredContextSource({ serviceAccounts: ['a/b'], clusterRoles: ['c'], roleBindings: ['d/e'] }, 'x#context');
    expect(source?.contextOnly).toBe(true);
    expect(source?.text.split('\n').filter(Boolean)).toEqual([
      '--- {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"namespace":"a","name":"b"}}',
      '--- {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"c"},"rules":[]}',
      '--- {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"namespace":"d","name":"e"}}',
    ]);
    expect(declaredContextSource({}, 'x')).toBeUndefined();
  });

  it('an unknown context key or a malformed reference is a configuration error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-context-'));
    writeFileSync(path.join(dir, '.rbaclint.yaml'), 'context:\n  serviceAccount: [a/b]\n  roles: [reader]\n');
    const run = await cli(['--print-config'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'rbaclint: .rbaclint.yaml: context.serviceAccount: unknown key; allowed: files, serviceAccounts, namespaces, roles, clusterRoles, roleBindings, clusterRoleBindings\n' +
        'rbaclint: .rbaclint.yaml: context.roles[0]: must be namespace/name\n',
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the RBAC commands read the configuration (namespace, kubeVersion, context)', () => {
  const declared = path.join(DIR, 'declared');
  const web = ['--as', 'system:serviceaccount:shop:web', '-n', 'shop', '-f', 'app.yaml'];

  it("can-i and who-can see the configuration's context files and declared roles", async () => {
    const run = await cli(['can-i', 'get', 'secrets', ...web, '--explain'], declared);
    expect([run.code, run.stdout]).toEqual([
      0,
      'yes\nAllowed by:\n' +
        '  RoleBinding shop/web-reads-secrets (app.yaml:81)\n' +
        '    subject  ServiceAccount shop/web\n' +
        '    role     ClusterRole secret-reader (../dump.yaml:69)\n' +
        '    rule     get, list, watch secrets (../dump.yaml:74)\n',
    ]);
    // The declared ClusterRole vendor-reader exists (with rules unknown): no "not found".
    expect((await cli(['can-i', 'get', 'pods', ...web], declared)).stdout).toBe('no\n');
    // -c picks another file: without the context, both roles are missing.
    const without = await cli(['can-i', 'get', 'secrets', ...web, '-c', 'empty.yaml'], declared);
    expect([without.code, without.stdout]).toEqual([
      1,
      'no - RBAC: [clusterrole.rbac.authorization.k8s.io "vendor-reader" not found, clusterrole.rbac.authorization.k8s.io "secret-reader" not found]\n',
    ]);
    const who = await cli(['who-can', 'get', 'secrets', '-n', 'shop', '-f', 'app.yaml'], declared);
    expect(who.stdout).toContain('ServiceAccount shop/web      RoleBinding shop/web-reads-secrets (app.yaml:81)      ClusterRole secret-reader (../dump.yaml:69)\n');
  });

  it('namespace and kubeVersion apply unless the command line sets them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-query-config-'));
    writeFileSync(path.join(dir, '.rbaclint.yaml'), 'namespace: dev\nkubeVersion: "1.25"\n');
    writeFileSync(
      path.join(dir, 'rbac.yaml'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r}\n' +
        'subjects: [{kind: ServiceAccount, name: app}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n',
    );
    const args = ['can-i', 'list', 'pods', '--as', 'system:serviceaccount:dev:app', '-n', 'dev', '-f', 'rbac.yaml'];
    const run = await cli(args, dir);
    expect([run.code, run.stdout]).toEqual([0, 'yes\n']);
    expect(run.stderr).toContain('the built-in roles and bindings are the default policy of Kubernetes 1.34–1.35; a 1.25 cluster');
    const flags = await cli([...args, '--default-namespace', 'prod', '--kube-version', '1.35'], dir);
    expect([flags.code, flags.stdout, flags.stderr]).toEqual([1, 'no\n', '']);
    const perms = await cli(['permissions', 'system:serviceaccount:dev:app', '-f', 'rbac.yaml'], dir);
    expect(perms.stdout).toContain('RoleBinding dev/r');
    rmSync(dir, { recursive: true, force: true });
  });

  it('diff and graph read the context files too', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-query-config-'));
    writeFileSync(path.join(dir, '.rbaclint.yaml'), 'context:\n  files: [cluster.yaml]\n');
    writeFileSync(
      path.join(dir, 'cluster.yaml'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\nrules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]\n',
    );
    mkdirSync(path.join(dir, 'base'));
    mkdirSync(path.join(dir, 'head'));
    writeFileSync(path.join(dir, 'base/sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: dev}\n');
    writeFileSync(
      path.join(dir, 'head/rbac.yaml'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r, namespace: dev}\n' +
        'subjects: [{kind: ServiceAccount, name: app, namespace: dev}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n',
    );
    const diff = await cli(['diff', 'base', 'head', '--fail-on', 'dangerous'], dir);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('get secrets');
    expect((await cli(['diff', 'base', 'head', '--fail-on', 'dangerous', '-c', '/dev/null'], dir)).code).toBe(0);
    const graph = await cli(['graph', 'head'], dir);
    expect(graph.stdout).toContain('role_ClusterRole_secret_reader_dev --> perm_secrets_dev\n');
    expect((await cli(['graph', 'head', '-c', '/dev/null'], dir)).stdout).toContain('ClusterRole secret-reader (not found)');
    rmSync(dir, { recursive: true, force: true });
  });

  it('an invalid configuration is an error (exit 2), as for lint', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-query-config-'));
    writeFileSync(path.join(dir, '.rbaclint.yaml'), 'kubeVersion: "2.0"\n');
    for (const args of [['can-i', 'get', 'pods', '-f', '.'], ['who-can', 'get', 'pods', '-f', '.'], ['graph', '.']]) {
      const run = await cli(args, dir);
      expect([run.code, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toMatch(/^rbaclint: \.rbaclint\.yaml: kubeVersion: /);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a cluster dump as context', () => {
  it('can-i answers from a binding in the input and a role in the dump', async () => {
    const run = await cli(['can-i', 'get', 'secrets', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '--explain', '--context', DUMP, '-f', CHANGE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'yes\nAllowed by:\n' +
        `  RoleBinding shop/api-reads-secrets (${CHANGE}:4)\n` +
        '    subject  ServiceAccount shop/api\n' +
        `    role     ClusterRole secret-reader (${DUMP}:69)\n` +
        `    rule     get, list, watch secrets (${DUMP}:74)\n`,
    );
    // The input alone does not have the role.
    expect((await cli(['can-i', 'get', 'secrets', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '-f', CHANGE])).code).toBe(1);
  });

  it('who-can lists the dump\'s and the input\'s bindings; the input\'s binding replaces the dump\'s of the same name', async () => {
    const run = await cli(['who-can', 'get', 'secrets', '-n', 'shop', '--context', DUMP, '-f', CHANGE]);
    expect(run.stdout).toContain(`ServiceAccount shop/api  RoleBinding shop/api-reads-secrets (${CHANGE}:4)`);
    expect(run.stdout).toContain(`ClusterRoleBinding cluster-admin (${DUMP}:52)`);
    // The dump's RoleBinding shop/api-reads-config (to shop/old-api) is replaced by the change's.
    expect(run.stdout).not.toContain('old-api');
  });

  it("the dump's rbac-defaults objects replace the built-in roles: view is not in this dump", async () => {
    const withDump = await cli(['can-i', 'list', 'pods', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '--context', DUMP, '-f', CHANGE]);
    expect(withDump.stdout).toBe('no - RBAC: clusterrole.rbac.authorization.k8s.io "view" not found\n');
    const builtin = await cli(['can-i', 'list', 'pods', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '-f', CHANGE]);
    expect(builtin.stdout).toBe('yes\n');
    // Without rbac-defaults in the context, the built-in roles stay.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-context-'));
    writeFileSync(path.join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n');
    const plain = await cli(['can-i', 'list', 'pods', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '--context', path.join(dir, 'sa.yaml'), '-f', CHANGE]);
    expect(plain.stdout).toBe('yes\n');
    rmSync(dir, { recursive: true, force: true });
  });

  it('permissions and can-i accept the dump alone, without -f', async () => {
    const run = await cli(['can-i', 'get', 'secrets', '--as', 'system:serviceaccount:shop:old-api', '-n', 'shop', '--context', DUMP]);
    expect(run.stdout).toBe('yes\n');
    const perms = await cli(['permissions', 'system:serviceaccount:shop:old-api', '--context', DUMP]);
    expect(perms.code).toBe(0);
    expect(perms.stdout).toContain('secrets');
  });

  it('lint: no missing-service-account or missing-role-ref for objects of the dump; the dump gets no findings', async () => {
    const without = await cli([CHANGE, '--no-color']);
    expect(lines(without.stdout).map((l) => l.replace(/^(\S+ ).*\[(.*)\]$/, '$1$2'))).toEqual([`${CHANGE}:11:9: missing-role-ref`]);
    const run = await cli([CHANGE, '--no-color', '--context', DUMP]);
    // The change's binding to "view" dangles in a cluster whose dump has no "view".
    expect(lines(run.stdout).map((l) => l.replace(/^(\S+ ).*\[(.*)\]$/, '$1$2'))).toEqual([`${CHANGE}:26:9: missing-role-ref`]);
    expect(run.stdout).not.toContain(DUMP.split('/').pop()!.concat(':'));
  });

  it('warns when a context file is larger than the parser takes, instead of leaving it out silently', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-context-'));
    writeFileSync(path.join(dir, 'big.yaml'), 'a: 1\n'.repeat(500_001));
    const run = await cli([CHANGE, '--context', path.join(dir, 'big.yaml'), '-q']);
    expect(run.stderr).toContain('big.yaml has more than 500,000 line breaks and commas, the limit rbaclint parses, and is left out; split the dump');
    rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * A kubectl-style dump: `List` files of ServiceAccounts, Roles, RoleBindings per namespace plus
 * ClusterRoles and ClusterRoleBindings, each with the metadata kubectl prints (managedFields,
 * resourceVersion, uid, creationTimestamp).
 */
function writeDump(dir: string, objects: number, perFile: number): { files: number; bytes: number } {
  const meta = (name: string, namespace: string | undefined, i: number) =>
    `    creationTimestamp: "2026-01-05T10:00:00Z"\n` +
    `    managedFields:\n    - apiVersion: v1\n      fieldsType: FieldsV1\n      fieldsV1:\n        f:metadata: {}\n      manager: kubectl-client-side-apply\n      operation: Update\n      time: "2026-01-05T10:00:00Z"\n` +
    `    name: ${name}\n${namespace === undefined ? '' : `    namespace: ${namespace}\n`}    resourceVersion: "${1000 + i}"\n    uid: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}\n`;
  const items: string[] = [];
  for (let i = 0; items.length < objects; i++) {
    const ns = `team-${Math.floor(i / 2)}`;
    const name = `app-${i % 2}`;
    items.push(`- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n${meta(name, ns, i)}`);
    items.push(
      `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata:\n${meta(name, ns, i)}  rules:\n  - apiGroups:\n    - ""\n    resources:\n    - configmaps\n    verbs:\n    - get\n    - list\n`,
    );
    items.push(
      `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata:\n${meta(name, ns, i)}  roleRef:\n    apiGroup: rbac.authorization.k8s.io\n    kind: Role\n    name: ${name}\n  subjects:\n  - kind: ServiceAccount\n    name: ${name}\n    namespace: ${ns}\n`,
    );
    if (i % 10 === 0) {
      items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata:\n${meta(`reader-${i}`, undefined, i)}  rules:\n  - apiGroups:\n    - ""\n    resources:\n    - secrets\n    verbs:\n    - get\n`);
      items.push(
        `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata:\n${meta(`reader-${i}`, undefined, i)}  roleRef:\n    apiGroup: rbac.authorization.k8s.io\n    kind: ClusterRole\n    name: reader-${i}\n  subjects:\n  - kind: ServiceAccount\n    name: ${name}\n    namespace: ${ns}\n`,
      );
    }
  }
  items.length = objects;
  let bytes = 0;
  let files = 0;
  for (let start = 0; start < items.length; start += perFile, files++) {
    const text = `apiVersion: v1\nitems:\n${items.slice(start, start + perFile).join('')}kind: List\nmetadata:\n  resourceVersion: ""\n`;
    bytes += Buffer.byteLength(text);
    writeFileSync(path.join(dir, `dump-${String(files).padStart(3, '0')}.yaml`), text);
  }
  return { files, bytes };
}

describe('a dump of 50,000 objects', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-dump-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads as context for can-i, who-can and lint (timings printed, not asserted)', async () => {
    const dumpDir = path.join(dir, 'dump');
    mkdirSync(dumpDir);
    const { files, bytes } = writeDump(dumpDir, 50_000, 5_000);
    const change = path.join(dir, 'change.yaml');
    writeFileSync(
      change,
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: extra, namespace: team-7}\n' +
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader-10}\n' +
        'subjects: [{kind: ServiceAccount, name: app-0, namespace: team-7}]\n',
    );
    const time = async (args: string[]) => {
      const start = performance.now();
      const run = await cli(args);
      return { ...run, ms: performance.now() - start };
    };
    const canI = await time(['can-i', 'get', 'secrets', '--as', 'system:serviceaccount:team-7:app-0', '-n', 'team-7', '--context', dumpDir, '-f', change]);
    expect(canI.stderr).toBe('');
    expect(canI.stdout).toBe('yes\n');
    const whoCan = await time(['who-can', 'get', 'configmaps', '-n', 'team-7', '--context', dumpDir, '-f', change]);
    expect(whoCan.stdout).toContain('ServiceAccount team-7/app-0');
    const linted = await time([change, '--context', dumpDir, '--format', 'json']);
    expect(linted.stderr).toBe('');
    expect(JSON.parse(linted.stdout).summary).toMatchObject({ files: 1, objects: 1 });
    const mib = (bytes / 2 ** 20).toFixed(1);
    console.log(
      `50,000-object dump (${files} List files, ${mib} MiB): can-i ${canI.ms.toFixed(0)} ms, who-can ${whoCan.ms.toFixed(0)} ms, lint ${linted.ms.toFixed(0)} ms (in-process, each loading and parsing the dump)`,
    );
    // The same objects through the library: only the input gets findings.
    const result = lint([{ path: 'change.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: team-1}\n' }]);
    expect(result.summary.objects).toBe(1);
  }, 300_000);
});
