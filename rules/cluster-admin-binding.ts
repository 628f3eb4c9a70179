import { defineRule } from '../src/engine/rule.js';
import { describeSubjects, roleRefOf } from '../src/model/index.js';

export default defineRule({
  id: 'cluster-admin-binding',
  meta: {
    severity: 'error',
    description: 'Bindings should not grant the built-in cluster-admin ClusterRole.',
    help: 'Bind a dedicated Role or ClusterRole that lists only the resources and verbs the subjects need.',
    rationale:
      'cluster-admin allows every verb on every resource, including Secrets and RBAC itself; through a ClusterRoleBinding it owns the whole cluster, and through a RoleBinding it owns the namespace, its Secrets and every ServiceAccount in it.',
    tags: ['rbac', 'least-privilege', 'cis-5.1.1'],
    kinds: ['ClusterRoleBinding', 'RoleBinding'],
    recommended: true,
    securitySeverity: 9.0,
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
  },
  check(ctx) {
    for (const binding of ctx.index.bindings()) {
      const roleRef = roleRefOf(binding);
      if (roleRef?.kind !== 'ClusterRole' || roleRef.name !== 'cluster-admin') continue;
      const scope = binding.kind === 'RoleBinding' ? ` in namespace "${binding.namespace}"` : '';
      ctx.report({
        object: binding,
        path: ['roleRef', 'name'],
        message: `${binding.display} grants cluster-admin${scope} to ${describeSubjects(binding)}`,
      });
    }
  },
});
