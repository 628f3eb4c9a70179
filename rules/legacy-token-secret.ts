import { defineRule } from '../src/engine/rule.js';
import { NO_AUTO_TOKEN_SECRETS, atLeast, formatKubeVersion } from '../src/rbac/version.js';

const TOKEN_TYPE = 'kubernetes.io/service-account-token';

export default defineRule({
  id: 'legacy-token-secret',
  meta: {
    severity: 'warning',
    description: 'Secrets should not hold long-lived ServiceAccount tokens.',
    help: 'Delete the Secret and let pods use the projected, expiring token that Kubernetes mounts, or request a short-lived token with "kubectl create token".',
    rationale:
      'A Secret of type kubernetes.io/service-account-token holds a token that never expires and is never cleaned up when created by hand; whoever can read the Secret acts as the ServiceAccount for as long as it exists.',
    tags: ['serviceaccount', 'secrets', 'tokens'],
    kinds: ['Secret'],
    recommended: true,
    securitySeverity: 5.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token',
      'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner',
    ],
  },
  check(ctx) {
    // Since 1.24 (LegacyServiceAccountTokenNoAutoGeneration) no token Secret is created for a
    // ServiceAccount: one in the manifests is made on purpose, and it is never cleaned up.
    const since = `since Kubernetes 1.${NO_AUTO_TOKEN_SECRETS} ServiceAccounts get no such Secret automatically, so this one is created on purpose`;
    const version = atLeast(ctx.kubeVersion, NO_AUTO_TOKEN_SECRETS)
      ? `; ${since}`
      : `; Kubernetes ${formatKubeVersion(ctx.kubeVersion)} also creates one for every ServiceAccount automatically (no longer since 1.${NO_AUTO_TOKEN_SECRETS})`;
    for (const secret of ctx.index.ofKind('Secret')) {
      if (secret.get(['type']) !== TOKEN_TYPE) continue;
      const account = secret.annotations['kubernetes.io/service-account.name'];
      const owner = account === undefined ? '' : ` for ServiceAccount ${secret.namespace}/${account}`;
      ctx.report({
        object: secret,
        path: ['type'],
        message: `${secret.display} is a long-lived token Secret${owner}: type "${TOKEN_TYPE}" never expires${version}`,
      });
    }
  },
});
