import type { AggregationRule, RoleRef, Subject } from 'kubernetes-types/rbac/v1.js';

export type { AggregationRule, RoleRef, Subject };

/**
 * A rule of a role (rbac/v1 PolicyRule), read-only: its lists may be the manifest's own arrays,
 * shared with the model.
 */
export interface PolicyRule {
  verbs: readonly string[];
  apiGroups?: readonly string[];
  resources?: readonly string[];
  resourceNames?: readonly string[];
  nonResourceURLs?: readonly string[];
}

/**
 * A Role or ClusterRole as the RBAC engine sees it: from the input, from a cluster dump or built in.
 * `Src` is an opaque origin handle (the linter passes its model object) used for explanations.
 */
export interface RoleDef<Src = unknown> {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Namespace of a Role; absent for ClusterRoles. */
  namespace?: string;
  labels: Readonly<Record<string, string>>;
  /** Rules exactly as written (never normalised: matching is literal, as in the authorizer). */
  rules: readonly PolicyRule[];
  /** ClusterRoles only; when set, the controller replaces `rules` with the aggregated union. */
  aggregationRule?: AggregationRule;
  /** True for the default roles every cluster has (bootstrap policy). */
  builtin: boolean;
  source?: Src;
}

/** A RoleBinding or ClusterRoleBinding. */
export interface BindingDef<Src = unknown> {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Namespace of a RoleBinding; absent for ClusterRoleBindings. */
  namespace?: string;
  roleRef: RoleRef;
  subjects: readonly Subject[];
  builtin: boolean;
  source?: Src;
}

/** An authenticated principal as the authorizer sees it (user.Info). */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

/** Attributes of a resource request (authorizer.Attributes with isResourceRequest = true). */
export interface ResourceAttributes {
  kind: 'resource';
  verb: string;
  /** "" is the core group. */
  apiGroup: string;
  /** Plural lower-case REST name, e.g. "pods". */
  resource: string;
  /** "" when none, e.g. "exec". */
  subresource: string;
  /** "" when the request has no object name (list, watch, create on a collection, deletecollection). */
  name: string;
  /** "" for cluster-scoped and all-namespaces requests: then only ClusterRoleBindings count. */
  namespace: string;
}

/** Attributes of a non-resource request such as GET /healthz. */
export interface NonResourceAttributes {
  kind: 'nonResource';
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;
