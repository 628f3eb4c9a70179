/**
 * Kubernetes versions for version-dependent semantics (`--kube-version`, config `kubeVersion`).
 *
 * Only minor versions of Kubernetes 1.x matter: `1.30`, `v1.30` and `1.30.2` are all 1.30. What
 * depends on the version (RBAC-NOTES §1.10, §5.4):
 * - `rbac.authorization.k8s.io/v1beta1` and `v1alpha1` were removed in 1.22 ({@link RBAC_V1BETA1_REMOVED});
 * - token Secrets are no longer created automatically for ServiceAccounts since 1.24
 *   ({@link NO_AUTO_TOKEN_SECRETS}, `LegacyServiceAccountTokenNoAutoGeneration` beta, GA in 1.26);
 * - before 1.35, `get` alone on pods/exec, pods/attach and pods/portforward opens the stream over
 *   WebSocket; from 1.35 (`AuthorizePodWebsocketUpgradeCreatePermission`, beta, on by default) the
 *   WebSocket path needs `create` too ({@link WEBSOCKET_NEEDS_CREATE}).
 */

/** A Kubernetes 1.x minor version. */
export interface KubeVersion {
  major: 1;
  minor: number;
}

/** Oldest version accepted: RBAC v1 went GA in 1.8. */
export const OLDEST_KUBE_VERSION: KubeVersion = { major: 1, minor: 8 };
/** Newest version rbaclint knows (the built-in roles are the 1.34–1.35 bootstrap policy); the default. */
export const NEWEST_KUBE_VERSION: KubeVersion = { major: 1, minor: 35 };
export const DEFAULT_KUBE_VERSION: KubeVersion = NEWEST_KUBE_VERSION;

/** `rbac.authorization.k8s.io/v1beta1` and `v1alpha1` are no longer served. */
export const RBAC_V1BETA1_REMOVED = 22;
/** ServiceAccounts no longer get an auto-created token Secret. */
export const NO_AUTO_TOKEN_SECRETS = 24;
/** `get` alone on pods/exec, attach, portforward no longer opens a stream. */
export const WEBSOCKET_NEEDS_CREATE = 35;

/** Parses `1.30`, `v1.30`, `1.30.2`; returns a message for anything else or a version out of range. */
export function parseKubeVersion(text: string): KubeVersion | { error: string } {
  const m = /^v?1\.(\d{1,3})(?:\.\d+)?$/.exec(text.trim());
  const supported = `${formatKubeVersion(OLDEST_KUBE_VERSION)} to ${formatKubeVersion(NEWEST_KUBE_VERSION)}`;
  if (!m) return { error: `"${text}" is not a Kubernetes version; write 1.<minor>, e.g. ${formatKubeVersion(NEWEST_KUBE_VERSION)} (supported: ${supported})` };
  const minor = Number(m[1]);
  if (minor < OLDEST_KUBE_VERSION.minor || minor > NEWEST_KUBE_VERSION.minor) {
    return { error: `Kubernetes ${text} is not supported; rbaclint knows ${supported}` };
  }
  return { major: 1, minor };
}

export function isKubeVersionError(value: KubeVersion | { error: string }): value is { error: string } {
  return 'error' in value;
}

/** `1.30`. */
export function formatKubeVersion(version: KubeVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Whether `version` is 1.`minor` or newer. */
export function atLeast(version: KubeVersion, minor: number): boolean {
  return version.minor >= minor;
}
