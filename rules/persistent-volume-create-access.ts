import { defineRule } from '../src/engine/rule.js';
import { DANGERS, describeGrants } from '../src/rbac/dangerous.js';
import { roleGrants } from '../src/rbac/reach.js';

export default defineRule({
  id: 'persistent-volume-create-access',
  meta: {
    severity: 'warning',
    description: 'ClusterRoles should not allow creating PersistentVolumes unless the subject provisions storage.',
    help: 'Let a storage provisioner create PersistentVolumes through StorageClasses; remove create on persistentvolumes from the rule.',
    rationale:
      'A PersistentVolume can be a hostPath volume: claimed from a namespace where pods may only mount claims, it mounts the node\'s filesystem, and with it the kubelet\'s credentials and other pods\' data.',
    tags: ['rbac', 'escalation'],
    kinds: ['ClusterRole'],
    recommended: true,
    securitySeverity: 7.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation',
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, DANGERS['persistent-volume-create-access'].permissions)) {
      const { role, entry, found, reach } = grant;
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}: whoever holds it can create a hostPath volume and mount the node's filesystem through a claim${reach.note}`,
        related: reach.related,
      });
    }
  },
});
