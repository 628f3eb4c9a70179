/**
 * The exact RBAC authorizer: rule matching, identities, ClusterRole aggregation and the
 * {@link Policy} that answers can-i, explain, rules-for and who-can.
 */
export type {
  AggregationRule,
  BindingDef,
  NonResourceAttributes,
  PolicyRule,
  RequestAttributes,
  ResourceAttributes,
  RoleDef,
  RoleRef,
  Subject,
  UserInfo,
} from './types.js';
export {
  WILDCARD,
  apiGroupMatches,
  combinedResource,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  rulesAllow,
  verbMatches,
} from './match.js';
export {
  ALL_AUTHENTICATED_GROUP,
  ALL_SERVICE_ACCOUNTS_GROUP,
  ALL_UNAUTHENTICATED_GROUP,
  ANONYMOUS_USER,
  SERVICE_ACCOUNT_GROUP_PREFIX,
  SERVICE_ACCOUNT_USERNAME_PREFIX,
  SYSTEM_MASTERS_GROUP,
  appliesTo,
  describeSubject,
  firstApplyingSubject,
  parseServiceAccountUsername,
  normalizeSubject,
  serviceAccountSubjectNamespace,
  serviceAccountUser,
  serviceAccountUsername,
  subjectUsername,
  userInfo,
} from './subjects.js';
export type { ServiceAccountRef, SubjectKind } from './subjects.js';
export {
  aggregateClusterRoles,
  compileLabelSelector,
  labelSelectorMatches,
  ruleKey,
  rulesEqual,
  syncClusterRole,
} from './aggregation.js';
export type {
  AggregationResult,
  CompiledSelector,
  InvalidAggregation,
  LabelPredicate,
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  RuleOrigin,
  RuleWithOrigin,
} from './aggregation.js';
export { Policy, RBAC_API_GROUP, isSystemMasters } from './policy.js';
export type { BindingMatch, Explanation, Grant, WhoCanEntry } from './policy.js';
export { builtinBindings, builtinDataSource, builtinRoles } from './builtin.js';
export { ResourceTable, builtinResourceTable, isResolveError } from './resources.js';
export type { ResolveResult, ResolvedResource, ResourceInfo } from './resources.js';
export { ClusterRbac, type ClusterRbacOptions, type Holder, type RbacSource } from './cluster.js';
