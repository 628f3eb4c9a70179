import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';
import { serviceAccountUser } from '../src/rbac/subjects.js';

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
      const user = serviceAccountUser(workload.namespace, workload.serviceAccountName);
      const grant = ctx.rbac.policy.bindingsFor(user).find((m) => m.binding.source && m.role)?.binding.source;
      const hint = grant
        ? `; ${grant.display} grants it rights, so set it to true explicitly if the pods call the API`
        : '; the ServiceAccount has no RBAC bindings in the input beyond the defaults';
      ctx.report({
        object: workload.object,
        path: workload.specPath,
        at: 'key',
        message: `${workload.object.display} gets an API token for ServiceAccount ${workload.namespace}/${workload.serviceAccountName} mounted: ${where}${hint}`,
        ...(account ? { related: [{ object: account, message: `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}` }] } : {}),
      });
    }
  },
});
