import automountTokenEnabled from './automount-token-enabled.js';
import automountTokenExplicit from './automount-token-explicit.js';
import broadGroupBinding from './broad-group-binding.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import csrApproveAccess from './csr-approve-access.js';
import defaultServiceAccount from './default-service-account.js';
import defaultServiceAccountBound from './default-service-account-bound.js';
import deprecatedRbacApi from './deprecated-rbac-api.js';
import deprecatedServiceAccountField from './deprecated-service-account-field.js';
import escalateBindAccess from './escalate-bind-access.js';
import impersonateAccess from './impersonate-access.js';
import invalidManifest from './invalid-manifest.js';
import legacyTokenSecret from './legacy-token-secret.js';
import missingRoleRef from './missing-role-ref.js';
import missingServiceAccount from './missing-service-account.js';
import missingServiceAccountName from './missing-service-account-name.js';
import nodeProxyAccess from './node-proxy-access.js';
import parseError from './parse-error.js';
import persistentVolumeCreateAccess from './persistent-volume-create-access.js';
import podExecAccess from './pod-exec-access.js';
import projectedTokenWithoutAudience from './projected-token-without-audience.js';
import rbacWriteAccess from './rbac-write-access.js';
import secretReadAccess from './secret-read-access.js';
import statusWriteAccess from './status-write-access.js';
import systemConfigmapWriteAccess from './system-configmap-write-access.js';
import tokenCreateAccess from './token-create-access.js';
import unrenderedTemplate from './unrendered-template.js';
import unusedSuppression from './unused-suppression.js';
import webhookWriteAccess from './webhook-write-access.js';
import wildcardRule from './wildcard-rule.js';
import workloadCreateAccess from './workload-create-access.js';

/** Every rule, sorted by id. */
export const rules = [
  automountTokenEnabled,
  automountTokenExplicit,
  broadGroupBinding,
  clusterAdminBinding,
  csrApproveAccess,
  defaultServiceAccount,
  defaultServiceAccountBound,
  deprecatedRbacApi,
  deprecatedServiceAccountField,
  escalateBindAccess,
  impersonateAccess,
  invalidManifest,
  legacyTokenSecret,
  missingRoleRef,
  missingServiceAccount,
  missingServiceAccountName,
  nodeProxyAccess,
  parseError,
  persistentVolumeCreateAccess,
  podExecAccess,
  projectedTokenWithoutAudience,
  rbacWriteAccess,
  secretReadAccess,
  statusWriteAccess,
  systemConfigmapWriteAccess,
  tokenCreateAccess,
  unrenderedTemplate,
  unusedSuppression,
  webhookWriteAccess,
  wildcardRule,
  workloadCreateAccess,
] as const;

/** The id of a rule of the registry. */
export type RuleId = (typeof rules)[number]['id'];
