/**
 * Conformance with peer linters (scripts/conformance.mjs): rbaclint's findings on the labelled
 * fixtures of Polaris, Kubescape, KubeLinter and Checkov in ../shared/peers, compared per object
 * with each peer's own verdict. The suite holds the report to its promises: every peer check is in
 * conformance/mapping.yaml, every peer-flagged object matches one compared object, every
 * disagreement is explained in conformance/explanations.yaml (and every explanation still matches
 * one), and docs/conformance.md is what the script generates now.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = path.resolve(root, '../shared/peers');
const HAS_PEERS = existsSync(PEERS);

/** What the tests use of the plain-JavaScript script (it has no type declarations). */
interface Unit {
  peer: string;
  check: string;
  case: string;
  object: string;
  outcome: 'both-flag' | 'both-pass' | 'rbaclint-only' | 'peer-only';
}
interface Comparison {
  units: Unit[];
  unexplained: Unit[];
  problems: string[];
  disagreements: (Unit & { category: string; reason: string })[];
}
interface ConformanceScript {
  DOC_PATH: string;
  compare(): Promise<Comparison>;
  renderMarkdown(result: Comparison): string;
  objectsOf(sources: { path: string; text: string }[]): {
    file: string;
    doc: number;
    item: number | null;
    kind: string;
    namespace: string | null;
    name: string;
    startLine: number;
    endLine: number;
  }[];
}

const script = async (): Promise<ConformanceScript> =>
  (await import(pathToFileURL(path.join(root, 'scripts/conformance.mjs')).href)) as ConformanceScript;

describe('conformance script: locating objects', () => {
  it('one object per document and per List item, with the lines each spans and the namespace as written', async () => {
    const { objectsOf } = await script();
    const text = [
      'apiVersion: v1', //                          1
      'kind: ServiceAccount', //                    2
      'metadata: { name: a, namespace: ns }', //    3
      '---', //                                     4
      'apiVersion: v1', //                          5
      'kind: List', //                              6
      'items:', //                                  7
      '  - kind: Role', //                          8
      '    metadata: { name: r }', //               9
      '  - kind: Role', //                         10
      '    metadata: { name: r }', //              11
      '',
    ].join('\n');
    const objects = objectsOf([{ path: 'x.yaml', text }]).map(({ doc, item, kind, namespace, name, startLine, endLine }) => ({
      doc,
      item,
      kind,
      namespace,
      name,
      lines: [startLine, endLine],
    }));
    expect(objects).toEqual([
      { doc: 0, item: null, kind: 'ServiceAccount', namespace: 'ns', name: 'a', lines: [1, 3] },
      { doc: 1, item: 0, kind: 'Role', namespace: null, name: 'r', lines: [8, 9] },
      { doc: 1, item: 1, kind: 'Role', namespace: null, name: 'r', lines: [10, 11] },
    ]);
  });
});

describe.skipIf(!HAS_PEERS)(`conformance with peer linters ${PEERS}${HAS_PEERS ? '' : ' (skipped: folder absent)'}`, () => {
  let mod: ConformanceScript;
  let result: Comparison;

  beforeAll(async () => {
    mod = await script();
    result = await mod.compare();
  }, 120_000);

  it('maps every peer check, matches every peer-labelled object and keeps the explanations consistent', () => {
    expect(result.problems).toEqual([]);
  });

  it('compares objects of every peer', () => {
    expect(new Set(result.units.map((u) => u.peer))).toEqual(new Set(['polaris', 'kubescape', 'kube-linter', 'checkov']));
  });

  it('explains every disagreement', () => {
    const unexplained = result.unexplained.map((u) => `${u.peer} ${u.check} ${u.case} ${u.object} (${u.outcome})`);
    expect(unexplained, 'add them to conformance/explanations.yaml').toEqual([]);
    for (const d of result.disagreements) expect(d.reason, `${d.peer} ${d.check} ${d.object}`).toMatch(/\S/);
  });

  it('docs/conformance.md is current (npm run conformance regenerates it)', () => {
    const file = path.join(root, mod.DOC_PATH);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    expect(current === mod.renderMarkdown(result), `${mod.DOC_PATH} is stale: run npm run conformance`).toBe(true);
  });
});
