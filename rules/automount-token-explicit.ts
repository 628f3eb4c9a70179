import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';
import { automountOf } from '../src/model/token.js';

export default defineRule({
  id: 'automount-token-explicit',
  meta: {
    severity: 'note',
    description: 'Pods that mount an API token because a manifest asks for it (automountServiceAccountToken: true).',
    help: 'Check that the pods call the Kubernetes API; if they do not, set automountServiceAccountToken: false instead.',
    rationale:
      'An explicit automountServiceAccountToken: true on the pod template, or on its ServiceAccount when the pod template does not set it, mounts an API token in every container. rbaclint reads it as a declared need (automount-token-enabled reports only tokens mounted by default); audits that want every mounted token listed (CIS 5.1.6, peers such as Polaris, Kubescape and Checkov) enable this rule.',
    tags: ['serviceaccount', 'tokens', 'least-privilege', 'cis-5.1.6'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: false,
    securitySeverity: 2.0,
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    ],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      const decision = automountOf(workload, ctx.index);
      if (!decision.mounted || decision.decidedBy === 'default') continue;
      const account = `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}`;
      const spec = workload.object.kind === 'Pod' ? 'the pod spec' : 'the pod template';
      if (decision.decidedBy === 'pod') {
        ctx.report({
          object: workload.object,
          path: [...workload.specPath, 'automountServiceAccountToken'],
          message: `${workload.object.display} sets automountServiceAccountToken: true on ${spec}: its pods get an API token for ${account}`,
        });
        continue;
      }
      const sa = ctx.index.serviceAccount(workload.namespace, workload.serviceAccountName)!;
      ctx.report({
        object: workload.object,
        path: workload.specPath,
        at: 'key',
        message: `${workload.object.display} gets an API token for ${account} mounted: its ServiceAccount sets automountServiceAccountToken: true and ${spec} does not set it`,
        related: [{ object: sa, path: ['automountServiceAccountToken'], message: `${account} sets automountServiceAccountToken: true` }],
      });
    }
  },
});
