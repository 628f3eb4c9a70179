/**
 * Whether one PolicyRule entry, as written, can grant a given permission — the question every
 * "dangerous permission" rule asks of each entry of a Role or ClusterRole.
 *
 * Matching is delegated value by value to the authorizer's helpers in `./match.ts`, so the
 * semantics are exactly the authorizer's: `*` covers every verb (special verbs included), every
 * group and every resource and subresource; `pods` does not cover `pods/exec`; `*\/exec` covers
 * the `exec` subresource of any resource; `""` is the core group; everything is case-sensitive.
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go and
 * plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows.
 */
import { apiGroupMatches, resourceMatches, verbMatches, WILDCARD } from './match.js';
import { RBAC_API_GROUP } from './policy.js';
import type { PolicyRule } from './types.js';
import { atLeast, WEBSOCKET_NEEDS_CREATE, type KubeVersion } from './version.js';

/** Stands for "any subresource of the resource", e.g. every key of `userextras/<key>`. */
export const ANY_SUBRESOURCE: unique symbol = Symbol('any subresource');

/** A permission to look for: any of some verbs on one resource (or subresource) of one API group. */
export interface Permission {
  /** Request verbs, any of which is dangerous (`create`, `get`, `impersonate`, …). */
  verbs: readonly string[];
  /** API group; `""` is the core group. */
  group: string;
  /** Plural REST name, e.g. `pods`. */
  resource: string;
  /** `exec` for `pods/exec`; absent or `""` for the resource itself. */
  subresource?: string | typeof ANY_SUBRESOURCE;
}

/** How one rule entry grants one permission. All indexes are 0-based, into the rule's own lists. */
export interface RuleGrant {
  permission: Permission;
  /** The permission's verbs the rule grants, in the permission's order. */
  verbs: string[];
  /** Index in `rule.verbs` of the first value granting one of them (`*` or the verb itself). */
  verbIndex: number;
  /** Index in `rule.apiGroups` of the first value matching the group. */
  groupIndex: number;
  /** Index in `rule.resources` of the first value matching the (sub)resource. */
  resourceIndex: number;
  /**
   * The resource granted: `resource` or `resource/subresource`; for {@link ANY_SUBRESOURCE} the
   * entry's own key, or `resource/<any key>` through `*`.
   */
  resource: string;
  /**
   * The rule's `resourceNames`: when non-empty, the grant is limited to objects of those names
   * (and `verbs` already leaves out the verbs such a rule can never authorize).
   */
  resourceNames: readonly string[];
}

/**
 * Verbs whose request carries no object name on a resource itself (`POST /…/pods`,
 * `DELETE /…/pods`): a rule with `resourceNames` can never authorize them (ResourceNameMatches
 * compares with the empty name). `list`/`watch` are absent on purpose: a `metadata.name` field
 * selector gives them a name (apiserver requestinfo.go). On a subresource (`POST …/pods/NAME/exec`)
 * the parent's name is in the URL, so every verb can be limited by name.
 */
const NAMELESS_VERBS: ReadonlySet<string> = new Set(['create', 'deletecollection']);

/**
 * How `rule` grants `permission`, or `undefined` when it cannot. A rule with `resourceNames` still
 * grants (limited to those names) unless every matching verb is one such a rule never authorizes
 * (`create` or `deletecollection` on the resource itself).
 *
 * Non-resource rules (`nonResourceURLs` only) never grant a resource permission.
 *
 * @example grants(rule, { verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'exec' })
 */
export function grants(rule: PolicyRule, permission: Permission): RuleGrant | undefined {
  // Most entries grant none of a permission's verbs or not its group: rejected before anything is built.
  if (!apiGroupMatches(rule, permission.group) || !permission.verbs.some((verb) => verbMatches(rule, verb))) return undefined;
  // Found: the group matches.
  const groupIndex = firstIndex(rule.apiGroups, (group) => apiGroupMatches({ verbs: [], apiGroups: [group] }, permission.group));
  const resource = matchResource(rule, permission);
  if (!resource) return undefined;
  const resourceNames = rule.resourceNames ?? [];
  const namedSubresource = resource.subresource !== '';
  const verbs = permission.verbs.filter(
    (verb) => verbMatches(rule, verb) && (resourceNames.length === 0 || namedSubresource || !NAMELESS_VERBS.has(verb)),
  );
  if (verbs.length === 0) return undefined;
  const verbIndex = firstIndex(rule.verbs, (value) => verbs.some((verb) => verbMatches({ verbs: [value] }, verb)));
  return { permission, verbs, verbIndex, groupIndex, resourceIndex: resource.index, resource: resource.name, resourceNames };
}

/** Every permission of the list that the rule grants, in the list's order. */
export function grantsAny(rule: PolicyRule, permissions: readonly Permission[]): RuleGrant[] {
  const out: RuleGrant[] = [];
  for (const permission of permissions) {
    const grant = grants(rule, permission);
    if (grant) out.push(grant);
  }
  return out;
}

/**
 * `create, get on pods/exec, pods/attach (through "*" in verbs)`: the verbs and resources a rule
 * entry grants, and which of its wildcards they come through.
 */
export function describeGrants(rule: PolicyRule, found: readonly RuleGrant[]): string {
  const verbs = unique(found.flatMap((g) => g.verbs));
  const resources = unique(found.map((g) => g.resource));
  const wild: string[] = [];
  if (found.some((g) => rule.verbs[g.verbIndex] === WILDCARD)) wild.push('verbs');
  if (found.some((g) => rule.apiGroups?.[g.groupIndex] === WILDCARD)) wild.push('apiGroups');
  if (found.some((g) => (rule.resources?.[g.resourceIndex] ?? '').startsWith(WILDCARD))) wild.push('resources');
  const fields = wild.length <= 1 ? wild.join('') : `${wild.slice(0, -1).join(', ')} and ${wild.at(-1)}`;
  const through = wild.length === 0 ? '' : ` (through "*" in ${fields})`;
  return `${verbs.join(', ')} on ${resources.join(', ')}${through}`;
}

/** `limited to "a", "b"` for a grant restricted by resourceNames; `""` otherwise. */
export function describeNames(found: readonly RuleGrant[]): string {
  const names = found[0]?.resourceNames ?? [];
  return names.length === 0 ? '' : `, limited to ${names.map((n) => `"${n}"`).join(', ')}`;
}

/** The first resource entry that covers the permission, with the resource string it grants. */
function matchResource(rule: PolicyRule, permission: Permission): { index: number; name: string; subresource: string } | undefined {
  const entries = rule.resources ?? [];
  for (const [index, entry] of entries.entries()) {
    const one: PolicyRule = { verbs: [], resources: [entry] };
    if (permission.subresource === ANY_SUBRESOURCE) {
      // Any key: `*`, `*/<key>` or `<resource>/<key>` (as ResourceMatches, with the entry's own key).
      const slash = entry.indexOf('/');
      const key = slash < 0 ? '' : entry.slice(slash + 1);
      if (entry === WILDCARD) return { index, name: `${permission.resource}/<any key>`, subresource: WILDCARD };
      if (key !== '' && resourceMatches(one, `${permission.resource}/${key}`, key)) {
        return { index, name: `${permission.resource}/${key}`, subresource: key };
      }
      continue;
    }
    const subresource = permission.subresource ?? '';
    const combined = subresource === '' ? permission.resource : `${permission.resource}/${subresource}`;
    if (resourceMatches(one, combined, subresource)) return { index, name: combined, subresource };
  }
  return undefined;
}

function firstIndex(values: readonly string[] | undefined, test: (value: string) => boolean): number {
  return (values ?? []).findIndex(test);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * A rule that allows every verb on every resource of every API group, for all names: what makes
 * cluster-admin what it is (its other rule only adds nonResourceURLs). Literal `*`, as in the
 * escalation check's coverage test (component-helpers auth/rbac/validation policy_comparator.go).
 */
export function isFullWildcard(rule: PolicyRule): boolean {
  return (
    rule.verbs.includes(WILDCARD) &&
    (rule.apiGroups ?? []).includes(WILDCARD) &&
    (rule.resources ?? []).includes(WILDCARD) &&
    (rule.resourceNames ?? []).length === 0
  );
}

/** One kind of dangerous permission: what the rule of its id looks for, and how people are shown it. */
export interface Danger {
  /** Stable short key: the graph's permission node ids (`permission:secrets@dev`). */
  key: string;
  /** What `rbaclint graph` shows, followed by ` in ns dev` or ` (cluster-wide)`: `read secrets`. */
  graphLabel: string;
  /** What `rbaclint diff` shows: what the permission lets its holder do, `read Secrets`. */
  diffLabel: string;
  /** The permissions any of which the rule reports, in the order its messages list them. */
  permissions: readonly Permission[];
  /**
   * Verbs of `permissions` that are dangerous only before Kubernetes 1.`before`: the rule still
   * looks for them (and says why), the graph and the diff drop them from that version on
   * ({@link permissionsAt}).
   */
  olderVersionsOnly?: { verbs: readonly string[]; before: number };
  /**
   * Permissions one of which must be granted as well, by any rule of the same role, for `permissions`
   * to be dangerous. The rule and the graph look for both; the diff, which classifies one request at a
   * time, counts either one as dangerous.
   */
  alsoNeeds?: readonly Permission[];
  /**
   * Every permission: a rule entry with `*` verbs on `*` resources in `*` API groups, for all names
   * ({@link isFullWildcard}), which no list of permissions stands for; `permissions` is then empty.
   */
  everything?: true;
  /**
   * Dangerous only in this namespace: granted there by its RoleBindings, or everywhere by a
   * ClusterRoleBinding (kube-system ConfigMaps).
   */
  namespace?: string;
}

const WORKLOAD_CREATE: readonly Permission[] = [
  { verbs: ['create'], group: '', resource: 'pods' },
  { verbs: ['create'], group: '', resource: 'replicationcontrollers' },
  ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((resource) => ({ verbs: ['create'], group: 'apps', resource })),
  ...['jobs', 'cronjobs'].map((resource) => ({ verbs: ['create'], group: 'batch', resource })),
];

const TABLE = {
  'secret-read-access': {
    key: 'secrets',
    graphLabel: 'read secrets',
    diffLabel: 'read Secrets',
    permissions: [{ verbs: ['get', 'list', 'watch'], group: '', resource: 'secrets' }],
  },
  /**
   * `create` (SPDY, POST) and `get` (WebSocket, GET; enough on its own before Kubernetes 1.35, when
   * AuthorizePodWebsocketUpgradeCreatePermission, beta and on by default, started to require
   * `create` as well: from 1.35 `get` alone opens no stream, and `create` alone still does over SPDY).
   */
  'pod-exec-access': {
    key: 'exec',
    graphLabel: 'exec into pods',
    diffLabel: 'exec, attach or port-forward into pods',
    permissions: ['exec', 'attach', 'portforward'].map((subresource) => ({ verbs: ['create', 'get'], group: '', resource: 'pods', subresource })),
    olderVersionsOnly: { verbs: ['get'], before: WEBSOCKET_NEEDS_CREATE },
  },
  /**
   * What the impersonation filter checks (kubernetes/apiserver pkg/endpoints/filters/impersonation):
   * users, groups and ServiceAccounts in the core group; uids and user extras (subresource = the
   * extra's key) in authentication.k8s.io.
   */
  'impersonate-access': {
    key: 'impersonate',
    graphLabel: 'impersonate',
    diffLabel: 'impersonate other identities',
    permissions: [
      ...['users', 'groups', 'serviceaccounts'].map((resource) => ({ verbs: ['impersonate'], group: '', resource })),
      { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'uids' },
      { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'userextras', subresource: ANY_SUBRESOURCE },
    ],
  },
  /** The verbs that lift the write-time escalation checks (pkg/registry/rbac/escalation_check.go). */
  'escalate-bind-access': {
    key: 'escalate-bind',
    graphLabel: 'escalate/bind roles',
    diffLabel: 'grant permissions it does not hold (escalate, bind)',
    permissions: ['roles', 'clusterroles'].map((resource) => ({ verbs: ['escalate', 'bind'], group: RBAC_API_GROUP, resource })),
  },
  'rbac-write-access': {
    key: 'rbac-write',
    graphLabel: 'write RBAC',
    diffLabel: 'write roles or bindings',
    permissions: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map((resource) => ({
      verbs: ['create', 'update', 'patch'],
      group: RBAC_API_GROUP,
      resource,
    })),
  },
  /** The TokenRequest API: POST …/serviceaccounts/<name>/token. */
  'token-create-access': {
    key: 'tokens',
    graphLabel: 'create tokens',
    diffLabel: 'request ServiceAccount tokens',
    permissions: [{ verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token' }],
  },
  /**
   * The kubelet authorizes its API with the verb of the HTTP method and subresource `proxy` for
   * /exec, /run, /attach, /portForward and every other path it does not map to stats, metrics or
   * log (kubernetes/kubernetes pkg/kubelet/server/auth.go); WebSocket upgrades are GETs.
   */
  'node-proxy-access': {
    key: 'node-proxy',
    graphLabel: 'nodes/proxy',
    diffLabel: 'reach the kubelet API (nodes/proxy)',
    permissions: [{ verbs: ['get', 'create', 'update', 'patch', 'delete'], group: '', resource: 'nodes', subresource: 'proxy' }],
  },
  /** Pods and the built-in controllers that create pods from a template (apps/v1, batch/v1, core/v1). */
  'workload-create-access': {
    key: 'workloads',
    graphLabel: 'create pods',
    diffLabel: 'create pods (and run as any ServiceAccount of the namespace)',
    permissions: WORKLOAD_CREATE,
  },
  'webhook-write-access': {
    key: 'webhooks',
    graphLabel: 'write admission webhooks',
    diffLabel: 'write admission webhooks',
    permissions: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].map((resource) => ({
      verbs: ['create', 'update', 'patch', 'delete'],
      group: 'admissionregistration.k8s.io',
      resource,
    })),
  },
  /** Approving also needs `approve` on the request's signer (resourceNames are signer names). */
  'csr-approve-access': {
    key: 'csr-approve',
    graphLabel: 'approve CSRs',
    diffLabel: 'approve certificate requests',
    permissions: [{ verbs: ['update', 'patch'], group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval' }],
    alsoNeeds: [{ verbs: ['approve'], group: 'certificates.k8s.io', resource: 'signers' }],
  },
  'persistent-volume-create-access': {
    key: 'persistent-volumes',
    graphLabel: 'create PersistentVolumes',
    diffLabel: 'create PersistentVolumes (hostPath)',
    permissions: [{ verbs: ['create'], group: '', resource: 'persistentvolumes' }],
  },
  /** coredns, kube-proxy, aws-auth (EKS: IAM identities to groups, up to system:masters). */
  'system-configmap-write-access': {
    key: 'system-configmaps',
    graphLabel: 'write ConfigMaps',
    diffLabel: 'rewrite cluster configuration (kube-system ConfigMaps: coredns, aws-auth)',
    permissions: [{ verbs: ['create', 'update', 'patch'], group: '', resource: 'configmaps' }],
    namespace: 'kube-system',
  },
  /** status.loadBalancer.ingress (CVE-2020-8554) and the pod IPs endpoints are built from. */
  'status-write-access': {
    key: 'status',
    graphLabel: 'write Service or pod status',
    diffLabel: 'redirect traffic (write Service or pod status)',
    permissions: ['services', 'pods'].map((resource) => ({ verbs: ['update', 'patch'], group: '', resource, subresource: 'status' })),
  },
  /** Bindings of cluster-admin, or of a role that allows as much. */
  'cluster-admin-binding': {
    key: 'everything',
    graphLabel: 'every permission',
    diffLabel: 'do everything (as cluster-admin)',
    permissions: [],
    everything: true,
  },
} satisfies Record<string, Danger>;

/** The id of a rule that reports a kind of dangerous permission. */
export type DangerRuleId = keyof typeof TABLE;

/**
 * The dangerous permissions, keyed by the id of the rule (`rules/<id>.ts`) that reports them: the
 * one place the rules, the graph (./graph.ts) and the diff (./diff.ts) read them from. Listed in
 * the order the diff names the kinds of one permission. test/rbac/dangerous.test.ts checks that
 * each rule reports every permission of its entry.
 */
export const DANGERS: { readonly [id in DangerRuleId]: Danger } = TABLE;

/** The entries of {@link DANGERS} in its order, each with its rule id. */
export const DANGER_LIST: readonly (Danger & { ruleId: DangerRuleId })[] = Object.entries(DANGERS).map(([ruleId, danger]) => ({
  ...danger,
  ruleId: ruleId as DangerRuleId,
}));

/** The permissions of `danger` that are dangerous on `version` (without the verbs only older versions count). */
export function permissionsAt(danger: Danger, version: KubeVersion): readonly Permission[] {
  const older = danger.olderVersionsOnly;
  if (!older || !atLeast(version, older.before)) return danger.permissions;
  return danger.permissions.flatMap((p) => {
    const verbs = p.verbs.filter((verb) => !older.verbs.includes(verb));
    return verbs.length === 0 ? [] : [{ ...p, verbs }];
  });
}
