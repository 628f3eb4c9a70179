import automountTokenEnabled from './automount-token-enabled.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import defaultServiceAccount from './default-service-account.js';
import deprecatedRbacApi from './deprecated-rbac-api.js';
import deprecatedServiceAccountField from './deprecated-service-account-field.js';
import legacyTokenSecret from './legacy-token-secret.js';
import missingServiceAccount from './missing-service-account.js';
import missingServiceAccountName from './missing-service-account-name.js';
import parseError from './parse-error.js';
import secretReadAccess from './secret-read-access.js';
import unrenderedTemplate from './unrendered-template.js';
import wildcardRule from './wildcard-rule.js';

/** Every rule, sorted by id. */
export const rules = [
  automountTokenEnabled,
  clusterAdminBinding,
  defaultServiceAccount,
  deprecatedRbacApi,
  deprecatedServiceAccountField,
  legacyTokenSecret,
  missingServiceAccount,
  missingServiceAccountName,
  parseError,
  secretReadAccess,
  unrenderedTemplate,
  wildcardRule,
] as const;

/** The id of a rule of the registry. */
export type RuleId = (typeof rules)[number]['id'];
