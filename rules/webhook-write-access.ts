import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'webhook-write-access',
  meta: {
    severity: 'error',
    description: 'ClusterRoles should not allow writing admission webhook configurations.',
    help: 'Leave webhook configurations to the cluster\'s installation pipeline; if a controller only injects a CA bundle, limit its update and patch with resourceNames to its own configuration.',
    rationale:
      'An admission webhook receives every object it matches, Secrets and pod specs included; a mutating one can rewrite them, e.g. add a privileged container or another ServiceAccount to every pod, and deleting a webhook disables the policy it enforces.',
    tags: ['rbac', 'escalation'],
    kinds: ['ClusterRole'],
    recommended: true,
    securitySeverity: 8.5,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['webhook-write-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can intercept or rewrite objects as they are admitted, or switch admission policies off${reach.note}`,
        related: reach.related,
      });
    }
  },
});
