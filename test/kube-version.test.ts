/**
 * `--kube-version` / config `kubeVersion`: version-dependent semantics differ exactly where
 * Kubernetes differs (RBAC-NOTES §1.10, §5.4): rbac.authorization.k8s.io/v1beta1 removed in 1.22,
 * no auto-created token Secrets since 1.24, `get` alone on pods/exec|attach|portforward opens a
 * stream only before 1.35.
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../src/index.js';
import { DEFAULT_KUBE_VERSION, formatKubeVersion, parseKubeVersion, type KubeVersion } from '../src/rbac/version.js';
import { runInProcess } from './helpers/run-cli.js';

function version(text: string): KubeVersion {
  const parsed = parseKubeVersion(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

function findings(yaml: string, kubeVersion?: string, rule?: string) {
  const result = lint([{ path: 'in.yaml', text: yaml }], kubeVersion === undefined ? {} : { kubeVersion: version(kubeVersion) });
  return result.findings.filter((f) => rule === undefined || f.ruleId === rule).map((f) => `${f.range.start.line} ${f.severity} ${f.message}`);
}

const V1BETA1 = `apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata:
  name: old
rules: []
`;

const TOKEN = `apiVersion: v1
kind: Secret
metadata:
  name: t
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: deployer
type: kubernetes.io/service-account-token
`;

const EXEC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debug
  namespace: dev
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["get"]
  - apiGroups: [""]
    resources: ["pods/attach"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: debug
  namespace: dev
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: debug }
subjects: [{ kind: User, name: alice, apiGroup: rbac.authorization.k8s.io }]
`;

describe('parseKubeVersion', () => {
  it('accepts 1.x, v1.x and 1.x.y; the default is the newest supported', () => {
    expect(version('1.21')).toEqual({ major: 1, minor: 21 });
    expect(version('v1.30.2')).toEqual({ major: 1, minor: 30 });
    expect(formatKubeVersion(DEFAULT_KUBE_VERSION)).toBe('1.35');
  });
  it.each(['2.0', '1', 'latest', '1.x', '1.7', '1.36'])('rejects %s', (text) => {
    expect(parseKubeVersion(text)).toHaveProperty('error');
  });
});

describe('deprecated-rbac-api', () => {
  it('is an error from 1.22 (removed), a warning before (served, deprecated)', () => {
    expect(findings(V1BETA1, undefined, 'deprecated-rbac-api')).toEqual([
      '1 error ClusterRole "old" uses "rbac.authorization.k8s.io/v1beta1", which was removed in Kubernetes 1.22: a 1.35 cluster rejects it; use "rbac.authorization.k8s.io/v1"',
    ]);
    expect(findings(V1BETA1, '1.22', 'deprecated-rbac-api')[0]).toMatch(/^1 error .*removed in Kubernetes 1\.22: a 1\.22 cluster rejects it/);
    expect(findings(V1BETA1, '1.21', 'deprecated-rbac-api')).toEqual([
      '1 warning ClusterRole "old" uses "rbac.authorization.k8s.io/v1beta1", which is deprecated and removed in Kubernetes 1.22 (still served by Kubernetes 1.21); use "rbac.authorization.k8s.io/v1"',
    ]);
  });
});

describe('legacy-token-secret', () => {
  it('says since 1.24 such Secrets are not auto-created; before, that they are', () => {
    expect(findings(TOKEN, '1.24', 'legacy-token-secret')[0]).toContain(
      'never expires; since Kubernetes 1.24 ServiceAccounts get no such Secret automatically, so this one is created on purpose',
    );
    expect(findings(TOKEN, '1.23', 'legacy-token-secret')[0]).toContain(
      'never expires; Kubernetes 1.23 also creates one for every ServiceAccount automatically (no longer since 1.24)',
    );
    // Reported on every version: a token Secret in the manifests never expires.
    expect(findings(TOKEN, '1.23', 'legacy-token-secret')).toHaveLength(1);
  });
});

describe('pod-exec-access', () => {
  it('before 1.35, get alone on pods/exec opens a stream: same severity as create, and says so', () => {
    expect(findings(EXEC, '1.34', 'pod-exec-access')).toEqual([
      '8 warning Role dev/debug rules[0] allows get on pods/exec: whoever holds it runs code in the pods, with their ServiceAccount tokens (get alone opens the stream over WebSocket before Kubernetes 1.35; this is 1.34)',
      '11 warning Role dev/debug rules[1] allows create on pods/attach: whoever holds it runs code in the pods, with their ServiceAccount tokens',
    ]);
  });
  it('from 1.35, get alone opens no stream (a note about the feature gate); create is unchanged', () => {
    for (const v of ['1.35', undefined]) {
      expect(findings(EXEC, v, 'pod-exec-access')).toEqual([
        '8 note Role dev/debug rules[0] allows get on pods/exec: get alone opens no stream on Kubernetes 1.35 while the AuthorizePodWebsocketUpgradeCreatePermission feature gate is on (the default since 1.35); with it off, whoever holds it runs code in the pods, with their ServiceAccount tokens',
        '11 warning Role dev/debug rules[1] allows create on pods/attach: whoever holds it runs code in the pods, with their ServiceAccount tokens',
      ]);
    }
  });
});

/** Runs the CLI in-process. */
const cli = (args: string[], cwd = process.cwd()) => runInProcess(args, { cwd });

describe('the command line', () => {
  it('--kube-version picks the semantics; --print-config shows it', async () => {
    const run = await cli(['--print-config', '--kube-version', 'v1.21.4'], '/');
    expect(run.stdout).toContain('\nkubeVersion: "1.21"\n');
  });
  it('an unknown version is a usage error', async () => {
    const run = await cli(['fixtures/inputs/cluster/change.yaml', '--kube-version', '1.99']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Kubernetes 1.99 is not supported; rbaclint knows 1.8 to 1.35');
  });
  it('can-i warns that the built-in roles are 1.34–1.35 for an older version without a dump', async () => {
    const run = await cli(['can-i', 'get', 'pods', '--as', 'alice', '--kube-version', '1.25', '-f', 'fixtures/inputs/cluster/change.yaml']);
    expect(run.stderr).toContain('the built-in roles and bindings are the default policy of Kubernetes 1.34–1.35; a 1.25 cluster');
    const withDump = await cli(['can-i', 'get', 'pods', '--as', 'alice', '--kube-version', '1.25', '--context', 'fixtures/inputs/cluster/dump.yaml', '-f', 'fixtures/inputs/cluster/change.yaml']);
    expect(withDump.stderr).not.toContain('built-in roles');
  });
});
