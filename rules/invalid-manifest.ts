import { defineRule } from '../src/engine/rule.js';
import { validateObject } from '../src/model/validate.js';

export default defineRule({
  id: 'invalid-manifest',
  meta: {
    severity: 'error',
    description: 'Built-in objects must match the Kubernetes API schema: no unknown fields, no values of the wrong type.',
    help: 'Fix the field at the reported position (a typo in its name, or quotes around a boolean or number); kubectl apply --validate=strict would reject the object.',
    rationale:
      'The API server drops fields it does not know, so a typo such as serviceAccountname or a quoted "false" leaves the setting unset: the pod runs as the default ServiceAccount with a mounted token while the manifest looks right, and every other rule would read the field as unset too.',
    tags: ['correctness', 'syntax'],
    // The kinds of the compiled schemas (core/v1, apps/v1, batch/v1, policy/v1, rbac.authorization.k8s.io/v1).
    kinds: [
      'Binding', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'ConfigMap', 'ControllerRevision', 'CronJob',
      'DaemonSet', 'Deployment', 'Endpoints', 'Event', 'Job', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
      'PersistentVolumeClaim', 'Pod', 'PodDisruptionBudget', 'PodTemplate', 'ReplicaSet', 'ReplicationController',
      'ResourceQuota', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet',
    ],
    recommended: true,
    securitySeverity: 5.0,
    references: [
      'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation',
      'https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/',
    ],
  },
  check(ctx) {
    for (const object of ctx.index.objects) {
      for (const violation of validateObject(object.manifest.object)) {
        const name = object.name === '' ? object.kind : object.display;
        ctx.report({ object, path: violation.path, at: violation.at, message: `${name} ${violation.message}` });
      }
    }
  },
});
