/**
 * `rbaclint can-i`: `kubectl auth can-i` answered from manifests instead of a cluster.
 *
 * Upstream behaviour mirrored: kubernetes/kubectl `pkg/cmd/auth/cani.go` (arguments, warnings,
 * `yes`/`no` and exit code 1 for no, `--list` through BreakdownRule → CompactRules → sort by
 * `PolicyRule.String()` → tabwriter), and the authorizer's reason for a denial
 * (kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/rbac.go` `Authorize`: `RBAC: <errors>`).
 */
import type { Command } from 'commander';
import type { ClusterRbac, RbacSource } from '../rbac/cluster.js';
import type { Grant } from '../rbac/policy.js';
import { SYSTEM_MASTERS_GROUP, describeSubject, parseServiceAccountUsername, userInfo } from '../rbac/subjects.js';
import type { BindingDef, PolicyRule, RequestAttributes, UserInfo } from '../rbac/types.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import {
  DEFAULT_NAMESPACE_HELP,
  FILENAME_HELP,
  KUBECTL_DEFAULT_NAMESPACE,
  bindingLabel,
  bindingWithLocation,
  combineResourceGroup,
  describeRule,
  goTabwriter,
  inNamespace,
  loadRbacInput,
  parseRequest,
  roleLabel,
  roleRefLabel,
  roleWithLocation,
  ruleLocationOf,
  rulesAllow,
  shortValue,
  type InputOptions,
  type RbacInput,
  type Request,
} from './rbac-args.js';

/** Options of `rbaclint can-i`, as commander parses them. */
export interface CanIOptions extends InputOptions {
  as?: string;
  asGroup?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  subresource?: string;
  list?: boolean;
  explain?: boolean;
  quiet?: boolean;
  /** `--no-headers` sets `headers: false`. */
  headers?: boolean;
}

const USAGE = "See 'rbaclint can-i --help' for help and examples.";

/** Runs `rbaclint can-i` and returns the exit code: 0 yes, 1 no, 2 usage error. */
export async function runCanI(args: readonly string[], options: CanIOptions, io: Io): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`rbaclint can-i: ${message}\n`);
    return EXIT.usage;
  };
  const namespace = shortValue(options.namespace);
  const noHeaders = options.headers === false;

  // cani.go Complete/Validate, same order and conditions.
  if (options.list) {
    if (args.length !== 0) return fail(`--list must be specified with no arguments\n${USAGE}`);
    if (options.quiet || options.allNamespaces || options.subresource !== undefined) {
      return fail(
        '--list must not be specified with --quiet, --all-namespaces or --subresource ' +
          '(rbaclint permissions shows cluster-wide and per-namespace rules)',
      );
    }
    if (options.explain) return fail('--explain cannot be used with --list (rbaclint permissions shows each rule with its binding and role)');
  } else {
    if (args.length !== 2) {
      const eaten = (options.filename ?? []).length > 1 && args.length < 2 ? '\n-f takes every argument up to the next option: put it last, or end its list with --' : '';
      return fail(`you must specify two arguments: verb resource or verb resource/resourceName\n${USAGE}${eaten}`);
    }
    if (noHeaders) return fail('--no-headers cannot be set without --list specified');
    if (options.explain && options.quiet) return fail('--explain cannot be used with --quiet');
  }
  const as = options.as;
  if (as === undefined || as === '') {
    return fail(
      '--as <user> is required: rbaclint works offline, so there is no current user to check.\n' +
        'Use --as system:serviceaccount:<namespace>:<name> for a ServiceAccount, or --as <user> [--as-group <group>]… for a user',
    );
  }
  const asGroups = options.asGroup ?? [];
  if (asGroups.some((g) => g === '')) return fail('--as-group must not be empty');

  // Only the RoleBindings and Roles of the namespace asked about can grant there (and only those of
  // `namespaces/NAME`'s namespace NAME): the others are not read. `--explain` looks at the
  // identity's RoleBindings in every namespace, and `-A` asks about all of them.
  const scope =
    options.explain || options.allNamespaces
      ? undefined
      : new Set([namespace ?? KUBECTL_DEFAULT_NAMESPACE, options.defaultNamespace, ...(args[1]?.includes('/') ? [args[1].slice(args[1].indexOf('/') + 1)] : [])]);
  const input = await loadRbacInput('can-i', options, io, scope);
  if (typeof input === 'number') return input;
  // The identity the API server would see when impersonating: ServiceAccount groups, system:authenticated.
  const user = userInfo(as, asGroups);

  if (options.list) {
    io.stdout(renderList(input.rbac, user, namespace ?? KUBECTL_DEFAULT_NAMESPACE, !noHeaders));
    return EXIT.ok;
  }

  const [verb = '', target = ''] = args;
  const warnings: string[] = [];
  const request = parseRequest(
    verb,
    target,
    { ...(options.subresource === undefined ? {} : { subresource: options.subresource }), ...(namespace === undefined ? {} : { namespace }), allNamespaces: options.allNamespaces === true },
    input.resources,
    warnings,
    'cluster',
  );
  if ('error' in request) return fail(request.error);
  for (const warning of warnings) io.stderr(`Warning: ${warning}\n`);

  const policy = input.rbac.policy;
  const explanation = policy.explain(user, request.attrs);
  if (!options.quiet) {
    const reason = explanation.allowed ? '' : denialReason(input.rbac, user, request);
    io.stdout(explanation.allowed ? 'yes\n' : `no${reason === '' ? '' : ` - ${reason}`}\n`);
    if (options.explain) {
      io.stdout(explanation.allowed ? renderAllowed(explanation.viaSystemMasters, explanation.grants) : renderHints(input, user, request));
    }
  }
  return explanation.allowed ? EXIT.ok : EXIT.findings;
}

// ---------------------------------------------------------------------------------------------
// no - RBAC: … (the authorizer's reason)
// ---------------------------------------------------------------------------------------------

/**
 * The reason kube-apiserver gives with a denial: the errors met while visiting the applicable
 * bindings, i.e. roleRefs that resolve to nothing (`role.rbac.authorization.k8s.io "x" not found`),
 * aggregated like `utilerrors.NewAggregate` (one message as is, several in brackets).
 */
function denialReason(rbac: ClusterRbac, user: UserInfo, request: Request): string {
  const errors = danglingInScope(rbac, user, request).map(notFoundMessage);
  const unique = [...new Set(errors)];
  if (unique.length === 0) return '';
  return `RBAC: ${unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`}`;
}

/** Bindings that apply to the user in the request's scope but whose roleRef resolves to nothing. */
function danglingInScope(rbac: ClusterRbac, user: UserInfo, request: Request): BindingDef<RbacSource>[] {
  const namespace = request.attrs.kind === 'resource' ? request.attrs.namespace : '';
  return rbac.policy
    .bindingsFor(user)
    .filter((m) => m.role === undefined && (m.binding.kind === 'ClusterRoleBinding' || (namespace !== '' && m.binding.namespace === namespace)))
    .map((m) => m.binding);
}

/** The lister's NotFound message (`errors.NewNotFound(rbacv1.Resource("role"), name)`), or the resolver's for odd kinds. */
function notFoundMessage(binding: BindingDef): string {
  const { kind, name } = binding.roleRef;
  if (kind === 'Role') return `role.rbac.authorization.k8s.io "${name}" not found`;
  if (kind === 'ClusterRole') return `clusterrole.rbac.authorization.k8s.io "${name}" not found`;
  return `unsupported role reference kind: "${kind}"`;
}

// ---------------------------------------------------------------------------------------------
// --explain
// ---------------------------------------------------------------------------------------------

/** Every binding → role → rule that allows the request, grouped by binding. */
function renderAllowed(viaSystemMasters: boolean, grants: readonly Grant<RbacSource>[]): string {
  let out = 'Allowed by:\n';
  if (viaSystemMasters) out += `  Group ${SYSTEM_MASTERS_GROUP}: allowed everything before RBAC is consulted\n`;
  let previous: BindingDef<RbacSource> | undefined;
  for (const grant of grants) {
    if (grant.binding !== previous) {
      previous = grant.binding;
      out += `  ${bindingWithLocation(grant.binding)}\n`;
      out += `    subject  ${describeSubject(grant.subject, grant.bindingNamespace)}\n`;
      out += `    role     ${roleWithLocation(grant.role)}\n`;
    }
    const from = grant.origin.role === grant.role ? '' : `from ${roleLabel(grant.origin.role)}, `;
    out += `    rule     ${describeRule(grant.rule)} (${from}${ruleLocationOf(grant.origin.role, grant.origin.ruleIndex)})\n`;
  }
  return out;
}

/**
 * Why not: RoleBindings of the identity in other namespaces that would allow it there, RoleBindings
 * that cannot grant cluster-scoped resources, rules that almost match (verb, subresource,
 * resourceNames), dangling roleRefs, and a ServiceAccount missing from the input.
 */
function renderHints(input: RbacInput, user: UserInfo, request: Request): string {
  const { rbac, index } = input;
  const policy = rbac.policy;
  const attrs = request.attrs;
  const who = identityLabel(user);
  const hints: string[] = [];
  const matches = policy.bindingsFor(user);

  const sa = parseServiceAccountUsername(user.name);
  if (sa && !index.serviceAccount(sa.namespace, sa.name)) {
    hints.push(`ServiceAccount ${sa.namespace}/${sa.name} is not defined in the input: check the name and namespace`);
  }

  for (const { binding, role } of matches) {
    if (binding.kind !== 'RoleBinding' || role === undefined) continue;
    const bindingNamespace = binding.namespace ?? '';
    const rules = policy.effectiveRules(role);
    if (!request.namespaced) {
      // Would the role allow it, were RoleBindings consulted? They are not for cluster-scoped requests.
      const what = attrs.kind === 'resource' ? `${attrs.resource} is cluster-scoped` : 'non-resource URLs have no namespace';
      if (rulesAllow(rules, inNamespace(attrs, bindingNamespace))) {
        hints.push(
          `${bindingWithLocation(binding)} refers to ${roleLabel(role)}, whose rules cover it, but ${what}: ` +
            'a RoleBinding never grants that; it takes a ClusterRoleBinding',
        );
      }
      continue;
    }
    if (attrs.kind !== 'resource' || bindingNamespace === attrs.namespace) continue;
    if (rulesAllow(rules, inNamespace(attrs, bindingNamespace))) {
      const scope = attrs.namespace === '' ? 'with -A only ClusterRoleBindings count; ' : '';
      hints.push(
        `${scope}${bindingWithLocation(binding)} allows it in namespace ${bindingNamespace} (-n ${bindingNamespace}): ` +
          'a RoleBinding grants only in its own namespace',
      );
    }
  }

  const namespace = attrs.kind === 'resource' ? attrs.namespace : '';
  const seen = new Set<string>();
  for (const grant of policy.rulesFor(user, namespace)) {
    const hint = nearMiss(grant.rule, attrs);
    if (hint === undefined) continue;
    const text = `${bindingWithLocation(grant.binding)} -> ${roleWithLocation(grant.role)} ${hint}`;
    if (!seen.has(text)) hints.push(text);
    seen.add(text);
  }

  for (const binding of danglingInScope(rbac, user, request)) {
    hints.push(`${bindingWithLocation(binding)} refers to ${roleRefLabel(binding)}, which is neither in the input nor built in: it grants nothing`);
  }

  if (hints.length === 0) {
    const input = matches.filter((m) => !m.binding.builtin);
    const only = input.length === 1 && input[0] ? ` (${bindingLabel(input[0].binding)})` : '';
    let hint =
      input.length === 0
        ? `no binding of the input applies to ${who}, only the built-in ones`
        : input.length === 1
          ? `the one input binding that applies to ${who}${only} does not grant it`
          : `none of the ${input.length} input bindings that apply to ${who} grants it`;
    if (attrs.kind === 'nonResource') hint += '; non-resource URLs are granted only through ClusterRoleBindings';
    hints.push(hint);
  }
  return `Why not:\n${hints.map((h) => `  - ${h}\n`).join('')}`;
}

/** What stops a rule from allowing the request, when only one thing does; undefined otherwise. */
function nearMiss(rule: PolicyRule, attrs: RequestAttributes): string | undefined {
  if (attrs.kind !== 'resource') {
    const urls = rule.nonResourceURLs ?? [];
    if (urls.length === 0) return undefined;
    return rulesAllow([rule], { ...attrs, verb: (rule.verbs ?? [])[0] ?? '' }) && !rulesAllow([rule], attrs)
      ? `allows ${describeRule(rule)}, not ${attrs.verb}`
      : undefined;
  }
  const combined = combineResourceGroup(attrs.resource, attrs.apiGroup);
  if (attrs.subresource !== '' && rulesAllow([rule], { ...attrs, subresource: '' })) {
    return `allows ${attrs.verb} ${combined} but not ${combined}/${attrs.subresource}: a rule on "${attrs.resource}" does not cover its subresources; list "${attrs.resource}/${attrs.subresource}"`;
  }
  const names = rule.resourceNames ?? [];
  if (names.length > 0 && names.some((name) => rulesAllow([rule], { ...attrs, name }))) {
    return attrs.name === ''
      ? `allows it only for the names ${names.join(', ')}: resourceNames never allow a request without a name (list, watch, create, deletecollection)`
      : `allows it only for the names ${names.join(', ')}, not "${attrs.name}"`;
  }
  // Only the verb differs (for a rule with resourceNames: for one of its names).
  const name = names.length > 0 && !names.includes(attrs.name) ? (names[0] ?? '') : attrs.name;
  if ((rule.verbs ?? []).some((verb) => rulesAllow([rule], { ...attrs, verb, name }))) {
    return `allows ${describeRule(rule)}, not ${attrs.verb}`;
  }
  return undefined;
}

/** `ServiceAccount dev/web` or `User alice`. */
function identityLabel(user: UserInfo): string {
  const sa = parseServiceAccountUsername(user.name);
  return sa ? `ServiceAccount ${sa.namespace}/${sa.name}` : `User ${user.name}`;
}

// ---------------------------------------------------------------------------------------------
// --list
// ---------------------------------------------------------------------------------------------

/** A PolicyRule whose list fields are all present, as Go sees it after conversion. */
interface FlatRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/**
 * `kubectl auth can-i --list`: the rules RBAC resolves for the user in the namespace
 * (SelfSubjectRulesReview: ClusterRoleBindings, then RoleBindings of the namespace; rules without
 * resources or URLs dropped), broken down to one verb × group × resource × name each, simple ones
 * compacted per group/resource/name (verbs appended in order), sorted by Go's
 * `PolicyRule.String()` and printed through kubectl's tabwriter.
 * Upstream: kubectl `pkg/cmd/auth/cani.go` printStatus, `pkg/util/rbac` BreakdownRule/CompactRules,
 * k8s.io/api rbac/v1 generated `(*PolicyRule).String`.
 */
export function renderList(rbac: ClusterRbac, user: UserInfo, namespace: string, headers: boolean): string {
  const reviewed: FlatRule[] = [];
  const nonResource: FlatRule[] = [];
  for (const { rule } of rbac.policy.rulesFor(user, namespace)) {
    const flat = flatten(rule);
    // RBACAuthorizer.RulesFor: a rule becomes a ResourceRule if it has resources and a
    // NonResourceRule if it has URLs; convertToPolicyRule lists resource rules first.
    if (flat.resources.length > 0) reviewed.push({ ...flat, nonResourceURLs: [] });
    if (flat.nonResourceURLs.length > 0) nonResource.push({ verbs: flat.verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: flat.nonResourceURLs });
  }
  const broken = [...reviewed, ...nonResource].flatMap(breakdown);
  const compact = compactRules(broken);
  const sorted = compact
    .map((rule, i) => ({ rule, key: goString(rule), i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((entry) => entry.rule);
  const rows: string[][] = [];
  if (headers) rows.push(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  for (const rule of sorted) {
    const first = rule.resources[0];
    const resource = first === undefined ? '' : combineResourceGroup(first, rule.apiGroups[0] ?? '');
    rows.push([resource, goList(rule.nonResourceURLs), goList(rule.resourceNames), goList(rule.verbs)]);
  }
  return goTabwriter(rows);
}

function flatten(rule: PolicyRule): FlatRule {
  return {
    verbs: [...(rule.verbs ?? [])],
    apiGroups: [...(rule.apiGroups ?? [])],
    resources: [...(rule.resources ?? [])],
    resourceNames: [...(rule.resourceNames ?? [])],
    nonResourceURLs: [...(rule.nonResourceURLs ?? [])],
  };
}

/** kubectl `BreakdownRule`: one verb, group, resource and name per rule; URLs × verbs. */
function breakdown(rule: FlatRule): FlatRule[] {
  const out: FlatRule[] = [];
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        const base = { verbs: [verb], apiGroups: [group], resources: [resource], nonResourceURLs: [] };
        if (rule.resourceNames.length > 0) {
          for (const name of rule.resourceNames) out.push({ ...base, resourceNames: [name] });
        } else {
          out.push({ ...base, resourceNames: [] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs) {
    for (const verb of rule.verbs) out.push({ verbs: [verb], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [url] });
  }
  return out;
}

/**
 * kubectl `CompactRules`: rules with one group, one resource, at most one name and no URL are
 * merged per (group, resource, name), appending verbs; the others are kept as they are, first.
 */
function compactRules(rules: readonly FlatRule[]): FlatRule[] {
  const compacted: FlatRule[] = [];
  const simple = new Map<string, FlatRule>();
  for (const rule of rules) {
    const isSimple = rule.resourceNames.length <= 1 && rule.nonResourceURLs.length === 0 && rule.apiGroups.length === 1 && rule.resources.length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups[0], rule.resources[0], rule.resourceNames.length > 0, rule.resourceNames[0] ?? '']);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...rule.verbs);
    else simple.set(key, { ...rule, verbs: [...rule.verbs] });
  }
  return [...compacted, ...simple.values()];
}

/** Go's `fmt.Sprintf("%v", []string)`: `[a b c]`. */
function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** The gogo-protobuf `(*PolicyRule).String()` that kubectl sorts by. */
function goString(rule: FlatRule): string {
  return (
    `&PolicyRule{Verbs:${goList(rule.verbs)},APIGroups:${goList(rule.apiGroups)},Resources:${goList(rule.resources)},` +
    `ResourceNames:${goList(rule.resourceNames)},NonResourceURLs:${goList(rule.nonResourceURLs)},}`
  );
}

// ---------------------------------------------------------------------------------------------
// Command definition
// ---------------------------------------------------------------------------------------------

const CAN_I_HELP = `
Arguments are those of kubectl auth can-i: paste a kubectl command and add -f.
  VERB            a Kubernetes API verb: get, list, watch, create, update, patch, delete, use, bind, … or '*'
  TYPE            a resource type: plural, singular, short name or resource.group
                  (jobs -> jobs.batch, deploy -> deployments.apps); CRDs of the input are known too
  TYPE/NAME       one object: pods/web, secrets/app-config, namespaces/dev
  NONRESOURCEURL  a URL path that starts with /: /healthz, /metrics, /apis/*

The request is evaluated as kube-apiserver's RBAC authorizer would, over the input plus the
default roles and bindings every cluster has (system:basic-user, system:discovery, …):
ClusterRoleBindings always count; RoleBindings only for namespaced resources in their own
namespace. Cluster-scoped resources (nodes, namespaces, …), non-resource URLs and -A have no
namespace, so only ClusterRoleBindings count (namespaces/X itself is in namespace X).

Examples:
  $ rbaclint can-i list pods --as system:serviceaccount:dev:web -n dev -f deploy/
  $ rbaclint can-i create pods --subresource exec --as=alice --as-group=oncall -n dev -f deploy/
  $ rbaclint can-i get secrets/app-config --as alice -n dev --explain -f deploy/
  $ rbaclint can-i create jobs.batch -A --as system:serviceaccount:ci:deployer -f deploy/
  $ rbaclint can-i get /metrics --as bob --as-group monitoring -f deploy/
  $ rbaclint can-i --list --as system:serviceaccount:dev:web -n dev -f deploy/
  $ helm template ./chart | rbaclint can-i delete pods --as system:serviceaccount:dev:web -n dev -f -

Prints "yes" or "no". Exit codes: 0 yes (and --list), 1 no, 2 usage error or nothing could be read.
Warnings (unknown resource types, unreadable or broken input) go to stderr; the answer is still
given from what parsed. Only what can change the answer is read: documents of other kinds and,
without -A or --explain, the Roles, RoleBindings and ServiceAccounts of other namespaces are
skipped unread, so a syntax error in them is not reported (rbaclint lint reports it).`;

/** Adds `can-i` to the program. */
export function addCanICommand(program: Command, io: Io, done: (code: number) => void): Command {
  return program
    .command('can-i')
    .description('check whether a user or ServiceAccount may do an action, like kubectl auth can-i, from manifests')
    .usage('VERB [TYPE | TYPE/NAME | NONRESOURCEURL] --as <user> [options] -f <paths...>')
    .argument('[VERB TYPE...]', 'VERB and TYPE | TYPE/NAME | NONRESOURCEURL (none with --list)')
    .option('--as <user>', 'the user to check (required): a user name, or system:serviceaccount:<namespace>:<name>')
    .option('--as-group <group>', 'a group of the user; repeat for more', collect)
    .option('-n, --namespace <ns>', `namespace of the request (default "${KUBECTL_DEFAULT_NAMESPACE}", as kubectl's current namespace)`)
    .option('-A, --all-namespaces', 'the request across all namespaces: only ClusterRoleBindings count')
    .option('--subresource <subresource>', 'subresource such as exec, log, scale, status')
    .option('--list', 'print every rule of the user in the namespace, as kubectl auth can-i --list')
    .option('--no-headers', 'with --list: leave out the header line')
    .option('--explain', 'after yes/no, print the bindings, roles and rules that allow it, or hints why not')
    .option('-q, --quiet', 'print nothing; answer with the exit code only')
    .option('-f, --filename <paths...>', FILENAME_HELP)
    .option('--default-namespace <ns>', DEFAULT_NAMESPACE_HELP, KUBECTL_DEFAULT_NAMESPACE)
    .addHelpText('after', CAN_I_HELP)
    .action(async (args: string[], options: CanIOptions) => {
      done(await runCanI(args, options, io));
    });
}

/** Commander reducer for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
