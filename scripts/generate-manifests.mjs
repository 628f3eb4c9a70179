// Writes a synthetic but realistic manifest stream for benchmarks: per namespace, ServiceAccounts,
// Roles, RoleBindings, Deployments and the odd risky ClusterRoleBinding, in the proportions of the
// real-world corpus (about 1 SA : 1 Role : 1 RoleBinding : 1.5 workloads).
//   node scripts/generate-manifests.mjs <objects> [out-file]   (stdout without out-file)
import { writeFileSync } from 'node:fs';

/**
 * A YAML stream of about `objects` objects (exactly, rounded down to whole namespaces of 10), in
 * namespaces team-<firstNamespace> and up (so that several streams can hold distinct objects).
 */
export function generateManifests(objects, firstNamespace = 0) {
  const perNamespace = 10;
  const namespaces = Math.max(1, Math.floor(objects / perNamespace));
  const docs = [];
  for (let n = firstNamespace; n < firstNamespace + namespaces; n++) {
    const ns = `team-${n}`;
    for (let a = 0; a < 2; a++) {
      docs.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-${a}
  namespace: ${ns}
${a === 0 ? 'automountServiceAccountToken: false\n' : ''}`);
      docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app-${a}
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "services"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list"]${n % 7 === 0 && a === 1 ? `
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]` : ''}`);
      docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: app-${a}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: app-${a}
subjects:
  - kind: ServiceAccount
    name: app-${a}
    namespace: ${ns}`);
    }
    for (let d = 0; d < 3; d++) {
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${d}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: svc-${d}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: svc-${d}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: svc-${d}
    spec:
${d === 2 ? '' : `      serviceAccountName: app-${d}\n`}      containers:
        - name: main
          image: registry.example.com/${ns}/svc-${d}:1.0.${n}
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }`);
    }
    docs.push(
      n % 50 === 0
        ? `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${ns}-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: app-1
    namespace: ${ns}`
        : `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  LOG_LEVEL: info`,
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

/**
 * `objects` objects as files of at most `perFile` objects each (10,000 objects are about 3 MiB,
 * well under the parser's per-file limits of 16 MiB and 500,000 line breaks), as large inputs are
 * split in practice: a 100,000-object stream in one file (29 MiB) is rejected by those limits.
 */
export function generateManifestFiles(objects, perFile = 10000) {
  const files = [];
  for (let done = 0; done < objects; done += perFile) {
    const count = Math.min(perFile, objects - done);
    files.push({ path: `generated-${objects}-${files.length}.yaml`, text: generateManifests(count, done / 10) });
  }
  return files;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const count = Number(process.argv[2] ?? 1000);
  const text = generateManifests(count);
  if (process.argv[3]) writeFileSync(process.argv[3], text);
  else process.stdout.write(text);
}
