import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { JsonPath, Range } from './types.js';

/** Which part of a `key: value` pair a location points at. */
export type Target = 'key' | 'value';

/** The result of resolving a JSON path: the range and whether the whole path existed. */
export interface Located {
  range: Range;
  /** False when the path ended early and the range is that of the closest existing ancestor. */
  exact: boolean;
}

/**
 * For a mapping reached without a key (an object's root, a sequence item): its `kind` key, else its
 * first key, so a missing field is reported on one line instead of across the whole mapping.
 */
function headKey(node: Node): Node | undefined {
  if (!isMap(node) || node.items.length === 0) return undefined;
  const kind = node.items.find((pair) => isScalar(pair.key) && pair.key.value === 'kind');
  const pair = kind ?? node.items[0]!;
  return isScalar(pair.key) ? pair.key : undefined;
}

/** Range of a node's own text (for a collection: from its first to its last character). */
function nodeRange(node: Node, lineCounter: LineCounter): Range {
  const [start, valueEnd] = node.range ?? [0, 0];
  return toRange(start, valueEnd, lineCounter);
}

function toRange(start: number, end: number, lineCounter: LineCounter): Range {
  const s = lineCounter.linePos(start);
  let e = lineCounter.linePos(Math.max(end, start));
  // Block collections and block scalars end after their last line break. End the range on that
  // last line instead (exclusive end = just after its last character) so that it does not name
  // the next line: GitHub shows a PR annotation only when every line of the range is in the diff.
  if (end > start && e.col === 1 && e.line > s.line) e = lineCounter.linePos(end - 1);
  return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
}

/**
 * Resolves a JSON path inside a YAML document to a 1-based range in its file.
 *
 * With `target: 'value'` (the default) the range is the value node; with `'key'` it is the key of the
 * last pair on the path (for a sequence item, the item itself). When a segment does not exist the
 * range is that of the closest existing ancestor, reported at its key where it has one, so a
 * finding about a missing field lands on the line that would hold it.
 */
export function locate(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  path: JsonPath,
  target: Target = 'value',
): Located {
  if (!doc.contents) {
    const start = doc.range[0];
    return { range: toRange(start, start, lineCounter), exact: false };
  }
  const { range, exact } = locateNodeIn(doc.contents, lineCounter, path, target, doc);
  return { range, exact };
}

/**
 * {@link locate} below a root node (a document's contents, or a piece's outline, see outline.ts),
 * with the node whose range it is; `doc` resolves aliases.
 */
export function locateNodeIn(root: Node, lineCounter: LineCounter, path: JsonPath, target: Target = 'value', doc?: Document.Parsed): Located & { node: Node } {
  let node: Node = root;
  let key: Node | null = null;
  for (const segment of path) {
    const current: Node = isAlias(node) && doc ? (node.resolve(doc) ?? node) : node;
    let next: Node | null = null;
    let nextKey: Node | null = null;
    if (isMap(current)) {
      for (const pair of current.items) {
        const k = pair.key;
        const keyValue = isScalar(k) ? k.value : k;
        if (keyValue === segment || (isScalar(k) && String(k.value) === String(segment))) {
          nextKey = isScalar(k) ? k : null;
          next = (pair.value as Node | null) ?? nextKey;
          break;
        }
      }
    } else if (isSeq(current) && typeof segment === 'number') {
      next = (current.items[segment] as Node | undefined) ?? null;
      nextKey = null;
    }
    if (!next) {
      const anchor = key ?? headKey(current) ?? node;
      return { range: nodeRange(anchor, lineCounter), exact: false, node: anchor };
    }
    node = next;
    key = nextKey;
  }
  if (target === 'key' && key) return { range: nodeRange(key, lineCounter), exact: true, node: key };
  return { range: nodeRange(node, lineCounter), exact: true, node };
}
