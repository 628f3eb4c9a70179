import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';

export default defineRule({
  id: 'default-service-account',
  meta: {
    severity: 'warning',
    description: 'Pod templates should not run as the namespace\'s "default" ServiceAccount.',
    help: 'Create a dedicated ServiceAccount for the workload and name it in spec.serviceAccountName.',
    rationale:
      'The "default" ServiceAccount is shared by every pod of the namespace that names no other one; permissions granted to it for one workload leak to all of them, and a compromised pod exposes them all.',
    tags: ['serviceaccount', 'least-privilege', 'cis-5.1.5'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: true,
    securitySeverity: 3.0,
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts'],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      if (workload.serviceAccountSource === 'default' || workload.serviceAccountName !== 'default') continue;
      ctx.report({
        object: workload.object,
        path: [...workload.specPath, workload.serviceAccountSource],
        message: `${workload.object.display} runs as the "default" ServiceAccount of namespace "${workload.namespace}", which every pod without its own ServiceAccount shares`,
      });
    }
  },
});
