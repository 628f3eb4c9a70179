/**
 * Pure PolicyRule matching, a line-by-line port of the kube-apiserver RBAC authorizer's helpers.
 *
 * Upstream: kubernetes/kubernetes `pkg/apis/rbac/v1/evaluation_helpers.go` (`VerbMatches`,
 * `APIGroupMatches`, `ResourceMatches`, `ResourceNameMatches`, `NonResourceURLMatches`) and
 * `plugin/pkg/auth/authorizer/rbac/rbac.go` (`RuleAllows`, `RulesAllow`).
 *
 * Every comparison is literal and case-sensitive: rules are never normalised (`GET`, `Pods`, `core`
 * match nothing real), exactly as in the authorizer. A field missing from a rule (`undefined`)
 * behaves like an empty list, as a nil Go slice does.
 */
import type { PolicyRule, RequestAttributes, ResourceAttributes } from './types.js';

/** The wildcard for verbs, apiGroups, resources and nonResourceURLs (`rbacv1.VerbAll` & co.). */
export const WILDCARD = '*';

/**
 * True when the rule lists `*` or exactly `verb`.
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go VerbMatches.
 */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const ruleVerb of rule.verbs ?? []) {
    if (ruleVerb === WILDCARD || ruleVerb === verb) return true;
  }
  return false;
}

/**
 * True when the rule lists `*` or exactly `apiGroup` (`""` is the core group; `"core"` and `"v1"` are
 * ordinary strings that match no real group).
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go APIGroupMatches.
 */
export function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  for (const ruleGroup of rule.apiGroups ?? []) {
    if (ruleGroup === WILDCARD || ruleGroup === apiGroup) return true;
  }
  return false;
}

/**
 * True when a rule resource covers the request.
 *
 * - `*` covers every resource and every subresource;
 * - otherwise the entry must equal `combinedResource` (`pods`, or `pods/exec` for a subresource), so
 *   `pods` never covers `pods/exec` and `pods/*` only equals a literal subresource `*`;
 * - `*\/<sub>` covers subresource `<sub>` of any resource, never a main resource.
 *
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go ResourceMatches (its
 * length + prefix + suffix test is equivalent to `entry === '*\/' + subresource`).
 *
 * @param combinedResource `resource` or `resource/subresource`, see {@link combinedResource}.
 * @param subresource `""` when the request has none.
 */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === WILDCARD || ruleResource === combinedResource) return true;
    if (subresource !== '' && ruleResource === `${WILDCARD}/${subresource}`) return true;
  }
  return false;
}

/**
 * True when the rule has no resourceNames, or lists `name` exactly. An empty request name (list,
 * watch, collection create, deletecollection) therefore never matches a rule with resourceNames, and
 * `*` in resourceNames is a literal name, not a wildcard.
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go ResourceNameMatches.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name);
}

/**
 * True when a rule URL is `*`, equals `path`, or ends in `*` and `path` starts with the URL minus
 * **all** its trailing `*` (Go `strings.TrimRight(url, "*")`). So `/foo/*` does not match `/foo`,
 * `/foo*` matches `/foobar`, and a `*` elsewhere in the URL is literal.
 * Upstream: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go NonResourceURLMatches.
 */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const ruleURL of rule.nonResourceURLs ?? []) {
    if (ruleURL === WILDCARD || ruleURL === path) return true;
    if (ruleURL.endsWith(WILDCARD) && path.startsWith(trimTrailingStars(ruleURL))) return true;
  }
  return false;
}

/**
 * The resource string a rule entry is compared with: `resource`, or `resource/subresource` when the
 * request names a subresource.
 * Upstream: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows (combinedResource).
 */
export function combinedResource(attrs: Pick<ResourceAttributes, 'resource' | 'subresource'>): string {
  return attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
}

/**
 * Whether one rule allows the request. Resource requests need verb, apiGroup, resource and name to
 * match (the rule's nonResourceURLs are ignored); non-resource requests need verb and URL to match
 * (the rule's apiGroups/resources/resourceNames are ignored).
 * Upstream: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows.
 */
export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (attrs.kind === 'resource') {
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combinedResource(attrs), attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

/**
 * Whether any of the rules allows the request.
 * Upstream: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go RulesAllow.
 */
export function rulesAllow(rules: readonly PolicyRule[], attrs: RequestAttributes): boolean {
  return rules.some((rule) => ruleAllows(rule, attrs));
}

function trimTrailingStars(value: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === WILDCARD) end--;
  return value.slice(0, end);
}
