/**
 * Turns a fix's edits (JSON paths inside parsed objects) into the smallest text edits of the file.
 *
 * The nodes come from the `yaml` Document the parser built, with their source ranges; the edit
 * replaces exactly the bytes of one scalar or key, inserts one line, or removes one line. Comments,
 * key order, quoting, indentation, line endings and the other documents stay byte for byte as the
 * user wrote them, which re-stringifying a Document would not guarantee (it re-indents sequences,
 * re-folds long strings and normalises spacing).
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { FixEdit } from '../engine/finding.js';
import type { JsonPath } from '../parse/types.js';

/** Replace `text.slice(start, end)` by `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The splice of one edit, or why there is none (the file keeps its text). */
export type SpliceResult = { splice: Splice } | { unsupported: string };

/** Computes the text edit for one fix edit, given the parsed document it names and the file's text. */
export function spliceFor(edit: FixEdit, doc: Document.Parsed | undefined, text: string): SpliceResult {
  if (!doc) return { unsupported: 'the document is gone' };
  const full = [...edit.pathPrefix, ...edit.path];
  const parent = nodeAt(doc.contents, full.slice(0, -1));
  const key = full.at(-1);
  if (parent === undefined || typeof key !== 'string') return { unsupported: `${describe(full)} is not in a mapping` };
  if (!isMap(parent)) return { unsupported: `${describe(full.slice(0, -1))} is not a mapping` };
  const pair = pairOf(parent, key);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  switch (edit.op) {
    case 'set': {
      if (pair) {
        if (!isScalar(pair.value) || !pair.value.range) return { unsupported: `${describe(full)} is not a plain value` };
        if (pair.value.type === Scalar.BLOCK_FOLDED || pair.value.type === Scalar.BLOCK_LITERAL) {
          return { unsupported: `${describe(full)} is a block scalar` };
        }
        const [start, end] = pair.value.range;
        return { splice: { start, end, text: formatScalar(edit.value, pair.value.type) } };
      }
      return insertPair(parent, key, edit.value, edit.after ?? [], text, eol);
    }
    case 'rename': {
      if (!pair || !isScalar(pair.key) || !pair.key.range) return { unsupported: `${describe(full)} is missing` };
      if (pairOf(parent, edit.to)) return { unsupported: `${describe([...full.slice(0, -1), edit.to])} exists already` };
      const [start, end] = pair.key.range;
      return { splice: { start, end, text: formatScalar(edit.to, pair.key.type) } };
    }
    case 'remove': {
      if (!pair || !isScalar(pair.key) || !pair.key.range) return { unsupported: `${describe(full)} is missing` };
      const keyStart = pair.key.range[0];
      if (parent.flow) {
        // `{a: 1, b: 2}`: up to the next key, or from the previous value when it is the last pair.
        const at = parent.items.indexOf(pair);
        const next = parent.items[at + 1];
        const nextStart = next && startOf(next);
        if (nextStart !== undefined) return { splice: { start: keyStart, end: nextStart, text: '' } };
        const previous = parent.items[at - 1];
        return { splice: { start: previous ? valueEnd(previous) : keyStart, end: valueEnd(pair), text: '' } };
      }
      const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
      // Only a pair that has its lines to itself: nothing but indentation before the key.
      if (text.slice(lineStart, keyStart).trim() !== '') return { unsupported: `${describe(full)} shares its line` };
      const stop = lineEnd(text, valueEnd(pair));
      const end = text.startsWith('\r\n', stop) ? stop + 2 : text[stop] === '\n' ? stop + 1 : stop;
      return { splice: { start: lineStart, end, text: '' } };
    }
  }
}

/** A new `key: value` pair in a mapping. */
function insertPair(map: YAMLMap, key: string, value: string | boolean, after: readonly string[], text: string, eol: string): SpliceResult {
  const first = map.items[0];
  if (map.flow) {
    const pairText = `${JSON.stringify(key)}: ${formatScalar(value, Scalar.QUOTE_DOUBLE)}`;
    if (!first) {
      if (!map.range) return { unsupported: 'the mapping has no position' };
      return { splice: { start: map.range[0] + 1, end: map.range[0] + 1, text: pairText } };
    }
    const keyStart = startOf(first);
    if (keyStart === undefined) return { unsupported: 'the mapping has no position' };
    // A JSON or flow mapping written one key per line gets the new key on a line of its own.
    const before = text.slice(text.lastIndexOf('\n', keyStart - 1) + 1, keyStart);
    const separator = before.trim() === '' ? `,${eol}${before}` : ', ';
    return { splice: { start: keyStart, end: keyStart, text: `${pairText}${separator}` } };
  }
  if (!first) return { unsupported: 'the mapping is empty' };
  const firstStart = startOf(first);
  if (firstStart === undefined) return { unsupported: 'the mapping has no position' };
  const indent = ' '.repeat(firstStart - (text.lastIndexOf('\n', firstStart - 1) + 1));
  const pairText = `${key}: ${formatScalar(value, Scalar.PLAIN)}`;
  for (const name of after) {
    const anchor = pairOf(map, name);
    if (!anchor) continue;
    const at = lineEnd(text, valueEnd(anchor));
    return { splice: { start: at, end: at, text: `${eol}${indent}${pairText}` } };
  }
  // Before the first key, above the comment lines that belong to it, on a line of its own.
  const lineStart = text.lastIndexOf('\n', firstStart - 1) + 1;
  if (text.slice(lineStart, firstStart).trim() !== '') return { splice: { start: firstStart, end: firstStart, text: `${pairText}${eol}${indent}` } };
  let at = lineStart;
  while (at > 0) {
    const above = text.lastIndexOf('\n', at - 2) + 1;
    const line = text.slice(above, at).replace(/\r?\n$/, '');
    if (!line.startsWith(`${indent}#`)) break;
    at = above;
  }
  return { splice: { start: at, end: at, text: `${indent}${pairText}${eol}` } };
}

/** The node at a path (through mappings and sequences, never through aliases), or undefined. */
function nodeAt(node: unknown, path: JsonPath): Node | undefined {
  let current = node;
  for (const segment of path) {
    if (isAlias(current)) return undefined;
    if (isMap(current) && typeof segment === 'string') current = pairOf(current, segment)?.value;
    else if (isSeq(current) && typeof segment === 'number') current = current.items[segment];
    else return undefined;
  }
  return isAlias(current) ? undefined : (current as Node | undefined);
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? p.key.value === key : p.key === key)) as Pair | undefined;
}

/** Offset of a pair's key in the text. */
function startOf(pair: Pair): number | undefined {
  return isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

/** Offset just after a pair's value (its key when the value is empty). */
function valueEnd(pair: Pair): number {
  const value = pair.value as Node | null;
  const end = value?.range?.[1] ?? (pair.key as Node | null)?.range?.[1] ?? 0;
  return end;
}

/**
 * The end of the line holding the character before `offset` (before its line break), so an insert
 * there comes after any comment that ends the line. Block scalars end after their line break.
 */
function lineEnd(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && (text[at - 1] === '\n' || text[at - 1] === '\r')) at--;
  const newline = text.indexOf('\n', at);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** A scalar in the style the old one was written in (quotes kept; plain only when it reads the same). */
function formatScalar(value: string | boolean, type: Scalar.Type | undefined): string {
  if (typeof value === 'boolean') return String(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  if (type === Scalar.QUOTE_DOUBLE || !/^[A-Za-z][A-Za-z0-9._/-]*$/.test(value) || /^(y|n|yes|no|on|off|true|false|null)$/i.test(value)) {
    return JSON.stringify(value);
  }
  return value;
}

function describe(path: JsonPath): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replaceAll('.[', '[') || 'the document';
}
