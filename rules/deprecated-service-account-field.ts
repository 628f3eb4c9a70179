import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';

export default defineRule({
  id: 'deprecated-service-account-field',
  meta: {
    severity: 'note',
    description: 'Pod templates should use serviceAccountName, not the deprecated serviceAccount field.',
    help: 'Rename the field serviceAccount to serviceAccountName (keep the value).',
    rationale:
      'spec.serviceAccount is a deprecated alias that Kubernetes reads only when serviceAccountName is empty; when both are set and differ, the value a reader sees first is not the one that is used.',
    tags: ['serviceaccount', 'deprecated'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: true,
    fixable:
      'Renames serviceAccount to serviceAccountName when serviceAccountName is not set, and removes serviceAccount when both say the same; differing values are left to you.',
    securitySeverity: 1.0,
    references: ['https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context'],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      const legacy = workload.spec.serviceAccount;
      if (legacy === undefined) continue;
      const current = workload.spec.serviceAccountName;
      const conflict =
        typeof current === 'string' && current !== '' && current !== legacy
          ? `; serviceAccountName "${current}" wins over serviceAccount "${String(legacy)}"`
          : '';
      const path = [...workload.specPath, 'serviceAccount'];
      // Only when the meaning is certain: rename it when serviceAccountName is absent, drop it when
      // both say the same. Differing values need a person to decide which one was meant.
      const fix =
        current === undefined
          ? { description: 'rename serviceAccount to serviceAccountName', edits: [{ op: 'rename' as const, object: workload.object, path, to: 'serviceAccountName' }] }
          : current === legacy
            ? { description: 'remove serviceAccount, which repeats serviceAccountName', edits: [{ op: 'remove' as const, object: workload.object, path }] }
            : undefined;
      ctx.report({
        object: workload.object,
        path,
        at: 'key',
        message: `${workload.object.display} uses the deprecated field serviceAccount instead of serviceAccountName${conflict}`,
        ...(fix ? { fix } : {}),
      });
    }
  },
});
