import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS, subjectEntries } from '../src/model/index.js';

export default defineRule({
  id: 'missing-service-account',
  meta: {
    severity: 'warning',
    description: 'Pod templates and bindings should name ServiceAccounts that exist.',
    help: 'Fix the name, or add the ServiceAccount to the manifests that define the namespace\'s other ServiceAccounts.',
    rationale:
      'A pod naming a ServiceAccount that does not exist is refused by the ServiceAccount admission plugin, and a binding to one grants nothing until someone creates an account of that name, who then receives the permissions.',
    tags: ['serviceaccount', 'correctness'],
    kinds: [...Object.keys(POD_SPEC_PATHS), 'RoleBinding', 'ClusterRoleBinding'],
    recommended: true,
    securitySeverity: 3.0,
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/'],
  },
  check(ctx) {
    // Only where the input defines ServiceAccounts of that namespace: otherwise they are managed
    // elsewhere and absence proves nothing. "default" exists in every namespace.
    const missing = (namespace: string | undefined, name: string): namespace is string =>
      namespace !== undefined &&
      name !== 'default' &&
      ctx.index.definesServiceAccountsIn(namespace) &&
      !ctx.index.serviceAccount(namespace, name);

    for (const workload of ctx.index.workloads()) {
      if (workload.serviceAccountSource === 'default') continue;
      if (!missing(workload.namespace, workload.serviceAccountName)) continue;
      ctx.report({
        object: workload.object,
        path: [...workload.specPath, workload.serviceAccountSource],
        message: `${workload.object.display} runs as ServiceAccount ${workload.namespace}/${workload.serviceAccountName}, which the input does not define`,
      });
    }
    for (const binding of ctx.index.bindings()) {
      for (const subject of subjectEntries(binding)) {
        if (subject.kind !== 'ServiceAccount') continue;
        const namespace = subject.namespace ?? (binding.kind === 'RoleBinding' ? binding.namespace : undefined);
        if (!missing(namespace, subject.name)) continue;
        ctx.report({
          object: binding,
          path: ['subjects', subject.index, 'name'],
          message: `${binding.display} binds ServiceAccount ${namespace}/${subject.name}, which the input does not define`,
        });
      }
    }
  },
});
