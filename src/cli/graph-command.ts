/**
 * `rbaclint graph`: draws workload → ServiceAccount → binding → role → dangerous permission as a
 * Mermaid flowchart or Graphviz DOT, with the escalation paths in red (src/rbac/graph.ts,
 * src/report/graph.ts).
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { POD_SPEC_PATHS } from '../model/index.js';
import {
  buildGraph,
  dangerousOnly,
  focusGraph,
  identityId,
  identityOfUsername,
  namespaceSeeds,
  type GraphIdentity,
  type RbacGraph,
} from '../rbac/graph.js';
import { isResolveError } from '../rbac/resources.js';
import { GRAPH_FORMATS, graphRenderers, type GraphFormat } from '../report/graph.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import { writeAtomically } from './output.js';
import {
  DEFAULT_NAMESPACE_HELP,
  FILENAME_HELP,
  KUBECTL_DEFAULT_NAMESPACE,
  loadRbacInput,
  shortValue,
  type InputOptions,
  type RbacInput,
} from './rbac-args.js';

/** Options of `rbaclint graph`, as commander parses them. */
export interface GraphCommandOptions extends InputOptions {
  format: GraphFormat;
  output?: string;
  namespace?: string;
  subject?: string[];
  dangerousOnly?: boolean;
  all?: boolean;
}

/**
 * Above this many nodes (after `--namespace` and `--subject`), the graph shows only the paths that
 * end in a dangerous permission unless `--all` is given: GitHub's Mermaid refuses charts with more
 * than 500 edges, and a larger chart is unreadable anyway.
 */
export const AUTO_DANGEROUS_ONLY_NODES = 100;

/** Mermaid's default `maxEdges`: a chart with more edges is refused ("Edge limit exceeded"). */
const MERMAID_MAX_EDGES = 500;

const USAGE = "See 'rbaclint graph --help' for help and examples.";

/** A `--subject`: an identity, or a workload of the input. */
type Seed = { identity: GraphIdentity } | { workload: { kind: string; namespace: string; name: string } };

/** Runs `rbaclint graph` and returns the exit code (0, or 2 for usage errors). */
export async function runGraph(paths: readonly string[], options: GraphCommandOptions, io: Io): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`rbaclint graph: ${message}\n${USAGE}\n`);
    return EXIT.usage;
  };
  if (options.dangerousOnly && options.all) return fail('--dangerous-only and --all contradict each other; give one');
  const namespace = shortValue(options.namespace);
  if (namespace === '') return fail('-n, --namespace needs a namespace name');
  const input = await loadRbacInput('graph', { ...options, filename: [...paths, ...(options.filename ?? [])] }, io);
  if (typeof input === 'number') return input;

  const seeds: Seed[] = [];
  for (const value of options.subject ?? []) {
    const seed = parseSubject(value, input);
    if ('error' in seed) return fail(seed.error);
    seeds.push(seed);
  }
  const identities = seeds.flatMap((s) => ('identity' in s ? [s.identity] : []));
  let graph: RbacGraph = buildGraph(input, { ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}), identities });
  if (seeds.length > 0) {
    const ids = new Set<string>();
    for (const seed of seeds) {
      const id = 'identity' in seed ? identityId(seed.identity) : `workload:${seed.workload.kind}/${seed.workload.namespace}/${seed.workload.name}`;
      // Identities are always drawn (buildGraph's `identities`); a workload must be in the input.
      if ('workload' in seed && !graph.nodes.some((n) => n.id === id)) {
        return fail(`${seed.workload.kind} ${seed.workload.namespace}/${seed.workload.name} is not in the input`);
      }
      ids.add(id);
    }
    graph = focusGraph(graph, ids);
  }
  if (namespace !== undefined) graph = focusGraph(graph, namespaceSeeds(graph, namespace));
  if (options.dangerousOnly) {
    graph = dangerousOnly(graph);
  } else if (!options.all && graph.nodes.length > AUTO_DANGEROUS_ONLY_NODES) {
    const total = graph.nodes.length;
    graph = dangerousOnly(graph);
    io.stderr(
      `rbaclint graph: ${total} nodes are too many to read; drawing only the paths that end in a dangerous permission (${graph.nodes.length} nodes; ` +
        '--all draws everything; -n <namespace> or --subject <identity> draw less)\n',
    );
  }
  if (graph.nodes.length === 0) io.stderr('rbaclint graph: nothing to draw: no workload, ServiceAccount or binding matches\n');
  if (options.format === 'mermaid' && graph.edges.length > MERMAID_MAX_EDGES) {
    io.stderr(
      `rbaclint graph: warning: ${graph.edges.length} edges; Mermaid (and so GitHub) draws at most ${MERMAID_MAX_EDGES}: ` +
        'use --format dot, or draw less with -n <namespace>, --subject <identity> or --dangerous-only\n',
    );
  }

  const text = graphRenderers[options.format](graph);
  if (options.output !== undefined) {
    try {
      await writeAtomically(path.resolve(io.cwd, options.output), text);
    } catch (error) {
      io.stderr(`rbaclint graph: cannot write the graph to "${options.output}": ${(error as Error).message}\n`);
      return EXIT.usage;
    }
  } else {
    io.stdout(text);
  }
  return EXIT.ok;
}

/**
 * `ServiceAccount dev/web` (also `ServiceAccount/dev/web`, `sa/dev/web`,
 * `system:serviceaccount:dev:web`), `User alice` / `User:alice`, `Group ops` / `Group:ops`, or a
 * workload `Deployment/dev/web` (kind or kubectl short name).
 */
function parseSubject(value: string, input: RbacInput): Seed | { error: string } {
  const text = value.trim();
  const expected =
    `cannot read --subject "${value}": expected ServiceAccount <ns>/<name>, system:serviceaccount:<ns>:<name>, ` +
    'User <name>, Group <name>, or a workload such as Deployment/<ns>/<name>';
  if (text.startsWith('system:serviceaccount:')) {
    const identity = identityOfUsername(text);
    return identity.kind === 'ServiceAccount' ? { identity } : { error: expected };
  }
  const prefixed = /^(serviceaccounts?|sa|users?|groups?)(?:\s+|:|\/)(.+)$/i.exec(text);
  if (prefixed) {
    const kind = (prefixed[1] ?? '').toLowerCase();
    const rest = (prefixed[2] ?? '').trim();
    if (kind.startsWith('user')) return { identity: identityOfUsername(rest) };
    if (kind.startsWith('group')) return { identity: { kind: 'Group', name: rest } };
    const parts = rest.split('/');
    if (parts.length !== 2 || parts.some((p) => p === '')) return { error: `${expected} (a ServiceAccount needs <ns>/<name>)` };
    return { identity: { kind: 'ServiceAccount', namespace: parts[0] ?? '', name: parts[1] ?? '' } };
  }
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return { error: expected };
  const [type = '', namespace = '', name = ''] = parts;
  const resolved = input.resources.resolve(type);
  if (isResolveError(resolved)) return { error: `${expected}: ${resolved.error}` };
  if (POD_SPEC_PATHS[resolved.kind] === undefined) {
    return { error: `${expected}: ${resolved.kind || type} is not a workload kind (${Object.keys(POD_SPEC_PATHS).join(', ')})` };
  }
  return { workload: { kind: resolved.kind, namespace, name } };
}

const GRAPH_HELP = `
Draws workload → ServiceAccount → binding → role → dangerous permission:
  workload ──runs as──▶ ServiceAccount    dashed "no token": the pods get no API token of it,
                                          so they cannot use its permissions
  ServiceAccount ──member of──▶ Group     e.g. system:serviceaccounts:<ns>, system:authenticated
  subject ──▶ RoleBinding/ClusterRoleBinding ──▶ Role/ClusterRole ──▶ dangerous permission
A ClusterRole is drawn in each namespace a RoleBinding grants it in; aggregated ClusterRoles get
the rules of the roles they aggregate (an input ClusterRole they aggregate is drawn, "aggregates").
Dangerous permissions are those the rules report: read secrets, exec into pods, create pods,
create tokens, impersonate, escalate/bind roles, write RBAC, nodes/proxy, write admission webhooks,
approve CSRs, create PersistentVolumes, every permission (*).
Red: escalation paths, from a workload whose pods hold an API token to a dangerous permission.
Namespaces are boxes; ClusterRoleBindings and what they grant are in the "cluster-wide" box.

When the graph has more than ${AUTO_DANGEROUS_ONLY_NODES} nodes, only the paths that end in a dangerous
permission are drawn (a note on stderr says so); --all draws everything.

Examples:
  $ rbaclint graph deploy/ > rbac.mmd                      Mermaid (paste into Markdown in a \`\`\`mermaid block)
  $ rbaclint graph deploy/ --format dot | dot -Tsvg > rbac.svg
  $ rbaclint graph deploy/ -n shop --dangerous-only
  $ rbaclint graph deploy/ --subject "ServiceAccount ci/deployer"
  $ rbaclint graph deploy/ --subject Deployment/shop/web --context cluster-dump.yaml

Exit codes: 0 drawn, 2 usage error, unknown --subject workload, or nothing could be read.`;

/** Adds `graph` to the program. */
export function addGraphCommand(program: Command, io: Io, done: (code: number) => void): Command {
  return program
    .command('graph')
    .description('draw workloads, ServiceAccounts, bindings, roles and dangerous permissions as Mermaid or DOT, escalation paths in red')
    .usage('<paths...> [options]')
    .argument('[paths...]', 'files, directories (*.yaml, *.yml, *.json), globs, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .option('-o, --output <file>', 'write the graph to a file (atomically) instead of stdout')
    .option('-n, --namespace <ns>', 'draw only the paths through this namespace (its workloads, ServiceAccounts, RoleBindings)')
    .option(
      '--subject <identity>',
      'draw only the paths through this identity or workload: "ServiceAccount <ns>/<name>", "User <name>", "Group <name>", Deployment/<ns>/<name>; repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--dangerous-only', 'draw only the paths that end in a dangerous permission')
    .option('--all', `draw every path even when the graph has more than ${AUTO_DANGEROUS_ONLY_NODES} nodes`)
    .option('-f, --filename <paths...>', `${FILENAME_HELP} (or give the paths as arguments)`)
    .option('--default-namespace <ns>', DEFAULT_NAMESPACE_HELP, KUBECTL_DEFAULT_NAMESPACE)
    .addHelpText('after', GRAPH_HELP)
    .action(async (paths: string[], options: GraphCommandOptions) => {
      done(await runGraph(paths, options, io));
    });
}
