import { defineRule } from '../src/engine/rule.js';
import { ruleEntries } from '../src/model/index.js';

const READ_VERBS = ['get', 'list', 'watch'];

export default defineRule({
  id: 'secret-read-access',
  meta: {
    severity: 'warning',
    description: 'Roles should not grant read access to Secrets.',
    help: 'Drop get, list and watch on secrets, or limit get to the named Secrets the workload needs with resourceNames.',
    rationale:
      'Reading Secrets reveals their contents, including ServiceAccount tokens of more powerful identities; list and watch return every Secret in scope, not only their names.',
    tags: ['rbac', 'secrets', 'least-privilege', 'cis-5.1.2'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 7.0,
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
  },
  check(ctx) {
    for (const role of ctx.index.roles()) {
      for (const entry of ruleEntries(role)) {
        // Core group only: "" or "*" (rbac/v1 evaluation_helpers.go APIGroupMatches).
        if (!entry.apiGroups.some((g) => g === '' || g === '*')) continue;
        const at = entry.resources.findIndex((r) => r === 'secrets' || r === '*');
        if (at < 0) continue;
        const verbs = entry.verbs.includes('*') ? ['*'] : entry.verbs.filter((v) => READ_VERBS.includes(v));
        if (verbs.length === 0) continue;
        const what = verbs[0] === '*' ? 'every verb' : verbs.join(', ');
        const via = entry.resources[at] === '*' ? ' (through resources "*")' : '';
        // resourceNames limits get to the named objects; list/watch then need a metadata.name
        // field selector (apiserver requestinfo.go), so only those Secrets can be read.
        if (entry.resourceNames.length > 0) {
          ctx.report({
            object: role,
            path: ['rules', entry.index, 'resources', at],
            severity: 'note',
            message: `${role.display} rules[${entry.index}] allows ${what} on Secrets${via}, limited to ${entry.resourceNames.map((n) => `"${n}"`).join(', ')}`,
          });
          continue;
        }
        ctx.report({
          object: role,
          path: ['rules', entry.index, 'resources', at],
          message: `${role.display} rules[${entry.index}] allows ${what} on all Secrets${via}${role.kind === 'Role' ? ` in namespace "${role.namespace}"` : ''}`,
        });
      }
    }
  },
});
