import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'rbac-write-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not allow creating or changing roles and role bindings.',
    help: 'Leave RBAC changes to the cluster\'s deployment pipeline; remove create, update and patch on roles, clusterroles, rolebindings and clusterrolebindings from the rule.',
    rationale:
      'Whoever can write roles and bindings can pass every permission they hold on to other identities, including ones they control, and keep access after their own binding is removed; with bind or escalate, or a role already bound to them, they gain more.',
    tags: ['rbac', 'escalation', 'least-privilege'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 6.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['rbac-write-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can grant its own permissions to any identity${reach.note}`,
        related: reach.related,
      });
    }
  },
});
