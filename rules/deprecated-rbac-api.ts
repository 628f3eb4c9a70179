import { defineRule } from '../src/engine/rule.js';
import { RBAC_GROUP } from '../src/model/index.js';
import { RBAC_V1BETA1_REMOVED, atLeast, formatKubeVersion } from '../src/rbac/version.js';

const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
const REMOVED = new Set([`${RBAC_GROUP}/v1beta1`, `${RBAC_GROUP}/v1alpha1`]);

/**
 * Whether the object means the same in v1. v1beta1 has v1's fields; v1alpha1 differs only in
 * Subject, whose `apiVersion` became `apiGroup`, so a v1alpha1 subject that sets it needs a person.
 */
function sameInV1(subjects: unknown): boolean {
  return !Array.isArray(subjects) || subjects.every((s) => typeof s !== 'object' || s === null || !('apiVersion' in s));
}

export default defineRule({
  id: 'deprecated-rbac-api',
  meta: {
    severity: 'error',
    description: 'RBAC objects should use rbac.authorization.k8s.io/v1.',
    help: 'Change apiVersion to rbac.authorization.k8s.io/v1; the fields are the same. An error for --kube-version 1.22 and newer (the default), a warning before.',
    rationale:
      'rbac.authorization.k8s.io/v1beta1 and v1alpha1 were removed in Kubernetes 1.22: a cluster of that version or newer rejects the object, so the RBAC it declares is silently missing.',
    tags: ['rbac', 'deprecated'],
    kinds: RBAC_KINDS,
    recommended: true,
    fixable:
      'Sets apiVersion to rbac.authorization.k8s.io/v1 (quoting kept), except for a v1alpha1 object whose subjects set apiVersion, which v1 replaced by apiGroup.',
    securitySeverity: 2.0,
    references: ['https://kubernetes.io/docs/reference/using-api/deprecation-guide/#rbac-resources-v122'],
  },
  check(ctx) {
    // From 1.22 the API server rejects the object (an error); before, it is served but deprecated.
    const removed = atLeast(ctx.kubeVersion, RBAC_V1BETA1_REMOVED);
    const version = formatKubeVersion(ctx.kubeVersion);
    for (const kind of RBAC_KINDS) {
      for (const object of ctx.index.ofKind(kind)) {
        if (!REMOVED.has(object.apiVersion)) continue;
        const why = removed
          ? `which was removed in Kubernetes 1.${RBAC_V1BETA1_REMOVED}: a ${version} cluster rejects it`
          : `which is deprecated and removed in Kubernetes 1.${RBAC_V1BETA1_REMOVED} (still served by Kubernetes ${version})`;
        ctx.report({
          object,
          path: ['apiVersion'],
          severity: removed ? 'error' : 'warning',
          message: `${object.display} uses "${object.apiVersion}", ${why}; use "${RBAC_GROUP}/v1"`,
          ...(sameInV1(object.get(['subjects']))
            ? { fix: { description: `set apiVersion to ${RBAC_GROUP}/v1`, edits: [{ op: 'set' as const, object, path: ['apiVersion'], value: `${RBAC_GROUP}/v1` }] } }
            : {}),
        });
      }
    }
  },
});
