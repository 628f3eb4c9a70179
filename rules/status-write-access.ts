import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

/** The status subresources whose addresses steer traffic: update and patch of /status. */
const STATUS_WRITE = DANGERS['status-write-access'].permissions;

export default defineRule({
  id: 'status-write-access',
  meta: {
    severity: 'note',
    description: 'Roles should not allow writing the status of Services or pods.',
    help: 'Remove update and patch on services/status and pods/status; only controllers and the kubelet write status.',
    rationale:
      'services/status holds status.loadBalancer.ingress: whoever can write it can point a Service\'s external IP at an address of their choice and intercept traffic meant for it (CVE-2020-8554, not fixed in Kubernetes). pods/status holds the pod IP and conditions that endpoints are built from.',
    tags: ['rbac', 'least-privilege'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 4.0,
    references: ['https://github.com/kubernetes/kubernetes/issues/97076'],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, STATUS_WRITE)) {
      const { role, entry, found, reach } = grant;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can redirect traffic by rewriting load-balancer or pod addresses${reach.note}`,
        related: reach.related,
      });
    }
  },
});
