import { describe, expect, it } from 'vitest';
import { Index } from '../../src/model/index.js';
import { parseSource } from '../../src/parse/parse.js';
import { ClusterRbac } from '../../src/rbac/cluster.js';
import { serviceAccountUser } from '../../src/rbac/subjects.js';

const input = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-edit
  labels: { rbac.authorization.k8s.io/aggregate-to-edit: "true" }
rules:
  - apiGroups: [example.com]
    resources: [widgets]
    verbs: [create, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: team-edit, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects:
  - { kind: ServiceAccount, name: builder }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: builder, namespace: team }
spec:
  template:
    spec:
      serviceAccountName: builder
      containers: [{ name: b, image: b }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: team }
spec:
  template:
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      containers: [{ name: w, image: w }]
`;

function build() {
  const { manifests } = parseSource({ path: 'cluster.yaml', text: input });
  const index = new Index(manifests);
  return { index, rbac: new ClusterRbac(index) };
}

describe('ClusterRbac', () => {
  it('a role aggregated into built-in edit is granted by every binding of edit (and of admin)', () => {
    const { index, rbac } = build();
    const role = rbac.roleOf(index.ofKind('ClusterRole')[0]!)!;
    const names = rbac.bindingsGranting(role).map((b) => `${b.kind}/${b.namespace ?? ''}/${b.name}`);
    expect(names).toEqual(['RoleBinding/team/team-edit']);
  });

  it('built-in edit really contains the aggregated rule, so the ServiceAccount can create widgets in its namespace only', () => {
    const { rbac } = build();
    const user = serviceAccountUser('team', 'builder');
    const attrs = { kind: 'resource', verb: 'create', apiGroup: 'example.com', resource: 'widgets', subresource: '', name: '' } as const;
    expect(rbac.policy.allows(user, { ...attrs, namespace: 'team' })).toBe(true);
    expect(rbac.policy.allows(user, { ...attrs, namespace: 'other' })).toBe(false);
    expect(rbac.policy.allows(user, { ...attrs, namespace: '' })).toBe(false);
  });

  it('holders are the workloads running as a subject of the binding, with their mounted tokens', () => {
    const { index, rbac } = build();
    const binding = rbac.bindingOf(index.ofKind('RoleBinding')[0]!)!;
    const holders = rbac.holders(binding);
    expect(holders.map((h) => `${h.workload.object.display} ${h.tokens.map((t) => t.via).join(',')}`)).toEqual([
      'Deployment team/builder automount',
    ]);
  });

  it('a binding to a role that exists nowhere resolves to nothing', () => {
    const { manifests } = parseSource({
      path: 'dangling.yaml',
      text: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: b, namespace: x }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: ghost }\nsubjects: [{ kind: User, name: u }]\n',
    });
    const index = new Index(manifests);
    const rbac = new ClusterRbac(index);
    expect(rbac.roleForBinding(index.ofKind('RoleBinding')[0]!)).toBeUndefined();
  });
});
