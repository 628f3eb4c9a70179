import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'impersonate-access',
  meta: {
    severity: 'error',
    description: 'Roles should not allow impersonating users, groups or ServiceAccounts.',
    help: 'Remove the impersonate verb (and "*" verbs that cover it), or limit it with resourceNames to the identities a proxy really needs to act as.',
    rationale:
      'A request with impersonation headers is authorized as the impersonated identity: impersonating users or groups reaches any permission in the cluster, including the group system:masters that RBAC cannot limit, and impersonating ServiceAccounts acquires their permissions.',
    tags: ['rbac', 'escalation'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 9.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['impersonate-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      const masters = found.some((g) => g.permission.resource === 'groups' && g.resourceNames.length === 0);
      ctx.report({
        object: role,
        path: grant.path('verbs'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it acts with the permissions of those identities${masters ? ', including the group system:masters, which bypasses RBAC' : ''}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
