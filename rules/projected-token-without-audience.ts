import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS } from '../src/model/index.js';
import { apiTokensOf, automountOf } from '../src/model/token.js';

export default defineRule({
  id: 'projected-token-without-audience',
  meta: {
    severity: 'note',
    description: 'Projected ServiceAccount tokens should name their audience when the API token is not automounted.',
    help: 'Set audience to the service that reads the token (e.g. "vault" or "sts.amazonaws.com"); if the workload does call the Kubernetes API, set automountServiceAccountToken: true instead of projecting a token by hand.',
    rationale:
      'A projected serviceAccountToken without audience is issued for the Kubernetes API server, so a pod that turns automountServiceAccountToken off still holds an API token for its ServiceAccount, which its author probably did not intend.',
    tags: ['serviceaccount', 'tokens'],
    kinds: Object.keys(POD_SPEC_PATHS),
    recommended: true,
    securitySeverity: 3.0,
    references: [
      'https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#serviceaccount-token-volume-projection',
    ],
  },
  check(ctx) {
    for (const workload of ctx.index.workloads()) {
      const automount = automountOf(workload, ctx.index);
      if (automount.mounted) continue;
      const account = `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}`;
      const [off, what] =
        automount.decidedBy === 'pod'
          ? ['turns off automountServiceAccountToken', `a Kubernetes API token for ${account}`]
          : [`runs as ${account}, which turns off automountServiceAccountToken`, 'a Kubernetes API token all the same'];
      for (const token of apiTokensOf(workload, ctx.index)) {
        // Only a missing audience: an explicit API server audience is a deliberate choice.
        if (token.via !== 'projected' || workload.object.get([...token.path, 'audience']) !== undefined) continue;
        ctx.report({
          object: workload.object,
          path: token.path,
          at: 'key',
          message: `${workload.object.display} ${off}, but projects a serviceAccountToken without audience, which is ${what}`,
        });
      }
    }
  },
});
