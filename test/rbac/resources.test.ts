import { describe, expect, it } from 'vitest';
import { builtinResourceTable, isResolveError } from '../../src/rbac/resources.js';
import type { CustomResourceDefinitionLike, ResolveResult } from '../../src/rbac/resources.js';

// Expectations: Kubernetes 1.35 OpenAPI (../shared/kubernetes/openapi-v3), the Kubernetes API
// reference, and kubectl's api-resources table (kubernetes/website docs/reference/kubectl).

const table = builtinResourceTable();

/** `{group, resource, namespaced, kind}` of a successful resolution, for compact expectations. */
function gr(result: ResolveResult): string {
  if (isResolveError(result)) return `error: ${result.error}`;
  return `${result.resource}.${result.group || 'core'} ${result.namespaced ? 'namespaced' : 'cluster'} ${result.kind}`;
}

describe('built-in resource table', () => {
  it('is cached', () => {
    expect(builtinResourceTable()).toBe(table);
    expect(table.kubernetesVersion).toBe('1.35');
  });

  it('knows scope and subresources from the OpenAPI paths', () => {
    expect(table.lookup('batch', 'jobs')).toMatchObject({ version: 'v1', kind: 'Job', namespaced: true, subresources: ['status'] });
    expect(table.lookup('', 'nodes')).toMatchObject({ namespaced: false, subresources: ['proxy', 'status'], shortNames: ['no'] });
    expect(table.lookup('', 'pods')?.subresources).toEqual(['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status']);
    expect(table.lookup('', 'serviceaccounts')?.subresources).toEqual(['token']);
    expect(table.lookup('', 'namespaces')).toMatchObject({ namespaced: false, subresources: ['finalize', 'status'] });
    expect(table.lookup('', 'pods')?.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(table.lookup('', 'bindings')).toMatchObject({ namespaced: true, kind: 'Binding', verbs: ['create'] });
    expect(table.lookup('', 'componentstatuses')).toMatchObject({ namespaced: false, verbs: ['get', 'list'] });
  });

  it('has the supplement for groups without OpenAPI in shared', () => {
    expect(table.lookup('certificates.k8s.io', 'certificatesigningrequests')).toMatchObject({ namespaced: false, subresources: ['approval', 'status'], shortNames: ['csr'] });
    expect(table.lookup('admissionregistration.k8s.io', 'mutatingwebhookconfigurations')).toMatchObject({ namespaced: false, kind: 'MutatingWebhookConfiguration' });
    expect(table.lookup('authorization.k8s.io', 'localsubjectaccessreviews')).toMatchObject({ namespaced: true, verbs: ['create'] });
    expect(table.lookup('authorization.k8s.io', 'selfsubjectaccessreviews')).toMatchObject({ namespaced: false, verbs: ['create'] });
    expect(table.lookup('networking.k8s.io', 'networkpolicies')).toMatchObject({ namespaced: true, shortNames: ['netpol'] });
    expect(table.lookup('policy', 'podsecuritypolicies')).toBeUndefined();
  });

  it('isNamespaced: known resources by table, unknown assumed namespaced', () => {
    expect(table.isNamespaced('', 'nodes')).toBe(false);
    expect(table.isNamespaced('rbac.authorization.k8s.io', 'clusterroles')).toBe(false);
    expect(table.isNamespaced('rbac.authorization.k8s.io', 'roles')).toBe(true);
    expect(table.isNamespaced('example.com', 'widgets')).toBe(true);
  });

  it('hasSubresource: served, authorization-only and finalizers', () => {
    expect(table.hasSubresource('', 'pods', 'exec')).toBe(true);
    expect(table.hasSubresource('', 'pods', 'eviction')).toBe(true);
    expect(table.hasSubresource('', 'nodes', 'proxy')).toBe(true);
    expect(table.hasSubresource('', 'nodes', 'metrics')).toBe(true);
    expect(table.hasSubresource('', 'pods', 'finalizers')).toBe(true);
    expect(table.hasSubresource('', 'pods', 'scale')).toBe(false);
    expect(table.hasSubresource('apps', 'deployments', 'scale')).toBe(true);
    expect(table.hasSubresource('authentication.k8s.io', 'userextras', 'scopes')).toBe(true);
    expect(table.hasSubresource('example.com', 'widgets', 'status')).toBe(false);
  });
});

describe('resolve (kubectl auth can-i style)', () => {
  it.each([
    ['jobs', 'jobs.batch namespaced Job'],
    ['pods', 'pods.core namespaced Pod'],
    ['po', 'pods.core namespaced Pod'],
    ['pod', 'pods.core namespaced Pod'],
    ['Pod', 'pods.core namespaced Pod'],
    ['nodes', 'nodes.core cluster Node'],
    ['no', 'nodes.core cluster Node'],
    ['deploy', 'deployments.apps namespaced Deployment'],
    ['Deployment', 'deployments.apps namespaced Deployment'],
    ['deployment', 'deployments.apps namespaced Deployment'],
    ['deployments.apps', 'deployments.apps namespaced Deployment'],
    ['deployment.apps', 'deployments.apps namespaced Deployment'],
    ['deployments.v1.apps', 'deployments.apps namespaced Deployment'],
    ['deploy.apps', 'deployments.apps namespaced Deployment'],
    ['deployments.app', 'deployments.apps namespaced Deployment'],
    ['storageclass.storage', 'storageclasses.storage.k8s.io cluster StorageClass'],
    ['clusterroles.rbac.authorization.k8s.io', 'clusterroles.rbac.authorization.k8s.io cluster ClusterRole'],
    ['ClusterRole', 'clusterroles.rbac.authorization.k8s.io cluster ClusterRole'],
    ['sa', 'serviceaccounts.core namespaced ServiceAccount'],
    ['cm', 'configmaps.core namespaced ConfigMap'],
    ['ns', 'namespaces.core cluster Namespace'],
    ['pv', 'persistentvolumes.core cluster PersistentVolume'],
    ['pvc', 'persistentvolumeclaims.core namespaced PersistentVolumeClaim'],
    ['rs', 'replicasets.apps namespaced ReplicaSet'],
    ['ds', 'daemonsets.apps namespaced DaemonSet'],
    ['sts', 'statefulsets.apps namespaced StatefulSet'],
    ['cj', 'cronjobs.batch namespaced CronJob'],
    ['csr', 'certificatesigningrequests.certificates.k8s.io cluster CertificateSigningRequest'],
    ['crd', 'customresourcedefinitions.apiextensions.k8s.io cluster CustomResourceDefinition'],
    ['crds', 'customresourcedefinitions.apiextensions.k8s.io cluster CustomResourceDefinition'],
    ['ing', 'ingresses.networking.k8s.io namespaced Ingress'],
    ['netpol', 'networkpolicies.networking.k8s.io namespaced NetworkPolicy'],
    ['hpa', 'horizontalpodautoscalers.autoscaling namespaced HorizontalPodAutoscaler'],
    ['horizontalpodautoscalers.v1.autoscaling', 'horizontalpodautoscalers.autoscaling namespaced HorizontalPodAutoscaler'],
    ['ep', 'endpoints.core namespaced Endpoints'],
    ['rc', 'replicationcontrollers.core namespaced ReplicationController'],
    ['pdb', 'poddisruptionbudgets.policy namespaced PodDisruptionBudget'],
    ['svc', 'services.core namespaced Service'],
    ['secrets', 'secrets.core namespaced Secret'],
    ['leases', 'leases.coordination.k8s.io namespaced Lease'],
    ['selfsubjectaccessreviews', 'selfsubjectaccessreviews.authorization.k8s.io cluster SelfSubjectAccessReview'],
    ['tokenreviews', 'tokenreviews.authentication.k8s.io cluster TokenReview'],
    ['mutatingwebhookconfigurations', 'mutatingwebhookconfigurations.admissionregistration.k8s.io cluster MutatingWebhookConfiguration'],
    // Same plural in two groups: core wins (discovery order), for plural and short name alike.
    ['events', 'events.core namespaced Event'],
    ['ev', 'events.core namespaced Event'],
    ['events.events.k8s.io', 'events.events.k8s.io namespaced Event'],
    ['ev.events.k8s.io', 'events.events.k8s.io namespaced Event'],
    // RBAC-only resources.
    ['users', 'users.core cluster '],
    ['signers.certificates.k8s.io', 'signers.certificates.k8s.io cluster '],
  ])('%s -> %s', (type, expected) => {
    expect(gr(table.resolve(type))).toBe(expected);
  });

  it('unknown names get kubectl’s message', () => {
    expect(table.resolve('x')).toEqual({ error: 'the server doesn\'t have a resource type "x"' });
    expect(table.resolve('foo.apps')).toEqual({ error: 'the server doesn\'t have a resource type "foo"' });
    expect(table.resolve('deployments.v1beta1.app')).toEqual({ error: 'the server doesn\'t have a resource type "deployments"' });
    expect(table.resolve('podsecuritypolicies')).toEqual({ error: 'the server doesn\'t have a resource type "podsecuritypolicies"' });
    expect(table.resolve('')).toEqual({ error: 'the server doesn\'t have a resource type ""' });
    // RBAC-only resources resolve in their own group only.
    expect(isResolveError(table.resolve('signers'))).toBe(true);
  });

  it('accepts resource.group with an unknown group as-is, assumed namespaced', () => {
    expect(table.resolve('widgets.example.com')).toEqual({ group: 'example.com', resource: 'widgets', namespaced: true, kind: '', version: '', known: false });
    expect(table.resolve('widgets.v1alpha1.example.com')).toEqual({ group: 'example.com', resource: 'widgets', namespaced: true, kind: '', version: 'v1alpha1', known: false });
    expect(table.resolve('deployments.extensions')).toMatchObject({ group: 'extensions', resource: 'deployments', known: false });
    expect(table.resolve('*')).toEqual({ group: '', resource: '*', namespaced: true, kind: '', version: '', known: false });
  });
});

describe('withCustomResources', () => {
  const certificate: CustomResourceDefinitionLike = {
    spec: {
      group: 'cert-manager.io',
      scope: 'Namespaced',
      names: { plural: 'certificates', singular: 'certificate', kind: 'Certificate', shortNames: ['cert', 'certs'] },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }],
    },
  };
  const clusterIssuer: CustomResourceDefinitionLike = {
    spec: { group: 'cert-manager.io', scope: 'Cluster', names: { plural: 'clusterissuers', kind: 'ClusterIssuer' }, versions: [{ name: 'v1', served: true, storage: true }] },
  };
  const podEvents: CustomResourceDefinitionLike = {
    // A CRD reusing a built-in plural: the built-in keeps priority for the bare name.
    spec: { group: 'example.io', scope: 'Namespaced', names: { plural: 'events', kind: 'Event', shortNames: ['po'] }, versions: [{ name: 'v1' }] },
  };
  const crdTable = table.withCustomResources([certificate, clusterIssuer, podEvents, { spec: { group: 'broken.io' } }]);

  it('extends the table without changing the built-in one', () => {
    expect(gr(crdTable.resolve('certificates'))).toBe('certificates.cert-manager.io namespaced Certificate');
    expect(gr(crdTable.resolve('cert'))).toBe('certificates.cert-manager.io namespaced Certificate');
    expect(gr(crdTable.resolve('Certificate'))).toBe('certificates.cert-manager.io namespaced Certificate');
    expect(gr(crdTable.resolve('clusterissuers.cert-manager.io'))).toBe('clusterissuers.cert-manager.io cluster ClusterIssuer');
    expect(gr(crdTable.resolve('clusterissuer'))).toBe('clusterissuers.cert-manager.io cluster ClusterIssuer');
    expect(crdTable.isNamespaced('cert-manager.io', 'clusterissuers')).toBe(false);
    expect(crdTable.hasSubresource('cert-manager.io', 'certificates', 'status')).toBe(true);
    expect(crdTable.lookup('cert-manager.io', 'certificates')).toMatchObject({ version: 'v1', source: 'crd', shortNames: ['cert', 'certs'] });
    expect(isResolveError(table.resolve('cert'))).toBe(true);
    expect(table.lookup('cert-manager.io', 'certificates')).toBeUndefined();
  });

  it('keeps built-ins first for shared names and skips incomplete CRDs', () => {
    expect(gr(crdTable.resolve('events'))).toBe('events.core namespaced Event');
    expect(gr(crdTable.resolve('po'))).toBe('pods.core namespaced Pod');
    expect(gr(crdTable.resolve('events.example.io'))).toBe('events.example.io namespaced Event');
    expect(crdTable.resources.some((r) => r.group === 'broken.io')).toBe(false);
  });

  it('is a no-op for no CRDs and accumulates across calls', () => {
    expect(table.withCustomResources([])).toBe(table);
    const twice = table.withCustomResources([certificate]).withCustomResources([clusterIssuer]);
    expect(twice.resources.filter((r) => r.source === 'crd').map((r) => r.resource)).toEqual(['certificates', 'clusterissuers']);
  });
});
