import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'workload-create-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not allow creating pods or pod controllers unless the subject deploys workloads.',
    help: 'Let the deployment pipeline create workloads; otherwise remove create on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs and replicationcontrollers from the rule.',
    rationale:
      'A pod may name any ServiceAccount of its namespace, and no RBAC check stops it: whoever can create pods, or a controller that creates them, can run code with the token of every ServiceAccount there, and mount its Secrets, ConfigMaps and volumes.',
    tags: ['rbac', 'escalation', 'serviceaccount'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 7.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['workload-create-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      const scope = role.kind === 'Role' ? `namespace "${role.namespace}" and so hold its rights` : 'the namespaces it is granted in and so hold their rights';
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}: whoever holds it can run pods as any ServiceAccount of ${scope}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
