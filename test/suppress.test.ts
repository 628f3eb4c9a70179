/**
 * Suppressions (issue #8): comment directives, `ignore.rbaclint.io/<rule-id>` annotations, and the
 * `unused-suppression` findings for the broken and unused ones. Each test states the exact
 * findings (rule, line, column, message) and the exact `suppressed` count.
 */
import { describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../src/index.js';

/** Findings as `line:column rule-id` (with the message for unused-suppression ones). */
function keys(result: LintResult): string[] {
  return result.findings.map(
    (f) => `${f.range.start.line}:${f.range.start.column} ${f.ruleId}${f.ruleId === 'unused-suppression' ? `: ${f.message}` : ''}`,
  );
}

function run(text: string, options: Parameters<typeof lint>[1] = {}): LintResult {
  return lint([{ path: 'in.yaml', text }], options);
}

/** A ClusterRole whose line 7 gets four findings of four rules at 7:17. */
const FOUR = (before = '', inline = '') => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
${before}    resources: ["*"]${inline}
    verbs: ["get"]
`;

const ALL_FOUR = ['7:17 node-proxy-access', '7:17 pod-exec-access', '7:17 secret-read-access', '7:17 wildcard-rule'];

describe('without suppressions', () => {
  it('line 7 has four findings and nothing is suppressed', () => {
    const result = run(FOUR());
    expect(keys(result)).toEqual(ALL_FOUR);
    expect(result.summary.suppressed).toBe(0);
    expect(result.suppressed).toEqual([]);
  });
});

describe('# rbaclint-disable-next-line', () => {
  it('suppresses exactly the named rule on exactly the next line', () => {
    const result = run(FOUR('    # rbaclint-disable-next-line wildcard-rule -- ConfigMaps and Secrets of every kind, reviewed\n'));
    expect(keys(result)).toEqual(['8:17 node-proxy-access', '8:17 pod-exec-access', '8:17 secret-read-access']);
    expect(result.summary.suppressed).toBe(1);
    expect(result.suppressed.map((s) => [s.kind, s.finding.ruleId, s.reason])).toEqual([
      ['comment', 'wildcard-rule', 'ConfigMaps and Secrets of every kind, reviewed'],
    ]);
  });

  it('takes several rule ids, separated by commas', () => {
    const result = run(FOUR('    # rbaclint-disable-next-line wildcard-rule, pod-exec-access,node-proxy-access -- the kubelet reader\n'));
    expect(keys(result)).toEqual(['8:17 secret-read-access']);
    expect(result.summary.suppressed).toBe(3);
  });

  it('does not reach two lines down: a blank line in between makes it unused', () => {
    const result = run(FOUR('    # rbaclint-disable-next-line wildcard-rule -- reviewed\n\n'));
    expect(keys(result)).toEqual([
      '7:34 unused-suppression: rbaclint-disable-next-line suppresses nothing: no wildcard-rule finding starts on the next line',
      '9:17 node-proxy-access',
      '9:17 pod-exec-access',
      '9:17 secret-read-access',
      '9:17 wildcard-rule',
    ]);
    expect(result.summary.suppressed).toBe(0);
  });

  it('needs a reason: without " -- reason" it suppresses nothing and is reported', () => {
    const result = run(FOUR('    # rbaclint-disable-next-line wildcard-rule\n'));
    expect(keys(result)).toEqual([
      '7:5 unused-suppression: rbaclint-disable-next-line wildcard-rule has no reason and suppresses nothing; add " -- <reason>" after the rule ids',
      '8:17 node-proxy-access',
      '8:17 pod-exec-access',
      '8:17 secret-read-access',
      '8:17 wildcard-rule',
    ]);
    expect(result.findings[0]!.severity).toBe('note');
    expect(result.summary.suppressed).toBe(0);
    // An empty reason is no reason.
    expect(keys(run(FOUR('    # rbaclint-disable-next-line wildcard-rule --   \n')))[0]).toMatch(/has no reason/);
  });

  it('reports an unknown rule id, and still applies the known ones', () => {
    const result = run(FOUR('    # rbaclint-disable-next-line wildcard-rule, wildcard-rules -- typo\n'));
    expect(keys(result)).toEqual([
      '7:49 unused-suppression: rbaclint-disable-next-line names an unknown rule "wildcard-rules"; run "rbaclint rules" for the list',
      '8:17 node-proxy-access',
      '8:17 pod-exec-access',
      '8:17 secret-read-access',
    ]);
  });

  it('reports a directive that names no rule', () => {
    expect(keys(run(FOUR('    # rbaclint-disable-next-line -- why\n')))[0]).toBe(
      '7:5 unused-suppression: rbaclint-disable-next-line names no rule and suppresses nothing; write "# rbaclint-disable-next-line <rule-id> -- <reason>"',
    );
  });

  it('is not a directive inside a quoted string', () => {
    const text = FOUR().replace('  name: reader', '  name: reader\n  annotations: { note: "a # rbaclint-disable-line wildcard-rule -- no" }');
    expect(keys(run(text))).toEqual(ALL_FOUR.map((k) => k.replace(/^7:/, '8:')));
  });

  it('suppresses parser findings too (an unrendered template)', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  # rbaclint-disable-next-line unrendered-template -- rendered by our own tool\n  name: {{ .Release.Name }}\n';
    const result = run(text);
    expect(keys(result)).toEqual([]);
    expect(result.summary.suppressed).toBe(1);
  });
});

describe('# rbaclint-disable-line', () => {
  it('suppresses the named rule on its own line only', () => {
    const result = run(FOUR('', '  # rbaclint-disable-line secret-read-access -- the reader is bound to nobody yet'));
    expect(keys(result)).toEqual(['7:17 node-proxy-access', '7:17 pod-exec-access', '7:17 wildcard-rule']);
    expect(result.summary.suppressed).toBe(1);
  });

  it('is reported when nothing of that rule starts on its line', () => {
    const text = FOUR().replace('    verbs: ["get"]', '    verbs: ["get"]  # rbaclint-disable-line wildcard-rule -- moved');
    expect(keys(run(text))).toEqual([
      ...ALL_FOUR,
      '8:45 unused-suppression: rbaclint-disable-line suppresses nothing: no wildcard-rule finding starts on this line',
    ]);
  });
});

describe('# rbaclint-disable (whole document)', () => {
  const two = (lead: string) => `${lead}${FOUR()}---\n${FOUR()}`;

  it('in the leading comments, suppresses the rule in its own document and not in the next one', () => {
    const result = run(two('# Generated by the operator.\n# rbaclint-disable wildcard-rule, secret-read-access -- generated; reviewed in TICKET-7\n'));
    expect(keys(result)).toEqual([
      '9:17 node-proxy-access',
      '9:17 pod-exec-access',
      '18:17 node-proxy-access',
      '18:17 pod-exec-access',
      '18:17 secret-read-access',
      '18:17 wildcard-rule',
    ]);
    expect(result.summary.suppressed).toBe(2);
  });

  it('after "---", applies to the document that follows', () => {
    const text = `${FOUR()}---\n# rbaclint-disable wildcard-rule -- second document only\n${FOUR()}`;
    expect(keys(run(text))).toEqual([...ALL_FOUR, '17:17 node-proxy-access', '17:17 pod-exec-access', '17:17 secret-read-access']);
  });

  it('after the first key, it is misplaced: reported, and it suppresses nothing', () => {
    const text = FOUR().replace('metadata:', '# rbaclint-disable wildcard-rule -- too late\nmetadata:');
    expect(keys(run(text))).toEqual([
      '3:1 unused-suppression: rbaclint-disable is not in the leading comments of a document and suppresses nothing; put it before the document\'s first key, or use rbaclint-disable-next-line',
      ...ALL_FOUR.map((k) => k.replace(/^7:/, '8:')),
    ]);
  });

  it('covers every item of a List document', () => {
    const text = `# rbaclint-disable wildcard-rule -- a generated list
apiVersion: v1
kind: List
items:
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: { name: a }
    rules: [{ apiGroups: ["*"], resources: ["configmaps"], verbs: ["get"] }]
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: { name: b }
    rules: [{ apiGroups: ["*"], resources: ["configmaps"], verbs: ["get"] }]
`;
    const result = run(text);
    expect(keys(result)).toEqual([]);
    expect(result.summary.suppressed).toBe(2);
  });
});

describe('annotation ignore.rbaclint.io/<rule-id>', () => {
  const annotated = (annotations: string) =>
    `${FOUR().replace('  name: reader', `  name: reader\n  annotations:\n${annotations.replace(/\n$/, '')}`)}---\n${FOUR().replace('name: reader', 'name: other')}`;

  it('suppresses that rule on that object only, with the value as the reason', () => {
    const result = run(annotated('    ignore.rbaclint.io/wildcard-rule: "reads every core resource by design (TICKET-9)"\n'));
    expect(keys(result)).toEqual([
      '9:17 node-proxy-access',
      '9:17 pod-exec-access',
      '9:17 secret-read-access',
      '18:17 node-proxy-access',
      '18:17 pod-exec-access',
      '18:17 secret-read-access',
      '18:17 wildcard-rule',
    ]);
    expect(result.suppressed.map((s) => [s.kind, s.finding.object?.name, s.reason])).toEqual([
      ['annotation', 'reader', 'reads every core resource by design (TICKET-9)'],
    ]);
  });

  it('without a reason, or naming an unknown rule, or matching nothing: reported at the key', () => {
    const result = run(
      annotated(
        '    ignore.rbaclint.io/wildcard-rule: ""\n    ignore.rbaclint.io/no-such-rule: "x"\n    ignore.rbaclint.io/cluster-admin-binding: "old"\n',
      ),
    );
    expect(keys(result).filter((k) => k.includes('unused-suppression'))).toEqual([
      '6:5 unused-suppression: Annotation "ignore.rbaclint.io/wildcard-rule" has no reason and suppresses nothing; set its value to why the finding is accepted',
      '7:5 unused-suppression: Annotation "ignore.rbaclint.io/no-such-rule" names an unknown rule "no-such-rule"; run "rbaclint rules" for the list',
      '8:5 unused-suppression: Annotation "ignore.rbaclint.io/cluster-admin-binding" suppresses nothing: ClusterRole "reader" has no cluster-admin-binding finding',
    ]);
    expect(keys(result)).toContain('11:17 wildcard-rule');
    expect(result.findings.find((f) => f.range.start.line === 8)?.object).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'reader',
    });
    expect(result.summary.suppressed).toBe(0);
  });
});

describe('unused-suppression', () => {
  const unused = FOUR('', '  # rbaclint-disable-line cluster-admin-binding -- nothing here');

  it('is a note of its own rule, counted like any finding', () => {
    const result = run(unused);
    expect(keys(result)).toEqual([
      ...ALL_FOUR,
      '7:47 unused-suppression: rbaclint-disable-line suppresses nothing: no cluster-admin-binding finding starts on this line',
    ]);
    expect(result.summary).toMatchObject({ error: 0, warning: 1, note: 4, suppressed: 0 });
  });

  it('is not reported for a rule that did not run, and not at all when disabled', () => {
    expect(keys(run(unused, { disable: ['cluster-admin-binding'] }))).toEqual(ALL_FOUR);
    expect(keys(run(FOUR('    # rbaclint-disable-next-line wildcard-rule\n'), { disable: ['unused-suppression'] }))).toEqual(
      ALL_FOUR.map((k) => k.replace(/^7:/, '8:')),
    );
  });

  it('follows a severity override', () => {
    const result = run(unused, { severities: { 'unused-suppression': 'error' } });
    expect(result.findings.at(-1)!.severity).toBe('error');
  });
});

describe('config ignore (isIgnored)', () => {
  it('suppresses every finding of an ignored file, which still counts for cross-references', () => {
    const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: orders, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: orders }
subjects: [{ kind: ServiceAccount, name: orders, namespace: shop }]
`;
    const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: orders, namespace: shop }
rules: [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }]
`;
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: orders, namespace: shop }\n';
    const sources = [
      { path: 'binding.yaml', text: binding },
      { path: 'generated/role.yaml', text: role },
      { path: 'sa.yaml', text: sa },
    ];
    const plain = lint(sources);
    expect(plain.findings.filter((f) => f.file === 'generated/role.yaml').length).toBeGreaterThan(0);
    const result = lint(sources, { isIgnored: (file) => file.startsWith('generated/') });
    expect(result.findings.filter((f) => f.file === 'generated/role.yaml')).toEqual([]);
    // The role still exists for the binding: no missing-role-ref.
    expect(result.findings.map((f) => f.ruleId)).not.toContain('missing-role-ref');
    expect(result.summary).toMatchObject({ files: 2, objects: 2, suppressed: plain.findings.length - result.findings.length });
    expect(result.suppressed.every((s) => s.kind === 'config')).toBe(true);
  });
});
