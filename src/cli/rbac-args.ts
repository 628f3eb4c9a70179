/**
 * What the RBAC query commands (`can-i`, `who-can`, `permissions`) share: kubectl-style argument
 * parsing (`VERB TYPE[/NAME] | NONRESOURCEURL`, `--subresource`, `-n`/`-A`), loading `-f` paths into
 * an {@link Index} and a {@link ClusterRbac}, and the labels and tables they print.
 *
 * Upstream for the argument syntax: kubernetes/kubectl `pkg/cmd/auth/cani.go` (`Complete`,
 * `Validate`, `resourceFor`) and aquasecurity/kubectl-who-can `pkg/cmd/list.go` (`resolveArgs`).
 */
import path from 'node:path';
import { objectLocation, rangeIn } from '../engine/run.js';
import { loadPaths } from '../load/load.js';
import { Index, POD_SPEC_PATHS, type K8sObject, type Workload } from '../model/index.js';
import { apiTokensOf } from '../model/token.js';
import { InvalidArgumentError, type Command } from 'commander';
import { stringTable } from '../parse/fast.js';
import { MAX_CONTEXT_BYTES, MAX_SEPARATORS, MAX_SOURCE_BYTES, parseSource, separatorsOver } from '../parse/parse.js';
import type { Manifest, ParseProblem, SourceText } from '../parse/types.js';
import { ClusterRbac, type RbacSource } from '../rbac/cluster.js';
import { formatKubeVersion, isKubeVersionError, parseKubeVersion, DEFAULT_KUBE_VERSION, type KubeVersion } from '../rbac/version.js';
import { rulesAllow } from '../rbac/match.js';
import {
  builtinResourceTable,
  isResolveError,
  type CustomResourceDefinitionLike,
  type ResourceTable,
} from '../rbac/resources.js';
import { appliesTo, serviceAccountUser } from '../rbac/subjects.js';
import type { BindingDef, PolicyRule, RequestAttributes, ResourceAttributes, RoleDef, Subject } from '../rbac/types.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';

/** The namespace kubectl uses when the kubeconfig context sets none (and `-n` is not given). */
export const KUBECTL_DEFAULT_NAMESPACE = 'default';

/** Options every RBAC query command has for its input. */
export interface InputOptions {
  /** `-f, --filename`: files, directories, globs or `-`; repeatable. */
  filename?: string[];
  /** `--default-namespace`: namespace of namespaced input objects that set none. */
  defaultNamespace: string;
  /** `--context <path>` (repeatable): a cluster dump or other manifests; the `-f` input wins on clashes. */
  context?: string[];
  /** `--kube-version`, parsed. */
  kubeVersion?: KubeVersion;
  /** The objects the configuration's `context:` declares, as one context-only source (see src/cli/query-config.ts). */
  declaredContext?: SourceText;
}

/** Oldest version whose default roles rbaclint's built-in data matches (the 1.34–1.35 bootstrap policy). */
const BUILTIN_DATA_SINCE = 34;

/** Help text of `--context` for the query commands. */
export const CONTEXT_HELP =
  'also read these manifests (file, directory, glob), e.g. a cluster dump from kubectl get serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings -A -o yaml; ' +
  'where both define an object, the manifests given as input win; repeatable';

/** Help text of `--kube-version`. */
export const KUBE_VERSION_HELP = `Kubernetes version of the cluster, 1.<minor> (default ${formatKubeVersion(DEFAULT_KUBE_VERSION)}, the newest supported)`;

/** Parses `--kube-version` for commander. */
export function kubeVersionArg(value: string): KubeVersion {
  const parsed = parseKubeVersion(value);
  if (isKubeVersionError(parsed)) throw new InvalidArgumentError(parsed.error);
  return parsed;
}

/** Adds `--context` and `--kube-version` to an RBAC query command (can-i, who-can, permissions). */
export function addContextOptions(command: Command): Command {
  return command
    .option('--context <path>', CONTEXT_HELP, (value: string, previous: string[] = []) => [...previous, value])
    .option('--kube-version <version>', KUBE_VERSION_HELP, kubeVersionArg);
}

/**
 * Why a context source was left out (larger than the parser's limits), as a warning: the linter
 * gives context files no findings, so without it a too-large dump would be left out silently. A
 * dump over the limits of a full parse is still read when it is plain enough for the parser's value
 * path (kubectl's -o yaml and -o json output is): only one that is not gets the warning. `problem`
 * is the first parse problem of the source in the lint (over those limits the parser returns a
 * problem only for a file it read nothing from).
 */
export function contextWarning(source: SourceText, problem: ParseProblem | undefined): string | undefined {
  const text = source.text;
  const split = 'split the dump (one file per namespace, see the README)';
  if (source.byteLength !== undefined) {
    const max = source.byteLength > MAX_CONTEXT_BYTES ? MAX_CONTEXT_BYTES : MAX_SOURCE_BYTES;
    return `${source.path} is ${(source.byteLength / 2 ** 20).toFixed(1)} MiB, larger than the ${max / 2 ** 20} MiB limit rbaclint reads, and is left out; ${split}`;
  }
  const overLimits = (text.length * 3 > MAX_SOURCE_BYTES && Buffer.byteLength(text, 'utf8') > MAX_SOURCE_BYTES) || separatorsOver(text);
  if (!overLimits || !problem) return undefined;
  const plain = `or give it as kubectl prints it (-o yaml or -o json), which is read up to ${MAX_CONTEXT_BYTES / 2 ** 20} MiB`;
  if (/larger than the .* limit rbaclint parses/.test(problem.message)) {
    return `${source.path} is ${(Buffer.byteLength(text, 'utf8') / 2 ** 20).toFixed(1)} MiB, larger than the ${MAX_SOURCE_BYTES / 2 ** 20} MiB limit rbaclint parses, and is left out; ${split}, ${plain}`;
  }
  if (/line breaks and commas, the limit rbaclint parses/.test(problem.message)) {
    return `${source.path} has more than ${MAX_SEPARATORS.toLocaleString('en-US')} line breaks and commas, the limit rbaclint parses, and is left out; ${split}, ${plain}`;
  }
  const { line, column } = problem.range.start;
  return `${source.path}:${line}:${column}: ${problem.message}; the file is larger than the limits of a full parse and is left out`;
}

/**
 * The kinds each RBAC query reads (the parser's `composeKinds`): RBAC objects, ServiceAccounts,
 * CustomResourceDefinitions (resource names and scopes) and Namespaces for all; who-can and
 * permissions also list workloads, whose API tokens come from ServiceAccounts and token Secrets.
 * A command not listed reads every kind.
 */
const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'CustomResourceDefinition', 'Namespace'];
/** The namespaced kinds among those the RBAC commands read. */
const NAMESPACED_RBAC_KINDS = new Set(['Role', 'RoleBinding', 'ServiceAccount']);
export const QUERY_KINDS: Readonly<Record<string, ReadonlySet<string>>> = {
  'can-i': new Set(RBAC_KINDS),
  'who-can': new Set([...RBAC_KINDS, 'Secret', ...Object.keys(POD_SPEC_PATHS)]),
  permissions: new Set([...RBAC_KINDS, 'Secret', ...Object.keys(POD_SPEC_PATHS)]),
};

/** The input, parsed and indexed, with the authorizer over it. */
export interface RbacInput {
  index: Index;
  rbac: ClusterRbac;
  /** Built-in resources plus the CustomResourceDefinitions of the input. */
  resources: ResourceTable;
}

/** Help text of `-f` (the same for every RBAC command). */
export const FILENAME_HELP =
  'manifests to answer from: files, directories (*.yaml, *.yml, *.json), globs, or - for stdin; ' +
  'takes every argument up to the next option and may repeat';

/** Help text of `--default-namespace`. */
export const DEFAULT_NAMESPACE_HELP = 'namespace of input objects that set none (as kubectl apply without -n)';

/**
 * Loads and parses the `-f` paths. Unreadable paths and YAML problems are printed to stderr as
 * warnings and the answer is computed from what parsed; only when nothing at all could be read is
 * it an error (exit code 2 returned instead of the input).
 */
export async function loadRbacInput(command: string, options: InputOptions, io: Io, namespaces?: ReadonlySet<string>): Promise<RbacInput | number> {
  const paths = options.filename ?? [];
  const contextPaths = options.context ?? [];
  if (paths.length === 0 && contextPaths.length === 0) {
    io.stderr(
      `rbaclint ${command}: no manifests given; add -f <paths…> (files, directories, globs, or - for stdin): ` +
        'rbaclint answers from manifests, not from a cluster\n',
    );
    return EXIT.usage;
  }
  const loaded = paths.length === 0 ? { sources: [], errors: [] } : await loadPaths(paths, { cwd: io.cwd, readStdin: io.readStdin });
  for (const error of loaded.errors) io.stderr(`rbaclint: warning: ${error.message}\n`);
  // Context first, so that an object in both is taken from the -f input (the change).
  const context = contextPaths.length === 0 ? { sources: [], errors: [] } : await loadPaths(contextPaths, { cwd: io.cwd, maxBytes: MAX_CONTEXT_BYTES });
  for (const error of context.errors) io.stderr(`rbaclint: warning: context: ${error.message}\n`);
  const inputFiles = new Set(loaded.sources.map((s) => path.resolve(io.cwd, s.path)));
  const contextSources = [
    ...(options.declaredContext ? [options.declaredContext] : []),
    ...context.sources.filter((s) => !inputFiles.has(path.resolve(io.cwd, s.path))).map((s) => ({ ...s, contextOnly: true })),
  ];
  if (loaded.sources.length === 0 && contextSources.length === 0) {
    io.stderr(`rbaclint ${command}: nothing could be read from ${[...paths, ...contextPaths].map((p) => JSON.stringify(p)).join(', ')}\n`);
    return EXIT.usage;
  }
  const manifests: Manifest[] = [];
  // No rule runs: every source takes the parser's value path (positions are composed when asked
  // for) and only the kinds the command reads are kept, and of Roles, RoleBindings and
  // ServiceAccounts only those of `namespaces` (when given) or without a namespace. Documents of
  // other kinds or namespaces are not even read (nor checked for syntax errors) where a look at
  // their top-level lines is certain of both.
  const composeKinds = QUERY_KINDS[command];
  const select = (kind: string, namespace: string | undefined): boolean =>
    !namespaces || namespace === undefined || !NAMESPACED_RBAC_KINDS.has(kind) || namespaces.has(namespace);
  const strings = stringTable();
  for (const source of [...contextSources, ...loaded.sources]) {
    const parsed = parseSource(source, { values: true, select, strings, ...(composeKinds ? { composeKinds } : {}) });
    manifests.push(...parsed.manifests);
    for (const problem of parsed.problems) {
      const { line, column } = problem.range.start;
      io.stderr(`rbaclint: warning: ${problem.file.path}:${line}:${column}: ${problem.message} (the rest is still used)\n`);
    }
  }
  const index = new Index(manifests, { defaultNamespace: options.defaultNamespace });
  const crds = index.ofKind('CustomResourceDefinition').map((object) => object.value as CustomResourceDefinitionLike);
  const rbac = new ClusterRbac(index);
  const version = options.kubeVersion;
  if (version !== undefined && version.minor < BUILTIN_DATA_SINCE && !rbac.builtinsFromContext) {
    io.stderr(
      `rbaclint: warning: the built-in roles and bindings are the default policy of Kubernetes 1.${BUILTIN_DATA_SINCE}–${formatKubeVersion(DEFAULT_KUBE_VERSION)}; ` +
        `a ${formatKubeVersion(version)} cluster's may differ: give a dump of the cluster with --context for exact answers\n`,
    );
  }
  return { index, rbac, resources: builtinResourceTable().withCustomResources(crds) };
}

/** Strips the `=` that commander leaves in `-n=dev` (pflag, and so kubectl, accepts that form). */
export function shortValue(value: string | undefined): string | undefined {
  return value?.startsWith('=') ? value.slice(1) : value;
}

// ---------------------------------------------------------------------------------------------
// The request: VERB TYPE[/NAME] | NONRESOURCEURL
// ---------------------------------------------------------------------------------------------

/**
 * Where a request is evaluated:
 * - `namespace`: one namespace (`attrs.namespace`): ClusterRoleBindings and that namespace's RoleBindings;
 * - `cluster`: namespace `""` (cluster-scoped resources, can-i `-A`, non-resource URLs): ClusterRoleBindings only;
 * - `any`: who-can `-A`: ClusterRoleBindings, and the RoleBindings of every namespace, each in its own.
 */
export type Scope = 'namespace' | 'cluster' | 'any';

/** A parsed `VERB TYPE[/NAME]` or `VERB /url` request. */
export interface Request {
  /** Authorizer attributes; for scope `any` the namespace is filled in per RoleBinding. */
  attrs: RequestAttributes;
  scope: Scope;
  /** False for cluster-scoped resources and non-resource URLs: RoleBindings can never grant them. */
  namespaced: boolean;
  /** `list pods`, `get secrets/app-config`, `create pods/exec`, `get /healthz` (for messages). */
  display: string;
}

/** Options that shape a request, as both commands spell them. */
export interface RequestOptions {
  subresource?: string;
  namespace?: string;
  allNamespaces?: boolean;
  /**
   * Warn that a cluster-scoped resource ignores the namespace: kubectl auth can-i always does
   * (unless -A); who-can only when -n was given.
   */
  warnClusterScoped?: boolean;
}

/** kubectl's verbs (cani.go `resourceVerbs`, `nonResourceURLVerbs`): others get a warning, as kubectl does. */
const RESOURCE_VERBS = new Set([
  'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection',
  'use', 'bind', 'impersonate', '*', 'approve', 'sign', 'escalate', 'attest',
]);
const NON_RESOURCE_VERBS = new Set(['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*']);

/**
 * Parses `VERB TYPE[/NAME]` or `VERB /url` like `kubectl auth can-i`:
 *
 * - an argument starting with `/` is a non-resource URL (no `--subresource`, no name);
 * - otherwise it is split at the first `/` into type and name; the type is resolved like kubectl
 *   (lower-cased, `resource.group`, singular, short names) over the built-in table plus the CRDs of
 *   the input. An unknown type gets kubectl's warning and is sent as typed, in the core group.
 * - The namespace: `namespaces/X` has namespace X (what GET /api/v1/namespaces/X carries);
 *   cluster-scoped resources and non-resource URLs have none (so RoleBindings never count:
 *   unlike kubectl, which sends the current namespace anyway and only warns); `-A` means `""` for
 *   can-i and "any namespace" for who-can (`allNamespacesMeans`); else `-n`, else `default`.
 *
 * Warnings (kubectl's wording, without the `Warning: ` prefix) are appended to `warnings`.
 */
export function parseRequest(
  verb: string,
  target: string,
  options: RequestOptions,
  resources: ResourceTable,
  warnings: string[],
  allNamespacesMeans: 'cluster' | 'any',
): Request | { error: string } {
  const subresource = options.subresource ?? '';
  if (target.startsWith('/')) {
    if (subresource !== '') return { error: '--subresource can not be used with NONRESOURCEURL' };
    if (!NON_RESOURCE_VERBS.has(verb)) warnings.push(`verb '${verb}' is not a known verb`);
    return { attrs: { kind: 'nonResource', verb, path: target }, scope: 'cluster', namespaced: false, display: `${verb} ${target}` };
  }
  const slash = target.indexOf('/');
  const typeArg = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? '' : target.slice(slash + 1);
  if (typeArg === '') return { error: `"${target}" names no resource type; use TYPE, TYPE/NAME or a URL that starts with /` };

  let group: string;
  let resource: string;
  let namespaced: boolean;
  const resolved = resources.resolve(typeArg);
  if (isResolveError(resolved)) {
    // cani.go resourceFor: warn, then send the argument as typed (not lower-cased) in the core group.
    // `users` and `groups` (nonStandardResourceNames) resolve through the table's RBAC-only entries.
    const parts = typeArg.toLowerCase().split('.');
    const rest = parts.slice(1).join('.');
    warnings.push(
      rest === ''
        ? `the server doesn't have a resource type '${parts[0] ?? ''}'`
        : `the server doesn't have a resource type '${parts[0] ?? ''}' in group '${rest}'`,
    );
    group = '';
    resource = typeArg;
    namespaced = true;
  } else {
    group = resolved.group;
    resource = resolved.resource;
    namespaced = resolved.namespaced;
    if (!resolved.known && resource !== '*') {
      warnings.push(
        `resource type '${resource}' in group '${group}' is not defined by a CustomResourceDefinition of the input; assuming it is namespaced`,
      );
    }
  }
  if (!RESOURCE_VERBS.has(verb)) warnings.push(`verb '${verb}' is not a known verb`);
  if (subresource !== '' && !isResolveError(resolved) && resolved.known && !resources.hasSubresource(group, resource, subresource)) {
    warnings.push(`resource '${resource}' has no subresource '${subresource}'`);
  }

  let scope: Scope;
  let namespace = '';
  if (resource === 'namespaces' && group === '' && name !== '') {
    // requestinfo.go: GET /api/v1/namespaces/X has namespace X and name X (also for its subresources).
    scope = 'namespace';
    namespace = name;
  } else if (!namespaced) {
    // kubectl warns like this when not -A; the request itself has no namespace (requestinfo.go).
    // RBAC-only resources (users, groups, …) are not in discovery, so kubectl cannot tell: no warning.
    if (options.warnClusterScoped !== false && !options.allNamespaces && resources.lookup(group, resource)?.virtual !== true) {
      warnings.push(
        group === ''
          ? `resource '${resource}' is not namespace scoped`
          : `resource '${resource}' is not namespace scoped in group '${group}'`,
      );
    }
    scope = 'cluster';
  } else if (options.allNamespaces) {
    scope = allNamespacesMeans;
  } else {
    scope = 'namespace';
    namespace = options.namespace ?? KUBECTL_DEFAULT_NAMESPACE;
  }
  const attrs: ResourceAttributes = { kind: 'resource', verb, apiGroup: group, resource, subresource, name, namespace };
  return { attrs, scope, namespaced: namespaced || scope === 'namespace', display: `${verb} ${requestResource(attrs)}` };
}

/** `pods`, `deployments.apps/scale`, `secrets/app-config`, `pods/exec` (kubectl's `TYPE/NAME` shape). */
export function requestResource(attrs: ResourceAttributes): string {
  const type = attrs.apiGroup === '' ? attrs.resource : `${attrs.resource}.${attrs.apiGroup}`;
  const sub = attrs.subresource === '' ? '' : ` --subresource ${attrs.subresource}`;
  return `${type}${attrs.name === '' ? '' : `/${attrs.name}`}${sub}`;
}

/** The attributes of the request as evaluated in `namespace` (who-can `-A`: per RoleBinding). */
export function inNamespace(attrs: RequestAttributes, namespace: string): RequestAttributes {
  return attrs.kind === 'resource' ? { ...attrs, namespace } : attrs;
}

/** Whether any of the rules allows the request (re-exported for the commands). */
export { rulesAllow };

// ---------------------------------------------------------------------------------------------
// Labels: where things are defined
// ---------------------------------------------------------------------------------------------

/** `file:line` of an input object (its `kind:` line), `built-in` for the default policy. */
export function locationOf(source: RbacSource): string {
  if (!source) return 'built-in';
  const { file, line } = objectLocation(source);
  return `${file}:${line}`;
}

/** `file:line` of a rule of an input role (`rules[i]`), `built-in` for built-in roles. */
export function ruleLocationOf(role: RoleDef<RbacSource>, ruleIndex: number): string {
  if (!role.source) return 'built-in';
  const range = rangeIn(role.source.manifest, ['rules', ruleIndex]);
  return `${role.source.manifest.file.path}:${range.start.line}`;
}

/** `file:line` of an input object. */
export function objectLine(object: K8sObject): string {
  const { file, line } = objectLocation(object);
  return `${file}:${line}`;
}

/** `Role dev/pod-reader`, `ClusterRole view`. */
export function roleLabel(role: Pick<RoleDef, 'kind' | 'name' | 'namespace'>): string {
  return role.kind === 'Role' ? `Role ${role.namespace ?? ''}/${role.name}` : `ClusterRole ${role.name}`;
}

/** `RoleBinding dev/read-pods`, `ClusterRoleBinding readers`. */
export function bindingLabel(binding: Pick<BindingDef, 'kind' | 'name' | 'namespace'>): string {
  return binding.kind === 'RoleBinding' ? `RoleBinding ${binding.namespace ?? ''}/${binding.name}` : `ClusterRoleBinding ${binding.name}`;
}

/** `Role dev/pod-reader (rbac.yaml:9)`, `ClusterRole view (built-in)`. */
export function roleWithLocation(role: RoleDef<RbacSource>): string {
  return `${roleLabel(role)} (${locationOf(role.source)})`;
}

/** `RoleBinding dev/read-pods (rbac.yaml:20)`, `ClusterRoleBinding system:basic-user (built-in)`. */
export function bindingWithLocation(binding: BindingDef<RbacSource>): string {
  return `${bindingLabel(binding)} (${locationOf(binding.source)})`;
}

/** What a roleRef names, for bindings whose role is missing: `Role "x"`, `ClusterRole "y"`. */
export function roleRefLabel(binding: BindingDef): string {
  return `${binding.roleRef.kind} "${binding.roleRef.name}"`;
}

/** `resource.group[/sub]` for each group × resource of a rule, as kubectl prints them (`*.*`, `pods`, `deployments.apps/scale`). */
export function ruleResources(rule: PolicyRule): string[] {
  const out: string[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) out.push(combineResourceGroup(resource, group));
  }
  return out;
}

/**
 * kubectl's `CombineResourceGroup` (kubectl `pkg/describe/describe.go`): `pods`, `jobs.batch`,
 * `deployments.apps/scale`, `*.*`.
 */
export function combineResourceGroup(resource: string, group: string): string {
  const slash = resource.indexOf('/');
  const base = slash < 0 ? resource : resource.slice(0, slash);
  const sub = slash < 0 ? '' : resource.slice(slash);
  return `${base}${group === '' ? '' : `.${group}`}${sub}`;
}

/**
 * A rule in one line: `get, list, watch pods`, `create pods/exec named web`,
 * `get /healthz, /livez`.
 */
export function describeRule(rule: PolicyRule): string {
  const verbs = (rule.verbs ?? []).join(', ');
  const urls = rule.nonResourceURLs ?? [];
  const resources = ruleResources(rule);
  const parts: string[] = [];
  if (resources.length > 0) {
    const names = rule.resourceNames ?? [];
    parts.push(`${verbs} ${resources.join(', ')}${names.length > 0 ? ` named ${names.join(', ')}` : ''}`);
  }
  if (urls.length > 0) parts.push(`${verbs} ${urls.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : `${verbs} (nothing: the rule names no resource or URL)`;
}

// ---------------------------------------------------------------------------------------------
// Workloads running as a subject
// ---------------------------------------------------------------------------------------------

/** A workload of the input with the ServiceAccounts whose API tokens its pods hold. */
export interface WorkloadAccounts {
  workload: Workload;
  /** `namespace/name` of the ServiceAccount the pods run as. */
  runsAs: string;
  /** `namespace/name` of every ServiceAccount whose token its pods receive (its own when mounted, token Secrets). */
  tokens: Set<string>;
}

/** Every workload of the input with its ServiceAccount and its tokens, in input order. */
export function workloadAccounts(index: Index): WorkloadAccounts[] {
  return index.workloads().map((workload) => ({
    workload,
    runsAs: `${workload.namespace}/${workload.serviceAccountName}`,
    tokens: new Set(apiTokensOf(workload, index).map((t) => `${t.serviceAccount.namespace}/${t.serviceAccount.name}`)),
  }));
}

/**
 * Whether a workload runs as the subject, or holds an API token of it: the subject applies to the
 * identity of one of its ServiceAccounts, as the authorizer decides it (a ServiceAccount subject,
 * a User named `system:serviceaccount:…`, or a group every ServiceAccount of a namespace or of the
 * cluster is in).
 */
export function workloadMatches(entry: WorkloadAccounts, subject: Subject, bindingNamespace: string): boolean {
  return [entry.runsAs, ...entry.tokens].some((account) => accountMatches(account, subject, bindingNamespace));
}

/** Whether the subject applies to the ServiceAccount `namespace/name`. */
export function accountMatches(account: string, subject: Subject, bindingNamespace: string): boolean {
  const slash = account.indexOf('/');
  return appliesTo(subject, serviceAccountUser(account.slice(0, slash), account.slice(slash + 1)), bindingNamespace);
}

/** File and 1-based line of an input object (its `kind:` key). */
export function positionOf(object: K8sObject): { file: string; line: number } {
  const { file, line } = objectLocation(object);
  return { file, line };
}

/** `Deployment dev/web`. */
export function workloadLabel(workload: Workload): string {
  return `${workload.object.kind} ${workload.namespace}/${workload.object.name}`;
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/**
 * Aligned columns: every cell but the last is padded to max(`minWidth`, widest cell + `gap`); the
 * last is not padded and lines never end in blanks.
 */
export function renderTable(rows: readonly (readonly string[])[], options: { gap?: number; minWidth?: number } = {}): string {
  const gap = options.gap ?? 2;
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? options.minWidth ?? 0, width(cell) + gap);
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat((widths[i] ?? 0) - width(cell)) : cell)).join('').trimEnd() + '\n')
    .join('');
}

/** Display width: code points (what Go's tabwriter counts, too). */
export function width(text: string): number {
  return [...text].length;
}

/**
 * Go's `text/tabwriter` as kubectl configures it (`printers.GetNewTabWriter`: minwidth 10,
 * tabwidth 4, padding 3, padchar ' ', no flags), for rows that all have the same number of cells.
 */
export function goTabwriter(rows: readonly (readonly string[])[]): string {
  return renderTable(rows, { gap: 3, minWidth: 10 });
}
