import { defineRule } from '../src/engine/rule.js';
import { describeSubjects } from '../src/model/index.js';
import { DANGERS, describeGrants, describeNames, grantsAny, isFullWildcard } from '../src/rbac/dangerous.js';
import { bindingReach, describeRoleRef, roleGrants } from '../src/rbac/reach.js';

/** Writing a ConfigMap (replacing, patching, or creating one that is missing) in kube-system. */
const { permissions: CONFIGMAP_WRITE, namespace: KUBE_SYSTEM = 'kube-system' } = DANGERS['system-configmap-write-access'];

export default defineRule({
  id: 'system-configmap-write-access',
  meta: {
    severity: 'error',
    description: 'Roles should not allow writing ConfigMaps in kube-system.',
    help: 'Remove create, update and patch on configmaps from roles that apply in kube-system, or limit them with resourceNames to the ConfigMaps the subject must own (never coredns, kube-proxy or aws-auth).',
    rationale:
      'kube-system ConfigMaps configure the cluster itself: coredns (rewrite DNS answers for every pod), kube-proxy, and on EKS aws-auth, which maps cloud identities to Kubernetes groups up to system:masters. Whoever can write them can redirect traffic or make themselves cluster-admin.',
    tags: ['rbac', 'escalation', 'least-privilege'],
    kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 8.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
      'https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, CONFIGMAP_WRITE, { namespace: KUBE_SYSTEM })) {
      const { role, entry, found, reach } = grant;
      const where = role.kind === 'Role' ? 'in kube-system' : 'wherever it is granted, kube-system included';
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)} ${where}: whoever holds it can rewrite cluster configuration such as coredns or aws-auth${reach.note}`,
        related: reach.related,
      });
    }
    // Bindings of built-in roles that write ConfigMaps (edit, admin) in kube-system or everywhere;
    // cluster-admin and its equivalents are left to cluster-admin-binding.
    for (const binding of ctx.index.bindings()) {
      if (binding.kind === 'RoleBinding' && binding.namespace !== KUBE_SYSTEM) continue;
      const role = ctx.rbac.roleForBinding(binding);
      if (!role?.builtin) continue;
      const rules = ctx.rbac.effectiveRules(role);
      if (rules.some(isFullWildcard)) continue;
      const verbs = new Set(rules.flatMap((rule) => grantsAny(rule, CONFIGMAP_WRITE)).flatMap((g) => (g.resourceNames.length === 0 ? g.verbs : [])));
      if (verbs.size === 0) continue;
      const reach = bindingReach(ctx.rbac, binding);
      const scope = binding.kind === 'RoleBinding' ? 'in kube-system' : 'in every namespace, kube-system included';
      ctx.report({
        object: binding,
        path: ['roleRef', 'name'],
        message: `${binding.display} grants built-in ${describeRoleRef(binding)}, which allows ${CONFIGMAP_WRITE[0]!.verbs.filter((v) => verbs.has(v)).join(', ')} on ConfigMaps ${scope}, to ${describeSubjects(binding)}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
