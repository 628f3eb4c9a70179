import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants, describeNames } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'escalate-bind-access',
  meta: {
    severity: 'error',
    description: 'Roles should not grant the escalate or bind verbs on roles or clusterroles.',
    help: 'Remove escalate and bind (and "*" verbs that cover them); if a controller must bind one role, limit bind to it with resourceNames.',
    rationale:
      'Kubernetes only lets a user write a role, or bind one, with permissions the user already holds; escalate lifts that check for writing roles and bind lifts it for binding them, so either leads to any permission, cluster-admin included.',
    tags: ['rbac', 'escalation'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 9.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['escalate-bind-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      const verbs = new Set(found.flatMap((g) => g.verbs));
      const how = [verbs.has('escalate') ? 'write' : '', verbs.has('bind') ? 'bind' : ''].filter(Boolean).join(' or ');
      ctx.report({
        object: role,
        path: grant.path('verbs'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)}: whoever holds it can ${how} roles with permissions it does not hold${reach.note}`,
        related: reach.related,
      });
    }
  },
});
