/**
 * Cluster dumps as context (issue #6): `kubectl get serviceaccounts,roles,rolebindings,clusterroles,
 * clusterrolebindings -A -o yaml` (or `-o json`) writes one `kind: List` file; a dump of 50,000
 * objects (21 MiB of YAML, 45 MiB of JSON, a million lines) is over the limits of a full parse, and
 * is read by the parser's value path (src/parse/fast.ts): no warning, the same answers as the same
 * objects split into files, positions as a full parse gives them, and a malformed dump is reported
 * at its file:line. The dumps are generated (scripts/generate-manifests.mjs).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SEPARATORS, parseSource } from '../src/parse/parse.js';
import { dumpObjects, generateDumpJson, generateDumpYaml, listJson, listYaml } from '../scripts/generate-manifests.mjs';
import { runInProcess } from './helpers/run-cli.js';

const cli = (args: string[], cwd: string) => runInProcess(args, { cwd });

/** The 50,000 objects of the dump, generated once for all tests. */
let objects50k: Record<string, unknown>[] | undefined;
const dump50k = () => (objects50k ??= dumpObjects(50_000) as Record<string, unknown>[]);

/**
 * The queries asked of every shape of the dump (each run loads the whole dump): can-i allowed
 * through a Role far into the file, and who-can through a resourceNames rule, whose answer lists
 * team-0's app-1 (bound to cluster-admin) and the bindings with their file:line (and no one else).
 */
const QUERIES: string[][] = [
  ['can-i', 'get', 'configmaps', '--as', 'system:serviceaccount:team-4321:app-0', '-n', 'team-4321'],
  ['who-can', 'get', 'secrets/team-4949-tls', '-n', 'team-4949'],
];

describe('a single-file dump of 50,000 objects', () => {
  let dir: string;
  const answers = new Map<string, string[]>();
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-dump-'));
    const objects = dump50k();
    writeFileSync(path.join(dir, 'dump.yaml'), listYaml(objects));
    writeFileSync(path.join(dir, 'dump.json'), listJson(objects));
    mkdirSync(path.join(dir, 'split'));
    for (let i = 0; i < 10; i++) writeFileSync(path.join(dir, 'split', `dump-${i}.yaml`), listYaml(objects.slice(i * 5000, (i + 1) * 5000)));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is over the limits of a full parse', () => {
    const text = readFileSync(path.join(dir, 'dump.yaml'), 'utf8');
    expect(text.split('\n').length).toBeGreaterThan(MAX_SEPARATORS);
    const full = parseSource({ path: 'dump.yaml', text });
    expect(full.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^File is 21\.\d MiB, larger than the 16 MiB limit rbaclint parses/)]);
  });

  for (const shape of ['split', 'dump.yaml', 'dump.json']) {
    it(`${shape}: loads with no warning and answers every query`, async () => {
      const out: string[] = [];
      for (const query of QUERIES) {
        const run = await cli([...query, '--context', shape], dir);
        expect(run.stderr).toBe('');
        out.push(`${run.code} ${run.stdout}`);
      }
      answers.set(shape, out);
      expect(out[0]).toBe('0 yes\n');
      expect(out[1]).toMatch(/ServiceAccount team-0\/app-1 +ClusterRoleBinding team-0-reader \((?:split\/)?dump[^)]*:\d+\) +ClusterRole cluster-admin \(built-in\)\n/);
      expect(out[1]).toMatch(/ServiceAccount team-4949\/app-1 +RoleBinding team-4949\/app-1 \((?:split\/)?dump[^)]*:\d+\) +Role team-4949\/app-1 /);
      // Only team-4949's app-1 has the resourceNames rule: no other RoleBinding is listed.
      expect(out[1].match(/ RoleBinding /g)).toHaveLength(1);
    }, 120_000);
  }

  it('lint --context dump.yaml: no warning, a workload running as a ServiceAccount of the dump gets no missing-service-account, the dump no finding', async () => {
    writeFileSync(
      path.join(dir, 'app.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: web, namespace: team-4321 }',
        'spec:',
        '  template:',
        '    spec:',
        '      serviceAccountName: app-0',
        '      automountServiceAccountToken: false',
        '      containers: [{ name: web, image: web }]',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: typo, namespace: team-4321 }',
        'spec:',
        '  template:',
        '    spec:',
        '      serviceAccountName: app-O',
        '      automountServiceAccountToken: false',
        '      containers: [{ name: typo, image: web }]',
        '',
      ].join('\n'),
    );
    const run = await cli(['app.yaml', '--context', 'dump.yaml', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; file: string; line: number }[]; summary: { files: number; objects: number } };
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['app.yaml:17 missing-service-account']);
    expect(report.summary).toMatchObject({ files: 1, objects: 2 });
  }, 120_000);

  it('the single YAML and JSON files answer as the split dump (file names aside)', () => {
    // The table's columns are as wide as the file names.
    const strip = (shape: string) => answers.get(shape)?.map((a) => a.replace(/\((?:split\/)?dump(?:-\d)?\.(?:yaml|json):\d+\)/g, '(dump)').replace(/ +/g, ' '));
    expect(answers.size).toBe(3);
    expect(strip('dump.yaml')).toEqual(strip('split'));
    expect(strip('dump.json')).toEqual(strip('split'));
  });
});

describe('can-i -n reads only the Roles and RoleBindings of that namespace', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-scope-'));
    writeFileSync(path.join(dir, 'dump.yaml'), generateDumpYaml(2000));
    writeFileSync(path.join(dir, 'dump.json'), generateDumpJson(2000));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Allowed and denied, in the identity's namespace and others, through Roles, ClusterRoles
  // (bound by RoleBindings and ClusterRoleBindings), dangling roleRefs, namespaces/NAME, cluster
  // resources and URLs.
  const requests = [
    ['get', 'configmaps', 'system:serviceaccount:team-7:app-0', 'team-7'],
    ['get', 'configmaps', 'system:serviceaccount:team-7:app-0', 'team-8'],
    ['get', 'secrets', 'system:serviceaccount:team-7:app-1', 'team-7'],
    ['list', 'deployments.apps', 'system:serviceaccount:team-12:app-1', 'team-12'],
    ['get', 'nodes', 'system:serviceaccount:team-1:app-0', 'team-1'],
    ['get', 'namespaces/team-3', 'system:serviceaccount:team-3:app-0', 'team-9'],
    ['delete', 'pods', 'system:serviceaccount:team-0:app-1', 'team-150'],
    ['get', '/metrics/team-3', 'system:serviceaccount:team-3:app-0', 'default'],
    ['create', 'rolebindings.rbac.authorization.k8s.io', 'system:serviceaccount:team-42:app-0', 'team-42'],
  ];
  for (const file of ['dump.yaml', 'dump.json']) {
    it(`${file}: the answers (and the denial reasons) of a read of every namespace (--explain)`, async () => {
      const answers: string[] = [];
      for (const [verb, resource, as, namespace] of requests) {
        const args = ['can-i', verb!, resource!, '--as', as!, '-n', namespace!, '--context', file];
        const scoped = await cli(args, dir);
        const all = await cli([...args, '--explain'], dir);
        expect(scoped.stderr).toBe(all.stderr);
        expect([scoped.code, scoped.stdout]).toEqual([all.code, all.stdout.split('\n')[0] + '\n']);
        answers.push(scoped.stdout.trim());
      }
      // Not vacuous: both answers occur.
      expect(answers).toContain('yes');
      expect(answers.some((a) => a.startsWith('no'))).toBe(true);
    }, 60_000);
  }

  it('an item whose namespace a repeated key leaves uncertain is read: its error is reported, as when all are read', async () => {
    const binding = '{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "default"}, ' +
      '"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": [{"kind": "User", "name": "alice"}]}';
    for (const metadata of ['{"name": "x", "namespace": "", "namespace": "other"}', 'null, "metadata": {"name": "x", "namespace": "other"}']) {
      const other = `{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ${metadata}, "rules": []}`;
      writeFileSync(path.join(dir, 'repeated.json'), `{"apiVersion": "v1", "kind": "List", "items": [\n${binding},\n${other}\n]}\n`);
      const args = ['can-i', 'get', 'pods', '--as', 'alice', '-n', 'default', '-f', 'repeated.json'];
      const scoped = await cli(args, dir);
      const all = await cli([...args, '--explain'], dir);
      expect([scoped.code, scoped.stdout, scoped.stderr]).toEqual([1, 'no\n', expect.stringContaining('Map keys must be unique')]);
      expect(scoped.stderr).toBe(all.stderr);
    }
  });

  it('namespaces/NAME is asked in namespace NAME: its RoleBindings are read whatever -n says', async () => {
    writeFileSync(
      path.join(dir, 'ns.yaml'),
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        'metadata: {name: ns-reader, namespace: shop}',
        'rules: [{apiGroups: [""], resources: [namespaces], verbs: [get]}]',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata:',
        '  name: ns-reader',
        '  namespace: shop',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ns-reader}',
        'subjects: [{kind: ServiceAccount, name: api, namespace: shop}]',
        '',
      ].join('\n'),
    );
    const run = await cli(['can-i', 'get', 'namespaces/shop', '--as', 'system:serviceaccount:shop:api', '-n', 'other', '-f', 'ns.yaml'], dir);
    expect([run.code, run.stdout]).toEqual([0, 'yes\n']);
    const elsewhere = await cli(['can-i', 'get', 'namespaces/other', '--as', 'system:serviceaccount:shop:api', '-n', 'shop', '-f', 'ns.yaml'], dir);
    expect([elsewhere.code, elsewhere.stdout]).toEqual([1, 'no\n']);
  });
});

describe('the value path against a full parse', () => {
  const yaml = generateDumpYaml(2000);
  const json = generateDumpJson(2000);

  it('the same objects as a full parse, YAML and JSON', () => {
    for (const [name, text] of [['d.yaml', yaml], ['d.json', json]] as const) {
      const values = parseSource({ path: name, text, contextOnly: true });
      const full = parseSource({ path: name, text });
      expect(values.problems).toEqual([]);
      expect(values.manifests.map((m) => m.object)).toEqual(full.manifests.map((m) => m.object));
      expect(values.manifests).toHaveLength(2000);
    }
  });
});

describe('positions in a JSON dump', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-json-'));
    writeFileSync(path.join(dir, 'dump.json'), generateDumpJson(40));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The line of the `"kind": …` of the object of that kind, namespace and name. */
  function kindLine(kind: string, namespace: string | undefined, name: string): number {
    const text = readFileSync(path.join(dir, 'dump.json'), 'utf8');
    const items = (JSON.parse(text) as { items: { kind: string; metadata: { name: string; namespace?: string } }[] }).items;
    const index = items.findIndex((i) => i.kind === kind && i.metadata.name === name && i.metadata.namespace === namespace);
    // The index-th item's "kind" line: count the lines of the items before it.
    const lines = text.split('\n');
    let seen = -1;
    for (let l = 0; l < lines.length; l++) {
      if (lines[l] === '        {') seen++;
      if (seen === index && lines[l]!.trim() === `"kind": "${kind}",`) return l + 1;
    }
    throw new Error('not found');
  }

  it('can-i --explain names the file:line of the binding and the role', async () => {
    const run = await cli(['can-i', 'get', 'configmaps', '--as', 'system:serviceaccount:team-1:app-0', '-n', 'team-1', '--context', 'dump.json', '--explain'], dir);
    expect(run.stderr).toBe('');
    const binding = kindLine('RoleBinding', 'team-1', 'app-0');
    const role = kindLine('Role', 'team-1', 'app-0');
    expect(run.stdout).toContain(`RoleBinding team-1/app-0 (dump.json:${binding})`);
    expect(run.stdout).toContain(`role     Role team-1/app-0 (dump.json:${role})`);
    // The rule is the Role's first rule: the line after `"rules": [`.
    const lines = readFileSync(path.join(dir, 'dump.json'), 'utf8').split('\n');
    const rules = lines.findIndex((l, i) => i > role && l.trim() === '"rules": [');
    expect(run.stdout).toContain(`rule     get, list, watch configmaps, services (dump.json:${rules + 2})`);
  });

  it('the same output as the same objects in YAML, line numbers aside', async () => {
    writeFileSync(path.join(dir, 'dump.yaml'), generateDumpYaml(40));
    const args = ['can-i', 'get', 'configmaps', '--as', 'system:serviceaccount:team-1:app-0', '-n', 'team-1', '--explain', '--context'];
    const fromJson = await cli([...args, 'dump.json'], dir);
    const fromYaml = await cli([...args, 'dump.yaml'], dir);
    expect(fromJson.stdout.replace(/dump\.json:\d+/g, 'dump:N')).toBe(fromYaml.stdout.replace(/dump\.yaml:\d+/g, 'dump:N'));
  });
});

describe('a malformed dump', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The 1-based line of the first occurrence of `needle`. */
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  it('a YAML List over the limits with an unclosed quote: the warning names its line', async () => {
    const good = listYaml(dump50k());
    const needle = '    namespace: team-2500\n';
    const text = good.replace(needle, '    namespace: "team-2500\n');
    writeFileSync(path.join(dir, 'bad.yaml'), text);
    const run = await cli(['can-i', 'get', 'pods', '--as', 'x', '--context', 'bad.yaml'], dir);
    expect(run.stderr).toBe(
      `rbaclint: warning: bad.yaml:${lineOf(text, '"team-2500')}:16: YAML syntax error: Missing closing "quote (the rest is still used)\n`,
    );
    // lint warns too (the context file gets no finding), from the problem of its own parse.
    writeFileSync(path.join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: app, namespace: team-1 }\n');
    const lint = await cli(['sa.yaml', '--context', 'bad.yaml', '-q'], dir);
    expect([lint.code, lint.stdout, lint.stderr]).toEqual([
      0,
      '',
      `rbaclint: context: bad.yaml:${lineOf(text, '"team-2500')}:16: YAML syntax error: Missing closing "quote; the file is larger than the limits of a full parse and is left out\n`,
    ]);
  }, 60_000);

  it('a small YAML List with a wrong indentation: the full parse reports it, as before', async () => {
    const text = generateDumpYaml(20).replace('    name: app-1\n', '   name: app-1\n');
    writeFileSync(path.join(dir, 'small.yaml'), text);
    const run = await cli(['can-i', 'get', 'pods', '--as', 'x', '--context', 'small.yaml'], dir);
    expect(run.stderr).toMatch(new RegExp(`^rbaclint: warning: small\\.yaml:${lineOf(text, '   name: app-1')}:\\d+: YAML syntax error: `));
  });

  it('a JSON dump over the limits with a trailing comma: the warning names its line', async () => {
    const good = listJson(dump50k());
    // The last key of a RoleBinding's subject: a comma after it is a trailing comma.
    const needle = '"namespace": "team-4000"\n';
    const at = good.indexOf(needle);
    const text = `${good.slice(0, at)}"namespace": "team-4000",\n${good.slice(at + needle.length)}`;
    writeFileSync(path.join(dir, 'bad.json'), text);
    // JSON.parse stops at the brace after the comma, on the next line.
    const line = good.slice(0, at).split('\n').length + 1;
    const warning = `rbaclint: warning: bad.json:${line}:17: JSON syntax error: Expected double-quoted property name (the rest is still used)\n`;
    // Asked about all namespaces, or about the broken item's, can-i reads that item.
    for (const scope of [['-A'], ['-n', 'team-4000']]) {
      const run = await cli(['can-i', 'get', 'pods', '--as', 'x', ...scope, '--context', 'bad.json'], dir);
      expect(run.stderr).toBe(warning);
    }
    // Asked about another namespace, it does not read that item (documented): no warning, and the
    // answer of the whole dump.
    const asked = ['can-i', 'get', 'configmaps', '--as', 'system:serviceaccount:team-7:app-0', '-n', 'team-7', '--context'];
    writeFileSync(path.join(dir, 'good.json'), good);
    expect(await cli([...asked, 'bad.json'], dir)).toEqual(await cli([...asked, 'good.json'], dir));
    expect((await cli([...asked, 'good.json'], dir)).stdout).toBe('yes\n');
  }, 60_000);

  it('a dump over 256 MiB is left out with a clear warning', async () => {
    // A sparse file: its size is all that is read.
    const file = path.join(dir, 'huge.json');
    writeFileSync(file, '');
    const { truncateSync } = await import('node:fs');
    truncateSync(file, 257 * 2 ** 20);
    const run = await cli(['can-i', 'get', 'pods', '--as', 'x', '--context', 'huge.json'], dir);
    expect(run.stderr).toBe('rbaclint: warning: huge.json:1:1: File is 257 MiB, larger than the 256 MiB limit rbaclint parses; a context dump in kubectl\'s plain -o yaml or -o json shape is read up to 256 MiB, others must be split into smaller files (the rest is still used)\n');
  });
});
