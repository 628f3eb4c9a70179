import { defineRule } from '../src/engine/rule.js';
import { roleRefOf, subjectEntries, type K8sObject, type SubjectEntry } from '../src/model/index.js';
import { builtinBindings } from '../src/rbac/builtin.js';
import type { BindingDef } from '../src/rbac/types.js';
import { bindingReach, describeRoleRef } from '../src/rbac/reach.js';
import { ALL_AUTHENTICATED_GROUP, ALL_SERVICE_ACCOUNTS_GROUP, ALL_UNAUTHENTICATED_GROUP, ANONYMOUS_USER, SERVICE_ACCOUNT_GROUP_PREFIX } from '../src/rbac/subjects.js';

export default defineRule({
  id: 'broad-group-binding',
  meta: {
    severity: 'warning',
    description: 'Bindings should not grant permissions to every authenticated user, anonymous callers or all ServiceAccounts.',
    help: 'Bind the role to the users, groups or ServiceAccounts that need it instead of a system group.',
    rationale:
      'system:authenticated holds every user and every ServiceAccount token (on some managed clusters, any account of the cloud provider), system:unauthenticated and system:anonymous are anyone who can reach the API server, and system:serviceaccounts[:<namespace>] holds every pod with a token; Kubernetes binds these groups only to a few harmless discovery roles.',
    tags: ['rbac', 'least-privilege'],
    kinds: ['RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 7.0,
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#hardening',
    ],
  },
  check(ctx) {
    for (const binding of ctx.index.bindings()) {
      for (const subject of subjectEntries(binding)) {
        const who = audienceOf(subject);
        if (who === undefined || isBuiltinDefault(binding, subject)) continue;
        const reach = bindingReach(ctx.rbac, binding);
        const scope = binding.kind === 'RoleBinding' ? ` in namespace "${binding.namespace}"` : '';
        ctx.report({
          object: binding,
          path: ['subjects', subject.index, 'name'],
          message: `${binding.display} grants ${describeRoleRef(binding)}${scope} to ${subject.kind} ${subject.name}, which is ${who}${reach.note}`,
          related: reach.related,
        });
      }
    }
  },
});

/** Who a broad subject stands for (kubernetes/apiserver pkg/authentication/user and serviceaccount). */
function audienceOf({ kind, name }: SubjectEntry): string | undefined {
  if (kind === 'User') return name === ANONYMOUS_USER ? 'every caller without credentials' : undefined;
  if (kind !== 'Group') return undefined;
  const namespace = name.startsWith(SERVICE_ACCOUNT_GROUP_PREFIX) ? name.slice(SERVICE_ACCOUNT_GROUP_PREFIX.length) : '';
  if (namespace !== '') return `every ServiceAccount of namespace "${namespace}"`;
  return BROAD_GROUPS[name];
}

const BROAD_GROUPS: Readonly<Record<string, string>> = {
  [ALL_AUTHENTICATED_GROUP]: 'every authenticated user and ServiceAccount',
  [ALL_UNAUTHENTICATED_GROUP]: 'every caller without credentials',
  [ALL_SERVICE_ACCOUNTS_GROUP]: 'every ServiceAccount of every namespace',
};

/** The input repeats a default binding of the cluster, as a dump of system:discovery does. */
function isBuiltinDefault(binding: K8sObject, subject: SubjectEntry): boolean {
  const namespace = binding.kind === 'RoleBinding' ? binding.namespace : undefined;
  const same = (b: BindingDef) => b.kind === binding.kind && b.name === binding.name && b.namespace === namespace && b.roleRef.name === roleRefOf(binding)?.name;
  return builtinBindings().some((b) => same(b) && b.subjects.some((s) => s.kind === subject.kind && s.name === subject.name));
}
