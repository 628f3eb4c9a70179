import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';

export default defineRule({
  id: 'missing-service-account-name',
  meta: {
    severity: 'warning',
    description: 'Pod templates should name the ServiceAccount they run as.',
    help: 'Create a ServiceAccount for the workload and set spec.serviceAccountName in its pod template.',
    rationale:
      'A pod template that sets neither serviceAccountName nor serviceAccount runs as the "default" ServiceAccount of its namespace, so it silently shares that identity, and every permission anyone grants to it, with every other such pod.',
    tags: ['serviceaccount', 'least-privilege'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: true,
    securitySeverity: 3.0,
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts'],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      if (workload.serviceAccountSource !== 'default') continue;
      ctx.report({
        object: workload.object,
        path: workload.specPath,
        at: 'key',
        message: `${workload.object.display} sets no serviceAccountName, so ${workload.object.kind === 'Pod' ? 'it runs' : 'its pods run'} as the "default" ServiceAccount of namespace "${workload.namespace}"`,
      });
    }
  },
});
