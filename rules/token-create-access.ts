import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'token-create-access',
  meta: {
    severity: 'error',
    description: 'Roles should not allow requesting tokens for ServiceAccounts.',
    help: 'Remove create on serviceaccounts/token (and "*" that covers it), or limit it with resourceNames to the ServiceAccounts the subject must issue tokens for.',
    rationale:
      'create on serviceaccounts/token issues a token for a ServiceAccount of the namespace through the TokenRequest API; whoever holds it acts as any of those ServiceAccounts with all their permissions, without running a pod.',
    tags: ['rbac', 'escalation', 'tokens', 'serviceaccount'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 8.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request',
      'https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['token-create-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      const scope = role.kind === 'Role' ? `namespace "${role.namespace}"` : 'the namespaces it is granted in';
      const which = found[0].resourceNames.length > 0 ? 'those ServiceAccounts and act with their' : `any ServiceAccount of ${scope} and act with its`;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can issue tokens for ${which} permissions${reach.note}`,
        related: reach.related,
      });
    }
  },
});
