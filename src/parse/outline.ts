import { Pair, Scalar, YAMLMap, YAMLSeq, isScalar, type Node } from 'yaml';
import type { Outline } from './types.js';
import { FLOW_TOKEN, GIVE_UP, GiveUp, Lines, doubleQuotedClose, doubleQuotedEnd, flowScalar, isDashAt, keyAt, looksLikeEntry } from './fast.js';
import { plainEnd } from './line-scan.js';

/**
 * The outline of a piece the value path read as block YAML (a document or a List item): its
 * mappings, sequences and scalars with the ranges the YAML composer gives them, built from its
 * lines without the parser. Findings are positioned on it (see engine `rangeIn`), so the pieces
 * that hold findings are not composed. Scalars keep no value; keys keep theirs.
 *
 * Only what the reader accepts is outlined; returns undefined for anything else (the piece is then
 * composed). Comment lines in the content are skipped, and noted: the parser attaches a comment
 * line to the node before or after it by rules of its own, which move where a collection or an
 * empty value ends, so in such an outline a collection or empty value that a comment line follows
 * (before the next content) is not positioned ({@link Outline.exact}). It reads keys, dashes and
 * flow items with the reader's own functions (fast.ts).
 */
export function outline(text: string, start: number, end: number): Outline | undefined {
  const lines = new Lines(text, Math.max(16, (end - start) >> 4));
  lines.reset(start, end);
  const builder = new Outliner(lines, end);
  let root: Node;
  try {
    root = builder.root();
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
  const commented = builder.commented;
  return { root, commented, exact: (node) => !commented || exactWithComments(lines, node) };
}

/**
 * {@link Outline.exact} in a piece with comment lines: a comment line never moves where a key or a
 * scalar with text starts and ends, nor a node it comes before (it is attached to what follows),
 * but one between a collection's (or an empty value's) last line and the next content can move
 * where that ends. Shown on random documents and every corpus piece (test/fast-path.test.ts).
 */
function exactWithComments(lines: Lines, node: Node): boolean {
  const range = node.range;
  if (!range) return false;
  const [start, valueEnd, nodeEnd] = range;
  if (isScalar(node) && valueEnd > start) return true;
  // A collection's or an empty value's end: is a comment line between its last content line and the next?
  const { starts, types } = lines;
  // The last line starting before the node's end, then back to its last content line.
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! < nodeEnd) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && types[lo] !== 0) lo--;
  for (let i = lo + 1; i < lines.length; i++) {
    if (types[i] === 2) return false;
    if (types[i] === 0) break;
  }
  return true;
}

/** A node with the composer's range: start, end of the value, end of the node (with what the parser attaches after it). */
function ranged<T extends Node>(node: T, start: number, valueEnd: number, nodeEnd = valueEnd): T {
  node.range = [start, valueEnd, nodeEnd];
  return node;
}

class Outliner {
  private i = 0;
  private content = false;
  /** A comment line was met in the content. */
  commented = false;
  readonly text: string;
  constructor(
    readonly lines: Lines,
    /** Where the piece ends. */
    readonly end: number,
  ) {
    this.text = lines.text;
  }

  /** The piece's root: a block mapping at column 0 (a document) or a sequence of one item (a List item). */
  root(): Node {
    const indent = this.peekIndent();
    if (indent < 0) throw GIVE_UP;
    const node = this.isDash(this.i, indent) ? this.seq(indent) : this.map(indent, this.i);
    if (this.peekIndent() >= 0) throw GIVE_UP;
    return node;
  }

  /** Skips blank lines and comment lines (noting a comment line after the first content line). */
  private skip(): void {
    const { types } = this.lines;
    while (this.i < this.lines.length && types[this.i] !== 0) {
      if (types[this.i] === 2 && this.content) this.commented = true;
      this.i++;
    }
    this.content = true;
  }

  private peekIndent(): number {
    this.skip();
    return this.i < this.lines.length ? this.lines.indents[this.i]! : -1;
  }

  private isDash(line: number, indent: number): boolean {
    return isDashAt(this.lines, line, indent);
  }

  /** Where a value on line `line` ends with what follows it on that line: after its line break. */
  private afterLine(line: number): number {
    const end = this.lines.ends[line]!;
    return end < this.end ? end + 1 : end;
  }

  /**
   * Where the content after line `line` starts (after blank lines and the next line's
   * indentation), or the end of the piece: an empty value with a comment ends there.
   */
  private nextContent(line: number): number {
    const { types, starts, indents } = this.lines;
    let next = line + 1;
    while (next < this.lines.length && types[next] === 1) next++;
    return next < this.lines.length ? starts[next]! + indents[next]! : this.end;
  }

  /** A block mapping whose keys are at `column`, the first on line `line` (after a dash when the mapping is a sequence item). */
  private map(column: number, line: number): YAMLMap {
    const map = new YAMLMap();
    const start = this.lines.starts[line]! + column;
    let end = start;
    for (let first = true; ; first = false) {
      if (!first) {
        const next = this.peekIndent();
        if (next !== column || this.isDash(this.i, column)) break;
      }
      const { key, value } = this.entry(first ? line : this.i, column);
      map.items.push(new Pair(key, value));
      end = value.range![2];
    }
    return ranged(map, start, end);
  }

  /** The `key: value` entry at `column` of line `line`. */
  private entry(line: number, column: number): { key: Scalar; value: Node } {
    const at = this.lines.starts[line]! + column;
    const lineEnd = this.lines.ends[line]!;
    const { key: name, end, value: v } = keyAt(this.text, at, lineEnd);
    const key = ranged(new Scalar(name), at, end);
    this.i = line + 1;
    // A `#` after the key's blank starts a comment: no value on the line.
    const comment = v < lineEnd && this.text.charCodeAt(v) === 35;
    if (v < lineEnd && !comment) return { key, value: this.inline(line, v, column) };
    // The value is on the next lines, or empty (a null scalar where the key's line ends, or
    // where its comment starts, to the end of the line).
    const next = this.peekIndent();
    if (next > column) {
      if (this.isDash(this.i, next)) return { key, value: this.seq(next) };
      // A flow collection on a line of its own.
      const flowLine = this.i;
      const at = this.lines.starts[flowLine]! + next;
      const c = this.text.charCodeAt(at);
      if (c !== 123 && c !== 91) return { key, value: this.map(next, this.i) };
      this.i = flowLine + 1;
      return { key, value: this.inline(flowLine, at, column) };
    }
    if (next === column && this.isDash(this.i, next)) return { key, value: this.seq(next) };
    return { key, value: comment ? ranged(new Scalar(null), v, v, this.nextContent(line)) : ranged(new Scalar(null), lineEnd, lineEnd) };
  }

  /** A block sequence whose dashes are at `indent`. */
  private seq(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const start = this.lines.starts[this.i]! + indent;
    let end = start;
    while (this.peekIndent() === indent && this.isDash(this.i, indent)) {
      const line = this.i;
      const lineStart = this.lines.starts[line]!;
      const lineEnd = this.lines.ends[line]!;
      let at = lineStart + indent + 1;
      while (at < lineEnd && this.text.charCodeAt(at) === 32) at++;
      if (at === lineEnd) throw GIVE_UP;
      let item: Node;
      if (looksLikeEntry(this.text, at, lineEnd)) {
        item = this.map(at - lineStart, line);
      } else {
        this.i = line + 1;
        item = this.inline(line, at, indent);
      }
      seq.items.push(item);
      end = item.range![2];
    }
    return ranged(seq, start, end);
  }

  /** The value that starts at `at` on line `line` (consumed), below a key or dash at `parent`. */
  private inline(line: number, at: number, parent: number): Node {
    const text = this.text;
    const lineEnd = this.lines.ends[line]!;
    const c = text.charCodeAt(at);
    if (c === 124 /* | */) return this.literal(at, parent);
    if (c === 34 /* " */ && doubleQuotedClose(text, at + 1, lineEnd) < 0) {
      // A double-quoted scalar on more lines, found as the reader found it: it ends at its quote.
      const { line: last, close } = doubleQuotedEnd(this.lines, line + 1, this.lines.length, parent);
      this.i = last + 1;
      if (this.peekIndent() > parent) throw GIVE_UP;
      return ranged(new Scalar(null), at, close + 1, this.afterLine(last));
    }
    if (this.peekIndent() > parent) throw GIVE_UP;
    const nodeEnd = this.afterLine(line);
    if (c === 34 /* " */) return ranged(new Scalar(null), at, doubleQuotedClose(text, at + 1, lineEnd) + 1, nodeEnd);
    if (c === 39 /* ' */) {
      let q = text.indexOf("'", at + 1);
      while (text.charCodeAt(q + 1) === 39) q = text.indexOf("'", q + 2);
      return ranged(new Scalar(null), at, q + 1, nodeEnd);
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const close = text.lastIndexOf(c === 91 ? ']' : '}', lineEnd);
      if (close < at) throw GIVE_UP;
      const tokens: Scalar[] = [];
      FLOW_TOKEN.lastIndex = 0;
      const inner = text.slice(at + 1, close);
      for (let m = FLOW_TOKEN.exec(inner); m; m = FLOW_TOKEN.exec(inner)) {
        const from = at + 1 + m.index;
        tokens.push(ranged(new Scalar(c === 123 && tokens.length % 2 === 0 ? flowScalar(m[0]) : null), from, from + m[0].length));
      }
      let node: YAMLSeq | YAMLMap;
      if (c === 91) {
        node = new YAMLSeq();
        node.items.push(...tokens);
      } else {
        if (tokens.length % 2 !== 0) throw GIVE_UP;
        node = new YAMLMap();
        for (let k = 0; k < tokens.length; k += 2) node.items.push(new Pair(tokens[k], tokens[k + 1]));
      }
      return ranged(node, at, close + 1, nodeEnd);
    }
    return ranged(new Scalar(null), at, plainEnd(text, at, lineEnd), nodeEnd);
  }

  /** A literal block scalar (`|` or `|-`) whose header is at `at`: up to the line break of its last non-empty line. */
  private literal(at: number, parent: number): Scalar {
    const { starts, ends, indents } = this.lines;
    let blockIndent = -1;
    let last = -1;
    for (; this.i < this.lines.length; this.i++) {
      if (ends[this.i] === starts[this.i]) continue;
      const indent = indents[this.i]!;
      if (blockIndent < 0) {
        if (indent <= parent) break;
        blockIndent = indent;
      } else if (indent < blockIndent) {
        break;
      }
      last = this.i;
    }
    if (last < 0) throw GIVE_UP;
    // Trailing empty lines are not the scalar's.
    this.i = last + 1;
    if (this.peekIndent() > parent) throw GIVE_UP;
    const end = this.afterLine(last);
    return ranged(new Scalar(null), at, end);
  }
}
