import type { JsonPath } from '../parse/types.js';
import type { Index } from './index.js';
import { asArray, asRecord } from './object.js';
import { containersOf, type Workload } from './workload.js';

/** The Secret type of legacy, non-expiring ServiceAccount tokens (core/v1 SecretTypeServiceAccountToken). */
export const SERVICE_ACCOUNT_TOKEN_SECRET = 'kubernetes.io/service-account-token';

/**
 * Audiences that mean "the Kubernetes API server". An unset audience defaults to the API server's
 * identifier (core/v1 ServiceAccountTokenProjection.audience); the two in-cluster URLs are the
 * common values of `--api-audiences`/`--service-account-issuer`. Any other audience (sts.amazonaws.com,
 * vault, …) is a token for that service, not an API credential.
 */
const API_AUDIENCES = new Set(['', 'https://kubernetes.default.svc', 'https://kubernetes.default.svc.cluster.local', 'kubernetes', 'api']);

/** How a pod receives a Kubernetes API token. */
export type TokenSource = 'automount' | 'projected' | 'secret-volume' | 'secret-env';

/** One API token a pod template receives, with the ServiceAccount it authenticates as. */
export interface ApiToken {
  via: TokenSource;
  /** JSON path inside the workload object of what brings the token in. */
  path: JsonPath;
  /** Namespace and name of the ServiceAccount the token belongs to. */
  serviceAccount: { namespace: string; name: string };
}

/** What decides the automounted token, in the order the admission plugin reads it. */
export interface AutomountDecision {
  mounted: boolean;
  /** Which object decided: the pod template, its ServiceAccount, or the default (true). */
  decidedBy: 'pod' | 'serviceAccount' | 'default';
}

/**
 * Whether the ServiceAccount admission plugin mounts the API token: the pod's
 * `automountServiceAccountToken` if set, else the ServiceAccount's, else true
 * (plugin/pkg/admission/serviceaccount/admission.go shouldAutomount).
 */
export function automountOf(workload: Workload, index: Index): AutomountDecision {
  if (workload.automount !== undefined) return { mounted: workload.automount, decidedBy: 'pod' };
  const account = index.serviceAccount(workload.namespace, workload.serviceAccountName);
  const value = account?.get(['automountServiceAccountToken']);
  if (typeof value === 'boolean') return { mounted: value, decidedBy: 'serviceAccount' };
  return { mounted: true, decidedBy: 'default' };
}

/**
 * Every Kubernetes API token the pods of a workload receive: the automounted one, projected
 * `serviceAccountToken` volumes whose audience is the API server (the default), and legacy token
 * Secrets of the input mounted as volumes or read into environment variables.
 */
export function apiTokensOf(workload: Workload, index: Index): ApiToken[] {
  const own = { namespace: workload.namespace, name: workload.serviceAccountName };
  const tokens: ApiToken[] = [];
  if (automountOf(workload, index).mounted) tokens.push({ via: 'automount', path: workload.specPath, serviceAccount: own });

  asArray(workload.spec.volumes).forEach((raw, v) => {
    const volume = asRecord(raw);
    asArray(asRecord(volume?.projected)?.sources).forEach((rawSource, s) => {
      const projection = asRecord(asRecord(rawSource)?.serviceAccountToken);
      if (!projection) return;
      const audience = typeof projection.audience === 'string' ? projection.audience : '';
      if (!API_AUDIENCES.has(audience)) return;
      const path = [...workload.specPath, 'volumes', v, 'projected', 'sources', s, 'serviceAccountToken'];
      tokens.push({ via: 'projected', path, serviceAccount: own });
    });
    const secretName = asRecord(volume?.secret)?.secretName;
    const owner = typeof secretName === 'string' ? tokenSecretOwner(index, workload.namespace, secretName) : undefined;
    if (owner) tokens.push({ via: 'secret-volume', path: [...workload.specPath, 'volumes', v, 'secret', 'secretName'], serviceAccount: owner });
  });

  for (const { path, container } of containersOf(workload)) {
    asArray(container.env).forEach((raw, e) => {
      const ref = asRecord(asRecord(asRecord(raw)?.valueFrom)?.secretKeyRef);
      const owner = typeof ref?.name === 'string' ? tokenSecretOwner(index, workload.namespace, ref.name) : undefined;
      if (owner && ref?.key === 'token') {
        tokens.push({ via: 'secret-env', path: [...path, 'env', e, 'valueFrom', 'secretKeyRef', 'name'], serviceAccount: owner });
      }
    });
    asArray(container.envFrom).forEach((raw, e) => {
      const name = asRecord(asRecord(raw)?.secretRef)?.name;
      const owner = typeof name === 'string' ? tokenSecretOwner(index, workload.namespace, name) : undefined;
      if (owner) tokens.push({ via: 'secret-env', path: [...path, 'envFrom', e, 'secretRef', 'name'], serviceAccount: owner });
    });
  }
  // Kept as long as the run (holders): without the room an array grown by push keeps.
  return tokens.slice();
}

/** The ServiceAccount a legacy token Secret of the input belongs to (its service-account.name annotation). */
function tokenSecretOwner(index: Index, namespace: string, name: string): { namespace: string; name: string } | undefined {
  const secret = index.get('Secret', namespace, name);
  if (!secret || secret.get(['type']) !== SERVICE_ACCOUNT_TOKEN_SECRET) return undefined;
  const account = secret.annotations['kubernetes.io/service-account.name'];
  return account ? { namespace, name: account } : undefined;
}
