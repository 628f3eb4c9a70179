import { describe, expect, it } from 'vitest';
import { locate, type Located, type Target } from '../src/parse/locate.js';
import { parseSource } from '../src/parse/parse.js';
import type { JsonPath } from '../src/parse/types.js';

/** Parses `lines` (joined with `eol`) and locates `path` in document `doc`. */
function at(lines: readonly string[], path: JsonPath, options: { doc?: number; target?: Target; eol?: string; bom?: boolean } = {}): Located {
  const text = (options.bom ? '\uFEFF' : '') + lines.join(options.eol ?? '\n') + (options.eol ?? '\n');
  const { file, problems } = parseSource({ path: 'test.yaml', text });
  expect(problems).toEqual([]);
  const doc = file.documents[options.doc ?? 0];
  if (!doc) throw new Error(`no document ${options.doc ?? 0}`);
  return locate(doc, file.lineCounter, path, options.target);
}

/** A range from 1-based [line, column] pairs; the end is exclusive. */
function range(start: [number, number], end: [number, number]) {
  return { start: { line: start[0], column: start[1] }, end: { line: end[0], column: end[1] } };
}

const SERVICE_ACCOUNT = [
  'apiVersion: v1', //                       1
  'kind: ServiceAccount', //                 2
  'metadata:', //                            3
  '  name: web', //                          4
  '  namespace: shop', //                    5
  'automountServiceAccountToken: true', //   6
  'secrets:', //                             7
  '  - name: web-token', //                  8
  '  - name: web-dockercfg', //              9
  'imagePullSecrets: [regcred, mirror]', //  10
];

describe('locate', () => {
  it('a scalar value: from its first character to just after its last', () => {
    expect(at(SERVICE_ACCOUNT, ['metadata', 'namespace'])).toEqual({ range: range([5, 14], [5, 18]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['automountServiceAccountToken'])).toEqual({ range: range([6, 31], [6, 35]), exact: true });
  });

  it("a key with at: 'key'", () => {
    expect(at(SERVICE_ACCOUNT, ['metadata', 'namespace'], { target: 'key' })).toEqual({ range: range([5, 3], [5, 12]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['kind'], { target: 'key' })).toEqual({ range: range([2, 1], [2, 5]), exact: true });
  });

  it('a sequence item: block mapping item, a key inside it, and flow scalar items', () => {
    // A block mapping item ends on its last line (not at column 1 of the next line).
    expect(at(SERVICE_ACCOUNT, ['secrets', 1])).toEqual({ range: range([9, 5], [9, 24]), exact: true });
    // For a sequence item `at: 'key'` has no key to point at: it is the item itself.
    expect(at(SERVICE_ACCOUNT, ['secrets', 1], { target: 'key' })).toEqual({ range: range([9, 5], [9, 24]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['secrets', 0, 'name'])).toEqual({ range: range([8, 11], [8, 20]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['imagePullSecrets', 1])).toEqual({ range: range([10, 29], [10, 35]), exact: true });
  });

  it('a block collection ends on its last line, after its last character', () => {
    expect(at(SERVICE_ACCOUNT, ['metadata'])).toEqual({ range: range([4, 3], [5, 18]), exact: true });
    expect(at(SERVICE_ACCOUNT, [])).toEqual({ range: range([1, 1], [10, 36]), exact: true });
  });

  it('a nested path inside a List item (items[i] prefix)', () => {
    const list = [
      'apiVersion: v1', //                                 1
      'kind: List', //                                     2
      'items:', //                                         3
      '  - apiVersion: v1', //                             4
      '    kind: ServiceAccount', //                       5
      '    metadata:', //                                  6
      '      name: builder', //                            7
      '  - apiVersion: rbac.authorization.k8s.io/v1', //   8
      '    kind: Role', //                                 9
      '    metadata: { name: reader, namespace: ci }', //  10
      '    rules:', //                                     11
      '      - apiGroups: [""]', //                        12
      '        resources: ["secrets", "pods"]', //         13
      '        verbs: ["get"]', //                         14
    ];
    expect(at(list, ['items', 1, 'rules', 0, 'resources', 1])).toEqual({ range: range([13, 32], [13, 38]), exact: true });
    expect(at(list, ['items', 1, 'metadata', 'namespace'])).toEqual({ range: range([10, 42], [10, 44]), exact: true });
    expect(at(list, ['items', 1, 'metadata', 'namespace'], { target: 'key' })).toEqual({ range: range([10, 31], [10, 40]), exact: true });
    expect(at(list, ['items', 0, 'metadata', 'name'])).toEqual({ range: range([7, 13], [7, 20]), exact: true });
    // Missing key in an item: the closest ancestor with a key is `metadata` of that item.
    expect(at(list, ['items', 1, 'metadata', 'labels'])).toEqual({ range: range([10, 5], [10, 13]), exact: false });
    // Missing top-level key of an item: the item has no key of its own, so its `kind:` key (one
    // line, not the whole item).
    expect(at(list, ['items', 0, 'automountServiceAccountToken'])).toEqual({ range: range([5, 5], [5, 9]), exact: false });
    expect(at(list, ['items', 1, 'aggregationRule', 'clusterRoleSelectors'])).toEqual({ range: range([9, 5], [9, 9]), exact: false });
    // Missing key in a rule (a sequence item without `kind`): the item's first key.
    expect(at(list, ['items', 1, 'rules', 0, 'resourceNames'])).toEqual({ range: range([12, 9], [12, 18]), exact: false });
  });

  it('a missing key falls back to the key of the closest existing ancestor, exact: false', () => {
    expect(at(SERVICE_ACCOUNT, ['metadata', 'labels'])).toEqual({ range: range([3, 1], [3, 9]), exact: false });
    expect(at(SERVICE_ACCOUNT, ['metadata', 'labels', 'app'])).toEqual({ range: range([3, 1], [3, 9]), exact: false });
    // A missing sequence index lands on the key of the sequence.
    expect(at(SERVICE_ACCOUNT, ['secrets', 7, 'name'])).toEqual({ range: range([7, 1], [7, 8]), exact: false });
    // A scalar cannot be indexed: the key of the scalar's pair.
    expect(at(SERVICE_ACCOUNT, ['metadata', 'name', 'first'])).toEqual({ range: range([4, 3], [4, 7]), exact: false });
    // A missing top-level key: the document's root mapping has no key, so its `kind:` key.
    expect(at(SERVICE_ACCOUNT, ['spec'])).toEqual({ range: range([2, 1], [2, 5]), exact: false });
    expect(at(SERVICE_ACCOUNT, ['spec', 'template'])).toEqual({ range: range([2, 1], [2, 5]), exact: false });
    // A missing key of a sequence item that has no `kind`: the item's first key.
    expect(at(SERVICE_ACCOUNT, ['secrets', 1, 'namespace'])).toEqual({ range: range([9, 5], [9, 9]), exact: false });
  });

  it('a missing root key without a `kind:` key: the first key of the root; an empty item: the item itself', () => {
    const noKind = ['apiVersion: v1', 'metadata: { name: web }'];
    expect(at(noKind, ['spec'])).toEqual({ range: range([1, 1], [1, 11]), exact: false });
    // `kind` is found wherever it is in the mapping, not only first.
    const kindLast = ['metadata:', '  name: web', 'apiVersion: v1', 'kind: ServiceAccount'];
    expect(at(kindLast, ['automountServiceAccountToken'])).toEqual({ range: range([4, 1], [4, 5]), exact: false });
    // A flow-mapping item: its first key; an empty item has no key, so the item itself.
    const items = ['kind: Role', 'rules:', '  - { verbs: [get], apiGroups: [""] }', '  - {}'];
    expect(at(items, ['rules', 0, 'resources'])).toEqual({ range: range([3, 7], [3, 12]), exact: false });
    expect(at(items, ['rules', 1, 'resources'])).toEqual({ range: range([4, 5], [4, 7]), exact: false });
  });

  it('a flow mapping { a: b }', () => {
    const flow = [
      'kind: Role', //                                              1
      'metadata: { name: reader, namespace: ci }', //               2
      'rules: [{ apiGroups: [""], verbs: [get, "*"] }]', //          3
    ];
    expect(at(flow, ['metadata', 'namespace'])).toEqual({ range: range([2, 38], [2, 40]), exact: true });
    expect(at(flow, ['metadata', 'namespace'], { target: 'key' })).toEqual({ range: range([2, 27], [2, 36]), exact: true });
    expect(at(flow, ['metadata'])).toEqual({ range: range([2, 11], [2, 42]), exact: true });
    expect(at(flow, ['rules', 0, 'verbs', 1])).toEqual({ range: range([3, 41], [3, 44]), exact: true });
    expect(at(flow, ['metadata', 'labels'])).toEqual({ range: range([2, 1], [2, 9]), exact: false });
  });

  it('a document after ---: absolute positions in the file', () => {
    const stream = [
      '# first', //                 1
      'apiVersion: v1', //          2
      'kind: Namespace', //         3
      'metadata: { name: ci }', //  4
      '---', //                     5
      'apiVersion: v1', //          6
      'kind: ServiceAccount', //    7
      'metadata:', //               8
      '  name: deployer', //        9
    ];
    expect(at(stream, ['metadata', 'name'], { doc: 1 })).toEqual({ range: range([9, 9], [9, 17]), exact: true });
    expect(at(stream, ['kind'], { doc: 1, target: 'key' })).toEqual({ range: range([7, 1], [7, 5]), exact: true });
    expect(at(stream, ['metadata', 'namespace'], { doc: 1 })).toEqual({ range: range([8, 1], [8, 9]), exact: false });
    expect(at(stream, ['metadata', 'name'], { doc: 0 })).toEqual({ range: range([4, 19], [4, 21]), exact: true });
  });

  it('a CRLF file: lines and columns as in the LF file', () => {
    const crlf = { eol: '\r\n' };
    expect(at(SERVICE_ACCOUNT, ['metadata', 'namespace'], crlf)).toEqual({ range: range([5, 14], [5, 18]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['metadata', 'namespace'], { ...crlf, target: 'key' })).toEqual({ range: range([5, 3], [5, 12]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['secrets', 0, 'name'], crlf)).toEqual({ range: range([8, 11], [8, 20]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['imagePullSecrets', 1], crlf)).toEqual({ range: range([10, 29], [10, 35]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['metadata', 'labels'], crlf)).toEqual({ range: range([3, 1], [3, 9]), exact: false });
  });

  it('a UTF-8 BOM file: parseSource strips the BOM, line 1 columns count from the visible text', () => {
    const { file } = parseSource({ path: 'bom.yaml', text: `\uFEFF${SERVICE_ACCOUNT.join('\n')}\n` });
    expect(file.text.startsWith('apiVersion')).toBe(true);
    expect(at(SERVICE_ACCOUNT, ['apiVersion'], { bom: true })).toEqual({ range: range([1, 13], [1, 15]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['apiVersion'], { bom: true, target: 'key' })).toEqual({ range: range([1, 1], [1, 11]), exact: true });
    expect(at(SERVICE_ACCOUNT, ['metadata', 'namespace'], { bom: true })).toEqual({ range: range([5, 14], [5, 18]), exact: true });
  });

  it('a path into a block scalar: the scalar from its indicator to the end of its last line', () => {
    const block = [
      'apiVersion: v1', //   1
      'kind: ConfigMap', //  2
      'metadata:', //        3
      '  name: scripts', //  4
      'data:', //            5
      '  run.sh: |', //      6
      '    echo start', //   7
      '    exit 0', //       8
      '  folded: >-', //     9
      '    one', //          10
      '    two', //          11
      '  after: x', //       12
    ];
    expect(at(block, ['data', 'run.sh'])).toEqual({ range: range([6, 11], [8, 11]), exact: true });
    expect(at(block, ['data', 'run.sh'], { target: 'key' })).toEqual({ range: range([6, 3], [6, 9]), exact: true });
    expect(at(block, ['data', 'folded'])).toEqual({ range: range([9, 11], [11, 8]), exact: true });
    // A block scalar has no children: a path into it stops at its key.
    expect(at(block, ['data', 'run.sh', 0])).toEqual({ range: range([6, 3], [6, 9]), exact: false });
    expect(at(block, ['data', 'after'])).toEqual({ range: range([12, 10], [12, 11]), exact: true });
  });

  it('an empty value is an empty range just after the colon', () => {
    expect(at(['metadata:', '  name:', 'spec:'], ['metadata', 'name'])).toEqual({ range: range([2, 8], [2, 8]), exact: true });
  });

  it('a path through an alias resolves to the anchored node', () => {
    const aliased = ['base: &labels { app: web }', 'metadata:', '  labels: *labels'];
    expect(at(aliased, ['metadata', 'labels', 'app'])).toEqual({ range: range([1, 22], [1, 25]), exact: true });
    expect(at(aliased, ['metadata', 'labels'])).toEqual({ range: range([3, 11], [3, 18]), exact: true });
  });
});
