/**
 * Renderers of the RBAC graph (src/rbac/graph.ts): Mermaid flowcharts (GitHub renders them in
 * Markdown) and Graphviz DOT. Pure functions: the same graph gives the same text, byte for byte.
 *
 * - Node ids are made from the graph's keys, reduced to letters, digits and `_` (what Mermaid
 *   accepts unquoted), with a kind prefix so that no id is a Mermaid keyword such as `end`, and a
 *   `_2`, `_3` suffix where two keys reduce to the same id.
 * - Labels are always quoted. In Mermaid every character outside a small safe set is written as an
 *   entity code (`#34;` for `"`, `#35;` for `#`, `#60;` for `<`, …), so names with `"`, `<`, `|`,
 *   backticks or Markdown render as text; in DOT `\` and `"` are escaped.
 * - Namespaces are boxes (Mermaid `subgraph`, DOT `cluster_` subgraphs); ClusterRoleBindings, the
 *   roles they bind and cluster-wide permissions are in a "cluster-wide" box; Users and Groups are
 *   outside the boxes.
 * - Escalation paths are red: Mermaid `classDef danger` and `linkStyle`, DOT `color=red`.
 */
import type { Finding } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';
import { Index } from '../model/index.js';
import { parseSource } from '../parse/parse.js';
import type { SourceText } from '../parse/types.js';
import { ClusterRbac } from '../rbac/cluster.js';
import {
  buildGraph,
  focusGraph,
  nodesOfObject,
  type GraphEdge,
  type GraphInput,
  type GraphNode,
  type GraphNodeKind,
  type GraphOptions,
  type RbacGraph,
} from '../rbac/graph.js';

/** The output formats of `rbaclint graph`. */
export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;
/** One of {@link GRAPH_FORMATS}. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** Renders a graph in one of {@link GRAPH_FORMATS}. */
export const graphRenderers: Record<GraphFormat, (graph: RbacGraph) => string> = {
  mermaid: renderMermaid,
  dot: renderDot,
};

/** Drawing order within a box: the direction of the paths. */
const KIND_RANK: Record<GraphNodeKind, number> = { workload: 0, serviceaccount: 1, user: 2, group: 3, binding: 4, role: 5, permission: 6 };
const ID_PREFIX: Record<GraphNodeKind, string> = { workload: 'wl', serviceaccount: 'sa', user: 'user', group: 'group', binding: 'bind', role: 'role', permission: 'perm' };

/** A box of the drawing: a namespace, cluster-wide, or none (Users and Groups). */
interface Box {
  /** `""` for no box, `ns:<namespace>`, or `cluster`. */
  key: string;
  /** Base of the box's id: `ns_<namespace>`, `cluster_wide`. */
  id: string;
  title: string;
  nodes: GraphNode[];
}

/**
 * The graph as a Mermaid flowchart (left to right), without the Markdown fence.
 *
 * @example renderMermaid(graph) // "flowchart LR\n  subgraph ns_dev[\"namespace dev\"]\n …"
 */
export function renderMermaid(graph: RbacGraph): string {
  const ids = allocateIds(graph.nodes);
  const lines: string[] = ['flowchart LR', `  %% rbaclint graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges; red: escalation paths`];
  if (graph.nodes.length === 0) lines.push('  empty["nothing to draw"]');
  const boxIds = new Set<string>(ids.values());
  for (const box of boxes(graph.nodes)) {
    const indent = box.key === '' ? '  ' : '    ';
    if (box.key !== '') lines.push(`  subgraph ${uniqueId(box.id, boxIds)}["${mermaidText(box.title)}"]`);
    for (const node of box.nodes) lines.push(`${indent}${mermaidNode(ids.get(node.id) ?? '', node)}`);
    if (box.key !== '') lines.push('  end');
  }
  const danger: number[] = [];
  drawingOrder(graph).forEach((edge, i) => {
    const arrow = edge.dashed ? '-.->' : '-->';
    const label = edge.label === undefined ? '' : `|${mermaidText(edge.label)}|`;
    lines.push(`  ${ids.get(edge.from) ?? ''} ${arrow}${label} ${ids.get(edge.to) ?? ''}`);
    if (edge.danger) danger.push(i);
  });
  lines.push(
    '  classDef permission fill:#fff4e5,stroke:#e8590c,color:#7a2e00',
    '  classDef builtin stroke-dasharray:4 3',
    '  classDef missing fill:#f1f3f5,stroke:#868e96,stroke-dasharray:2 2,color:#495057',
    '  classDef danger fill:#ffe3e3,stroke:#c92a2a,stroke-width:2px,color:#801010',
  );
  for (const [name, test] of [
    ['permission', (n: GraphNode) => n.kind === 'permission'],
    ['builtin', (n: GraphNode) => n.builtin === true],
    ['missing', (n: GraphNode) => n.missing === true],
    ['danger', (n: GraphNode) => n.danger],
  ] as const) {
    const members = graph.nodes.filter(test).map((n) => ids.get(n.id) ?? '');
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${name}`);
  }
  if (danger.length > 0) lines.push(`  linkStyle ${danger.join(',')} stroke:#c92a2a,stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

/** The graph in Graphviz DOT (`dot -Tsvg`), left to right. */
export function renderDot(graph: RbacGraph): string {
  const ids = allocateIds(graph.nodes);
  const lines: string[] = [
    `// rbaclint graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges; red: escalation paths`,
    'digraph rbaclint {',
    '  rankdir=LR;',
    '  newrank=true;',
    '  graph [fontname="Helvetica", fontsize=12];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const boxIds = new Set<string>(ids.values());
  for (const box of boxes(graph.nodes)) {
    const indent = box.key === '' ? '  ' : '    ';
    if (box.key !== '') {
      lines.push(`  subgraph ${uniqueId(`cluster_${box.id}`, boxIds)} {`);
      lines.push(`    label=${dotString(box.title)};`, '    style=rounded;', '    color=gray60;');
    }
    for (const node of box.nodes) lines.push(`${indent}${ids.get(node.id) ?? ''} [${dotNodeAttributes(node)}];`);
    if (box.key !== '') lines.push('  }');
  }
  for (const edge of drawingOrder(graph)) lines.push(`  ${ids.get(edge.from) ?? ''} -> ${ids.get(edge.to) ?? ''}${dotEdgeAttributes(edge)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Options of {@link mermaidForFindings}. */
export interface FindingsGraphOptions extends GraphOptions {
  /** Largest number of nodes to draw (default 50). */
  maxNodes?: number;
  /** With sources instead of a {@link GraphInput}: namespace of objects that set none (default `default`). */
  defaultNamespace?: string;
}

/**
 * The graph input of sources as the linter read them (context sources marked `contextOnly`), for
 * callers that have no {@link GraphInput} at hand, such as the GitHub Action.
 */
export function graphInputOf(sources: readonly SourceText[], options: { defaultNamespace?: string } = {}): GraphInput {
  const index = new Index(
    sources.flatMap((source) => parseSource(source).manifests),
    options.defaultNamespace === undefined ? {} : { defaultNamespace: options.defaultNamespace },
  );
  return { index, rbac: new ClusterRbac(index) };
}

/** What {@link graphForFindings} drew. */
export interface FindingsGraph {
  graph: RbacGraph;
  /** Objects with findings that are in the graph. */
  shown: number;
  /** Objects with findings that are in the RBAC graph but were left out to stay under the size limit. */
  omitted: number;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/**
 * The paths (workload → ServiceAccount → binding → role → dangerous permission) through the
 * objects that have findings. Objects are added most severe finding first (then in the order of
 * the findings), each with every path through it, while the graph stays within `maxNodes`; an
 * object whose paths do not fit is left out and counted. Findings on objects the graph does not
 * draw (Secrets, parse errors) are ignored.
 */
export function graphForFindings(findings: readonly Finding[], input: GraphInput | readonly SourceText[], options: FindingsGraphOptions = {}): FindingsGraph {
  const maxNodes = options.maxNodes ?? 50;
  const full = buildGraph(isGraphInput(input) ? input : graphInputOf(input, options), options);
  const objects = new Map<string, { severity: number; order: number; ids: string[] }>();
  findings.forEach((finding, order) => {
    if (!finding.object) return;
    const { kind, name, namespace } = finding.object;
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const existing = objects.get(key);
    const severity = SEVERITY_RANK[finding.severity];
    if (existing) {
      existing.severity = Math.min(existing.severity, severity);
      return;
    }
    const ids = nodesOfObject(full, { kind, name, ...(namespace === undefined ? {} : { namespace }) });
    if (ids.length > 0) objects.set(key, { severity, order, ids });
  });
  const ordered = [...objects.values()].sort((a, b) => a.severity - b.severity || a.order - b.order);
  let seeds = new Set<string>();
  let graph: RbacGraph = { nodes: [], edges: [] };
  let shown = 0;
  let omitted = 0;
  for (const object of ordered) {
    const candidate = new Set([...seeds, ...object.ids]);
    const focused = focusGraph(full, candidate);
    if (focused.nodes.length > maxNodes) {
      omitted++;
      continue;
    }
    seeds = candidate;
    graph = focused;
    shown++;
  }
  return { graph, shown, omitted };
}

/**
 * Markdown for the job summary: a fenced ```mermaid block (GitHub renders it) of the paths through
 * the objects that have findings (see {@link graphForFindings}), followed by a line saying how many
 * objects were left out, if any. Empty when no finding is on an object of the graph. `input` is
 * the loaded input (`RbacInput` of the RBAC commands) or the sources the findings came from, with
 * context sources marked `contextOnly`.
 */
export function mermaidForFindings(findings: readonly Finding[], input: GraphInput | readonly SourceText[], options: FindingsGraphOptions = {}): string {
  const { graph, shown, omitted } = graphForFindings(findings, input, options);
  if (shown === 0 && omitted === 0) return '';
  let out = shown === 0 ? '' : `\`\`\`mermaid\n${renderMermaid(graph)}\`\`\`\n`;
  if (omitted > 0) {
    const max = options.maxNodes ?? 50;
    out += `${out === '' ? '' : '\n'}_${omitted} more ${omitted === 1 ? 'object' : 'objects'} with findings not drawn, to keep the graph within ${max} nodes; \`rbaclint graph\` draws everything._\n`;
  }
  return out;
}

function isGraphInput(input: GraphInput | readonly SourceText[]): input is GraphInput {
  return !Array.isArray(input);
}

/** The boxes in drawing order: Users and Groups (no box), namespaces by name, then cluster-wide. */
function boxes(nodes: readonly GraphNode[]): Box[] {
  const byKey = new Map<string, Box>();
  for (const node of nodes) {
    const key = node.namespace !== undefined ? `ns:${node.namespace}` : node.clusterWide ? 'cluster' : '';
    let box = byKey.get(key);
    if (!box) {
      const [id, title] =
        node.namespace !== undefined ? [`ns_${sanitize(node.namespace)}`, `namespace ${node.namespace}`] : node.clusterWide ? ['cluster_wide', 'cluster-wide'] : ['', ''];
      byKey.set(key, (box = { key, id, title, nodes: [] }));
    }
    box.nodes.push(node);
  }
  const rank = (key: string): number => (key === '' ? 0 : key === 'cluster' ? 2 : 1);
  const out = [...byKey.values()].sort((a, b) => rank(a.key) - rank(b.key) || compare(a.key, b.key));
  for (const box of out) box.nodes.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || compare(a.id, b.id));
  return out;
}

/** Edges along the paths: those of workloads first, then of ServiceAccounts, …, then by ids. */
function drawingOrder(graph: RbacGraph): GraphEdge[] {
  const kinds = new Map(graph.nodes.map((n) => [n.id, KIND_RANK[n.kind]]));
  const rank = (id: string): number => kinds.get(id) ?? 0;
  return [...graph.edges].sort((a, b) => rank(a.from) - rank(b.from) || compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind));
}

/** Mermaid/DOT ids for every node, from its key, unique, in the order of the (sorted) keys. */
function allocateIds(nodes: readonly GraphNode[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of [...nodes].sort((a, b) => compare(a.id, b.id))) {
    const key = node.id.slice(node.id.indexOf(':') + 1);
    out.set(node.id, uniqueId(`${ID_PREFIX[node.kind]}_${sanitize(key)}`, taken));
  }
  return out;
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

/** Letters, digits and `_` only; runs of anything else become one `_`. */
function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
}

/**
 * Text inside a quoted Mermaid label: characters outside a safe set become entity codes
 * (`#34;`), which Mermaid turns into the character after parsing, so none can end the label, start
 * Markdown, or inject HTML.
 */
export function mermaidText(text: string): string {
  let out = '';
  for (const char of text.replace(/\s+/g, ' ')) out += /^[A-Za-z0-9 .,:/_*()@=+-]$/.test(char) ? char : `#${char.codePointAt(0)};`;
  return out;
}

function mermaidNode(id: string, node: GraphNode): string {
  const label = `"${mermaidText(node.label)}"`;
  switch (node.kind) {
    case 'workload':
      return `${id}[${label}]`;
    case 'serviceaccount':
      return `${id}(${label})`;
    case 'user':
    case 'group':
      return `${id}([${label}])`;
    case 'binding':
      return `${id}{{${label}}}`;
    case 'role':
      return `${id}[[${label}]]`;
    case 'permission':
      return `${id}>${label}]`;
  }
}

/** A DOT double-quoted string: `\` and `"` escaped, whitespace runs (newlines too) as one space. */
export function dotString(text: string): string {
  return `"${text.replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const DOT_SHAPE: Record<GraphNodeKind, string> = {
  workload: 'box',
  serviceaccount: 'ellipse',
  user: 'house',
  group: 'house',
  binding: 'hexagon',
  role: 'component',
  permission: 'octagon',
};

function dotNodeAttributes(node: GraphNode): string {
  const attributes = [`label=${dotString(node.label)}`, `shape=${DOT_SHAPE[node.kind]}`];
  const styles: string[] = [];
  if (node.builtin || node.missing) styles.push('dashed');
  if (node.kind === 'permission' || node.danger) styles.push('filled');
  if (styles.length > 0) attributes.push(`style=${dotString(styles.join(','))}`);
  if (node.danger) attributes.push('color=red', 'fontcolor=red3', 'fillcolor=mistyrose', 'penwidth=2');
  else if (node.kind === 'permission') attributes.push('color=darkorange', 'fillcolor=papayawhip');
  else if (node.missing) attributes.push('color=gray50', 'fontcolor=gray40');
  return attributes.join(', ');
}

function dotEdgeAttributes(edge: GraphEdge): string {
  const attributes: string[] = [];
  if (edge.label !== undefined) attributes.push(`label=${dotString(edge.label)}`);
  if (edge.dashed) attributes.push('style=dashed');
  if (edge.danger) attributes.push('color=red', 'penwidth=2');
  return attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
