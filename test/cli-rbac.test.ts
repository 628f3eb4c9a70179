/**
 * The RBAC query commands of the built binary: `can-i` (kubectl auth can-i), `who-can`
 * (kubectl who-can) and `permissions`, with exact stdout, stderr where it matters, and exit codes.
 * Fixtures: fixtures/inputs/rbac/ (seed/ = the seed scenario; access.yaml = users, groups,
 * resourceNames, subresources, URLs, cluster-scoped resources, a CRD; who-can.yaml = bindings and
 * workloads for who-can).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The `bin` of package.json; test/global-setup.ts builds it when missing or stale. */
const BIN = path.join(root, 'dist/src/cli/main.js');

const SEED = 'fixtures/inputs/rbac/seed';
const ACCESS = 'fixtures/inputs/rbac/access.yaml';
const WHO = 'fixtures/inputs/rbac/who-can.yaml';
const INSPECTOR = 'system:serviceaccount:dev:pod-inspector';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI from the project root, without colour. Asynchronous, so that the tests of a
 * file run concurrently (each spawn costs about half a second of node start-up).
 */
function rbaclint(args: readonly string[], input = ''): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: child.exitCode, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** The answer of a can-i run: stdout and exit code. */
async function canI(...args: string[]): Promise<[string, number | null]> {
  const run = await rbaclint(['can-i', ...args]);
  return [run.stdout, run.status];
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: the global setup should have built it (npm run build)`);
});

describe.concurrent('can-i: the seed scenario', () => {
  it('a Role through a RoleBinding: list pods yes, delete pods no', async ({ expect }) => {
    expect(await canI('list', 'pods', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toEqual(['yes\n', 0]);
    expect(await canI('delete', 'pods', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toEqual(['no\n', 1]);
    expect(await canI('list', 'pods', '--as', INSPECTOR, '-n', 'maintenance', '-f', SEED)).toEqual(['no\n', 1]);
  });

  it('a RoleBinding in maintenance with the SA (namespace dev) as subject grants only in maintenance', async ({ expect }) => {
    expect(await canI('list', 'jobs', '--as', INSPECTOR, '-n', 'maintenance', '-f', SEED)).toEqual(['yes\n', 0]);
    expect(await canI('list', 'jobs.batch', '--as', INSPECTOR, '-n', 'maintenance', '-f', SEED)).toEqual(['yes\n', 0]);
    expect(await canI('list', 'jobs', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toEqual(['no\n', 1]);
  });

  it('--as=x and --namespace=x forms, -n=x like pflag', async ({ expect }) => {
    expect(await canI('list', 'pods', `--as=${INSPECTOR}`, '--namespace=dev', `--filename=${SEED}`)).toEqual(['yes\n', 0]);
    expect(await canI('list', 'pods', `--as=${INSPECTOR}`, '-n=dev', '-f', SEED)).toEqual(['yes\n', 0]);
  });

  it('-A asks across all namespaces: only ClusterRoleBindings count', async ({ expect }) => {
    expect(await canI('list', 'jobs', '--as', INSPECTOR, '-A', '-f', SEED)).toEqual(['no\n', 1]);
    expect(await canI('create', 'selfsubjectrulesreviews', '--as', INSPECTOR, '--all-namespaces', '-f', SEED)).toEqual(['yes\n', 0]);
  });

  it('-f takes several paths, repeats, and - for stdin', async ({ expect }) => {
    const yaml = readFileSync(path.join(root, SEED, 'rbac.yaml'), 'utf8');
    const run = await rbaclint(['can-i', 'list', 'pods', '--as', INSPECTOR, '-n', 'dev', '-f', '-'], yaml);
    expect([run.stdout, run.status]).toEqual(['yes\n', 0]);
    expect(await canI('get', 'secrets/app-config', '--as', 'alice', '-n', 'dev', '-f', SEED, ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('get', 'secrets/app-config', '--as', 'alice', '-n', 'dev', '-f', SEED, '-f', ACCESS)).toEqual(['yes\n', 0]);
  });
});

describe.concurrent('can-i: RBAC semantics', () => {
  it('built-in system:basic-user lets every authenticated user create access reviews', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io', '--as', 'alice', '-f', SEED]);
    expect([run.stdout, run.status]).toEqual(['yes\n', 0]);
    // Cluster-scoped: kubectl's warning, and only ClusterRoleBindings are consulted.
    expect(run.stderr).toBe("Warning: resource 'selfsubjectaccessreviews' is not namespace scoped in group 'authorization.k8s.io'\n");
    expect(await canI('create', 'selfsubjectaccessreviews', '--as', 'system:anonymous', '-f', SEED)).toEqual(['no\n', 1]);
  });

  it('group subjects: --as-group adds groups', async ({ expect }) => {
    expect(await canI('create', 'pods', '--subresource', 'exec', '--as', 'bob', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
    expect(await canI('create', 'pods', '--subresource', 'exec', '--as', 'bob', '--as-group', 'oncall', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('create', 'pods', '--subresource=exec', '--as=bob', '--as-group=dev', '--as-group=oncall', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
  });

  it('resourceNames: get secrets/app-config yes, another name or list no', async ({ expect }) => {
    expect(await canI('get', 'secrets/app-config', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('get', 'secrets/other', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
    expect(await canI('get', 'secrets', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
    expect(await canI('list', 'secrets', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('subresources: a rule on pods does not give pods/exec', async ({ expect }) => {
    expect(await canI('create', 'pods', '--as', 'bob', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('create', 'pods', '--subresource', 'exec', '--as', 'bob', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('non-resource URLs: /healthz for any authenticated user, /metrics only when granted', async ({ expect }) => {
    expect(await canI('get', '/healthz', '--as', 'bob', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('get', '/healthz', '--as', 'system:anonymous', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('get', '/apis', '--as', 'system:anonymous', '-f', ACCESS)).toEqual(['no\n', 1]);
    expect(await canI('get', '/metrics', '--as', 'bob', '-f', ACCESS)).toEqual(['no\n', 1]);
    expect(await canI('get', '/metrics', '--as', 'bob', '--as-group', 'monitoring', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('post', '/metrics', '--as', 'bob', '--as-group', 'monitoring', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('a RoleBinding to a ClusterRole with cluster-scoped nodes does not grant get nodes', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'get', 'nodes', '--as', 'alice', '-n', 'dev', '-f', ACCESS]);
    expect([run.stdout, run.status]).toEqual(['no\n', 1]);
    expect(run.stderr).toBe("Warning: resource 'nodes' is not namespace scoped\n");
    expect(await canI('get', 'nodes', '--as', 'alice', '-A', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('namespaces/X is in namespace X: a RoleBinding there can grant it', async ({ expect }) => {
    expect(await canI('get', 'namespaces/dev', '--as', 'bob', '--as-group', 'system:masters', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('get', 'namespaces/dev', '--as', 'bob', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('types resolve like kubectl: short names, singular, kind, CRDs of the input', async ({ expect }) => {
    expect(await canI('list', 'po', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toEqual(['yes\n', 0]);
    expect(await canI('get', 'Pod/web', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toEqual(['yes\n', 0]);
    expect(await canI('list', 'widgets', '--as', 'carol', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('update', 'wdg/one', '--as', 'carol', '-n', 'dev', '-f', ACCESS)).toEqual(['yes\n', 0]);
    expect(await canI('delete', 'widget.example.com', '--as', 'carol', '-n', 'dev', '-f', ACCESS)).toEqual(['no\n', 1]);
  });

  it('an unknown resource type gets kubectl\'s warning and is checked as typed', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'list', 'foos', '--as', 'bob', '-n', 'dev', '-f', ACCESS]);
    expect([run.stdout, run.status, run.stderr]).toEqual(['no\n', 1, "Warning: the server doesn't have a resource type 'foos'\n"]);
    const grouped = await rbaclint(['can-i', 'list', 'foos.apps', '--as', 'bob', '-n', 'dev', '-f', ACCESS]);
    expect(grouped.stderr).toBe("Warning: the server doesn't have a resource type 'foos' in group 'apps'\n");
    const verb = await rbaclint(['can-i', 'GET', 'pods', '--as', 'bob', '-n', 'dev', '-f', ACCESS]);
    expect([verb.stdout, verb.status, verb.stderr]).toEqual(['no\n', 1, "Warning: verb 'GET' is not a known verb\n"]);
  });

  it('-q answers with the exit code only', async ({ expect }) => {
    expect(await canI('list', 'pods', '--as', INSPECTOR, '-n', 'dev', '-q', '-f', SEED)).toEqual(['', 0]);
    expect(await canI('delete', 'pods', '--as', INSPECTOR, '-n', 'dev', '--quiet', '-f', SEED)).toEqual(['', 1]);
  });

  it('a dangling roleRef is the denial reason, as kube-apiserver gives it', async ({ expect }) => {
    const yaml = [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: { name: dangling, namespace: dev }',
      'subjects: [{ kind: User, name: dave, apiGroup: rbac.authorization.k8s.io }]',
      'roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing }',
    ].join('\n');
    const run = await rbaclint(['can-i', 'get', 'pods', '--as', 'dave', '-n', 'dev', '-f', '-'], yaml);
    expect([run.stdout, run.status]).toEqual(['no - RBAC: role.rbac.authorization.k8s.io "missing" not found\n', 1]);
  });
});

describe.concurrent('can-i --explain', () => {
  it('yes: the binding, subject, role and rule, with file:line', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'list', 'jobs', '--as', INSPECTOR, '-n', 'maintenance', '--explain', '-f', SEED]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'yes',
        'Allowed by:',
        '  RoleBinding maintenance/pod-inspector-runs-jobs (fixtures/inputs/rbac/seed/rbac.yaml:42)',
        '    subject  ServiceAccount dev/pod-inspector',
        '    role     ClusterRole job-runner (fixtures/inputs/rbac/seed/rbac.yaml:33)',
        '    rule     get, list, create jobs.batch (fixtures/inputs/rbac/seed/rbac.yaml:37)',
        '',
      ].join('\n'),
    );
  });

  it('yes through built-in bindings', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'get', '/healthz', '--as', 'bob', '--explain', '-f', ACCESS]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'yes',
        'Allowed by:',
        '  ClusterRoleBinding system:discovery (built-in)',
        '    subject  Group system:authenticated',
        '    role     ClusterRole system:discovery (built-in)',
        '    rule     get /api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/ (built-in)',
        '  ClusterRoleBinding system:public-info-viewer (built-in)',
        '    subject  Group system:authenticated',
        '    role     ClusterRole system:public-info-viewer (built-in)',
        '    rule     get /healthz, /livez, /readyz, /version, /version/ (built-in)',
        '',
      ].join('\n'),
    );
  });

  it('no: a RoleBinding in another namespace would grant it', async ({ expect }) => {
    const run = await rbaclint(['can-i', 'list', 'jobs', '--as', INSPECTOR, '-n', 'dev', '--explain', '-f', SEED]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        'no',
        'Why not:',
        '  - RoleBinding maintenance/pod-inspector-runs-jobs (fixtures/inputs/rbac/seed/rbac.yaml:42) allows it in namespace maintenance (-n maintenance): a RoleBinding grants only in its own namespace',
        '',
      ].join('\n'),
    );
  });

  it('no: the verb, the subresource, the names, the scope', async ({ expect }) => {
    const hint = async (...args: string[]): Promise<string> => (await rbaclint(['can-i', ...args, '--explain'])).stdout.split('\n').slice(2).join('\n');
    expect(await hint('delete', 'pods', '--as', INSPECTOR, '-n', 'dev', '-f', SEED)).toBe(
      '  - RoleBinding dev/pod-inspector-reads-pods (fixtures/inputs/rbac/seed/rbac.yaml:20) -> Role dev/pod-reader (fixtures/inputs/rbac/seed/rbac.yaml:10) allows get, list, watch pods, not delete\n',
    );
    expect(await hint('create', 'pods', '--subresource', 'exec', '--as', 'bob', '-n', 'dev', '-f', ACCESS)).toBe(
      '  - RoleBinding dev/bob-views-pods (fixtures/inputs/rbac/access.yaml:65) -> Role dev/pod-viewer (fixtures/inputs/rbac/access.yaml:55) allows create pods but not pods/exec: a rule on "pods" does not cover its subresources; list "pods/exec"\n',
    );
    expect(await hint('get', 'secrets/other', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toBe(
      '  - RoleBinding dev/alice-reads-app-config (fixtures/inputs/rbac/access.yaml:14) -> Role dev/app-config-reader (fixtures/inputs/rbac/access.yaml:3) allows it only for the names app-config, not "other"\n',
    );
    expect(await hint('get', 'secrets', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toBe(
      '  - RoleBinding dev/alice-reads-app-config (fixtures/inputs/rbac/access.yaml:14) -> Role dev/app-config-reader (fixtures/inputs/rbac/access.yaml:3) allows it only for the names app-config: resourceNames never allow a request without a name (list, watch, create, deletecollection)\n',
    );
    expect(await hint('get', 'nodes', '--as', 'alice', '-n', 'dev', '-f', ACCESS)).toBe(
      '  - RoleBinding dev/alice-reads-nodes (fixtures/inputs/rbac/access.yaml:89) refers to ClusterRole node-reader, whose rules cover it, but nodes is cluster-scoped: a RoleBinding never grants that; it takes a ClusterRoleBinding\n',
    );
    expect(await hint('list', 'jobs', '--as', INSPECTOR, '-A', '-f', SEED)).toBe(
      '  - with -A only ClusterRoleBindings count; RoleBinding maintenance/pod-inspector-runs-jobs (fixtures/inputs/rbac/seed/rbac.yaml:42) allows it in namespace maintenance (-n maintenance): a RoleBinding grants only in its own namespace\n',
    );
    expect(await hint('get', '/metrics', '--as', 'bob', '-f', ACCESS)).toBe(
      '  - the one input binding that applies to User bob (RoleBinding dev/bob-views-pods) does not grant it; non-resource URLs are granted only through ClusterRoleBindings\n',
    );
    expect(await hint('list', 'pods', '--as', 'system:serviceaccount:dev:pod-inspectr', '-n', 'dev', '-f', SEED)).toBe(
      '  - ServiceAccount dev/pod-inspectr is not defined in the input: check the name and namespace\n',
    );
  });
});

describe.concurrent('can-i --list', () => {
  it('prints the rules of the identity in the namespace as kubectl does', async ({ expect }) => {
    const run = await rbaclint(['can-i', '--list', '--as', INSPECTOR, '-n', 'dev', '-f', SEED]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'Resources                                       Non-Resource URLs                      Resource Names   Verbs',
        'selfsubjectreviews.authentication.k8s.io        []                                     []               [create]',
        'selfsubjectaccessreviews.authorization.k8s.io   []                                     []               [create]',
        'selfsubjectrulesreviews.authorization.k8s.io    []                                     []               [create]',
        'pods                                            []                                     []               [get list watch]',
        '                                                [/.well-known/openid-configuration/]   []               [get]',
        '                                                [/.well-known/openid-configuration]    []               [get]',
        '                                                [/api/*]                               []               [get]',
        '                                                [/api]                                 []               [get]',
        '                                                [/apis/*]                              []               [get]',
        '                                                [/apis]                                []               [get]',
        '                                                [/healthz]                             []               [get]',
        '                                                [/healthz]                             []               [get]',
        '                                                [/livez]                               []               [get]',
        '                                                [/livez]                               []               [get]',
        '                                                [/openapi/*]                           []               [get]',
        '                                                [/openapi]                             []               [get]',
        '                                                [/openid/v1/jwks/]                     []               [get]',
        '                                                [/openid/v1/jwks]                      []               [get]',
        '                                                [/readyz]                              []               [get]',
        '                                                [/readyz]                              []               [get]',
        '                                                [/version/]                            []               [get]',
        '                                                [/version/]                            []               [get]',
        '                                                [/version]                             []               [get]',
        '                                                [/version]                             []               [get]',
        '',
      ].join('\n'),
    );
  });

  it('lists the rules of a RoleBinding\'s ClusterRole verbatim, resourceNames too; --no-headers', async ({ expect }) => {
    const run = await rbaclint(['can-i', '--list', '--no-headers', '--as', 'alice', '-n', 'dev', '-f', ACCESS]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('selfsubjectreviews.authentication.k8s.io        []             []             [create]');
    expect(lines[3]).toBe('nodes                                           []             []             [get list watch]');
    expect(lines.at(-2)).toBe('secrets                                         []             [app-config]   [get]');
  });

  it('system:masters: cluster-admin first', async ({ expect }) => {
    const run = await rbaclint(['can-i', '--list', '--as', 'root', '--as-group', 'system:masters', '-f', SEED]);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      'Resources                                       Non-Resource URLs   Resource Names   Verbs',
      '*.*                                             []                  []               [*]',
      '                                                [*]                 []               [*]',
    ]);
  });
});

describe.concurrent('can-i: usage errors exit 2', () => {
  const usage = async (...args: string[]): Promise<[string, number | null]> => {
    const run = await rbaclint(['can-i', ...args]);
    return [run.stdout === '' ? run.stderr : `unexpected stdout: ${run.stdout}`, run.status];
  };

  it('needs --as: there is no current user offline', async ({ expect }) => {
    expect(await usage('list', 'pods', '-f', SEED)).toEqual([
      'rbaclint can-i: --as <user> is required: rbaclint works offline, so there is no current user to check.\n' +
        'Use --as system:serviceaccount:<namespace>:<name> for a ServiceAccount, or --as <user> [--as-group <group>]… for a user\n',
      2,
    ]);
  });

  it('needs two arguments, manifests, and readable input', async ({ expect }) => {
    expect(await usage('list', '--as', 'x', '-f', SEED)).toEqual([
      "rbaclint can-i: you must specify two arguments: verb resource or verb resource/resourceName\nSee 'rbaclint can-i --help' for help and examples.\n",
      2,
    ]);
    expect((await usage('-f', `${SEED}/rbac.yaml`, 'list', 'pods', '--as', 'x'))[0]).toContain(
      '-f takes every argument up to the next option: put it last, or end its list with --',
    );
    expect(await usage('list', 'pods', '--as', 'x')).toEqual([
      'rbaclint can-i: no manifests given; add -f <paths…> (files, directories, globs, or - for stdin): rbaclint answers from manifests, not from a cluster\n',
      2,
    ]);
    expect(await usage('list', 'pods', '--as', 'x', '-f', 'fixtures/inputs/rbac/missing.yaml')).toEqual([
      'rbaclint: warning: Cannot read "fixtures/inputs/rbac/missing.yaml": no such file or directory; check the path for typing mistakes\n' +
        'rbaclint can-i: nothing could be read from "fixtures/inputs/rbac/missing.yaml"\n',
      2,
    ]);
  });

  it('rejects what kubectl rejects', async ({ expect }) => {
    expect(await usage('get', '/healthz', '--subresource', 'x', '--as', 'x', '-f', SEED)).toEqual([
      'rbaclint can-i: --subresource can not be used with NONRESOURCEURL\n',
      2,
    ]);
    expect((await usage('--list', '-A', '--as', 'x', '-f', SEED))[1]).toBe(2);
    expect((await usage('--list', 'pods', '--as', 'x', '-f', SEED))[1]).toBe(2);
    expect(await usage('get', 'pods', '--no-headers', '--as', 'x', '-f', SEED)).toEqual([
      'rbaclint can-i: --no-headers cannot be set without --list specified\n',
      2,
    ]);
  });
});

describe.concurrent('can-i: broken input is a warning, the answer comes from what parsed', () => {
  it('a YAML syntax error in one document', async ({ expect }) => {
    const yaml = `${readFileSync(path.join(root, SEED, 'rbac.yaml'), 'utf8')}\n---\nkind: [\n`;
    const run = await rbaclint(['can-i', 'list', 'pods', '--as', INSPECTOR, '-n', 'dev', '-f', '-', 'fixtures/inputs/rbac/missing.yaml'], yaml);
    expect([run.stdout, run.status]).toEqual(['yes\n', 0]);
    expect(run.stderr).toMatch(/^rbaclint: warning: Cannot read "fixtures\/inputs\/rbac\/missing.yaml": no such file or directory; check the path for typing mistakes\n/);
    expect(run.stderr).toMatch(/rbaclint: warning: <stdin>:\d+:\d+: YAML syntax error: .* \(the rest is still used\)\n$/);
  });
});

describe.concurrent('who-can', () => {
  it('-n: system:masters, ClusterRoleBindings (built-in and input), RoleBindings of the namespace, workloads', async ({ expect }) => {
    const run = await rbaclint(['who-can', 'get', 'secrets', '-n', 'dev', '-f', WHO]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(
      [
        'SUBJECT                                               BINDING                                                                          ROLE',
        'Group system:masters                                  (privileged group, allowed before RBAC is consulted)                             -',
        'Group system:masters                                  ClusterRoleBinding cluster-admin (built-in)                                      ClusterRole cluster-admin (built-in)',
        'User system:kube-controller-manager                   ClusterRoleBinding system:kube-controller-manager (built-in)                     ClusterRole system:kube-controller-manager (built-in)',
        'ServiceAccount kube-system/generic-garbage-collector  ClusterRoleBinding system:controller:generic-garbage-collector (built-in)        ClusterRole system:controller:generic-garbage-collector (built-in)',
        'ServiceAccount kube-system/namespace-controller       ClusterRoleBinding system:controller:namespace-controller (built-in)             ClusterRole system:controller:namespace-controller (built-in)',
        'Group auditors                                        ClusterRoleBinding auditors-read-secrets (fixtures/inputs/rbac/who-can.yaml:13)  ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        'ServiceAccount security/vault-sync                    ClusterRoleBinding auditors-read-secrets (fixtures/inputs/rbac/who-can.yaml:13)  ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        'ServiceAccount dev/api                                RoleBinding dev/api-reads-secrets (fixtures/inputs/rbac/who-can.yaml:29)         ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        '',
        'WORKLOAD                         LOCATION                              SERVICE ACCOUNT      TOKEN  ALLOWED AS',
        'Deployment dev/api               fixtures/inputs/rbac/who-can.yaml:62  dev/api              yes    ServiceAccount dev/api',
        'StatefulSet security/vault-sync  fixtures/inputs/rbac/who-can.yaml:79  security/vault-sync  no     ServiceAccount security/vault-sync',
        '',
      ].join('\n'),
    );
  });

  it('-A: the RoleBindings of every namespace too; groups of ServiceAccounts reach workloads', async ({ expect }) => {
    const run = await rbaclint(['who-can', 'get', 'secrets', '-A', '--no-builtins', '-f', WHO]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'SUBJECT                             BINDING                                                                          ROLE',
        'Group auditors                      ClusterRoleBinding auditors-read-secrets (fixtures/inputs/rbac/who-can.yaml:13)  ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        'ServiceAccount security/vault-sync  ClusterRoleBinding auditors-read-secrets (fixtures/inputs/rbac/who-can.yaml:13)  ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        'ServiceAccount dev/api              RoleBinding dev/api-reads-secrets (fixtures/inputs/rbac/who-can.yaml:29)         ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        'Group system:serviceaccounts:ci     RoleBinding staging/ci-reads-secrets (fixtures/inputs/rbac/who-can.yaml:42)      ClusterRole secret-reader (fixtures/inputs/rbac/who-can.yaml:4)',
        '',
        'WORKLOAD                         LOCATION                              SERVICE ACCOUNT      TOKEN  ALLOWED AS',
        'Deployment dev/api               fixtures/inputs/rbac/who-can.yaml:62  dev/api              yes    ServiceAccount dev/api',
        'StatefulSet security/vault-sync  fixtures/inputs/rbac/who-can.yaml:79  security/vault-sync  no     ServiceAccount security/vault-sync',
        'CronJob ci/nightly-build         fixtures/inputs/rbac/who-can.yaml:98  ci/default           yes    Group system:serviceaccounts:ci',
        '',
      ].join('\n'),
    );
  });

  it('-n other: only ClusterRoleBindings; nothing at all for a cluster-scoped resource through RoleBindings', async ({ expect }) => {
    const run = await rbaclint(['who-can', 'get', 'secrets', '-n', 'prod', '--no-builtins', '-f', WHO]);
    expect(run.stdout.split('\n').map((l) => l.split('  ')[0])).toEqual([
      'SUBJECT',
      'Group auditors',
      'ServiceAccount security/vault-sync',
      '',
      'WORKLOAD',
      'StatefulSet security/vault-sync',
      '',
    ]);
    const nodes = await rbaclint(['who-can', 'list', 'nodes', '-n', 'dev', '--no-builtins', '-f', ACCESS]);
    expect([nodes.stdout, nodes.stderr, nodes.status]).toEqual(['No subject may list nodes.\n', "Warning: resource 'nodes' is not namespace scoped\n", 0]);
    const named = await rbaclint(['who-can', 'get', 'secrets/app-config', '-n', 'dev', '--no-builtins', '-f', ACCESS]);
    expect(named.stdout).toBe(
      'SUBJECT     BINDING                                                                       ROLE\n' +
        'User alice  RoleBinding dev/alice-reads-app-config (fixtures/inputs/rbac/access.yaml:14)  Role dev/app-config-reader (fixtures/inputs/rbac/access.yaml:3)\n' +
        '\nNo workload of the input runs as one of these subjects.\n',
    );
  });

  it('--format json (and kubectl who-can\'s -o json)', async ({ expect }) => {
    const run = await rbaclint(['who-can', 'get', 'secrets', '-n', 'staging', '--no-builtins', '--format', 'json', '-f', WHO]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    const secretReader = { kind: 'ClusterRole', name: 'secret-reader', builtin: false, file: WHO, line: 4 };
    const auditors = { kind: 'ClusterRoleBinding', name: 'auditors-read-secrets', builtin: false, file: WHO, line: 13 };
    expect(report).toEqual({
      version: 1,
      request: { verb: 'get', apiGroup: '', resource: 'secrets', subresource: '', name: '', namespace: 'staging', scope: 'namespace' },
      subjects: [
        { kind: 'Group', name: 'auditors', via: 'binding', binding: auditors, role: secretReader },
        { kind: 'ServiceAccount', namespace: 'security', name: 'vault-sync', via: 'binding', binding: auditors, role: secretReader },
        {
          kind: 'Group',
          name: 'system:serviceaccounts:ci',
          via: 'binding',
          binding: { kind: 'RoleBinding', namespace: 'staging', name: 'ci-reads-secrets', builtin: false, file: WHO, line: 42 },
          role: secretReader,
        },
      ],
      workloads: [
        {
          kind: 'StatefulSet', namespace: 'security', name: 'vault-sync', file: WHO, line: 79, serviceAccount: 'vault-sync', token: false,
          allowedAs: [{ kind: 'ServiceAccount', namespace: 'security', name: 'vault-sync' }],
        },
        {
          kind: 'CronJob', namespace: 'ci', name: 'nightly-build', file: WHO, line: 98, serviceAccount: 'default', token: true,
          allowedAs: [{ kind: 'Group', name: 'system:serviceaccounts:ci' }],
        },
      ],
    });
    expect((await rbaclint(['who-can', 'get', 'secrets', '-n', 'staging', '--no-builtins', '-o', 'json', '-f', WHO])).stdout).toBe(run.stdout);
  });
});

describe.concurrent('permissions', () => {
  const SEED_RULES = [
    '  username  system:serviceaccount:dev:pod-inspector',
    '  groups    system:serviceaccounts, system:serviceaccounts:dev, system:authenticated',
    '',
    'Cluster-wide, through ClusterRoleBindings (every namespace, cluster-scoped resources, non-resource URLs):',
    '  ClusterRoleBinding system:basic-user (built-in) as Group system:authenticated -> ClusterRole system:basic-user (built-in)',
    '    create selfsubjectaccessreviews.authorization.k8s.io, selfsubjectrulesreviews.authorization.k8s.io',
    '    create selfsubjectreviews.authentication.k8s.io',
    '  ClusterRoleBinding system:discovery (built-in) as Group system:authenticated -> ClusterRole system:discovery (built-in)',
    '    get /api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/',
    '  ClusterRoleBinding system:public-info-viewer (built-in) as Group system:authenticated -> ClusterRole system:public-info-viewer (built-in)',
    '    get /healthz, /livez, /readyz, /version, /version/',
    '  ClusterRoleBinding system:service-account-issuer-discovery (built-in) as Group system:serviceaccounts -> ClusterRole system:service-account-issuer-discovery (built-in)',
    '    get /.well-known/openid-configuration, /.well-known/openid-configuration/, /openid/v1/jwks, /openid/v1/jwks/',
    '',
    'In namespace dev only, through RoleBindings:',
    '  RoleBinding dev/pod-inspector-reads-pods (fixtures/inputs/rbac/seed/rbac.yaml:20) -> Role dev/pod-reader (fixtures/inputs/rbac/seed/rbac.yaml:10)',
    '    get, list, watch pods',
    '',
    'In namespace maintenance only, through RoleBindings:',
    '  RoleBinding maintenance/pod-inspector-runs-jobs (fixtures/inputs/rbac/seed/rbac.yaml:42) -> ClusterRole job-runner (fixtures/inputs/rbac/seed/rbac.yaml:33)',
    '    get, list, create jobs.batch',
    '',
  ];

  it('the seed ServiceAccount', async ({ expect }) => {
    const run = await rbaclint(['permissions', INSPECTOR, '-f', SEED]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(['ServiceAccount dev/pod-inspector', ...SEED_RULES].join('\n'));
  });

  it('Deployment/dev/inspector: the ServiceAccount its pods run as', async ({ expect }) => {
    const header = 'Deployment dev/inspector (fixtures/inputs/rbac/seed/workloads.yaml:2) runs as ServiceAccount dev/pod-inspector; its pods get an API token';
    const run = await rbaclint(['permissions', 'Deployment/dev/inspector', '-f', SEED]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe([header, ...SEED_RULES].join('\n'));
    expect((await rbaclint(['permissions', 'deploy/inspector', '-n', 'dev', '-f', SEED])).stdout).toBe(run.stdout);
  });

  it('a RoleBinding to a ClusterRole: its cluster-scoped resources are marked as not granted', async ({ expect }) => {
    const run = await rbaclint(['permissions', 'User:alice', '-f', ACCESS]);
    expect(run.stdout.split('\n').slice(-6)).toEqual([
      'In namespace dev only, through RoleBindings:',
      '  RoleBinding dev/alice-reads-app-config (fixtures/inputs/rbac/access.yaml:14) -> Role dev/app-config-reader (fixtures/inputs/rbac/access.yaml:3)',
      '    get secrets named app-config',
      '  RoleBinding dev/alice-reads-nodes (fixtures/inputs/rbac/access.yaml:89) -> ClusterRole node-reader (fixtures/inputs/rbac/access.yaml:79)',
      '    get, list, watch nodes  [nodes is cluster-scoped: not granted through a RoleBinding]',
      '',
    ]);
  });

  it('Group:<name>: what the group\'s bindings grant', async ({ expect }) => {
    const run = await rbaclint(['permissions', 'Group:oncall', '-f', ACCESS]);
    expect(run.stdout).toBe(
      [
        'Group oncall',
        '',
        'Cluster-wide, through ClusterRoleBindings (every namespace, cluster-scoped resources, non-resource URLs):',
        '  (none)',
        '',
        'In namespace dev only, through RoleBindings:',
        '  RoleBinding dev/oncall-debugs-pods (fixtures/inputs/rbac/access.yaml:41) -> Role dev/pod-debugger (fixtures/inputs/rbac/access.yaml:28)',
        '    get, list, create pods',
        '    create pods/exec',
        '',
      ].join('\n'),
    );
  });

  it('--format json', async ({ expect }) => {
    const run = await rbaclint(['permissions', 'Deployment/dev/inspector', '--format', 'json', '-f', SEED]);
    const report = JSON.parse(run.stdout) as { identity: unknown; workload: unknown; clusterWide: unknown[]; namespaces: unknown[] };
    expect(report.identity).toEqual({
      kind: 'ServiceAccount',
      namespace: 'dev',
      name: 'pod-inspector',
      username: INSPECTOR,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
      definedInInput: true,
    });
    expect(report.workload).toEqual({
      kind: 'Deployment', namespace: 'dev', name: 'inspector', file: 'fixtures/inputs/rbac/seed/workloads.yaml', line: 2, automountedToken: true,
    });
    expect(report.clusterWide).toHaveLength(4);
    expect(report.namespaces).toEqual([
      {
        namespace: 'dev',
        bindings: [
          {
            binding: { kind: 'RoleBinding', namespace: 'dev', name: 'pod-inspector-reads-pods', builtin: false, file: 'fixtures/inputs/rbac/seed/rbac.yaml', line: 20 },
            subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'pod-inspector' },
            role: { kind: 'Role', namespace: 'dev', name: 'pod-reader', builtin: false, file: 'fixtures/inputs/rbac/seed/rbac.yaml', line: 10 },
            rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'], location: 'fixtures/inputs/rbac/seed/rbac.yaml:15' }],
          },
        ],
      },
      {
        namespace: 'maintenance',
        bindings: [
          {
            binding: { kind: 'RoleBinding', namespace: 'maintenance', name: 'pod-inspector-runs-jobs', builtin: false, file: 'fixtures/inputs/rbac/seed/rbac.yaml', line: 42 },
            subject: { kind: 'ServiceAccount', namespace: 'dev', name: 'pod-inspector' },
            role: { kind: 'ClusterRole', name: 'job-runner', builtin: false, file: 'fixtures/inputs/rbac/seed/rbac.yaml', line: 33 },
            rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'create'], location: 'fixtures/inputs/rbac/seed/rbac.yaml:37' }],
          },
        ],
      },
    ]);
  });

  it('usage errors exit 2', async ({ expect }) => {
    const missing = await rbaclint(['permissions', 'Deployment/dev/nope', '-f', SEED]);
    expect([missing.stderr, missing.status]).toEqual(['rbaclint permissions: Deployment dev/nope is not in the input\n', 2]);
    const notWorkload = await rbaclint(['permissions', 'configmaps/dev/x', '-f', SEED]);
    expect(notWorkload.status).toBe(2);
    expect(notWorkload.stderr).toMatch(/^rbaclint permissions: ConfigMap is not a workload kind/);
    expect((await rbaclint(['permissions', '-f', SEED])).status).toBe(2);
  });
});

describe.concurrent('--help', () => {
  it.for(['can-i', 'who-can', 'permissions'])('%s --help explains and has examples', async (command, { expect }) => {
    const run = await rbaclint([command, '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Usage: rbaclint ${command} `);
    expect(run.stdout).toContain('Examples:\n');
    expect(run.stdout).toContain('-f, --filename <paths...>');
  });

  it('rbaclint --help lists the commands', async ({ expect }) => {
    const run = await rbaclint(['--help']);
    expect(run.stdout).toMatch(/\n {2}can-i \[options\] /);
    expect(run.stdout).toMatch(/\n {2}who-can \[options\] /);
    expect(run.stdout).toMatch(/\n {2}permissions \[options\] /);
  });
});
