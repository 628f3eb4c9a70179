/**
 * `rbaclint who-can`: `kubectl who-can` (aquasecurity/kubectl-who-can) answered from manifests,
 * with the authorizer's exact semantics (kubernetes/kubernetes
 * `plugin/pkg/auth/authorizer/rbac/subject_locator.go` `AllowedSubjects`): `Group system:masters`,
 * then the subjects of every ClusterRoleBinding whose role allows the request, then those of the
 * RoleBindings that grant it in the request's namespace (with `-A`: in their own namespace, for
 * every namespace, as kubectl-who-can lists them). Also lists the workloads of the input that run as
 * (or hold a token of) one of those subjects.
 */
import { Option, type Command } from 'commander';
import type { Index, Workload } from '../model/index.js';
import type { RbacSource } from '../rbac/cluster.js';
import { RBAC_API_GROUP } from '../rbac/policy.js';
import { SYSTEM_MASTERS_GROUP, describeSubject, normalizeSubject, serviceAccountUser, serviceAccountUsername } from '../rbac/subjects.js';
import type { BindingDef, RoleDef, Subject } from '../rbac/types.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import {
  DEFAULT_NAMESPACE_HELP,
  FILENAME_HELP,
  KUBECTL_DEFAULT_NAMESPACE,
  accountMatches,
  bindingWithLocation,
  inNamespace,
  loadRbacInput,
  objectLine,
  parseRequest,
  positionOf,
  renderTable,
  roleRefLabel,
  roleWithLocation,
  rulesAllow,
  shortValue,
  workloadAccounts,
  workloadLabel,
  type InputOptions,
  type Request,
} from './rbac-args.js';

/** Output formats of who-can and permissions. */
export const QUERY_FORMATS = ['text', 'json'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

/** Options of `rbaclint who-can`, as commander parses them. */
export interface WhoCanOptions extends InputOptions {
  namespace?: string;
  allNamespaces?: boolean;
  subresource?: string;
  format: QueryFormat;
  /** kubectl-who-can's `-o json|wide` (wide = text). */
  output?: 'json' | 'wide';
  /** `--no-builtins` sets `builtins: false`. */
  builtins?: boolean;
}

/** One subject allowed to make the request, and what allows it. */
export interface WhoCanRow {
  subject: Subject;
  /** Undefined for `Group system:masters` (allowed before RBAC). */
  binding?: BindingDef<RbacSource>;
  role?: RoleDef<RbacSource>;
}

/** A workload of the input that runs as (or holds a token of) an allowed subject. */
export interface WhoCanWorkload {
  workload: Workload;
  /** The subjects through which it is allowed, labelled (`ServiceAccount dev/web`, `Group …`). */
  allowedAs: Subject[];
  /** Whether its pods hold an API token of such a subject (else they run as it without a token). */
  token: boolean;
}

/** Runs `rbaclint who-can` and returns the exit code (0, or 2 for usage errors). */
export async function runWhoCan(args: readonly string[], options: WhoCanOptions, io: Io): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`rbaclint who-can: ${message}\n`);
    return EXIT.usage;
  };
  if (args.length !== 2) {
    const eaten = (options.filename ?? []).length > 1 && args.length < 2 ? '\n-f takes every argument up to the next option: put it last, or end its list with --' : '';
    return fail(`you must specify two arguments: verb resource or verb resource/resourceName\nSee 'rbaclint who-can --help' for help and examples.${eaten}`);
  }
  const format: 'text' | 'json' = options.output === 'json' ? 'json' : options.output === 'wide' ? 'text' : options.format;
  const input = await loadRbacInput('who-can', options, io);
  if (typeof input === 'number') return input;

  const [verb = '', target = ''] = args;
  const namespace = shortValue(options.namespace);
  const warnings: string[] = [];
  const request = parseRequest(
    verb,
    target,
    { ...(options.subresource === undefined ? {} : { subresource: options.subresource }), ...(namespace === undefined ? {} : { namespace }), allNamespaces: options.allNamespaces === true, warnClusterScoped: namespace !== undefined },
    input.resources,
    warnings,
    'any',
  );
  if ('error' in request) return fail(request.error);
  for (const warning of warnings) io.stderr(`Warning: ${warning}\n`);

  const includeBuiltins = options.builtins !== false;
  const rows: WhoCanRow[] = includeBuiltins ? [{ subject: { kind: 'Group', apiGroup: RBAC_API_GROUP, name: SYSTEM_MASTERS_GROUP } }] : [];
  const policy = input.rbac.policy;
  const bindings = [...policy.bindings()].sort((a, b) => Number(a.kind === 'RoleBinding') - Number(b.kind === 'RoleBinding'));
  for (const binding of bindings) {
    if (binding.builtin && !includeBuiltins) continue;
    const bindingNamespace = binding.kind === 'RoleBinding' ? (binding.namespace ?? '') : '';
    if (binding.kind === 'RoleBinding') {
      // RoleBindings count only for namespaced requests, in the request namespace (-A: their own).
      if (request.scope === 'cluster') continue;
      if (request.scope === 'namespace' && request.attrs.kind === 'resource' && bindingNamespace !== request.attrs.namespace) continue;
    }
    const role = policy.roleFor(binding);
    if (role === undefined) {
      if (!binding.builtin) {
        io.stderr(`rbaclint: warning: ${bindingWithLocation(binding)} refers to ${roleRefLabel(binding)}, which is neither in the input nor built in: it grants nothing until that role exists\n`);
      }
      continue;
    }
    const attrs = binding.kind === 'RoleBinding' ? inNamespace(request.attrs, bindingNamespace) : request.attrs;
    if (!rulesAllow(policy.effectiveRules(role), attrs)) continue;
    const seen = new Set<string>();
    for (const raw of binding.subjects) {
      const subject = normalizeSubject(raw, bindingNamespace);
      if (subject === undefined) continue;
      const key = describeSubject(subject, '');
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ subject, binding, role });
    }
  }

  const workloads = workloadsOf(input.index, rows);
  io.stdout(format === 'json' ? renderJson(request, rows, workloads) : renderText(request, rows, workloads));
  return EXIT.ok;
}

/**
 * The workloads that run as one of the rows' subjects (or hold a token of one), in input order.
 * Each account (`namespace/name`) is matched once, against the subjects that can apply to it: those
 * naming its username or one of its groups (and any other subject), each checked as the authorizer
 * does ({@link accountMatches}); with 100,000 objects there are thousands of subjects and of
 * workloads.
 */
function workloadsOf(index: Index, rows: readonly WhoCanRow[]): WhoCanWorkload[] {
  const out: WhoCanWorkload[] = [];
  const unique = new Map<string, Subject>();
  for (const row of rows) unique.set(describeSubject(row.subject, ''), row.subject);
  const subjects = [...unique.values()];
  /** Subjects by the username or group they name; others are checked for every account. */
  const byName = new Map<string, number[]>();
  const others: number[] = [];
  subjects.forEach((subject, i) => {
    let name: string | undefined;
    if (subject.kind === 'User' || subject.kind === 'Group') name = `${subject.kind}\u0000${subject.name}`;
    else if (subject.kind === 'ServiceAccount' && subject.namespace) name = `User\u0000${serviceAccountUsername(subject.namespace, subject.name)}`;
    if (name === undefined) {
      others.push(i);
      return;
    }
    const list = byName.get(name);
    if (list) list.push(i);
    else byName.set(name, [i]);
  });
  const matchesOf = new Map<string, number[]>();
  const matching = (account: string): number[] => {
    let found = matchesOf.get(account);
    if (found) return found;
    const slash = account.indexOf('/');
    const user = serviceAccountUser(account.slice(0, slash), account.slice(slash + 1));
    const candidates = [...(byName.get(`User\u0000${user.name}`) ?? []), ...user.groups.flatMap((g) => byName.get(`Group\u0000${g}`) ?? []), ...others];
    found = candidates.filter((i) => accountMatches(account, subjects[i]!, ''));
    matchesOf.set(account, found);
    return found;
  };
  for (const entry of workloadAccounts(index)) {
    const allowed = new Set<number>(matching(entry.runsAs));
    let token = false;
    for (const account of entry.tokens) {
      const found = matching(account);
      if (found.length > 0) token = true;
      for (const i of found) allowed.add(i);
    }
    if (allowed.size === 0) continue;
    const allowedAs = [...allowed].sort((a, b) => a - b).map((i) => subjects[i]!);
    out.push({ workload: entry.workload, allowedAs, token });
  }
  return out;
}

function renderText(request: Request, rows: readonly WhoCanRow[], workloads: readonly WhoCanWorkload[]): string {
  if (rows.length === 0) {
    const where = request.attrs.kind === 'resource' && request.scope === 'namespace' ? ` in namespace ${request.attrs.namespace}` : '';
    return `No subject may ${request.display}${where}.\n`;
  }
  const table: string[][] = [['SUBJECT', 'BINDING', 'ROLE']];
  for (const row of rows) {
    table.push(
      row.binding && row.role
        ? [describeSubject(row.subject, ''), bindingWithLocation(row.binding), roleWithLocation(row.role)]
        : [describeSubject(row.subject, ''), '(privileged group, allowed before RBAC is consulted)', '-'],
    );
  }
  let out = renderTable(table);
  if (workloads.length === 0) return `${out}\nNo workload of the input runs as one of these subjects.\n`;
  const list: string[][] = [['WORKLOAD', 'LOCATION', 'SERVICE ACCOUNT', 'TOKEN', 'ALLOWED AS']];
  for (const { workload, allowedAs, token } of workloads) {
    list.push([
      workloadLabel(workload),
      objectLine(workload.object),
      `${workload.namespace}/${workload.serviceAccountName}`,
      token ? 'yes' : 'no',
      allowedAs.map((s) => describeSubject(s, '')).join(', '),
    ]);
  }
  out += `\n${renderTable(list)}`;
  return out;
}

/** JSON identity of a binding or role: where it is defined (`builtin`, or file and 1-based line). */
export function definitionJson(def: BindingDef<RbacSource> | RoleDef<RbacSource>): Record<string, unknown> {
  const at = def.source ? positionOf(def.source) : {};
  return {
    kind: def.kind,
    ...(def.namespace === undefined || def.kind === 'ClusterRole' || def.kind === 'ClusterRoleBinding' ? {} : { namespace: def.namespace }),
    name: def.name,
    builtin: def.source === undefined,
    ...at,
  };
}

/** JSON of a subject: kind, namespace (ServiceAccounts), name. */
export function subjectJson(subject: Subject): Record<string, unknown> {
  return { kind: subject.kind, ...(subject.kind === 'ServiceAccount' ? { namespace: subject.namespace ?? '' } : {}), name: subject.name };
}

/** JSON of the request that was answered. */
export function requestJson(request: Request): Record<string, unknown> {
  const { attrs } = request;
  if (attrs.kind === 'nonResource') return { verb: attrs.verb, nonResourceURL: attrs.path, scope: request.scope };
  return {
    verb: attrs.verb,
    apiGroup: attrs.apiGroup,
    resource: attrs.resource,
    subresource: attrs.subresource,
    name: attrs.name,
    ...(request.scope === 'namespace' ? { namespace: attrs.namespace } : {}),
    scope: request.scope,
  };
}

function renderJson(request: Request, rows: readonly WhoCanRow[], workloads: readonly WhoCanWorkload[]): string {
  const report = {
    version: 1,
    request: requestJson(request),
    subjects: rows.map((row) =>
      row.binding && row.role
        ? { ...subjectJson(row.subject), via: 'binding', binding: definitionJson(row.binding), role: definitionJson(row.role) }
        : { ...subjectJson(row.subject), via: 'system:masters' },
    ),
    workloads: workloads.map(({ workload, allowedAs, token }) => {
      return {
        kind: workload.object.kind,
        namespace: workload.namespace,
        name: workload.object.name,
        ...positionOf(workload.object),
        serviceAccount: workload.serviceAccountName,
        token,
        allowedAs: allowedAs.map(subjectJson),
      };
    }),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

const WHO_CAN_HELP = `
Arguments are those of kubectl who-can (and kubectl auth can-i):
  VERB            get, list, watch, create, update, patch, delete, use, bind, … or '*' (matches only rules with '*')
  TYPE            a resource type: plural, singular, short name or resource.group (CRDs of the input too)
  TYPE/NAME       one object: secrets/app-config (rules limited by resourceNames count for it)
  NONRESOURCEURL  a URL path that starts with /

Lists Group system:masters (allowed before RBAC), then the subjects of every ClusterRoleBinding and
RoleBinding that allows the request, with the binding and the role (file:line, or built-in for the
default policy every cluster has), then every workload of the input that runs as one of those
subjects or holds an API token of one. ServiceAccounts count through groups too: all of them are in
system:serviceaccounts and system:authenticated, those of namespace ns in system:serviceaccounts:ns.

Scope: -n ns (default "default"): ClusterRoleBindings and the RoleBindings of ns. -A: any namespace,
i.e. also the RoleBindings of every namespace, each granting in its own (as kubectl who-can -A).
Cluster-scoped resources and non-resource URLs: ClusterRoleBindings only, whatever -n or -A say.

Examples:
  $ rbaclint who-can get secrets -n prod -f deploy/
  $ rbaclint who-can create pods --subresource exec -A -f deploy/
  $ rbaclint who-can list nodes -f deploy/ --no-builtins
  $ rbaclint who-can get secrets/app-config -n dev --format json -f deploy/

Exit codes: 0 answered, 2 usage error or nothing could be read.`;

/** Adds `who-can` to the program. */
export function addWhoCanCommand(program: Command, io: Io, done: (code: number) => void): Command {
  return program
    .command('who-can')
    .description('list the subjects (and workloads) allowed to do an action, like kubectl who-can, from manifests')
    .usage('VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options] -f <paths...>')
    .argument('[VERB TYPE...]', 'VERB and TYPE | TYPE/NAME | NONRESOURCEURL')
    .option('-n, --namespace <ns>', `namespace of the request (default "${KUBECTL_DEFAULT_NAMESPACE}")`)
    .option('-A, --all-namespaces', 'in any namespace: also the RoleBindings of every namespace, each in its own')
    .option('--subresource <subresource>', 'subresource such as exec, log, scale, status')
    .addOption(new Option('--format <format>', 'output format').choices(QUERY_FORMATS).default('text'))
    .addOption(new Option('-o, --output <format>', "kubectl who-can's spelling of --format (wide = text)").choices(['json', 'wide']).hideHelp())
    .option('--no-builtins', 'leave out what only the default policy grants (system:masters, controllers, …)')
    .option('-f, --filename <paths...>', FILENAME_HELP)
    .option('--default-namespace <ns>', DEFAULT_NAMESPACE_HELP, KUBECTL_DEFAULT_NAMESPACE)
    .addHelpText('after', WHO_CAN_HELP)
    .action(async (args: string[], options: WhoCanOptions) => {
      done(await runWhoCan(args, options, io));
    });
}
