import { defineRule } from '../src/engine/rule.js';
import { ruleEntries } from '../src/model/index.js';
import { DANGERS, describeGrants, describeNames, grantsAny } from '../src/rbac/dangerous.js';
import { roleGrants, roleReach } from '../src/rbac/reach.js';

/** update on certificatesigningrequests/approval, and `approve` on the request's signer (resourceNames are signer names). */
const { permissions: APPROVAL, alsoNeeds: SIGNERS = [] } = DANGERS['csr-approve-access'];

export default defineRule({
  id: 'csr-approve-access',
  meta: {
    severity: 'error',
    description: 'ClusterRoles should not allow approving CertificateSigningRequests.',
    help: 'Leave approval to the built-in approvers or a dedicated approver with a policy; otherwise remove update on certificatesigningrequests/approval and approve on signers, or limit approve to a signer that cannot issue API client certificates.',
    rationale:
      'Whoever can create and approve a CertificateSigningRequest for the kubernetes.io/kube-apiserver-client signer obtains a client certificate for any user name and groups, and logs in as that identity, e.g. a cluster administrator.',
    tags: ['rbac', 'escalation'],
    kinds: ['ClusterRole'],
    recommended: true,
    securitySeverity: 9.0,
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing',
      'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization',
    ],
  },
  check(ctx) {
    for (const grant of roleGrants(ctx, APPROVAL)) {
      const { role, entry, found } = grant;
      const signers = ruleEntries(role).flatMap((e) => grantsAny(e, SIGNERS).map((g) => ({ entry: e, grant: g })));
      // The widest signer grant: one without resourceNames if there is one.
      const first = signers.find((s) => s.grant.resourceNames.length === 0) ?? signers[0];
      if (!first) continue;
      const namedSigners = first.grant.resourceNames.length > 0;
      const limited = namedSigners || entry.resourceNames.length > 0;
      const reach = roleReach(ctx.rbac, role, { clusterScoped: true, limited });
      ctx.report({
        object: role,
        path: grant.path('resources'),
        severity: reach.severity(this.meta.severity),
        message: `${role.display} rules[${entry.index}] allows ${describeGrants(entry, found)}${describeNames(found)} and rules[${first.entry.index}] ${describeGrants(first.entry, [first.grant])}${describeNames([first.grant])}: whoever holds it can approve ${namedSigners ? 'certificates of those signers' : 'client certificates for any user name and group'}${reach.note}`,
        related: reach.related,
      });
    }
  },
});
