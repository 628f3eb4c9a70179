import { defineRule } from '../src/engine/rule.js';
import { ruleEntries } from '../src/model/index.js';
import { roleReach } from '../src/rbac/reach.js';

const FIELDS = ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const;

export default defineRule({
  id: 'wildcard-rule',
  meta: {
    severity: 'warning',
    description: 'Role rules should list API groups, resources and verbs instead of using "*".',
    help: 'Replace each "*" with the exact API groups, resources, verbs or URLs the subject needs.',
    rationale:
      'A "*" matches everything that exists now and everything added later: every subresource (pods/exec), every special verb (escalate, bind, impersonate) and every CRD installed in the future.',
    tags: ['rbac', 'least-privilege', 'cis-5.1.3'],
    kinds: ['Role', 'ClusterRole'],
    recommended: true,
    securitySeverity: 6.0,
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege'],
  },
  check(ctx) {
    for (const role of ctx.index.roles()) {
      for (const entry of ruleEntries(role)) {
        if (!FIELDS.some((field) => entry[field].includes('*'))) continue;
        // Fields in the order the manifest writes them, so the finding lands on the first "*".
        const wild = Object.keys(entry.raw).filter(
          (field): field is (typeof FIELDS)[number] =>
            (FIELDS as readonly string[]).includes(field) && entry[field as (typeof FIELDS)[number]].includes('*'),
        );
        const first = wild[0];
        if (!first) continue;
        const reach = roleReach(ctx.rbac, role);
        ctx.report({
          object: role,
          path: ['rules', entry.index, first, entry[first].indexOf('*')],
          severity: reach.severity(this.meta.severity),
          message: `${role.display} rules[${entry.index}] uses "*" in ${joinWords(wild)}${reach.note}`,
          related: reach.related,
        });
      }
    }
  },
});

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
