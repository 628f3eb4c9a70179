/**
 * `rbaclint graph`: the graph model (src/rbac/graph.ts), its Mermaid and DOT renderers
 * (src/report/graph.ts), the job-summary graph of findings, and the command of the built binary.
 * Fixtures: fixtures/graph/basic.yaml (a Deployment bound to the built-in edit, a CronJob without
 * token, people, a custom aggregated ClusterRole, cluster-admin), odd-names.yaml (names that must be
 * escaped, a missing role); the .mmd and .dot files beside them are the rendered snapshots.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../src/index.js';
import { Index } from '../src/model/index.js';
import { parseSource } from '../src/parse/parse.js';
import { ClusterRbac } from '../src/rbac/cluster.js';
import { DANGER_LIST } from '../src/rbac/dangerous.js';
import { buildGraph, dangerousOnly, focusGraph, type GraphInput, type GraphOptions, type RbacGraph } from '../src/rbac/graph.js';
import { dotString, graphForFindings, mermaidForFindings, mermaidText, renderDot, renderMermaid } from '../src/report/graph.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The `bin` of package.json; test/global-setup.ts builds it when missing or stale. */
const BIN = path.join(root, 'dist/src/cli/main.js');
const BASIC = 'fixtures/graph/basic.yaml';
const ODD = 'fixtures/graph/odd-names.yaml';

function inputOf(...sources: { path: string; text: string; contextOnly?: boolean }[]): GraphInput {
  const index = new Index(sources.flatMap((source) => parseSource(source).manifests));
  return { index, rbac: new ClusterRbac(index) };
}

function fileInput(...files: string[]): GraphInput {
  return inputOf(...files.map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') })));
}

/** Nodes as `<!| > id | label [flags]`, `!` marking escalation paths. */
function nodeLines(graph: RbacGraph): string[] {
  return graph.nodes.map((n) => `${n.danger ? '!' : ' '} ${n.id} | ${n.label}${n.builtin ? ' [built-in]' : ''}${n.missing ? ' [missing]' : ''}`);
}

/** Edges as `<!| > from --> to (kind: label)`, `-.->` for dashed ones. */
function edgeLines(graph: RbacGraph): string[] {
  return graph.edges.map((e) => `${e.danger ? '!' : ' '} ${e.from} ${e.dashed ? '-.->' : '-->'} ${e.to} (${e.kind}${e.label ? `: ${e.label}` : ''})`);
}

function ids(graph: RbacGraph): string[] {
  return graph.nodes.map((n) => n.id);
}

describe('the graph model of fixtures/graph/basic.yaml', () => {
  const graph = buildGraph(fileInput(BASIC));

  it('has exactly these nodes', () => {
    expect(nodeLines(graph)).toEqual([
      '! binding:ClusterRoleBinding/ci-admin | ClusterRoleBinding ci-admin',
      '! binding:ClusterRoleBinding/monitoring | ClusterRoleBinding monitoring',
      '  binding:RoleBinding/dev/batch-secrets | RoleBinding dev/batch-secrets',
      '  binding:RoleBinding/dev/oncall-debug | RoleBinding dev/oncall-debug',
      '! binding:RoleBinding/dev/web-edit | RoleBinding dev/web-edit',
      '  group:oncall | Group oncall',
      '! permission:escalate-bind@dev | escalate/bind roles in ns dev',
      '! permission:everything@* | every permission (cluster-wide)',
      '! permission:exec@dev | exec into pods in ns dev',
      '! permission:impersonate@dev | impersonate in ns dev',
      '! permission:node-proxy@* | nodes/proxy (cluster-wide)',
      '! permission:secrets@dev | read secrets in ns dev',
      '! permission:tokens@dev | create tokens in ns dev',
      '! permission:workloads@dev | create pods in ns dev',
      '! role:ClusterRole/cluster-admin@* | ClusterRole cluster-admin (built-in) [built-in]',
      '! role:ClusterRole/edit@dev | ClusterRole edit (built-in) [built-in]',
      '! role:ClusterRole/monitoring-nodes@* | ClusterRole monitoring-nodes',
      '! role:ClusterRole/monitoring@* | ClusterRole monitoring',
      '! role:ClusterRole/role-binder@dev | ClusterRole role-binder',
      '  role:Role/dev/debugger@dev | Role dev/debugger',
      '  role:Role/dev/secret-reader@dev | Role dev/secret-reader',
      '! sa:ci/deployer | ServiceAccount ci/deployer',
      '  sa:dev/batch | ServiceAccount dev/batch',
      '! sa:dev/web | ServiceAccount dev/web',
      '! sa:monitoring/agent | ServiceAccount monitoring/agent',
      '  user:alice | User alice',
      '  workload:CronJob/dev/report | CronJob dev/report',
      '! workload:DaemonSet/monitoring/agent | DaemonSet monitoring/agent',
      '! workload:Deployment/dev/web | Deployment dev/web',
      '! workload:Job/ci/deploy | Job ci/deploy',
    ]);
  });

  it('has exactly these edges', () => {
    expect(edgeLines(graph)).toEqual([
      '! binding:ClusterRoleBinding/ci-admin --> role:ClusterRole/cluster-admin@* (role)',
      '! binding:ClusterRoleBinding/monitoring --> role:ClusterRole/monitoring@* (role)',
      '  binding:RoleBinding/dev/batch-secrets --> role:Role/dev/secret-reader@dev (role)',
      '  binding:RoleBinding/dev/oncall-debug --> role:Role/dev/debugger@dev (role)',
      '! binding:RoleBinding/dev/web-edit --> role:ClusterRole/edit@dev (role)',
      '  group:oncall --> binding:RoleBinding/dev/oncall-debug (subject)',
      '! role:ClusterRole/cluster-admin@* --> permission:everything@* (grants)',
      '! role:ClusterRole/edit@dev --> permission:exec@dev (grants)',
      '! role:ClusterRole/edit@dev --> permission:impersonate@dev (grants)',
      '! role:ClusterRole/edit@dev --> permission:secrets@dev (grants)',
      '! role:ClusterRole/edit@dev --> permission:tokens@dev (grants)',
      '! role:ClusterRole/edit@dev --> permission:workloads@dev (grants)',
      '! role:ClusterRole/edit@dev --> role:ClusterRole/role-binder@dev (aggregates: aggregates)',
      '! role:ClusterRole/monitoring-nodes@* --> permission:node-proxy@* (grants)',
      '! role:ClusterRole/monitoring@* --> role:ClusterRole/monitoring-nodes@* (aggregates: aggregates)',
      '! role:ClusterRole/role-binder@dev --> permission:escalate-bind@dev (grants)',
      '  role:Role/dev/debugger@dev --> permission:exec@dev (grants)',
      '  role:Role/dev/secret-reader@dev --> permission:secrets@dev (grants)',
      '! sa:ci/deployer --> binding:ClusterRoleBinding/ci-admin (subject)',
      '  sa:dev/batch --> binding:RoleBinding/dev/batch-secrets (subject)',
      '! sa:dev/web --> binding:RoleBinding/dev/web-edit (subject)',
      '! sa:monitoring/agent --> binding:ClusterRoleBinding/monitoring (subject)',
      '  user:alice --> binding:RoleBinding/dev/oncall-debug (subject)',
      '  workload:CronJob/dev/report -.-> sa:dev/batch (runs-as: runs as, no token)',
      '! workload:DaemonSet/monitoring/agent --> sa:monitoring/agent (runs-as: runs as)',
      '! workload:Deployment/dev/web --> sa:dev/web (runs-as: runs as)',
      '! workload:Job/ci/deploy --> sa:ci/deployer (runs-as: runs as)',
    ]);
  });

  it('the built-in edit, bound by a RoleBinding, grants its dangerous permissions in that namespace only', () => {
    const fromEdit = graph.edges.filter((e) => e.from === 'role:ClusterRole/edit@dev' && e.kind === 'grants').map((e) => e.to);
    expect(fromEdit).toEqual(['permission:exec@dev', 'permission:impersonate@dev', 'permission:secrets@dev', 'permission:tokens@dev', 'permission:workloads@dev']);
  });

  it('a workload without its token is dashed and its path is not red, though the permission is shared', () => {
    const runsAs = graph.edges.find((e) => e.from === 'workload:CronJob/dev/report');
    expect(runsAs).toMatchObject({ dashed: true, danger: false, label: 'runs as, no token' });
    expect(graph.nodes.find((n) => n.id === 'role:Role/dev/secret-reader@dev')?.danger).toBe(false);
    // read secrets in dev is also reached by Deployment dev/web through edit.
    expect(graph.nodes.find((n) => n.id === 'permission:secrets@dev')?.danger).toBe(true);
  });

  it('aggregation: permissions are computed through the aggregated rules and drawn on the input role that carries them', () => {
    expect(graph.nodes.some((n) => n.id.startsWith('role:ClusterRole/monitoring-pods'))).toBe(false);
    expect(edgeLines(graph).filter((l) => l.includes('monitoring-nodes'))).toEqual([
      '! role:ClusterRole/monitoring-nodes@* --> permission:node-proxy@* (grants)',
      '! role:ClusterRole/monitoring@* --> role:ClusterRole/monitoring-nodes@* (aggregates: aggregates)',
    ]);
  });

  it('a ClusterRoleBinding to cluster-admin grants one "every permission" node, cluster-wide', () => {
    expect(graph.edges.filter((e) => e.from === 'role:ClusterRole/cluster-admin@*').map((e) => e.to)).toEqual(['permission:everything@*']);
    expect(graph.nodes.find((n) => n.id === 'permission:everything@*')).toMatchObject({ clusterWide: true, ruleId: 'cluster-admin-binding' });
  });
});

describe('graph semantics', () => {
  const yaml = (text: string, contextOnly = false) => ({ path: contextOnly ? 'context.yaml' : 'input.yaml', text, ...(contextOnly ? { contextOnly } : {}) });
  const deployment = (ns: string, name: string, sa: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  template:
    spec:
      serviceAccountName: ${sa}
      containers: [{ name: c, image: i }]${extra}
---`;

  it('a RoleBinding to a ClusterRole grants no cluster-scoped permission (nodes/proxy, impersonating users)', () => {
    const graph = buildGraph(inputOf(yaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: wide }
rules:
  - { apiGroups: [""], resources: [nodes/proxy, users, serviceaccounts], verbs: [get, impersonate] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: wide, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: wide }
subjects: [{ kind: ServiceAccount, name: app }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: wide }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: wide }
subjects: [{ kind: Group, name: admins }]
`)));
    expect(graph.edges.filter((e) => e.kind === 'grants').map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'role:ClusterRole/wide@* -> permission:impersonate@*',
      'role:ClusterRole/wide@* -> permission:node-proxy@*',
      'role:ClusterRole/wide@dev -> permission:impersonate@dev',
    ]);
  });

  it('a group binding reaches ServiceAccounts through "member of"; built-in and context bindings only when dangerous', () => {
    const graph = buildGraph(
      inputOf(
        yaml(`${deployment('ci', 'build', 'builder')}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ci-tokens, namespace: ci }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: "system:serviceaccounts:ci" }]
`),
        yaml(
          `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-views }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: Group, name: "system:authenticated" }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-edits }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ kind: Group, name: "system:serviceaccounts" }]
`,
          true,
        ),
      ),
    );
    expect(edgeLines(graph).filter((l) => l.includes('sa:ci/builder') || l.includes('group:'))).toEqual([
      '! group:system:serviceaccounts --> binding:ClusterRoleBinding/everyone-edits (subject)',
      '! group:system:serviceaccounts:ci --> binding:RoleBinding/ci/ci-tokens (subject)',
      '! sa:ci/builder --> group:system:serviceaccounts (member-of: member of)',
      '! sa:ci/builder --> group:system:serviceaccounts:ci (member-of: member of)',
      '! workload:Deployment/ci/build --> sa:ci/builder (runs-as: runs as)',
    ]);
    // view grants nothing dangerous; system:basic-user and system:discovery neither.
    expect(ids(graph).filter((id) => id.startsWith('binding:'))).toEqual([
      'binding:ClusterRoleBinding/everyone-edits',
      'binding:RoleBinding/ci/ci-tokens',
    ]);
  });

  it('a mounted token Secret of another ServiceAccount is an escalation path too; system:masters is every permission', () => {
    const graph = buildGraph(inputOf(yaml(`${deployment(
      'dev',
      'app',
      'app',
      `
      automountServiceAccountToken: false
      volumes: [{ name: t, secret: { secretName: admin-token } }]`,
    )}
apiVersion: v1
kind: Secret
metadata: { name: admin-token, namespace: dev, annotations: { kubernetes.io/service-account.name: admin } }
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secrets }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: masters }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secrets }
subjects: [{ kind: Group, name: "system:masters" }, { kind: ServiceAccount, name: admin, namespace: dev }]
`)));
    expect(edgeLines(graph)).toEqual([
      // The built-in cluster-admin binding of system:masters grants something dangerous: drawn.
      '  binding:ClusterRoleBinding/cluster-admin --> role:ClusterRole/cluster-admin@* (role)',
      '! binding:ClusterRoleBinding/masters --> role:ClusterRole/secrets@* (role)',
      '  group:system:masters --> binding:ClusterRoleBinding/cluster-admin (subject)',
      '  group:system:masters --> binding:ClusterRoleBinding/masters (subject)',
      '  group:system:masters --> permission:system-masters@* (grants)',
      '  role:ClusterRole/cluster-admin@* --> permission:everything@* (grants)',
      '! role:ClusterRole/secrets@* --> permission:secrets@* (grants)',
      '! sa:dev/admin --> binding:ClusterRoleBinding/masters (subject)',
      '! workload:Deployment/dev/app --> sa:dev/admin (mounts-token: mounts token of)',
      '  workload:Deployment/dev/app -.-> sa:dev/app (runs-as: runs as, no token)',
    ]);
  });

  it('resourceNames: the grant is labelled "named only"', () => {
    const graph = buildGraph(inputOf(yaml(`${deployment('dev', 'app', 'app')}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: one-secret, namespace: dev }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [db] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: one-secret, namespace: dev }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret }
subjects: [{ kind: ServiceAccount, name: app }]
`)));
    expect(edgeLines(graph)).toContain('! role:Role/dev/one-secret@dev --> permission:secrets@dev (grants: named only)');
  });

  it('draws a node for every kind of dangerous permission of the table the rules read (src/rbac/dangerous.ts)', () => {
    const probe = (rules: object[]): GraphInput =>
      inputOf(
        yaml(`${deployment('dev', 'app', 'app')}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: probe }
rules: ${JSON.stringify(rules)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: probe }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: probe }
subjects: [{ kind: ServiceAccount, name: app, namespace: dev }]
`),
      );
    const permissionIds = (input: GraphInput, options: GraphOptions = {}): string[] => ids(buildGraph(input, options)).filter((id) => id.startsWith('permission:'));
    // Every verb the table names, on everything (not "*" verbs: that is one "every permission" node).
    const verbs = [...new Set(DANGER_LIST.flatMap((d) => [...d.permissions, ...(d.alsoNeeds ?? [])].flatMap((p) => p.verbs)))];
    const all = [{ apiGroups: ['*'], resources: ['*'], verbs }, { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    expect(permissionIds(probe(all))).toEqual(DANGER_LIST.map((d) => `permission:${d.key}@*`).sort());
    // get alone on pods/exec opens a stream only before 1.35; approving a CSR needs approve on a signer too.
    const exec = { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] };
    const approval = { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] };
    const signers = { apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'] };
    expect(permissionIds(probe([exec, approval]))).toEqual([]);
    expect(permissionIds(probe([exec, approval]), { kubeVersion: { major: 1, minor: 34 } })).toEqual(['permission:exec@*']);
    expect(permissionIds(probe([approval, signers]))).toEqual(['permission:csr-approve@*']);
  });
});

describe('renderers', () => {
  it('Mermaid of fixtures/graph/basic.yaml', async () => {
    await expect(renderMermaid(buildGraph(fileInput(BASIC)))).toMatchFileSnapshot('../fixtures/graph/basic.mmd');
  });

  it('DOT of fixtures/graph/basic.yaml', async () => {
    await expect(renderDot(buildGraph(fileInput(BASIC)))).toMatchFileSnapshot('../fixtures/graph/basic.dot');
  });

  it('Mermaid and DOT of odd names: ids sanitized and unique, labels escaped', async () => {
    const graph = buildGraph(fileInput(ODD));
    const mermaid = renderMermaid(graph);
    await expect(mermaid).toMatchFileSnapshot('../fixtures/graph/odd-names.mmd');
    await expect(renderDot(graph)).toMatchFileSnapshot('../fixtures/graph/odd-names.dot');
    // Two users whose names reduce to the same id get different ids.
    expect(mermaid).toContain('  user_o_x_example_com(["User o-x@example.com"])\n  user_o_x_example_com_2(["User o_x@example.com"])');
    expect(mermaid).toContain('group_ops_team_admins_a_b_x_y(["Group ops #34;team#34; #60;admins#62; #124; a#38;b #96;x#96; #92; y"])');
    // Every line that declares a node quotes a label with no raw quote inside it.
    for (const line of mermaid.split('\n').filter((l) => l.includes('"'))) {
      expect(line).toMatch(/^\s*(subgraph )?\w+(\[|\(|\{\{|>|\[\[|\(\[)"[^"]*"(\]|\)|\}\}|\]\]|\]\))$/);
    }
    expect(mermaid).toContain('role_Role_end_gone_1_end[["Role end/gone#91;1#93; (not found)"]]');
    expect(mermaid).toContain('class role_Role_end_gone_1_end missing');
  });

  it('mermaidText and dotString escape what could end a label', () => {
    expect(mermaidText('a "b" <c> #d | e; `f` [g] {h} & é\nx')).toBe('a #34;b#34; #60;c#62; #35;d #124; e#59; #96;f#96; #91;g#93; #123;h#125; #38; #233; x');
    expect(dotString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c d"');
  });

  it('any text becomes a label that cannot end early (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(mermaidText(text)).toMatch(/^[A-Za-z0-9 .,:/_*()@=+#;-]*$/);
        // Every # starts an entity code, so Mermaid decodes back exactly the text.
        expect(mermaidText(text)).not.toMatch(/#(?!\d+;)/);
        expect(dotString(text)).toMatch(/^"(?:[^"\\]|\\.)*"$/);
      }),
    );
  });

  it('escalation paths are red: classDef danger, linkStyle and DOT color=red', () => {
    const graph = buildGraph(fileInput(BASIC));
    const mermaid = renderMermaid(graph);
    const edgeLinesOut = mermaid.split('\n').filter((l) => /^\s+\w+ (-->|-\.->)/.test(l));
    const linkStyle = /linkStyle ([\d,]+) /.exec(mermaid)?.[1]?.split(',').map(Number) ?? [];
    const red = edgeLinesOut.filter((_, i) => linkStyle.includes(i));
    expect(red).toContain('  wl_Deployment_dev_web -->|runs as| sa_dev_web');
    expect(red).not.toContain('  wl_CronJob_dev_report -.->|runs as, no token| sa_dev_batch');
    expect(red.length).toBe(graph.edges.filter((e) => e.danger).length);
    const dot = renderDot(graph);
    expect(dot).toContain('wl_Deployment_dev_web -> sa_dev_web [label="runs as", color=red, penwidth=2];');
    expect(dot).toContain('wl_CronJob_dev_report -> sa_dev_batch [label="runs as, no token", style=dashed];');
  });

  it('output is deterministic: the same input in another order renders the same', () => {
    const text = readFileSync(path.join(root, BASIC), 'utf8');
    const reversed = text.split(/^---$/m).reverse().join('\n---\n');
    expect(renderMermaid(buildGraph(inputOf({ path: 'r.yaml', text: reversed })))).toBe(renderMermaid(buildGraph(fileInput(BASIC))));
  });

  it('an empty graph still renders', () => {
    expect(renderMermaid({ nodes: [], edges: [] })).toBe('flowchart LR\n  %% rbaclint graph: 0 nodes, 0 edges; red: escalation paths\n  empty["nothing to draw"]\n' +
      '  classDef permission fill:#fff4e5,stroke:#e8590c,color:#7a2e00\n  classDef builtin stroke-dasharray:4 3\n' +
      '  classDef missing fill:#f1f3f5,stroke:#868e96,stroke-dasharray:2 2,color:#495057\n' +
      '  classDef danger fill:#ffe3e3,stroke:#c92a2a,stroke-width:2px,color:#801010\n');
  });
});

describe('filters', () => {
  const graph = buildGraph(fileInput(BASIC));

  it('focus on a ServiceAccount: its workloads, bindings, roles and permissions', () => {
    expect(ids(focusGraph(graph, new Set(['sa:ci/deployer'])))).toEqual([
      'binding:ClusterRoleBinding/ci-admin',
      'permission:everything@*',
      'role:ClusterRole/cluster-admin@*',
      'sa:ci/deployer',
      'workload:Job/ci/deploy',
    ]);
  });

  it('dangerous only drops the paths that end in no dangerous permission', () => {
    const odd = buildGraph(fileInput(ODD));
    expect(ids(dangerousOnly(odd))).toEqual([
      'binding:ClusterRoleBinding/end',
      'group:ops "team" <admins> | a&b `x` \\ y',
      'permission:secrets@*',
      'role:ClusterRole/reader#1@*',
      'user:o-x@example.com',
      'user:o_x@example.com',
    ]);
  });
});

describe('mermaidForFindings (the job summary)', () => {
  const input = fileInput(BASIC);
  const findings = lint([{ path: BASIC, text: readFileSync(path.join(root, BASIC), 'utf8') }]).findings;

  it('draws the paths through the objects that have findings, in a mermaid block', () => {
    const markdown = mermaidForFindings(findings, input);
    expect(markdown.startsWith('```mermaid\nflowchart LR\n  %% rbaclint graph: ')).toBe(true);
    expect(markdown.endsWith('```\n')).toBe(true);
    expect(markdown).toContain('wl_Deployment_dev_web -->|runs as| sa_dev_web');
    expect(markdown).toContain('perm_everything>"every permission (cluster-wide)"]');
  });

  it('stays under the node limit and says how many objects were left out', () => {
    const { graph, shown, omitted } = graphForFindings(findings, input, { maxNodes: 8 });
    // Errors first, in the order of the findings: ClusterRole role-binder (escalate-bind-access) fits
    // with its 6 nodes; the paths of monitoring-nodes and ci-admin (errors too) would not.
    expect(ids(graph)).toEqual([
      'binding:RoleBinding/dev/web-edit',
      'permission:escalate-bind@dev',
      'role:ClusterRole/edit@dev',
      'role:ClusterRole/role-binder@dev',
      'sa:dev/web',
      'workload:Deployment/dev/web',
    ]);
    expect([shown, omitted]).toEqual([1, 8]);
    const markdown = mermaidForFindings(findings, input, { maxNodes: 8 });
    expect(markdown).toContain('\n_8 more objects with findings not drawn, to keep the graph within 8 nodes; `rbaclint graph` draws everything._\n');
    // The three errors' paths (6 + 6 + 5 nodes) fit in 17; the automount findings on DaemonSet
    // monitoring/agent and Job ci/deploy add no node; the other four objects would.
    const wider = graphForFindings(findings, input, { maxNodes: 17 });
    expect([wider.shown, wider.omitted, wider.graph.nodes.length]).toEqual([5, 4, 17]);
    expect(ids(wider.graph)).toContain('binding:ClusterRoleBinding/ci-admin');
  });

  it('takes the linted sources too (what the GitHub Action has)', () => {
    const sources = [{ path: BASIC, text: readFileSync(path.join(root, BASIC), 'utf8') }];
    expect(mermaidForFindings(findings, sources)).toBe(mermaidForFindings(findings, input));
  });

  it('is empty when no finding is on an object of the graph', () => {
    expect(mermaidForFindings([], input)).toBe('');
    const onSecret = findings.slice(0, 1).map((f) => ({ ...f, object: { apiVersion: 'v1', kind: 'Secret', namespace: 'dev', name: 'x' } }));
    expect(mermaidForFindings(onSecret, input)).toBe('');
  });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rbaclint(args: readonly string[], input = ''): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: child.exitCode, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;

// Each test spawns node (about half a second each, more on a busy machine): a longer timeout.
describe.concurrent('rbaclint graph (the built binary)', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rbaclint-graph-'));
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: the global setup should have built it (npm run build)`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints Mermaid by default, exit 0 (paths as arguments or with -f)', async ({ expect }) => {
    const snapshot = readFileSync(path.join(root, 'fixtures/graph/basic.mmd'), 'utf8');
    expect(await rbaclint(['graph', BASIC])).toEqual({ status: 0, stdout: snapshot, stderr: '' });
    expect(await rbaclint(['graph', '-f', BASIC])).toEqual({ status: 0, stdout: snapshot, stderr: '' });
  });

  it('--format dot --output writes the file', async ({ expect }) => {
    const out = path.join(dir, 'g.dot');
    expect(await rbaclint(['graph', BASIC, '--format', 'dot', '--output', out])).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(root, 'fixtures/graph/basic.dot'), 'utf8'));
  });

  it('reads stdin', async ({ expect }) => {
    const run = await rbaclint(['graph', '-'], readFileSync(path.join(root, ODD), 'utf8'));
    expect(run).toEqual({ status: 0, stdout: readFileSync(path.join(root, 'fixtures/graph/odd-names.mmd'), 'utf8'), stderr: '' });
  });

  it('--subject: a ServiceAccount, a workload, a Group', async ({ expect }) => {
    const [sa, workload, group] = await Promise.all([
      rbaclint(['graph', BASIC, '--subject', 'ServiceAccount ci/deployer', '--format', 'dot']),
      rbaclint(['graph', BASIC, '--subject', 'deploy/dev/web']),
      rbaclint(['graph', BASIC, '--subject', 'Group:oncall']),
    ]);
    expect(sa.status).toBe(0);
    expect(sa.stdout.match(/^\s+\w+ \[label="[^"]*"/gm)?.map((l) => /label="([^"]*)"/.exec(l)?.[1])).toEqual([
      'Job ci/deploy',
      'ServiceAccount ci/deployer',
      'ClusterRoleBinding ci-admin',
      'ClusterRole cluster-admin (built-in)',
      'every permission (cluster-wide)',
    ]);
    expect(workload.status).toBe(0);
    expect(workload.stdout).toContain('wl_Deployment_dev_web -->|runs as| sa_dev_web');
    expect(workload.stdout).not.toContain('CronJob');
    expect(group.status).toBe(0);
    expect(group.stdout).toContain('group_oncall --> bind_RoleBinding_dev_oncall_debug');
    expect(group.stdout).not.toContain('user_alice');
  });

  it('-n and --dangerous-only', async ({ expect }) => {
    const ns = await rbaclint(['graph', BASIC, '-n', 'monitoring']);
    expect(ns.status).toBe(0);
    expect(ns.stdout).toContain('  %% rbaclint graph: 6 nodes, 5 edges;');
    const dangerous = await rbaclint(['graph', ODD, '--dangerous-only']);
    expect(dangerous.status).toBe(0);
    expect(dangerous.stdout).not.toContain('missing-role');
  });

  it('draws only the dangerous paths of a large graph unless --all', async ({ expect }) => {
    const many = Array.from({ length: 60 }, (_, i) => `apiVersion: v1
kind: Pod
metadata: { name: p${i}, namespace: big }
spec: { serviceAccountName: sa${i}, containers: [{ name: c, image: i }] }
`).join('---\n');
    const auto = await rbaclint(['graph', '-'], many);
    expect(auto.status).toBe(0);
    expect(auto.stderr).toBe(
      'rbaclint graph: 120 nodes are too many to read; drawing only the paths that end in a dangerous permission (0 nodes; --all draws everything; -n <namespace> or --subject <identity> draw less)\n' +
        'rbaclint graph: nothing to draw: no workload, ServiceAccount or binding matches\n',
    );
    const all = await rbaclint(['graph', '-', '--all'], many);
    expect(all.stderr).toBe('');
    expect(all.stdout).toContain('%% rbaclint graph: 120 nodes, 60 edges;');
  });

  it('warns when a Mermaid chart has more edges than Mermaid draws', async ({ expect }) => {
    const many = Array.from({ length: 501 }, (_, i) => `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p${i}", "namespace": "big"}, "spec": {"containers": []}}`).join('\n---\n');
    const run = await rbaclint(['graph', '-', '--all'], many);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      'rbaclint graph: warning: 501 edges; Mermaid (and so GitHub) draws at most 500: use --format dot, or draw less with -n <namespace>, --subject <identity> or --dangerous-only\n',
    );
    expect((await rbaclint(['graph', '-', '--all', '--format', 'dot'], many)).stderr).toBe('');
  });

  it('usage errors exit 2 with a message and no stack trace', async ({ expect }) => {
    const cases: [string[], string][] = [
      [['graph'], 'rbaclint graph: no manifests given; add -f <paths…>'],
      [['graph', BASIC, '--format', 'png'], "rbaclint: option '--format <format>' argument 'png' is invalid. Allowed choices are mermaid, dot."],
      [['graph', BASIC, '--subject', 'Deployment/dev/nope'], 'rbaclint graph: Deployment dev/nope is not in the input'],
      [['graph', BASIC, '--subject', 'web'], 'rbaclint graph: cannot read --subject "web": expected ServiceAccount <ns>/<name>'],
      [['graph', BASIC, '--subject', 'ServiceAccount web'], '(a ServiceAccount needs <ns>/<name>)'],
      [['graph', BASIC, '--subject', 'ConfigMap/dev/x'], 'ConfigMap is not a workload kind'],
      [['graph', BASIC, '--all', '--dangerous-only'], 'rbaclint graph: --dangerous-only and --all contradict each other; give one'],
      [['graph', BASIC, '--output', path.join(dir, 'no/such/dir/g.mmd')], 'rbaclint graph: cannot write the graph to'],
      [['graph', 'fixtures/graph/does-not-exist.yaml'], 'rbaclint graph: nothing could be read from "fixtures/graph/does-not-exist.yaml"'],
    ];
    const runs = await Promise.all(cases.map(([args]) => rbaclint(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i]!;
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr, args.join(' ')).not.toMatch(NO_STACK);
    }
  });

  it('--help describes the graph and the exit codes', async ({ expect }) => {
    const run = await rbaclint(['graph', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: rbaclint graph <paths...> [options]');
    expect(run.stdout).toContain('--context <path>');
    expect(run.stdout).toContain('Exit codes: 0 drawn, 2 usage error');
  });
});

describe('a danger of one namespace', () => {
  it('writing ConfigMaps is drawn as dangerous where a RoleBinding grants it in kube-system, not in dev', () => {
    const text = readFileSync(path.join(root, 'fixtures/diff/configmaps/head/rbac.yaml'), 'utf8');
    const graph = buildGraph(inputOf({ path: 'rbac.yaml', text }));
    expect(ids(graph).filter((id) => id.startsWith('permission:'))).toEqual(['permission:system-configmaps@kube-system']);
    expect(graph.nodes.find((n) => n.id === 'permission:system-configmaps@kube-system')?.label).toBe('write ConfigMaps in ns kube-system');
  });
});
