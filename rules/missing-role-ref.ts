import { defineRule } from '../src/engine/rule.js';
import { describeSubjects, roleRefOf } from '../src/model/index.js';
import { describeRoleRef } from '../src/rbac/reach.js';

export default defineRule({
  id: 'missing-role-ref',
  meta: {
    severity: 'warning',
    description: 'Bindings should refer to a Role or ClusterRole that exists.',
    help: 'Fix roleRef, add the role to the manifests, or delete the binding; a ClusterRoleBinding can only refer to a ClusterRole.',
    rationale:
      'A binding to a role that does not exist grants nothing, but Kubernetes keeps it: the moment anyone creates a role of that name, its rules, whatever they are, go to the binding\'s subjects.',
    tags: ['rbac', 'correctness'],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 4.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#periodic-review',
    ],
  },
  check(ctx) {
    for (const binding of ctx.index.bindings()) {
      const ref = roleRefOf(binding);
      // Resolved as the authorizer does: a Role in the binding's namespace, a ClusterRole by name,
      // input first, then the built-in roles (pkg/registry/rbac/validation/rule.go GetRoleReferenceRules).
      if (!ref || ctx.rbac.roleForBinding(binding)) continue;
      const invalid =
        ref.kind !== 'Role' && ref.kind !== 'ClusterRole'
          ? `roleRef.kind "${ref.kind}", which is neither Role nor ClusterRole (kinds are case-sensitive)`
          : ref.kind === 'Role' && binding.kind === 'ClusterRoleBinding'
            ? 'roleRef.kind "Role", which a ClusterRoleBinding cannot refer to'
            : undefined;
      ctx.report({
        object: binding,
        path: ['roleRef', invalid ? 'kind' : 'name'],
        message: invalid
          ? `${binding.display} refers to "${ref.name}" with ${invalid}: it grants nothing`
          : `${binding.display} refers to ${describeRoleRef(binding)}, which is neither in the input nor a built-in role: it grants nothing until someone creates it, and then grants its rules to ${describeSubjects(binding)}`,
      });
    }
  },
});
