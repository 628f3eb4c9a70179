import { describe, expect, it } from 'vitest';
import { parseSource, type ParsedSource } from '../src/parse/parse.js';
import { locate } from '../src/parse/locate.js';

function parse(lines: readonly string[]): ParsedSource {
  return parseSource({ path: 'in.yaml', text: `${lines.join('\n')}\n` });
}

/** What a test cares about in a manifest. */
function summary(parsed: ParsedSource) {
  return parsed.manifests.map((m) => ({
    docIndex: m.docIndex,
    pathPrefix: m.pathPrefix,
    kind: m.object.kind,
    name: (m.object.metadata as { name?: string } | undefined)?.name,
    ...(m.helmSource === undefined ? {} : { helmSource: m.helmSource }),
  }));
}

/** Problems as plain data: rule, [line, column] of start and end, message. */
function problems(parsed: ParsedSource) {
  return parsed.problems.map((p) => ({
    ruleId: p.ruleId,
    at: [p.range.start.line, p.range.start.column, p.range.end.line, p.range.end.column],
    message: p.message,
    ...(p.helmSource === undefined ? {} : { helmSource: p.helmSource }),
  }));
}

const TEMPLATE_MESSAGE =
  'Unrendered Helm/Go template action: this file is a chart template, not a manifest; lint the output of "helm template" instead';

describe('parseSource', () => {
  it('a multi-document stream: empty, comment-only and non-object documents yield nothing', () => {
    const parsed = parse([
      '---', //                                   doc 0: empty
      '---', //                                   doc 1
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: { name: first }',
      '---', //                                   doc 2: comment only
      '# nothing here',
      '---', //                                   doc 3: blank
      '',
      '---', //                                   doc 4
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: { name: second }',
      '...',
      '---', //                                   doc 5: null
      'null',
      '---', //                                   doc 6: a sequence
      '- a',
      '---', //                                   doc 7: a string
      'just text',
    ]);
    expect(summary(parsed)).toEqual([
      { docIndex: 1, pathPrefix: [], kind: 'ServiceAccount', name: 'first' },
      { docIndex: 4, pathPrefix: [], kind: 'ServiceAccount', name: 'second' },
    ]);
    expect(parsed.problems).toEqual([]);
    // Every document is kept for positioning, so docIndex always indexes file.documents.
    expect(parsed.file.documents).toHaveLength(8);
    expect(parsed.manifests[1]!.object).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'second' } });
  });

  it('List and RoleList: one manifest per object item, with the path prefix ["items", i]', () => {
    const parsed = parse([
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: ServiceAccount',
      '    metadata: { name: a }',
      '  - 42', //                         not an object: skipped, indices keep their meaning
      '  - apiVersion: v1',
      '    kind: ServiceAccount',
      '    metadata: { name: b }',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleList',
      'items:',
      '  - apiVersion: rbac.authorization.k8s.io/v1',
      '    kind: Role',
      '    metadata: { name: reader, namespace: ci }',
      '    rules: []',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items: []',
    ]);
    expect(summary(parsed)).toEqual([
      { docIndex: 0, pathPrefix: ['items', 0], kind: 'ServiceAccount', name: 'a' },
      { docIndex: 0, pathPrefix: ['items', 2], kind: 'ServiceAccount', name: 'b' },
      { docIndex: 1, pathPrefix: ['items', 0], kind: 'Role', name: 'reader' },
    ]);
    expect(parsed.manifests[2]!.object).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'ci' },
      rules: [],
    });
  });

  it('a kind ending in List without items is an ordinary object', () => {
    const parsed = parse(['apiVersion: example.com/v1', 'kind: AllowList', 'metadata: { name: x }', 'spec: {}']);
    expect(summary(parsed)).toEqual([{ docIndex: 0, pathPrefix: [], kind: 'AllowList', name: 'x' }]);
  });

  it('Helm "# Source:" applies to its document and the following ones, also for the first document', () => {
    const parsed = parse([
      '# Source: shop/templates/serviceaccount.yaml', //  before the first document, no ---
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: { name: web }',
      '---',
      '# Source: shop/charts/db/templates/rbac.yaml',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata: { name: db }',
      '---', //                                             no comment: still from rbac.yaml
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: { name: db }',
      '---',
      '#   Source:   shop/templates/list.yaml   ', //         spaces around are not part of it
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - { apiVersion: v1, kind: ServiceAccount, metadata: { name: in-list } }',
    ]);
    expect(summary(parsed)).toEqual([
      { docIndex: 0, pathPrefix: [], kind: 'ServiceAccount', name: 'web', helmSource: 'shop/templates/serviceaccount.yaml' },
      { docIndex: 1, pathPrefix: [], kind: 'Role', name: 'db', helmSource: 'shop/charts/db/templates/rbac.yaml' },
      { docIndex: 2, pathPrefix: [], kind: 'RoleBinding', name: 'db', helmSource: 'shop/charts/db/templates/rbac.yaml' },
      { docIndex: 3, pathPrefix: ['items', 0], kind: 'ServiceAccount', name: 'in-list', helmSource: 'shop/templates/list.yaml' },
    ]);
  });

  it('Helm output as "helm template" prints it: --- then # Source: before every document', () => {
    const parsed = parse([
      '---',
      '# Source: shop/templates/serviceaccount.yaml',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: web',
      '---',
      '# Source: shop/templates/role.yaml',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata:',
      '  name: web',
    ]);
    expect(summary(parsed).map((m) => m.helmSource)).toEqual(['shop/templates/serviceaccount.yaml', 'shop/templates/role.yaml']);
  });

  it('a file without "# Source:" gives no helmSource', () => {
    const parsed = parse(['# Source code of the app is elsewhere', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata: { name: a }']);
    // "Source code of…" is not "Source: <path>".
    expect(parsed.manifests[0]!.helmSource).toBeUndefined();
  });

  it('a YAML syntax error is a parse-error at the parser position; the other documents still yield manifests', () => {
    const parsed = parse([
      'apiVersion: v1', //                1
      'kind: ServiceAccount', //          2
      'metadata: { name: before }', //    3
      '---', //                           4
      'apiVersion: v1', //                5
      'kind: ServiceAccount', //          6
      'metadata:', //                     7
      '  name: broken', //                8
      '   namespace: x', //               9   over-indented: a nested mapping in a compact one
      '---', //                           10
      'apiVersion: v1', //                11
      'kind: ServiceAccount', //          12
      'metadata: { name: after }', //     13
    ]);
    expect(problems(parsed)).toEqual([
      { ruleId: 'parse-error', at: [8, 9, 8, 10], message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' },
    ]);
    expect(summary(parsed)).toEqual([
      { docIndex: 0, pathPrefix: [], kind: 'ServiceAccount', name: 'before' },
      { docIndex: 2, pathPrefix: [], kind: 'ServiceAccount', name: 'after' },
    ]);
  });

  it("the parser's errors capture no stack trace, and the process's Error.stackTraceLimit is left as it was", () => {
    const broken = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: broken\n   namespace: x\n';
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      // The full parse, and a piece the value path hands to the parser (a flow mapping over lines).
      for (const options of [{}, { composeKinds: new Set(['ServiceAccount']), lintValues: true }]) {
        const parsed = parseSource({ path: 'in.yaml', text: broken }, options);
        expect(problems(parsed)).toEqual([
          { ruleId: 'parse-error', at: [4, 9, 4, 10], message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' },
        ]);
        const errors = parsed.file.documents.flatMap((doc) => doc.errors);
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error.stack).not.toMatch(/\n\s+at /);
        const piece = parseSource({ path: 'in.yaml', text: 'kind: ServiceAccount\nmetadata: {\n  name: a }\n' }, options);
        expect(piece.manifests.map((m) => m.object)).toEqual([{ kind: 'ServiceAccount', metadata: { name: 'a' } }]);
        expect(Error.stackTraceLimit).toBe(17);
      }
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  it('positions after a broken document are exact: the parser skips a line break there, the line index does not', () => {
    const lines = [
      'kind: Role', //                        1
      'apiVersion: v1', //                    2
      'a: "x" y', //                          3   text after a quoted scalar
      ' a: x', //                             4   (the parser reports no line break before this line)
      '---', //                               5
      'apiVersion: v1', //                    6
      'kind: ServiceAccount', //              7
      'metadata: { name: after }', //         8
    ];
    for (const parsed of [parse(lines), parseSource({ path: 'm.yaml', text: `${lines.join('\n')}\n` }, { composeKinds: new Set(['ServiceAccount']) })]) {
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [3, 4, 3, 5], message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' }]);
      const after = parsed.manifests[0]!;
      const at = locate(parsed.file.documents[after.docIndex]!, parsed.file.lineCounter, ['metadata', 'name']).range.start;
      expect([after.object.kind, at.line, at.column]).toEqual(['ServiceAccount', 8, 19]);
    }
  });

  it('an unclosed flow sequence is reported where the parser notices it', () => {
    const parsed = parse(['kind: Role', 'rules:', '  - verbs: [get, list', 'metadata: { name: x }']);
    expect(problems(parsed)).toEqual([
      {
        ruleId: 'parse-error',
        at: [4, 1, 4, 2],
        message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
    expect(parsed.manifests).toEqual([]);
  });

  it('a tab used as indentation is a parse-error at the tab', () => {
    const parsed = parse(['kind: ServiceAccount', 'metadata:', '\tname: x']);
    expect(problems(parsed)).toEqual([
      { ruleId: 'parse-error', at: [3, 1, 3, 2], message: 'YAML syntax error: Tabs are not allowed as indentation' },
    ]);
  });

  it('duplicate keys are a parse-error at the second key', () => {
    const parsed = parse([
      'apiVersion: rbac.authorization.k8s.io/v1', // 1
      'kind: RoleBinding', //                        2
      'metadata:', //                                3
      '  name: ci', //                               4
      'roleRef: { kind: ClusterRole, name: view }', // 5
      'roleRef: { kind: ClusterRole, name: cluster-admin }', // 6
    ]);
    expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [6, 1, 6, 2], message: 'YAML syntax error: Map keys must be unique' }]);
    expect(parsed.manifests).toEqual([]);
  });

  it('"{{ … }}" that breaks the YAML is unrendered-template at the first "{{", up to its "}}"', () => {
    const parsed = parse([
      '{{- if .Values.rbac.create }}', //                   1
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: {{ include "shop.fullname" . }}',
      '{{- end }}',
    ]);
    expect(problems(parsed)).toEqual([{ ruleId: 'unrendered-template', at: [1, 1, 1, 30], message: TEMPLATE_MESSAGE }]);
    expect(parsed.manifests).toEqual([]);
  });

  it('"{{ … }}" that happens to be valid YAML (a mapping as a key) is unrendered-template too', () => {
    const parsed = parse([
      'apiVersion: v1', //                         1
      'kind: Service', //                          2
      'metadata:', //                              3
      '  name: web', //                            4
      '  labels:', //                              5
      '    release: {{ .Release.Name }}', //       6  {{ .Release.Name }} is { { .Release.Name }: null }
      '---',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: { name: rendered }',
    ]);
    // Not a parse error, yet not a manifest either: reported where the template starts.
    expect(problems(parsed)).toEqual([{ ruleId: 'unrendered-template', at: [6, 14, 6, 33], message: TEMPLATE_MESSAGE }]);
    expect(summary(parsed)).toEqual([{ docIndex: 1, pathPrefix: [], kind: 'ServiceAccount', name: 'rendered' }]);
  });

  it('"{{" inside quoted strings and block scalars of a rendered manifest is data, not a template', () => {
    const parsed = parse([
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: alerts }',
      'data:',
      '  summary: "Pod {{ $labels.pod }} is down"',
      '  template: |',
      '    {{ range .Alerts }}{{ .Labels.alertname }}{{ end }}',
    ]);
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifests[0]!.object.data).toEqual({
      summary: 'Pod {{ $labels.pod }} is down',
      template: '{{ range .Alerts }}{{ .Labels.alertname }}{{ end }}\n',
    });
  });

  it('an alias bomb ("billion laughs") is rejected with a parse-error, quickly and without expanding it', () => {
    const levels = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i <= 9; i++) levels.push(`lol${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const started = performance.now();
    const parsed = parse(['apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: laughs }', 'data:', ...levels.map((l) => `  ${l}`)]);
    const elapsed = performance.now() - started;
    expect(problems(parsed)).toEqual([
      {
        ruleId: 'parse-error',
        at: [6, 14, 6, 17],
        message: 'YAML aliases expand to more than 1000 nodes (an alias bomb); rbaclint does not expand them',
      },
    ]);
    expect(parsed.manifests).toEqual([]);
    // 9^10 strings would take minutes and gigabytes; the bound stops it in milliseconds.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('a few ordinary aliases are expanded', () => {
    const parsed = parse([
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata: { name: r }',
      'rules:',
      '  - { apiGroups: [""], resources: [pods], verbs: &read [get, list, watch] }',
      '  - { apiGroups: [""], resources: [configmaps], verbs: *read }',
    ]);
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifests[0]!.object.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it('JSON input', () => {
    const parsed = parseSource({
      path: 'sa.json',
      text: '{\n  "apiVersion": "v1",\n  "kind": "ServiceAccount",\n  "metadata": {"name": "api", "namespace": "shop"},\n  "automountServiceAccountToken": false\n}\n',
    });
    expect(parsed.problems).toEqual([]);
    expect(summary(parsed)).toEqual([{ docIndex: 0, pathPrefix: [], kind: 'ServiceAccount', name: 'api' }]);
    expect(parsed.manifests[0]!.object).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'api', namespace: 'shop' },
      automountServiceAccountToken: false,
    });
  });

  it('a JSON List on one line', () => {
    const parsed = parseSource({
      path: 'list.json',
      text: '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a"}}]}',
    });
    expect(summary(parsed)).toEqual([{ docIndex: 0, pathPrefix: ['items', 0], kind: 'ServiceAccount', name: 'a' }]);
  });

  it('concatenated JSON objects (jq -c output) are a stream, one document each, as kubectl reads them', () => {
    const sa = (name: string) => `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"${name}"}}`;
    const glued = parseSource({ path: 'sa.json', text: `${sa('a')}${sa('b')}` });
    expect(glued.problems).toEqual([]);
    expect(summary(glued)).toEqual([
      { docIndex: 0, pathPrefix: [], kind: 'ServiceAccount', name: 'a' },
      { docIndex: 1, pathPrefix: [], kind: 'ServiceAccount', name: 'b' },
    ]);
    // Positions are those of each object in the file.
    const lines = parseSource({ path: 'sa.json', text: `${sa('a')}\n  ${sa('b')}\n` });
    const second = lines.manifests[1]!;
    const name = locate(second.file.documents[second.docIndex]!, second.file.lineCounter, ['metadata', 'name']).range;
    expect([name.start.line, name.start.column]).toEqual([2, 65]);
    // Each object is strict JSON on its own: a trailing comma in one is reported there, the others are read.
    const broken = parseSource({ path: 'sa.json', text: `${sa('a')}\n${sa('b').replace('"b"', '"b",')}\n${sa('c')}\n` });
    expect(problems(broken)).toEqual([{ ruleId: 'parse-error', at: [2, 67, 2, 68], message: 'JSON syntax error: Expected double-quoted property name' }]);
    expect(summary(broken).map((m) => m.name)).toEqual(['a', 'c']);
    // An object left open at the end is reported, after the ones before it.
    const open = parseSource({ path: 'sa.json', text: `${sa('a')}\n${sa('b').slice(0, -1)}` });
    expect(summary(open).map((m) => m.name)).toEqual(['a']);
    expect(problems(open).map((p) => [p.ruleId, p.at[0]])).toEqual([['parse-error', 2]]);
  });

  it('broken JSON is a parse-error of the JSON parser, at the token it stops on', () => {
    const parsed = parseSource({ path: 'bad.json', text: '{\n  "apiVersion": "v1",\n  "kind": "ServiceAccount"\n  "metadata": {}\n}\n' });
    expect(problems(parsed)).toEqual([
      { ruleId: 'parse-error', at: [4, 3, 4, 4], message: "JSON syntax error: Expected ',' or '}' after property value" },
    ]);
    expect(parsed.manifests).toEqual([]);
  });

  describe('parse problems of Helm output, templates in quotes, unclosed quotes, strict JSON', () => {
    it('parse-error and unrendered-template in a Helm-rendered stream carry the helmSource of their document', () => {
      const parsed = parse([
        'apiVersion: v1', //                                  1  before any "# Source:"
        'kind: ServiceAccount', //                            2
        'metadata:', //                                       3
        '  name: a', //                                       4
        '   namespace: x', //                                 5
        '---', //                                             6
        '# Source: shop/templates/serviceaccount.yaml', //    7
        'apiVersion: v1', //                                  8
        'kind: ServiceAccount', //                            9
        'metadata:', //                                       10
        '  name: web', //                                     11
        '   namespace: x', //                                 12
        '---', //                                             13
        '# Source: shop/templates/role.yaml', //              14
        'apiVersion: rbac.authorization.k8s.io/v1', //        15
        'kind: Role', //                                      16
        'metadata:', //                                       17
        '  name: {{ include "shop.fullname" . }}', //         18  breaks the YAML
        '---', //                                             19  no comment: still role.yaml
        'apiVersion: rbac.authorization.k8s.io/v1', //        20
        'kind: RoleBinding', //                               21
        'metadata:', //                                       22
        '  labels:', //                                       23
        '    release: {{ .Release.Name }}', //                24  valid YAML
        '  name: web', //                                     25
      ]);
      expect(problems(parsed)).toEqual([
        { ruleId: 'parse-error', at: [4, 9, 4, 10], message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' },
        {
          ruleId: 'parse-error',
          at: [11, 9, 11, 10],
          message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
          helmSource: 'shop/templates/serviceaccount.yaml',
        },
        { ruleId: 'unrendered-template', at: [18, 9, 18, 40], message: TEMPLATE_MESSAGE, helmSource: 'shop/templates/role.yaml' },
        { ruleId: 'unrendered-template', at: [24, 14, 24, 33], message: TEMPLATE_MESSAGE, helmSource: 'shop/templates/role.yaml' },
      ]);
      expect(parsed.manifests).toEqual([]);
    });

    it('a broken document whose only "{{" are inside quotes or comments is a parse-error, not unrendered-template', () => {
      const parsed = parse([
        'apiVersion: v1', //                                  1
        'kind: ConfigMap', //                                 2
        'metadata:', //                                       3
        '  name: alerts # {{ not .Values here }}', //         4
        'data:', //                                           5
        '  summary: "Pod {{ $labels.pod }} is down"', //      6
        "  single: '{{ .CommonLabels.team }}'", //            7
        '   other: x', //                                     8  the real mistake
      ]);
      expect(problems(parsed)).toEqual([
        { ruleId: 'parse-error', at: [8, 1, 8, 2], message: 'YAML syntax error: All mapping items must start at the same column' },
      ]);
    });

    const HELM_ACTIONS: [string, string][] = [
      ['.Values', '"{{ .Values.serviceAccount.name }}"'],
      ['.Release', '"{{ .Release.Name }}-web"'],
      ['.Chart', '"{{ .Chart.Name }}"'],
      ['.Capabilities', '"{{ .Capabilities.KubeVersion.Major }}"'],
      ['.Files', `'{{ .Files.Get "name.txt" }}'`],
      ['.Template', '"{{ .Template.BasePath }}"'],
      ['include "', `'{{- include "shop.fullname" . }}'`],
    ];
    it.for(HELM_ACTIONS)('a Helm action (%s) inside quotes of a document that parses is unrendered-template', ([, value]) => {
      const parsed = parse([
        '# Source: shop/templates/serviceaccount.yaml', //    1
        'apiVersion: v1', //                                  2
        'kind: ServiceAccount', //                            3
        'metadata:', //                                       4
        `  name: ${value}`, //                                5
      ]);
      // From the "{{" (inside the quote) to just after its "}}".
      const open = 9 + value.indexOf('{{');
      const close = 9 + value.indexOf('}}') + 2;
      expect(problems(parsed)).toEqual([
        { ruleId: 'unrendered-template', at: [5, open, 5, close], message: TEMPLATE_MESSAGE, helmSource: 'shop/templates/serviceaccount.yaml' },
      ]);
      expect(parsed.manifests).toEqual([]);
    });

    it('a Helm action inside quotes of a broken document is unrendered-template at the action, not a parse-error', () => {
      const parsed = parse([
        'apiVersion: v1', //                                  1
        'kind: ServiceAccount', //                            2
        'metadata:', //                                       3
        '  name: "{{ .Release.Name }}"', //                   4
        '   namespace: x', //                                 5
      ]);
      expect(problems(parsed)).toEqual([{ ruleId: 'unrendered-template', at: [4, 10, 4, 29], message: TEMPLATE_MESSAGE }]);
    });

    it('Go templates of other tools inside quotes are data: no problem, the manifest is kept', () => {
      const parsed = parse([
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: { name: alertmanager-templates }',
        'data:',
        '  title: "{{ .CommonLabels.alertname }} on {{ .GroupLabels.cluster }}"',
        `  body: '{{ template "slack.default.text" . }}'`,
        '  values: "{{ .ValuesFrom }}"', //  not .Values
      ]);
      expect(parsed.problems).toEqual([]);
      expect(parsed.manifests[0]!.object.data).toEqual({
        title: '{{ .CommonLabels.alertname }} on {{ .GroupLabels.cluster }}',
        body: '{{ template "slack.default.text" . }}',
        values: '{{ .ValuesFrom }}',
      });
    });

    it('an unclosed double quote is reported at the opening quote, not at the end of the file', () => {
      const parsed = parse([
        'apiVersion: v1', //         1
        'kind: ServiceAccount', //   2
        'metadata:', //              3
        '  name: "web', //           4
        '  namespace: shop', //      5
        'secrets:', //               6
        '  - name: a', //            7
      ]);
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [4, 9, 4, 10], message: 'YAML syntax error: Missing closing "quote' }]);
    });

    it("an unclosed single quote ('' is an escaped quote) is reported at the opening quote", () => {
      const parsed = parse(['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', "  name: 'it''s", '  namespace: shop']);
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [4, 9, 4, 10], message: "YAML syntax error: Missing closing 'quote" }]);
    });

    it('an unclosed quote after closed ones on earlier lines: the quote that is left open', () => {
      const parsed = parse([
        'apiVersion: v1', //          1
        'kind: ConfigMap', //         2
        'metadata: { name: a }', //   3
        'data:', //                   4
        '  a: "ok"', //               5
        '  b: "x', //                 6
        '  c: y', //                  7
      ]);
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [6, 6, 6, 7], message: 'YAML syntax error: Missing closing "quote' }]);
    });

    it('a stream starting with "{" is strict JSON: a trailing comma is a parse-error at the token after it', () => {
      const parsed = parseSource({
        path: 'sa.json',
        text: '{\n  "apiVersion": "v1",\n  "kind": "ServiceAccount",\n  "metadata": { "name": "a", },\n  "automountServiceAccountToken": false\n}\n',
      });
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [4, 30, 4, 31], message: 'JSON syntax error: Expected double-quoted property name' }]);
      expect(parsed.manifests).toEqual([]);
    });

    it('leading blank lines do not hide the "{": still strict JSON, also for a .yaml file', () => {
      const parsed = parseSource({ path: 'sa.yaml', text: '\n  \n{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"},}\n' });
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [3, 74, 3, 75], message: 'JSON syntax error: Expected double-quoted property name' }]);
    });

    it('a YAML flow mapping at the start of the stream is read as JSON too (kubectl does), so unquoted keys are an error', () => {
      const parsed = parseSource({ path: 'sa.yaml', text: '{apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n' });
      expect(problems(parsed)).toEqual([{ ruleId: 'parse-error', at: [1, 2, 1, 3], message: "JSON syntax error: Expected property name or '}'" }]);
    });

    it('a JSON object followed by more YAML documents is left to the YAML parser; "{{" at the start is a template, not JSON', () => {
      const stream = parseSource({
        path: 'mixed.yaml',
        text: '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: b }\n',
      });
      expect(stream.problems).toEqual([]);
      expect(summary(stream).map((m) => m.name)).toEqual(['a', 'b']);
      const template = parseSource({ path: 't.yaml', text: '{{- if .Values.rbac.create }}\napiVersion: v1\n{{- end }}\n' });
      expect(problems(template)).toEqual([{ ruleId: 'unrendered-template', at: [1, 1, 1, 30], message: TEMPLATE_MESSAGE }]);
    });
  });

  it('YAML 1.1 scalars as kubectl (sigs.k8s.io/yaml) reads them: yes/no/on/off are booleans', () => {
    const parsed = parse([
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: { name: a }',
      'automountServiceAccountToken: yes',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: p }',
      'spec:',
      '  automountServiceAccountToken: off',
      '  hostNetwork: No',
      '  hostPID: On',
      '  serviceAccountName: "yes"', //  quoted: a string
    ]);
    expect(parsed.manifests[0]!.object.automountServiceAccountToken).toBe(true);
    expect(parsed.manifests[1]!.object.spec).toEqual({
      automountServiceAccountToken: false,
      hostNetwork: false,
      hostPID: true,
      serviceAccountName: 'yes',
    });
  });

  it('a UTF-8 BOM is stripped from the text', () => {
    const parsed = parseSource({ path: 'bom.yaml', text: '\uFEFFapiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a }\n' });
    expect(parsed.file.text).toBe('apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a }\n');
    expect(summary(parsed)).toEqual([{ docIndex: 0, pathPrefix: [], kind: 'ServiceAccount', name: 'a' }]);
  });

  it('an empty file has no documents, no manifests and no problems', () => {
    const parsed = parseSource({ path: 'empty.yaml', text: '' });
    expect(parsed.manifests).toEqual([]);
    expect(parsed.problems).toEqual([]);
  });
});
