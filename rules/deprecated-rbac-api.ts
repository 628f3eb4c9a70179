import { defineRule } from '../src/engine/rule.js';
import { RBAC_GROUP } from '../src/model/index.js';

const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
const REMOVED = new Set([`${RBAC_GROUP}/v1beta1`, `${RBAC_GROUP}/v1alpha1`]);

export default defineRule({
  id: 'deprecated-rbac-api',
  meta: {
    severity: 'warning',
    description: 'RBAC objects should use rbac.authorization.k8s.io/v1.',
    help: 'Change apiVersion to rbac.authorization.k8s.io/v1; the fields are the same.',
    rationale:
      'rbac.authorization.k8s.io/v1beta1 and v1alpha1 were removed in Kubernetes 1.22: a cluster of that version or newer rejects the object, so the RBAC it declares is silently missing.',
    tags: ['rbac', 'deprecated'],
    kinds: RBAC_KINDS,
    recommended: true,
    securitySeverity: 2.0,
    references: ['https://kubernetes.io/docs/reference/using-api/deprecation-guide/#rbac-resources-v122'],
  },
  check(ctx) {
    for (const kind of RBAC_KINDS) {
      for (const object of ctx.index.ofKind(kind)) {
        if (!REMOVED.has(object.apiVersion)) continue;
        ctx.report({
          object,
          path: ['apiVersion'],
          message: `${object.display} uses "${object.apiVersion}", which was removed in Kubernetes 1.22; use "${RBAC_GROUP}/v1"`,
        });
      }
    }
  },
});
