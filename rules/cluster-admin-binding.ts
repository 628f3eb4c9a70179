import { defineRule } from '../src/engine/rule.js';
import { describeSubjects, roleRefOf } from '../src/model/index.js';
import { isFullWildcard } from '../src/rbac/dangerous.js';
import { bindingReach, describeRoleRef } from '../src/rbac/reach.js';

export default defineRule({
  id: 'cluster-admin-binding',
  meta: {
    severity: 'error',
    description: 'Bindings should not grant the built-in cluster-admin ClusterRole, or a role that allows as much.',
    help: 'Bind a dedicated Role or ClusterRole that lists only the resources and verbs the subjects need.',
    rationale:
      'cluster-admin allows every verb on every resource, including Secrets and RBAC itself; through a ClusterRoleBinding it owns the whole cluster, and through a RoleBinding it owns the namespace, its Secrets and every ServiceAccount in it. A role with "*" verbs on "*" resources in "*" API groups is the same under another name.',
    tags: ['rbac', 'least-privilege', 'cis-5.1.1'],
    kinds: ['ClusterRoleBinding', 'RoleBinding'],
    recommended: true,
    securitySeverity: 9.0,
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
  },
  check(ctx) {
    for (const binding of ctx.index.bindings()) {
      const roleRef = roleRefOf(binding);
      const scope = binding.kind === 'RoleBinding' ? ` in namespace "${binding.namespace}"` : '';
      if (roleRef?.kind === 'ClusterRole' && roleRef.name === 'cluster-admin') {
        // The chain: the workloads that hold the binding's rights and their ServiceAccounts.
        const reach = bindingReach(ctx.rbac, binding);
        ctx.report({
          object: binding,
          path: ['roleRef', 'name'],
          message: `${binding.display} grants cluster-admin${scope} to ${describeSubjects(binding)}${reach.note}`,
          related: reach.related,
        });
        continue;
      }
      // cluster-admin under another name: the effective rules (aggregation resolved) of the role the
      // roleRef resolves to, in the input or built in.
      const role = ctx.rbac.roleForBinding(binding);
      if (!role || !ctx.rbac.effectiveRules(role).some(isFullWildcard)) continue;
      const reach = bindingReach(ctx.rbac, binding);
      ctx.report({
        object: binding,
        path: ['roleRef', 'name'],
        message: `${binding.display} grants ${describeRoleRef(binding)}${scope} to ${describeSubjects(binding)}: it allows every verb on every resource in every API group, as cluster-admin does${reach.note}`,
        related: [...(role.source ? [{ object: role.source, message: `${role.source.display}` }] : []), ...reach.related],
      });
    }
  },
});
