import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'node-proxy-access',
  meta: {
    severity: 'error',
    description: 'ClusterRoles should not grant access to the nodes/proxy subresource.',
    help: 'Grant nodes/metrics, nodes/stats (or, since Kubernetes 1.33, nodes/pods, nodes/healthz, nodes/configz) to monitoring agents instead of nodes/proxy.',
    rationale:
      'nodes/proxy reaches the kubelet API of every node, whose /exec, /run and /attach endpoints run commands in any pod; a WebSocket GET is enough, and these calls bypass admission control and the API server\'s audit log.',
    tags: ['rbac', 'escalation'],
    kinds: ['ClusterRole'],
    recommended: true,
    securitySeverity: 9.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['node-proxy-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can run commands in any pod on the nodes through the kubelet API${reach.note}`,
        related: reach.related,
      });
    }
  },
});
