/**
 * Strict mode (`--strict [rules]`, config `strict: true | [rule ids]`): comment and annotation
 * suppressions of strict rules are ignored, so a workload author cannot silence them in a manifest.
 * The finding is reported, each such suppression becomes an `unused-suppression` note saying it is
 * ignored, and the configuration (`ignore`, `rules`) and baselines still apply.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/index.js';
import { runInProcess } from './helpers/run-cli.js';

const ANNOTATED = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-admin
  annotations:
    ignore.rbaclint.io/cluster-admin-binding: "the CI needs it"
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  # rbaclint-disable-next-line wildcard-rule -- reviewed in TICKET-1
  - apiGroups: ["*"]
    resources: ["configmaps"]
    verbs: ["get"]
`;

function run(strict?: string[]) {
  const result = lint([{ path: 'in.yaml', text: ANNOTATED }], strict === undefined ? {} : { strict });
  return {
    findings: result.findings.map((f) => `${f.range.start.line} ${f.ruleId}: ${f.message}`),
    suppressed: result.suppressed.map((s) => `${s.finding.ruleId} (${s.kind})`),
  };
}

describe('strict mode in the engine', () => {
  it('without it, the annotation and the comment suppress', () => {
    expect(run()).toEqual({ findings: [], suppressed: ['cluster-admin-binding (annotation)', 'wildcard-rule (comment)'] });
  });

  it('keeps the finding of a strict rule and reports the suppression as ignored; others still suppress', () => {
    expect(run(['cluster-admin-binding'])).toEqual({
      findings: [
        '6 unused-suppression: Annotation "ignore.rbaclint.io/cluster-admin-binding" is ignored: cluster-admin-binding is strict (--strict or the configuration\'s "strict"), so only the configuration or a baseline can accept its findings',
        '10 cluster-admin-binding: ClusterRoleBinding "ci-admin" grants cluster-admin to ServiceAccount ci/deployer',
      ],
      suppressed: ['wildcard-rule (comment)'],
    });
  });

  it('comment directives of strict rules are ignored too', () => {
    const { findings } = run(['wildcard-rule']);
    expect(findings).toEqual([
      '21 unused-suppression: rbaclint-disable-next-line is ignored: wildcard-rule is strict (--strict or the configuration\'s "strict"), so only the configuration or a baseline can accept its findings',
      '22 wildcard-rule: ClusterRole "reader" rules[0] uses "*" in apiGroups (not bound)',
    ]);
  });
});

const cli = (args: string[], cwd: string) => runInProcess(args, { cwd });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-strict-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('strict mode on the command line and in the configuration', () => {
  it('--strict <rules> and --strict alone (every rule)', async () => {
    const dir = project({ 'in.yaml': ANNOTATED });
    const plain = await cli(['in.yaml', '-q', '--format', 'json'], dir);
    expect(JSON.parse(plain.stdout).findings).toHaveLength(0);
    const one = await cli(['in.yaml', '--strict', 'cluster-admin-binding', '--format', 'json'], dir);
    expect(JSON.parse(one.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unused-suppression', 'cluster-admin-binding']);
    expect(one.code).toBe(1);
    const all = await cli(['in.yaml', '--format', 'json', '--strict'], dir);
    expect(JSON.parse(all.stdout).findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(
      ['cluster-admin-binding', 'unused-suppression', 'unused-suppression', 'wildcard-rule'].sort(),
    );
  });

  it('config strict: [ids] (a platform team\'s list); the configuration\'s rules still apply', async () => {
    const dir = project({ 'in.yaml': ANNOTATED, '.rbaclint.yaml': 'strict: [cluster-admin-binding]\n' });
    const run = await cli(['in.yaml', '--format', 'json'], dir);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unused-suppression', 'cluster-admin-binding']);
    const off = project({ 'in.yaml': ANNOTATED, '.rbaclint.yaml': 'strict: true\nrules:\n  cluster-admin-binding: "off"\n  wildcard-rule: "off"\n' });
    const quiet = await cli(['in.yaml', '--format', 'json'], off);
    expect(JSON.parse(quiet.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unused-suppression', 'unused-suppression']);
  });

  it('a baseline still accepts a strict finding', async () => {
    const dir = project({ 'in.yaml': ANNOTATED });
    expect((await cli(['in.yaml', '--strict', 'cluster-admin-binding', '--write-baseline', 'base.json'], dir)).code).toBe(0);
    const run = await cli(['in.yaml', '--strict', 'cluster-admin-binding', '--baseline', 'base.json', '--format', 'json'], dir);
    expect(JSON.parse(run.stdout).findings).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('invalid strict values are usage errors naming the key', async () => {
    const dir = project({ 'in.yaml': ANNOTATED, '.rbaclint.yaml': 'strict: [no-such-rule]\n' });
    const run = await cli(['in.yaml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rbaclint: .rbaclint.yaml: strict[0]: unknown rule; run "rbaclint rules"\n');
    const flag = await cli(['--strict', 'in.yaml'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown rule "in.yaml"');
    expect(flag.stderr).toContain('put --strict after the paths');
    const kube = await cli(['in.yaml'], project({ 'in.yaml': ANNOTATED, '.rbaclint.yaml': 'kubeVersion: "1.99"\n' }));
    expect(kube.stderr).toBe('rbaclint: .rbaclint.yaml: kubeVersion: Kubernetes 1.99 is not supported; rbaclint knows 1.8 to 1.35\n');
  });
});
