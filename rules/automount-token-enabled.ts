import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';

export default defineRule({
  id: 'automount-token-enabled',
  meta: {
    severity: 'warning',
    description: 'Pods that do not call the Kubernetes API should not have an API token mounted.',
    help: 'Set automountServiceAccountToken: false on the ServiceAccount (or the pod template); set it to true explicitly where the workload does call the API.',
    rationale:
      'Unless the pod template or its ServiceAccount says otherwise, Kubernetes mounts an API token at /var/run/secrets/kubernetes.io/serviceaccount in every container; anyone who compromises the container can then act with the ServiceAccount\'s permissions.',
    tags: ['serviceaccount', 'tokens', 'least-privilege', 'cis-5.1.6'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: true,
    fixable:
      'When the ServiceAccount has no RBAC bindings in the input (beyond the built-in defaults) and its namespace is not declared external: sets automountServiceAccountToken: false on the pod template, and on the ServiceAccount when the input defines it. Otherwise the choice is left to you.',
    securitySeverity: 4.0,
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    ],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      // The pod's value beats the ServiceAccount's; unset on both means mounted
      // (plugin/pkg/admission/serviceaccount/admission.go shouldAutomount).
      if (workload.automount !== undefined) continue;
      const account = ctx.index.serviceAccount(workload.namespace, workload.serviceAccountName);
      if (typeof account?.get(['automountServiceAccountToken']) === 'boolean') continue;
      const spec = workload.object.kind === 'Pod' ? 'the pod spec' : 'the pod template';
      const where = account
        ? `neither ${spec} nor the ServiceAccount sets automountServiceAccountToken`
        : `${spec} does not set automountServiceAccountToken`;
      // Whether the identity has grants of its own tells the reader which way to decide.
      const bindings = ctx.rbac.accountBindings(workload.namespace, workload.serviceAccountName).filter((m) => m.binding.source);
      const grant = (bindings.find((m) => m.role) ?? bindings[0])?.binding.source;
      const hint = grant
        ? `; ${grant.display} ${bindings.some((m) => m.role) ? 'grants it rights' : 'binds it (to a role not in the input)'}, so set it to true explicitly if the pods call the API`
        : '; the ServiceAccount has no RBAC bindings in the input beyond the defaults';
      // Without bindings of its own the token serves nothing the pods could need: --fix turns the
      // mount off on the pod template and on the ServiceAccount. Not when the namespace is declared
      // external (its ServiceAccounts may be bound outside the input).
      const fixable = bindings.length === 0 && !ctx.index.isExternalServiceAccountNamespace(workload.namespace);
      ctx.report({
        object: workload.object,
        path: workload.specPath,
        at: 'key',
        message: `${workload.object.display} gets an API token for ServiceAccount ${workload.namespace}/${workload.serviceAccountName} mounted: ${where}${hint}`,
        ...(account ? { related: [{ object: account, message: `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}` }] } : {}),
        ...(fixable
          ? {
              fix: {
                description: `set automountServiceAccountToken: false on ${spec}${account ? ' and on the ServiceAccount' : ''}`,
                edits: [
                  { op: 'set', object: workload.object, path: [...workload.specPath, 'automountServiceAccountToken'], value: false, after: ['serviceAccountName', 'serviceAccount'] },
                  ...(account ? [{ op: 'set' as const, object: account, path: ['automountServiceAccountToken'], value: false, after: ['metadata'] }] : []),
                ],
              },
            }
          : {}),
      });
    }
  },
});
