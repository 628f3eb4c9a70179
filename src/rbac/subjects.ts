/**
 * Identities (user.Info) and RBAC subject matching.
 *
 * Upstream: kubernetes/apiserver `pkg/authentication/serviceaccount/util.go` (usernames and groups of
 * ServiceAccounts), `pkg/authentication/user/user.go` (well-known names),
 * `pkg/authentication/group/authenticated_group_adder.go`, `pkg/endpoints/filters/impersonation/`
 * and kubernetes/kubernetes `pkg/registry/rbac/validation/rule.go` (`appliesTo`, `appliesToUser`).
 */
import type { Subject, UserInfo } from './types.js';

/** Prefix of every ServiceAccount username (`serviceaccount.ServiceAccountUsernamePrefix`). */
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
/** Prefix of the per-namespace ServiceAccount group (`serviceaccount.ServiceAccountGroupPrefix`). */
export const SERVICE_ACCOUNT_GROUP_PREFIX = 'system:serviceaccounts:';
/** Group of every ServiceAccount in every namespace (`serviceaccount.AllServiceAccountsGroup`). */
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
/** Group of every authenticated principal (`user.AllAuthenticated`). */
export const ALL_AUTHENTICATED_GROUP = 'system:authenticated';
/** Group of anonymous callers (`user.AllUnauthenticated`). */
export const ALL_UNAUTHENTICATED_GROUP = 'system:unauthenticated';
/** Name of the anonymous user (`user.Anonymous`). */
export const ANONYMOUS_USER = 'system:anonymous';
/** Group allowed everything before RBAC is consulted (`user.SystemPrivilegedGroup`). */
export const SYSTEM_MASTERS_GROUP = 'system:masters';

/** Subject kinds the RBAC authorizer understands (`rbacv1.UserKind`, `GroupKind`, `ServiceAccountKind`). */
export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

/**
 * `system:serviceaccount:<namespace>:<name>`.
 * Upstream: kubernetes/apiserver pkg/authentication/serviceaccount/util.go MakeUsername.
 */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

/** A ServiceAccount, a User or a Group, as the queries, the diff and the graph name who can do what. */
export type IdentityRef =
  | { kind: 'ServiceAccount'; namespace: string; name: string }
  | { kind: 'User'; name: string }
  | { kind: 'Group'; name: string };

/**
 * A username no subject can name (a NUL character): the principal of "a member of this group",
 * whose rights are exactly what the group's bindings grant.
 */
export const NO_USER = '\u0000';

/**
 * The principal the authorizer sees for an identity; for a Group, a nameless member of only that
 * group (no User binding applies to it).
 */
export function principalOf(identity: IdentityRef): UserInfo {
  switch (identity.kind) {
    case 'ServiceAccount':
      return serviceAccountUser(identity.namespace, identity.name);
    case 'User':
      return userInfo(identity.name);
    case 'Group':
      return { name: NO_USER, groups: [identity.name] };
  }
}

/**
 * The identity a ServiceAccount token authenticates as: its username and the groups
 * `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`, in that order.
 * Upstream: kubernetes/apiserver pkg/authentication/serviceaccount/util.go MakeGroupNames and
 * ServiceAccountInfo.UserInfo, plus pkg/authentication/group/authenticated_group_adder.go.
 */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: serviceAccountUsername(namespace, name),
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNT_GROUP_PREFIX}${namespace}`, ALL_AUTHENTICATED_GROUP],
  };
}

/**
 * The identity the authorizer sees for a user authenticated (or impersonated, as with
 * `kubectl --as/--as-group`) with `name` and `groups`:
 *
 * - `system:anonymous` gets `system:unauthenticated` added unless present, and never
 *   `system:authenticated`;
 * - any other user gets `system:authenticated` appended unless it already has
 *   `system:authenticated` or `system:unauthenticated`;
 * - a ServiceAccount username given without groups gets the fixed ServiceAccount groups, as the
 *   impersonation filter does.
 *
 * Upstream: kubernetes/apiserver pkg/authentication/group/authenticated_group_adder.go
 * AuthenticateRequest, pkg/authentication/request/anonymous/anonymous.go, and
 * pkg/endpoints/filters/impersonation/impersonation.go WithImpersonation (ServiceAccount groups
 * "because its a fixed mapping", anonymous → system:unauthenticated).
 */
export function userInfo(name: string, groups: readonly string[] = []): UserInfo {
  const result = [...groups];
  if (result.length === 0) {
    const sa = parseServiceAccountUsername(name);
    if (sa) result.push(ALL_SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNT_GROUP_PREFIX}${sa.namespace}`);
  }
  if (name === ANONYMOUS_USER) {
    if (!result.includes(ALL_UNAUTHENTICATED_GROUP)) result.push(ALL_UNAUTHENTICATED_GROUP);
  } else if (!result.includes(ALL_AUTHENTICATED_GROUP) && !result.includes(ALL_UNAUTHENTICATED_GROUP)) {
    result.push(ALL_AUTHENTICATED_GROUP);
  }
  return { name, groups: result };
}

/** Namespace and name of a ServiceAccount, as parsed from its username. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Splits `system:serviceaccount:<ns>:<name>`; `undefined` unless there are exactly two parts after
 * the prefix, the namespace is a DNS-1123 label (≤ 63) and the name a DNS-1123 subdomain (≤ 253).
 * Matching does not depend on this parse: see {@link appliesTo}.
 * Upstream: kubernetes/apiserver pkg/authentication/serviceaccount/util.go SplitUsername.
 */
export function parseServiceAccountUsername(username: string): ServiceAccountRef | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace = '', name = ''] = parts;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/**
 * The namespace a ServiceAccount subject refers to: its own `namespace`, else the binding's
 * namespace; `undefined` when both are empty (a namespace-less ServiceAccount subject in a
 * ClusterRoleBinding, which never matches).
 * Upstream: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser ("default the
 * namespace to namespace we're working in").
 */
export function serviceAccountSubjectNamespace(subject: Subject, bindingNamespace: string): string | undefined {
  const namespace = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
  return namespace === '' ? undefined : namespace;
}

/**
 * The username a subject stands for when it is a User (its name) or a ServiceAccount (its
 * `system:serviceaccount:…` username); `undefined` for groups, unknown kinds and ServiceAccount
 * subjects without a namespace.
 */
export function subjectUsername(subject: Subject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'User') return subject.name;
  if (subject.kind === 'ServiceAccount') {
    const namespace = serviceAccountSubjectNamespace(subject, bindingNamespace);
    return namespace === undefined ? undefined : serviceAccountUsername(namespace, subject.name);
  }
  return undefined;
}

/**
 * Whether a binding subject applies to the user.
 *
 * - `User`: exact, case-sensitive name equality (`*` is not a wildcard; a User named
 *   `system:serviceaccount:ns:sa` is that ServiceAccount);
 * - `Group`: the user has a group with exactly that name;
 * - `ServiceAccount`: the username equals `system:serviceaccount:<ns>:<name>`, `ns` defaulting to the
 *   binding's namespace; never when that is empty too;
 * - any other kind (including `user`, `serviceaccount`): never.
 *
 * Upstream: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser, with
 * kubernetes/apiserver pkg/authentication/serviceaccount/util.go MatchesUsername (equivalent to
 * comparing with the built username).
 *
 * @param bindingNamespace the RoleBinding's namespace, `""` for a ClusterRoleBinding.
 */
export function appliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = serviceAccountSubjectNamespace(subject, bindingNamespace);
      return namespace !== undefined && user.name === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

/**
 * Index of the first subject that applies to the user, or -1. The authorizer reports this subject
 * when it explains a decision.
 * Upstream: kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesTo.
 */
export function firstApplyingSubject(subjects: readonly Subject[], user: UserInfo, bindingNamespace: string): number {
  return subjects.findIndex((subject) => appliesTo(subject, user, bindingNamespace));
}

/**
 * Human-readable subject, e.g. `ServiceAccount dev/web`, `Group system:authenticated`, `User alice`.
 * A ServiceAccount subject without a namespace is shown in the binding's namespace (as the authorizer
 * resolves it); in a ClusterRoleBinding it reads `ServiceAccount web (no namespace)`.
 * Upstream (format differs, semantics same): kubernetes/kubernetes
 * pkg/registry/rbac/validation/rule.go describeSubject.
 */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    const namespace = serviceAccountSubjectNamespace(subject, bindingNamespace);
    return namespace === undefined
      ? `ServiceAccount ${subject.name} (no namespace)`
      : `ServiceAccount ${namespace}/${subject.name}`;
  }
  return `${subject.kind} ${subject.name}`;
}

/**
 * The subject as the authorizer matches it: a User or Group as written, a ServiceAccount with its
 * namespace defaulted to the RoleBinding's; undefined for subjects that can never apply to anyone
 * (kubernetes/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser: unknown kinds, and
 * ServiceAccounts without a namespace in a ClusterRoleBinding).
 */
export function normalizeSubject(subject: Subject, bindingNamespace: string): Subject | undefined {
  switch (subject.kind) {
    case 'User':
    case 'Group':
      return subject;
    case 'ServiceAccount': {
      const namespace = serviceAccountSubjectNamespace(subject, bindingNamespace);
      return namespace === undefined ? undefined : { ...subject, namespace };
    }
    default:
      return undefined;
  }
}
