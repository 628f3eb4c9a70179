/**
 * `rbaclint permissions <identity|workload>`: everything an identity can do, merged over all its
 * bindings: cluster-wide rules (ClusterRoleBindings: every namespace, cluster-scoped resources,
 * non-resource URLs) and per-namespace rules (RoleBindings: only in their namespace), each rule
 * with the binding and role that grant it.
 *
 * Bindings are matched as the authorizer does (kubernetes/kubernetes
 * `pkg/registry/rbac/validation/rule.go` `appliesTo`), roles resolved with aggregation.
 */
import { Option, type Command } from 'commander';
import { POD_SPEC_PATHS, workloadOf, type Workload } from '../model/index.js';
import { automountOf } from '../model/token.js';
import type { RbacSource } from '../rbac/cluster.js';
import type { BindingMatch } from '../rbac/policy.js';
import { isResolveError } from '../rbac/resources.js';
import {
  SYSTEM_MASTERS_GROUP,
  describeSubject,
  parseServiceAccountUsername,
  principalOf,
  serviceAccountUser,
  userInfo,
} from '../rbac/subjects.js';
import type { BindingDef, PolicyRule, RoleDef, Subject, UserInfo } from '../rbac/types.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import {
  DEFAULT_NAMESPACE_HELP,
  FILENAME_HELP,
  KUBECTL_DEFAULT_NAMESPACE,
  bindingWithLocation,
  describeRule,
  loadRbacInput,
  objectLine,
  positionOf,
  roleLabel,
  roleRefLabel,
  roleWithLocation,
  ruleLocationOf,
  shortValue,
  workloadLabel,
  type InputOptions,
  type RbacInput,
} from './rbac-args.js';
import { QUERY_FORMATS, definitionJson, subjectJson, type QueryFormat } from './who-can-command.js';

/** Options of `rbaclint permissions`, as commander parses them. */
export interface PermissionsOptions extends InputOptions {
  namespace?: string;
  format: QueryFormat;
}

/** Who is asked about. */
interface Identity {
  /** `ServiceAccount dev/web`, `User alice`, `Group oncall`. */
  label: string;
  kind: 'ServiceAccount' | 'User' | 'Group';
  /** The principal as the authorizer sees it; for a Group, a nameless member of only that group. */
  user: UserInfo;
  /** Set for a workload: what runs as the identity. */
  workload?: Workload;
}

/** One rule granted through one binding. */
interface RuleGrant {
  rule: PolicyRule;
  /** The role the rule is written in (differs from the bound role for aggregated ClusterRoles). */
  origin: RoleDef<RbacSource>;
  ruleIndex: number;
}

/** What one binding grants the identity. */
interface BindingGrant {
  binding: BindingDef<RbacSource>;
  /** The first subject of the binding that applies to the identity. */
  subject: Subject;
  /** Undefined when the roleRef resolves to no role (the binding grants nothing). */
  role: RoleDef<RbacSource> | undefined;
  rules: RuleGrant[];
}

/** Runs `rbaclint permissions` and returns the exit code (0, or 2 for usage errors). */
export async function runPermissions(args: readonly string[], options: PermissionsOptions, io: Io): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`rbaclint permissions: ${message}\n`);
    return EXIT.usage;
  };
  if (args.length !== 1) {
    return fail(
      'give one identity: system:serviceaccount:<ns>:<name>, User:<name>, Group:<name>, or a workload such as Deployment/<ns>/<name>\n' +
        "See 'rbaclint permissions --help' for help and examples.",
    );
  }
  const input = await loadRbacInput('permissions', options, io);
  if (typeof input === 'number') return input;
  const identity = parseIdentity(args[0] ?? '', shortValue(options.namespace), input);
  if ('error' in identity) return fail(identity.error);

  const matches = identity.kind === 'Group'
    ? input.rbac.policy.bindingsFor(identity.user).filter((m) => m.subject.kind === 'Group')
    : input.rbac.policy.bindingsFor(identity.user);
  const cluster: BindingGrant[] = [];
  const byNamespace = new Map<string, BindingGrant[]>();
  for (const match of matches) {
    const grant = grantOf(input, match);
    if (match.binding.kind === 'ClusterRoleBinding') {
      cluster.push(grant);
    } else {
      const namespace = match.binding.namespace ?? '';
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), grant]);
    }
  }
  const namespaces = [...byNamespace.keys()].sort().map((namespace) => ({ namespace, grants: byNamespace.get(namespace) ?? [] }));
  const masters = identity.user.groups.includes(SYSTEM_MASTERS_GROUP);
  io.stdout(
    options.format === 'json'
      ? renderJson(input, identity, masters, cluster, namespaces)
      : renderText(input, identity, masters, cluster, namespaces),
  );
  return EXIT.ok;
}

/**
 * `system:serviceaccount:ns:name`, `User:name`, `Group:name` (kind case-insensitive), or
 * `TYPE/ns/name` / `TYPE/name` (`-n`, else `default`) where TYPE resolves like kubectl to a
 * workload kind (or to serviceaccounts).
 */
function parseIdentity(arg: string, namespace: string | undefined, input: RbacInput): Identity | { error: string } {
  if (arg.startsWith('system:serviceaccount:')) {
    const sa = parseServiceAccountUsername(arg);
    if (!sa) return { error: `"${arg}" is not a ServiceAccount username: expected system:serviceaccount:<namespace>:<name>` };
    return { label: `ServiceAccount ${sa.namespace}/${sa.name}`, kind: 'ServiceAccount', user: serviceAccountUser(sa.namespace, sa.name) };
  }
  const prefixed = /^(user|group):(.+)$/i.exec(arg);
  if (prefixed) {
    const name = prefixed[2] ?? '';
    if ((prefixed[1] ?? '').toLowerCase() === 'group') return { label: `Group ${name}`, kind: 'Group', user: principalOf({ kind: 'Group', name }) };
    const sa = parseServiceAccountUsername(name);
    return sa
      ? { label: `ServiceAccount ${sa.namespace}/${sa.name}`, kind: 'ServiceAccount', user: userInfo(name) }
      : { label: `User ${name}`, kind: 'User', user: userInfo(name) };
  }
  const parts = arg.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    return {
      error: `cannot read "${arg}": expected system:serviceaccount:<ns>:<name>, User:<name>, Group:<name>, TYPE/<ns>/<name> or TYPE/<name> -n <ns>`,
    };
  }
  const [type = '', first = '', second] = parts;
  if (second !== undefined && namespace !== undefined && namespace !== first) {
    return { error: `"${arg}" names namespace ${first} but -n says ${namespace}` };
  }
  const objectNamespace = second === undefined ? (namespace ?? KUBECTL_DEFAULT_NAMESPACE) : first;
  const name = second ?? first;
  const resolved = input.resources.resolve(type);
  if (isResolveError(resolved)) return { error: resolved.error };
  if (resolved.group === '' && resolved.resource === 'serviceaccounts') {
    return { label: `ServiceAccount ${objectNamespace}/${name}`, kind: 'ServiceAccount', user: serviceAccountUser(objectNamespace, name) };
  }
  const kind = resolved.kind;
  if (POD_SPEC_PATHS[kind] === undefined) {
    return { error: `${kind || type} is not a workload kind; give a ServiceAccount, User:<name>, Group:<name> or one of ${Object.keys(POD_SPEC_PATHS).join(', ')}` };
  }
  const object = input.index.get(kind, objectNamespace, name);
  if (!object) return { error: `${kind} ${objectNamespace}/${name} is not in the input` };
  const workload = workloadOf(object);
  if (!workload) return { error: `${kind} ${objectNamespace}/${name} has no pod template to read its ServiceAccount from` };
  return {
    label: `ServiceAccount ${workload.namespace}/${workload.serviceAccountName}`,
    kind: 'ServiceAccount',
    user: serviceAccountUser(workload.namespace, workload.serviceAccountName),
    workload,
  };
}

/** The rules a matching binding grants (the role's effective rules, with where each is written). */
function grantOf(input: RbacInput, match: BindingMatch<RbacSource>): BindingGrant {
  const { binding, role } = match;
  if (!role) return { binding, subject: match.subject, role, rules: [] };
  const aggregated = input.rbac.policy.aggregation.aggregated.get(role);
  const grants: RuleGrant[] = aggregated
    ? aggregated.map(({ rule, origin }) => ({ rule, origin: origin.role, ruleIndex: origin.ruleIndex }))
    : role.rules.map((rule, ruleIndex) => ({ rule, origin: role, ruleIndex }));
  return { binding, subject: match.subject, role, rules: grants };
}

function header(input: RbacInput, identity: Identity, masters: boolean): string {
  let out = '';
  if (identity.workload) {
    const { workload } = identity;
    const automount = automountOf(workload, input.index);
    const token = automount.mounted
      ? 'its pods get an API token'
      : `its pods get no automounted API token (automountServiceAccountToken: false on the ${automount.decidedBy === 'pod' ? 'pod template' : 'ServiceAccount'})`;
    out += `${workloadLabel(workload)} (${objectLine(workload.object)}) runs as ${identity.label}; ${token}\n`;
  } else {
    out += `${identity.label}\n`;
  }
  if (identity.kind !== 'Group') {
    out += `  username  ${identity.user.name}\n`;
    out += `  groups    ${identity.user.groups.join(', ')}\n`;
  }
  const sa = identity.kind === 'ServiceAccount' ? parseServiceAccountUsername(identity.user.name) : undefined;
  if (sa && !input.index.serviceAccount(sa.namespace, sa.name)) {
    out += `  note      ServiceAccount ${sa.namespace}/${sa.name} is not defined in the input\n`;
  }
  if (masters) out += `  note      Group ${SYSTEM_MASTERS_GROUP} is allowed everything before RBAC is consulted\n`;
  return out;
}

/**
 * What a rule under a RoleBinding does not grant although it lists it: cluster-scoped resources
 * (except the binding's own Namespace object) and non-resource URLs, whose requests carry no
 * namespace, so RoleBindings are never consulted for them (rule.go VisitRulesFor).
 */
function roleBindingCaveat(rule: PolicyRule, binding: BindingDef, input: RbacInput): string | undefined {
  if (binding.kind !== 'RoleBinding') return undefined;
  const notes: string[] = [];
  const clusterScoped = new Set<string>();
  let namespaces = false;
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      const base = resource.split('/')[0] ?? '';
      const info = group === '*' || base === '*' ? undefined : input.resources.lookup(group, base);
      // GET /api/v1/namespaces/X (and its status, finalize) carries namespace X: a RoleBinding in X grants it.
      if (group === '' && base === 'namespaces') namespaces = true;
      else if (info && !info.namespaced) clusterScoped.add(resource);
    }
  }
  if (clusterScoped.size > 0) {
    notes.push(`${[...clusterScoped].join(', ')} ${clusterScoped.size === 1 ? 'is' : 'are'} cluster-scoped: not granted through a RoleBinding`);
  }
  if (namespaces) notes.push(`of namespaces, only ${binding.namespace ?? ''} itself`);
  if ((rule.nonResourceURLs ?? []).length > 0) notes.push('non-resource URLs are not granted through a RoleBinding');
  return notes.length > 0 ? notes.join('; ') : undefined;
}

function renderGrants(grants: readonly BindingGrant[], identity: Identity, input: RbacInput): string {
  if (grants.length === 0) return '  (none)\n';
  let out = '';
  for (const grant of grants) {
    const { binding, role, rules } = grant;
    const subject = describeSubject(subjectOf(grant), '');
    const as = subject === identity.label ? '' : ` as ${subject}`;
    if (!role) {
      out += `  ${bindingWithLocation(binding)}${as} -> ${roleRefLabel(binding)}: not found (neither in the input nor built in), grants nothing\n`;
      continue;
    }
    out += `  ${bindingWithLocation(binding)}${as} -> ${roleWithLocation(role)}\n`;
    if (rules.length === 0) out += '    (the role has no rules)\n';
    for (const { rule, origin, ruleIndex } of rules) {
      const from = origin === role ? '' : `  (from ${roleLabel(origin)}, ${ruleLocationOf(origin, ruleIndex)})`;
      const caveat = roleBindingCaveat(rule, binding, input);
      out += `    ${describeRule(rule)}${from}${caveat === undefined ? '' : `  [${caveat}]`}\n`;
    }
  }
  return out;
}

function renderText(
  input: RbacInput,
  identity: Identity,
  masters: boolean,
  cluster: readonly BindingGrant[],
  namespaces: readonly { namespace: string; grants: BindingGrant[] }[],
): string {
  let out = header(input, identity, masters);
  out += '\nCluster-wide, through ClusterRoleBindings (every namespace, cluster-scoped resources, non-resource URLs):\n';
  out += renderGrants(cluster, identity, input);
  for (const { namespace, grants } of namespaces) {
    out += `\nIn namespace ${namespace} only, through RoleBindings:\n`;
    out += renderGrants(grants, identity, input);
  }
  return out;
}

function withCaveat(caveat: string | undefined): { notGranted?: string } {
  return caveat === undefined ? {} : { notGranted: caveat };
}

/** The applying subject, with a ServiceAccount's namespace defaulted to the RoleBinding's. */
function subjectOf(grant: BindingGrant): Subject {
  const { subject, binding } = grant;
  if (subject.kind !== 'ServiceAccount' || (subject.namespace ?? '') !== '') return subject;
  return { ...subject, namespace: binding.namespace ?? '' };
}

function grantJson(grant: BindingGrant, input: RbacInput): Record<string, unknown> {
  return {
    binding: definitionJson(grant.binding),
    subject: subjectJson(subjectOf(grant)),
    role: grant.role ? definitionJson(grant.role) : null,
    ...(grant.role ? {} : { roleRef: { kind: grant.binding.roleRef.kind, name: grant.binding.roleRef.name } }),
    rules: grant.rules.map(({ rule, origin, ruleIndex }) => ({
      ...rule,
      ...(origin === grant.role ? {} : { from: definitionJson(origin) }),
      ...(origin.source ? { location: ruleLocationOf(origin, ruleIndex) } : {}),
      ...withCaveat(roleBindingCaveat(rule, grant.binding, input)),
    })),
  };
}

function renderJson(
  input: RbacInput,
  identity: Identity,
  masters: boolean,
  cluster: readonly BindingGrant[],
  namespaces: readonly { namespace: string; grants: BindingGrant[] }[],
): string {
  const sa = identity.kind === 'ServiceAccount' ? parseServiceAccountUsername(identity.user.name) : undefined;
  const report = {
    version: 1,
    identity: {
      kind: identity.kind,
      ...(sa ? { namespace: sa.namespace, name: sa.name } : { name: identity.kind === 'Group' ? identity.user.groups[0] : identity.user.name }),
      ...(identity.kind === 'Group' ? {} : { username: identity.user.name, groups: identity.user.groups }),
      ...(sa ? { definedInInput: input.index.serviceAccount(sa.namespace, sa.name) !== undefined } : {}),
    },
    ...(identity.workload
      ? {
          workload: {
            kind: identity.workload.object.kind,
            namespace: identity.workload.namespace,
            name: identity.workload.object.name,
            ...positionOf(identity.workload.object),
            automountedToken: automountOf(identity.workload, input.index).mounted,
          },
        }
      : {}),
    systemMasters: masters,
    clusterWide: cluster.map((grant) => grantJson(grant, input)),
    namespaces: namespaces.map(({ namespace, grants }) => ({ namespace, bindings: grants.map((grant) => grantJson(grant, input)) })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

const PERMISSIONS_HELP = `
IDENTITY is one of:
  system:serviceaccount:<ns>:<name>   a ServiceAccount (also ServiceAccount/<ns>/<name>, sa/<name> -n <ns>)
  User:<name>                         a user; it is in system:authenticated like every authenticated user
  Group:<name>                        what the bindings of that group grant its members
  <Kind>/<ns>/<name>, <kind>/<name>   a workload of the input (Deployment/dev/web, deploy/web -n dev, cronjob/…):
                                      the ServiceAccount its pods run as

Prints what the identity can do, merged over every binding that applies to it (directly, or through
its groups), with each rule under the binding and role that grant it (file:line, or built-in):
first cluster-wide rules (ClusterRoleBindings: every namespace, cluster-scoped resources,
non-resource URLs), then per namespace the rules of RoleBindings, which grant only there.

Examples:
  $ rbaclint permissions system:serviceaccount:dev:pod-inspector -f deploy/
  $ rbaclint permissions Deployment/dev/inspector -f deploy/
  $ rbaclint permissions deploy/inspector -n dev --format json -f deploy/
  $ rbaclint permissions Group:oncall -f deploy/

Exit codes: 0 answered, 2 usage error, unknown workload, or nothing could be read.`;

/** Adds `permissions` to the program. */
export function addPermissionsCommand(program: Command, io: Io, done: (code: number) => void): Command {
  return program
    .command('permissions')
    .description('print everything an identity or a workload can do, with the granting bindings and roles')
    .usage('<identity|workload> [options] -f <paths...>')
    .argument('[IDENTITY...]', 'system:serviceaccount:<ns>:<name>, User:<name>, Group:<name>, or a workload such as Deployment/<ns>/<name>')
    .option('-n, --namespace <ns>', `namespace of a workload given as <kind>/<name> (default "${KUBECTL_DEFAULT_NAMESPACE}")`)
    .addOption(new Option('--format <format>', 'output format').choices(QUERY_FORMATS).default('text'))
    .option('-f, --filename <paths...>', FILENAME_HELP)
    .option('--default-namespace <ns>', DEFAULT_NAMESPACE_HELP, KUBECTL_DEFAULT_NAMESPACE)
    .addHelpText('after', PERMISSIONS_HELP)
    .action(async (args: string[], options: PermissionsOptions) => {
      done(await runPermissions(args, options, io));
    });
}
