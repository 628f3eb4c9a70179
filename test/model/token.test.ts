import { describe, expect, it } from 'vitest';
import { Index } from '../../src/model/index.js';
import { apiTokensOf, automountOf } from '../../src/model/token.js';
import { parseSource } from '../../src/parse/parse.js';

function workloadsOf(text: string) {
  const { manifests } = parseSource({ path: 'token.yaml', text });
  const index = new Index(manifests);
  return { index, workloads: index.workloads() };
}

const serviceAccounts = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: quiet, namespace: apps }
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: talker, namespace: apps }
automountServiceAccountToken: true
---
apiVersion: v1
kind: Secret
metadata:
  name: ci-token
  namespace: apps
  annotations: { kubernetes.io/service-account.name: deployer }
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: { name: plain, namespace: apps }
type: Opaque
`;

function pod(spec: string): string {
  return `${serviceAccounts}---
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: apps }
spec:
${spec}`;
}

describe('automountOf (admission.go shouldAutomount)', () => {
  it.for([
    { name: 'unset everywhere: mounted by default', spec: '  containers: [{ name: c, image: x }]', expected: { mounted: true, decidedBy: 'default' } },
    { name: 'SA false decides when the pod is silent', spec: '  serviceAccountName: quiet\n  containers: [{ name: c, image: x }]', expected: { mounted: false, decidedBy: 'serviceAccount' } },
    { name: 'pod true beats SA false', spec: '  serviceAccountName: quiet\n  automountServiceAccountToken: true\n  containers: [{ name: c, image: x }]', expected: { mounted: true, decidedBy: 'pod' } },
    { name: 'pod false beats SA true', spec: '  serviceAccountName: talker\n  automountServiceAccountToken: false\n  containers: [{ name: c, image: x }]', expected: { mounted: false, decidedBy: 'pod' } },
  ])('$name', ({ spec, expected }) => {
    const { index, workloads } = workloadsOf(pod(spec));
    expect(automountOf(workloads[0]!, index)).toEqual(expected);
  });
});

describe('apiTokensOf: every way a pod gets an API token', () => {
  it('a projected serviceAccountToken without audience is an API token even with automount off', () => {
    const { index, workloads } = workloadsOf(
      pod(`  serviceAccountName: quiet
  containers: [{ name: c, image: x }]
  volumes:
    - name: vault
      projected:
        sources:
          - serviceAccountToken: { path: vault, audience: vault }
    - name: api
      projected:
        sources:
          - configMap: { name: kube-root-ca.crt }
          - serviceAccountToken: { path: token, expirationSeconds: 3600 }`),
    );
    expect(apiTokensOf(workloads[0]!, index)).toEqual([
      {
        via: 'projected',
        path: ['spec', 'volumes', 1, 'projected', 'sources', 1, 'serviceAccountToken'],
        serviceAccount: { namespace: 'apps', name: 'quiet' },
      },
    ]);
  });

  it('legacy token Secrets in volumes, env and envFrom carry the Secret owner\'s identity', () => {
    const { index, workloads } = workloadsOf(
      pod(`  serviceAccountName: quiet
  containers:
    - name: c
      image: x
      env:
        - name: TOKEN
          valueFrom: { secretKeyRef: { name: ci-token, key: token } }
        - name: CA
          valueFrom: { secretKeyRef: { name: ci-token, key: ca.crt } }
      envFrom:
        - secretRef: { name: ci-token }
        - secretRef: { name: plain }
  volumes:
    - name: t
      secret: { secretName: ci-token }
    - name: p
      secret: { secretName: plain }`),
    );
    const deployer = { namespace: 'apps', name: 'deployer' };
    expect(apiTokensOf(workloads[0]!, index)).toEqual([
      { via: 'secret-volume', path: ['spec', 'volumes', 0, 'secret', 'secretName'], serviceAccount: deployer },
      { via: 'secret-env', path: ['spec', 'containers', 0, 'env', 0, 'valueFrom', 'secretKeyRef', 'name'], serviceAccount: deployer },
      { via: 'secret-env', path: ['spec', 'containers', 0, 'envFrom', 0, 'secretRef', 'name'], serviceAccount: deployer },
    ]);
  });

  it('the automounted token comes first and belongs to the pod\'s own ServiceAccount', () => {
    const { index, workloads } = workloadsOf(pod('  serviceAccountName: talker\n  containers: [{ name: c, image: x }]'));
    expect(apiTokensOf(workloads[0]!, index)).toEqual([
      { via: 'automount', path: ['spec'], serviceAccount: { namespace: 'apps', name: 'talker' } },
    ]);
  });
});
