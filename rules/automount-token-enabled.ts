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
      const where = account
        ? 'neither the pod template nor the ServiceAccount sets automountServiceAccountToken'
        : 'the pod template does not set automountServiceAccountToken';
      ctx.report({
        object: workload.object,
        path: workload.specPath,
        at: 'key',
        message: `${workload.object.display} gets an API token for ServiceAccount ${workload.namespace}/${workload.serviceAccountName} mounted: ${where}`,
        ...(account ? { related: [{ object: account, message: `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}` }] } : {}),
      });
    }
  },
});
