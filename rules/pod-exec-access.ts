import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';
import { WEBSOCKET_NEEDS_CREATE, atLeast, formatKubeVersion } from '../src/rbac/version.js';

export default defineRule({
  id: 'pod-exec-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not allow exec, attach or port-forward into pods.',
    help: 'Remove pods/exec, pods/attach and pods/portforward (and "*" that covers them) from the rule, or limit them to the named pods that need debugging with resourceNames.',
    rationale:
      'Whoever can exec or attach into a pod runs code inside it, with its ServiceAccount token, its mounted Secrets and its network position; port-forward reaches ports that NetworkPolicies would block. "create" is enough (SPDY), and before Kubernetes 1.35 so is "get" alone (WebSocket); from 1.35 the WebSocket path needs "create" too, so from --kube-version 1.35 (the default) a rule granting only "get" is a note (it opens a stream only with the AuthorizePodWebsocketUpgradeCreatePermission feature gate turned off).',
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
    const getOpens = !atLeast(ctx.kubeVersion, WEBSOCKET_NEEDS_CREATE);
    const version = formatKubeVersion(ctx.kubeVersion);
    for (const grant of roleGrants(ctx, DANGERS['pod-exec-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      // `get` without `create`: a stream before 1.35; from 1.35 only with the (beta, on by default)
      // gate turned off, so a note: not exec-capable on a default cluster, but one flag away.
      const getOnly = !found.some((g) => g.verbs.includes('create'));
      const blocked = getOnly && !getOpens;
      const how = getOnly && getOpens ? ` (get alone opens the stream over WebSocket before Kubernetes 1.${WEBSOCKET_NEEDS_CREATE}; this is ${version})` : '';
      const gate = blocked
        ? `get alone opens no stream on Kubernetes ${version} while the AuthorizePodWebsocketUpgradeCreatePermission feature gate is on (the default since 1.${WEBSOCKET_NEEDS_CREATE}); with it off, `
        : '';
      const runs = found.some((g) => g.permission.subresource !== 'portforward');
      const gain = runs ? 'runs code in the pods, with their ServiceAccount tokens' : "reaches the pods' ports past NetworkPolicies";
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: blocked ? 'note' : reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: ${gate}whoever holds it ${gain}${how}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
