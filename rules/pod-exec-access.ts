import { defineRule } from '../src/engine/rule.js';
import { describeGrants, describeNames, type Permission } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

/**
 * `create` (SPDY, POST) and `get` (WebSocket, GET; enough on its own before Kubernetes 1.35, when
 * AuthorizePodWebsocketUpgradeCreatePermission started to require `create` as well).
 */
const STREAMS: readonly Permission[] = ['exec', 'attach', 'portforward'].map((subresource) => ({
  verbs: ['create', 'get'],
  group: '',
  resource: 'pods',
  subresource,
}));

export default defineRule({
  id: 'pod-exec-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not allow exec, attach or port-forward into pods.',
    help: 'Remove pods/exec, pods/attach and pods/portforward (and "*" that covers them) from the rule, or limit them to the named pods that need debugging with resourceNames.',
    rationale:
      'Whoever can exec or attach into a pod runs code inside it, with its ServiceAccount token, its mounted Secrets and its network position; port-forward reaches ports that NetworkPolicies would block. "get" is enough over WebSocket before Kubernetes 1.35.',
    tags: ['rbac', 'escalation', 'least-privilege'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 7.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
      'https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, STREAMS)) {
      const { role, entry, found, reach } = grant;
      const runs = found.some((g) => g.permission.subresource !== 'portforward');
      const gain = runs ? 'runs code in the pods, with their ServiceAccount tokens' : "reaches the pods' ports past NetworkPolicies";
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it ${gain}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
