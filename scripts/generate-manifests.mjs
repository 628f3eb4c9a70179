// Writes a synthetic but realistic manifest stream for benchmarks: per namespace, ServiceAccounts,
// Roles, RoleBindings, Deployments and the odd risky ClusterRoleBinding, in the proportions of the
// real-world corpus (about 1 SA : 1 Role : 1 RoleBinding : 1.5 workloads).
//   node scripts/generate-manifests.mjs <objects> [out-file]   (stdout without out-file)
// and kubectl-style cluster dumps (one `kind: List`), with --dump=yaml or --dump=json.
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

/**
 * The objects of a cluster dump, as `kubectl get serviceaccounts,roles,rolebindings,clusterroles,
 * clusterrolebindings -A` returns them (grouped by resource type, with creationTimestamp,
 * resourceVersion, uid and, on some Roles, a last-applied-configuration annotation): per namespace
 * 2 ServiceAccounts, 3 Roles, 3 RoleBindings, 1 ClusterRole and 1 ClusterRoleBinding (every 50th
 * namespace's binds cluster-admin to its app-1), `objects` rounded down to whole namespaces of 10.
 */
export function dumpObjects(objects) {
  const namespaces = Math.max(1, Math.floor(objects / 10));
  const byType = { sa: [], role: [], rb: [], cr: [], crb: [] };
  let serial = 0;
  const meta = (name, namespace, extra = {}) => {
    serial++;
    return {
      ...extra,
      creationTimestamp: `2026-01-${String(1 + (serial % 28)).padStart(2, '0')}T10:00:00Z`,
      name,
      ...(namespace === undefined ? {} : { namespace }),
      resourceVersion: String(1000 + serial),
      uid: `00000000-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
    };
  };
  const rbac = 'rbac.authorization.k8s.io';
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    for (let a = 0; a < 2; a++) {
      byType.sa.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`app-${a}`, ns), ...(a === 0 ? { automountServiceAccountToken: false } : {}) });
    }
    for (let r = 0; r < 3; r++) {
      const rules = [
        { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'list'] },
      ];
      if (n % 7 === 0 && r === 1) rules.push({ apiGroups: [''], resources: ['secrets'], resourceNames: [`${ns}-tls`], verbs: ['get'] });
      const role = { apiVersion: `${rbac}/v1`, kind: 'Role', metadata: undefined, rules };
      const annotations = r === 0 ? { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { annotations: {}, name: `app-${r}`, namespace: ns }, rules })}\n` } } : {};
      role.metadata = meta(`app-${r}`, ns, annotations);
      byType.role.push(role);
      byType.rb.push({
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: meta(`app-${r}`, ns),
        roleRef: { apiGroup: rbac, kind: 'Role', name: `app-${r}` },
        subjects: [{ kind: 'ServiceAccount', name: `app-${r % 2}`, namespace: ns }, ...(r === 2 ? [{ apiGroup: rbac, kind: 'Group', name: `${ns}:developers` }] : [])],
      });
    }
    byType.cr.push({
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: meta(`${ns}-reader`, undefined, { labels: { 'app.kubernetes.io/part-of': ns } }),
      rules: [{ apiGroups: [''], resources: ['namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] }, { nonResourceURLs: [`/metrics/${ns}`], verbs: ['get'] }],
    });
    byType.crb.push({
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: meta(`${ns}-reader`),
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: n % 50 === 0 ? 'cluster-admin' : `${ns}-reader` },
      subjects: [{ kind: 'ServiceAccount', name: n % 50 === 0 ? 'app-1' : 'app-0', namespace: ns }],
    });
  }
  return [...byType.sa, ...byType.role, ...byType.rb, ...byType.cr, ...byType.crb];
}

/** A dump as one `kind: List` in kubectl's `-o json` layout (4-space indentation). */
export function generateDumpJson(objects) {
  return listJson(dumpObjects(objects));
}

/**
 * A dump as one `kind: List` in kubectl's `-o yaml` layout (sigs.k8s.io/yaml: sorted keys, 2-space
 * indentation, sequences not indented under their key, multi-line strings as `|` block scalars).
 */
export function generateDumpYaml(objects) {
  return listYaml(dumpObjects(objects));
}

/** Objects as a `kind: List` in kubectl's `-o json` layout. */
export function listJson(items) {
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}

/** Objects as a `kind: List` in kubectl's `-o yaml` layout. */
export function listYaml(items) {
  const out = [];
  emitMap({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, '', out);
  return `${out.join('\n')}\n`;
}

const PLAIN = /^[A-Za-z][A-Za-z0-9.\/_-]*$/;
const NOT_A_STRING = /^(?:y|n|yes|no|true|false|on|off|null)$/i;

function scalar(value, indent) {
  if (typeof value !== 'string') return String(value);
  if (value.includes('\n')) {
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    return `|${value.endsWith('\n') ? '' : '-'}\n${body.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
  }
  if ((PLAIN.test(value) && !NOT_A_STRING.test(value)) || /^[0-9a-f]{8}-[0-9a-f-]+$/.test(value)) return value;
  return /^[*]+$/.test(value) ? `'${value}'` : JSON.stringify(value);
}

function emitValue(prefix, value, indent, out) {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${prefix} []`);
    else {
      out.push(prefix);
      emitSeq(value, indent, out);
    }
  } else if (typeof value === 'object' && value !== null) {
    if (Object.keys(value).length === 0) out.push(`${prefix} {}`);
    else {
      out.push(prefix);
      emitMap(value, `${indent}  `, out);
    }
  } else {
    out.push(`${prefix} ${scalar(value, indent)}`);
  }
}

function emitMap(map, indent, out, first) {
  Object.keys(map)
    .sort()
    .forEach((key, i) => emitValue(`${i === 0 && first !== undefined ? first : indent}${PLAIN.test(key) ? key : JSON.stringify(key)}:`, map[key], indent, out));
}

function emitSeq(items, indent, out) {
  for (const item of items) {
    if (typeof item === 'object' && item !== null && !Array.isArray(item) && Object.keys(item).length > 0) emitMap(item, `${indent}  `, out, `${indent}- `);
    else out.push(`${indent}- ${scalar(item, indent)}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const shape = process.argv.find((a) => a.startsWith('--dump='))?.slice('--dump='.length);
  const [countArg, outFile] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const count = Number(countArg ?? 1000);
  const text = shape === 'yaml' ? generateDumpYaml(count) : shape === 'json' ? generateDumpJson(count) : generateManifests(count);
  if (outFile) writeFileSync(outFile, text);
  else process.stdout.write(text);
}
