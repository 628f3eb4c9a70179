import { defineRule } from '../src/engine/rule.js';
import { describeSubjects, ruleEntries } from '../src/model/index.js';
import { DANGERS, grantsAny, isFullWildcard } from '../src/rbac/dangerous.js';
import { bindingReach, describeRoleRef, roleReach } from '../src/rbac/reach.js';

const SECRET_READ = DANGERS['secret-read-access'].permissions;
const READ_VERBS = SECRET_READ.flatMap((p) => p.verbs);

export default defineRule({
  id: 'secret-read-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not grant read access to Secrets.',
    help: 'Drop get, list and watch on secrets, or limit get to the named Secrets the workload needs with resourceNames.',
    rationale:
      'Reading Secrets reveals their contents, including ServiceAccount tokens of more powerful identities; list and watch return every Secret in scope, not only their names.',
    tags: ['rbac', 'secrets', 'least-privilege', 'cis-5.1.2'],
    kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 7.0,
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
  },
  check(ctx) {
    for (const role of ctx.index.roles()) {
      for (const entry of ruleEntries(role)) {
        const at = grantsAny(entry, SECRET_READ)[0]?.resourceIndex;
        if (at === undefined) continue;
        // Verbs as the entry lists them.
        const verbs = entry.verbs.includes('*') ? ['*'] : entry.verbs.filter((v) => READ_VERBS.includes(v));
        const what = verbs[0] === '*' ? 'every verb' : verbs.join(', ');
        const via = entry.resources[at] === '*' ? ' (through resources "*")' : '';
        const reach = roleReach(ctx.rbac, role);
        // resourceNames limits get to the named objects; list/watch then need a metadata.name
        // field selector (apiserver requestinfo.go), so only those Secrets can be read.
        if (entry.resourceNames.length > 0) {
          ctx.report({
            object: role,
            path: ['rules', entry.index, 'resources', at],
            severity: 'note',
            message: `${role.display} rules[${entry.index}] allows ${what} on Secrets${via}, limited to ${entry.resourceNames.map((n) => `"${n}"`).join(', ')}${reach.note}`,
            related: reach.related,
          });
          continue;
        }
        ctx.report({
          object: role,
          path: ['rules', entry.index, 'resources', at],
          severity: reach.severity(this.meta.severity),
          message: `${role.display} rules[${entry.index}] allows ${what} on all Secrets${via}${role.kind === 'Role' ? ` in namespace "${role.namespace}"` : ''}${reach.note}`,
          related: reach.related,
        });
      }
    }
    // Bindings to built-in roles (edit, admin, …): their rules are not in the input to be reported.
    // cluster-admin and its equivalents are left to cluster-admin-binding.
    for (const binding of ctx.index.bindings()) {
      const role = ctx.rbac.roleForBinding(binding);
      if (!role?.builtin) continue;
      const rules = ctx.rbac.effectiveRules(role);
      if (rules.some(isFullWildcard)) continue;
      const verbs = new Set(rules.flatMap((rule) => grantsAny(rule, SECRET_READ)).flatMap((g) => (g.resourceNames.length === 0 ? g.verbs : [])));
      if (verbs.size === 0) continue;
      const reach = bindingReach(ctx.rbac, binding);
      const scope = binding.kind === 'RoleBinding' ? `in namespace "${binding.namespace}"` : 'in every namespace';
      ctx.report({
        object: binding,
        path: ['roleRef', 'name'],
        message: `${binding.display} grants built-in ${describeRoleRef(binding)}, which allows ${READ_VERBS.filter((v) => verbs.has(v)).join(', ')} on all Secrets ${scope}, to ${describeSubjects(binding)}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
