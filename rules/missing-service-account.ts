import { defineRule } from '../src/engine/rule.js';
import { POD_SPEC_PATHS, subjectEntries, type K8sObject } from '../src/model/index.js';

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
    // Only where the input defines ServiceAccounts of that namespace, or one of that name in another
    // namespace: a pod or a binding can only use a ServiceAccount of its own namespace, so that one is
    // the wrong one (counted only where both namespaces are written in the manifests, not taken from
    // the default namespace, which `kubectl apply -n` may change). Otherwise they are managed
    // elsewhere and absence proves nothing. "default" exists in every namespace.
    const elsewhere = (namespace: string, name: string, written: boolean): string[] =>
      written
        ? [...new Set(ctx.index.serviceAccountsNamed(name).filter((a) => writesNamespace(a) && a.namespace !== namespace).map((a) => a.namespace))].map(
            (other) => `${other}/${name}`,
          )
        : [];
    const missing = (namespace: string | undefined, name: string, written: boolean): namespace is string =>
      namespace !== undefined &&
      name !== 'default' &&
      !ctx.index.isExternalServiceAccountNamespace(namespace) &&
      !ctx.index.serviceAccount(namespace, name) &&
      (ctx.index.definesServiceAccountsIn(namespace) || elsewhere(namespace, name, written).length > 0);
    const other = (namespace: string, name: string, written: boolean): string => {
      const found = elsewhere(namespace, name, written);
      return found.length === 0 ? '' : ` (it defines ServiceAccount ${found.join(', ')}, in another namespace)`;
    };

    for (const workload of ctx.index.workloads()) {
      if (workload.serviceAccountSource === 'default') continue;
      const written = writesNamespace(workload.object);
      if (!missing(workload.namespace, workload.serviceAccountName, written)) continue;
      ctx.report({
        object: workload.object,
        path: [...workload.specPath, workload.serviceAccountSource],
        message: `${workload.object.display} runs as ServiceAccount ${workload.namespace}/${workload.serviceAccountName}, which the input does not define${other(workload.namespace, workload.serviceAccountName, written)}`,
      });
    }
    for (const binding of ctx.index.bindings()) {
      for (const subject of subjectEntries(binding)) {
        if (subject.kind !== 'ServiceAccount') continue;
        const namespace = subject.namespace ?? (binding.kind === 'RoleBinding' ? binding.namespace : undefined);
        const written = subject.namespace !== undefined || writesNamespace(binding);
        if (!missing(namespace, subject.name, written)) continue;
        ctx.report({
          object: binding,
          path: ['subjects', subject.index, 'name'],
          message: `${binding.display} binds ServiceAccount ${namespace}/${subject.name}, which the input does not define${other(namespace, subject.name, written)}`,
        });
      }
    }
  },
});

/** Whether the manifest writes metadata.namespace (rather than leaving it to the default namespace). */
function writesNamespace(object: K8sObject): boolean {
  const namespace = object.get(['metadata', 'namespace']);
  return typeof namespace === 'string' && namespace !== '';
}
