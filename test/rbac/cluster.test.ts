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

  it("accountBindings are the bindings of the ServiceAccount's user, built-in ones included, computed once per account", () => {
    const { rbac } = build();
    const builder = rbac.accountBindings('team', 'builder');
    expect(builder.map((m) => `${m.binding.kind}/${m.binding.name} ${m.subject.kind} ${m.subject.name}`)).toEqual(
      rbac.policy.bindingsFor(serviceAccountUser('team', 'builder')).map((m) => `${m.binding.kind}/${m.binding.name} ${m.subject.kind} ${m.subject.name}`),
    );
    expect(builder.filter((m) => m.binding.source).map((m) => m.binding.name)).toEqual(['team-edit']);
    expect(builder.filter((m) => !m.binding.source).map((m) => `${m.binding.name} ${m.subject.name}`)).toEqual([
      'system:basic-user system:authenticated',
      'system:discovery system:authenticated',
      'system:public-info-viewer system:authenticated',
      'system:service-account-issuer-discovery system:serviceaccounts',
    ]);
    expect(rbac.accountBindings('team', 'builder')).toBe(builder);
    expect(rbac.accountBindings('team', 'web').filter((m) => m.binding.source)).toEqual([]);
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
