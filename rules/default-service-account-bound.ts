import { defineRule } from '../src/engine/rule.js';
import { subjectEntries, type K8sObject, type SubjectEntry } from '../src/model/index.js';
import { bindingReach, describeRoleRef } from '../src/rbac/reach.js';
import { parseServiceAccountUsername } from '../src/rbac/subjects.js';

export default defineRule({
  id: 'default-service-account-bound',
  meta: {
    severity: 'warning',
    description: 'Bindings should not grant permissions to a namespace\'s "default" ServiceAccount.',
    help: 'Create a dedicated ServiceAccount for the workload that needs the permissions, bind the role to it and name it in the workload\'s serviceAccountName.',
    rationale:
      'Every pod that sets no serviceAccountName runs as the "default" ServiceAccount of its namespace, so a permission granted to it is silently held by all of them, including pods added later by anyone who can deploy there.',
    tags: ['rbac', 'serviceaccount', 'least-privilege'],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 5.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions',
    ],
  },
  check(ctx) {
    for (const binding of ctx.index.bindings()) {
      for (const subject of subjectEntries(binding)) {
        const namespace = defaultAccountNamespace(subject, binding);
        if (namespace === undefined) continue;
        const reach = bindingReach(ctx.rbac, binding, { namespace, name: 'default' });
        ctx.report({
          object: binding,
          path: ['subjects', subject.index, 'name'],
          message: `${binding.display} grants ${describeRoleRef(binding)} to ServiceAccount ${namespace}/default: every pod of namespace "${namespace}" that sets no serviceAccountName holds it${reach.note}`,
          related: reach.related,
        });
      }
    }
  },
});

/**
 * The namespace whose "default" ServiceAccount the subject is: a ServiceAccount subject (its
 * namespace defaulting to a RoleBinding's) or a User named `system:serviceaccount:<ns>:default`
 * (kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser).
 */
function defaultAccountNamespace(subject: SubjectEntry, binding: K8sObject): string | undefined {
  if (subject.kind === 'User') {
    const account = parseServiceAccountUsername(subject.name);
    return account?.name === 'default' ? account.namespace : undefined;
  }
  if (subject.kind !== 'ServiceAccount' || subject.name !== 'default') return undefined;
  return subject.namespace ?? (binding.kind === 'RoleBinding' ? binding.namespace : undefined);
}
