/**
 * The fast path of the parser: documents that no enabled rule reads are not composed.
 *
 * A stream is split at its document markers (`---` at column 0: YAML 1.2 `c-forbidden`, never
 * content, not even inside a block scalar). A document is skipped only when a strict line check
 * proves three things: the YAML parser would report no error for it, its top-level `kind` (read
 * exactly), and that nothing else in it matters (no template action, no Helm `# Source:` comment
 * after its first key). Anything the check does not fully understand (flow collections, tags,
 * anchors, aliases, multi-line plain or quoted scalars, explicit indentation indicators, numeric,
 * boolean or null keys, tabs, CR) makes it give up, and the document is parsed in full.
 *
 * A skipped document is replaced, not removed: its preamble is kept and its content becomes `~`
 * (a null document starting at the first key's offset), so the documents keep their indices. The
 * parser reads this compact text; every offset of its tokens is then mapped back to the original
 * text ({@link toOriginal}) and lines are counted on the original, so the documents that are
 * composed have exactly the ranges, positions and Helm sources of a full parse.
 */

import { blanksOrComment, plainEnd } from './line-scan.js';

/** What {@link planSkips} decided for one text. */
export interface SkipPlan {
  /**
   * The text to parse: the content of each skipped document (from its first key to the next
   * document marker) replaced by `~` and a line break, so it is still a (null) document.
   */
  compact: string;
  /** Offsets in `compact` where a stretch starts, ascending; see {@link toOriginal}. */
  compactStarts: number[];
  /** The offset in the original text of each stretch start. */
  originalStarts: number[];
  /** Objects (documents with a non-empty string `kind`) among the skipped documents. */
  objects: number;
  /** Documents skipped. */
  documents: number;
  /**
   * Offsets of the document markers (`---` lines) in the original text. Each must start a
   * document of the compact text's parse, else the plan is void: the YAML lexer lets a quoted
   * scalar that is never closed run over document markers to the end of the text, so a document
   * of the compact text could swallow differently from the original.
   */
  markers: number[];
}

/** Maps an offset of {@link SkipPlan.compact} to the original text. */
export function toOriginal(plan: SkipPlan, offset: number): number {
  const starts = plan.compactStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return plan.originalStarts[lo]! + (offset - starts[lo]!);
}

const HELM_SOURCE_LINE = /^#\s*Source:/m;
/** The apiVersions of the core, apps, batch, policy and RBAC groups (any version), whose kinds have schemas. */
const BUILTIN_API_VERSION = /^(?:[^/]*|(?:apps|batch|policy|rbac\.authorization\.k8s\.io)\/.*)$/;
/** A `kind:` line at column 0 (a cheap first look; the line check reads the kind exactly). */
const TOP_LEVEL_KIND = /^kind:[ ]*["']?([A-Za-z0-9]+)/;
/** YAML 1.1 words that do not resolve to a string (booleans and nulls); as keys they are not strings. */
export const NON_STRING_WORD = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
/** Characters the line check refuses anywhere: C0 and C1 controls but LF, DEL, Unicode line breaks, BOM, surrogates. */
export const REFUSED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
/** Deepest nesting the check follows (the parser's limit is far above). */
export const MAX_LEVELS = 64;

/** The offsets of the lines that start with `---` (document markers, when followed by blanks only). */
export function documentMarkers(text: string): number[] {
  const markers: number[] = [];
  if (text.startsWith('---')) markers.push(0);
  for (let at = text.indexOf('\n---'); at >= 0; at = text.indexOf('\n---', at + 1)) markers.push(at + 1);
  return markers;
}

/**
 * Plans which documents of `text` need not be composed: those whose `kind` is not in
 * `composeKinds` (nor a List, nor a CustomResourceDefinition that could redefine the scope of such
 * a kind). Returns undefined when nothing is skipped or the file is not one to split with
 * certainty (JSON, directives, document end markers, suppression comments, CR line breaks).
 */
export function planSkips(text: string, composeKinds: ReadonlySet<string>): SkipPlan | undefined {
  if (text.length < 256 || text.includes('\r') || text.includes('rbaclint') || /^\s*[{[]/.test(text)) return undefined;
  if (/^(?:%|\.\.\.|---[^\n -])|^--- +[^ \n]/m.test(text)) return undefined;
  const markers = documentMarkers(text);
  const pieces: string[] = [];
  const compactStarts = [0];
  const originalStarts = [0];
  let compactLength = 0;
  let copied = 0;
  let objects = 0;
  let documents = 0;
  let regionStart = 0;
  for (let m = 0; m <= markers.length; m++) {
    const regionEnd = m < markers.length ? markers[m]! : text.length;
    if (regionEnd > regionStart) {
      const decision = skippable(text, regionStart, regionEnd, composeKinds);
      if (decision) {
        const { contentStart } = decision;
        pieces.push(text.slice(copied, contentStart));
        compactLength += contentStart - copied;
        // `~` where the first key was: a null document at the same offset.
        compactStarts.push(compactLength);
        originalStarts.push(contentStart);
        if (regionEnd < text.length) {
          // The line break before the next marker, then the rest of the text.
          pieces.push('~\n');
          compactStarts.push(compactLength + 1, compactLength + 2);
          originalStarts.push(regionEnd - 1, regionEnd);
          compactLength += 2;
        } else {
          pieces.push('~');
          compactStarts.push(compactLength + 1);
          originalStarts.push(regionEnd);
          compactLength += 1;
        }
        copied = regionEnd;
        documents++;
        if (decision.kind !== undefined && decision.kind !== '') objects++;
      }
    }
    if (m < markers.length) {
      const lineEnd = text.indexOf('\n', regionEnd);
      regionStart = lineEnd < 0 ? text.length : lineEnd + 1;
    }
  }
  if (documents === 0) return undefined;
  pieces.push(text.slice(copied));
  return { compact: pieces.join(''), compactStarts, originalStarts, objects, documents, markers };
}

/** The region's content start and kind if it can be skipped; undefined if it must be composed. */
function skippable(
  text: string,
  start: number,
  end: number,
  composeKinds: ReadonlySet<string>,
): { contentStart: number; kind: string | undefined } | undefined {
  const region = text.slice(start, end);
  // Most documents are of a kind that is composed: say so before checking their lines.
  const kindLine = region.startsWith('kind:') ? 0 : region.indexOf('\nkind:') + 1;
  const head = kindLine === 0 && !region.startsWith('kind:') ? null : TOP_LEVEL_KIND.exec(region.slice(kindLine, kindLine + 80));
  if (head && composeKinds.has(head[1]!)) return undefined;
  if (region.includes('{{') || REFUSED_CHARS.test(region)) return undefined;
  const checked = checkDocument(text, start, end);
  if (!checked) return undefined;
  const { kind, apiVersion, contentStart } = checked;
  if (kind !== undefined && (composeKinds.has(kind) || kind.endsWith('List'))) return undefined;
  // `invalid-manifest` also reports an unknown kind of a built-in apiVersion (`v1` with kind
  // `ServiceAcount`): compose every document of the groups rbaclint has schemas for.
  if (apiVersion !== undefined && BUILTIN_API_VERSION.test(apiVersion)) return undefined;
  // The content after the first key must not hold a Helm source comment (the parser scans
  // comments between documents for it) — in a block scalar it is content, but be certain.
  if (region.includes('Source:', contentStart - start) && HELM_SOURCE_LINE.test(region.slice(contentStart - start))) return undefined;
  // A CustomResourceDefinition can declare a kind cluster-scoped, which changes how objects of
  // that kind are read: compose it when it names a kind that is composed.
  if (kind === 'CustomResourceDefinition') {
    // Every `kind:` key, at any indentation (the top-level one is CustomResourceDefinition).
    for (let at = region.indexOf('kind:'); at >= 0; at = region.indexOf('kind:', at + 5)) {
      let i = at - 1;
      while (i >= 0 && region.charCodeAt(i) === 32) i--;
      if (i >= 0 && region.charCodeAt(i) !== 10) continue;
      const named = /^kind:\s*["']?([^\s"'#]+)/.exec(region.slice(at, at + 300));
      if (named && composeKinds.has(named[1]!)) return undefined;
    }
  }
  return { contentStart, kind };
}

interface Level {
  indent: number;
  type: 'map' | 'seq';
  keys?: Set<string>;
}

/**
 * Checks a document of block mappings, block sequences, single-line scalars and block scalars:
 * the lines of `text[from, to)` (`to` at a line start or the end of the text: no escape it reads
 * runs past a line). Returns the offset (in `text`) of its first content line, its
 * top-level `kind` (undefined when absent) and `apiVersion`, or undefined when the document is
 * anything else or could hold a syntax error.
 *
 * It reads the text in place, by offsets (no string per line): it runs over every byte of the
 * documents the fast path skips, most of a typical repository.
 */
export function checkDocument(
  text: string,
  from = 0,
  to = text.length,
): { contentStart: number; kind: string | undefined; apiVersion: string | undefined } | undefined {
  const stack: Level[] = [];
  /** Indentation of the key or dash whose value is on the following lines; -1 when none. */
  let pendingIndent = -1;
  /** A pending map key's value may be a sequence at the key's own indentation. */
  let pendingSameIndentSeq = false;
  /** Set while inside a block scalar: the indentation its content must exceed. */
  let blockParent = -1;
  let blockIndent = -1;
  let blockLeadingBlank = 0;
  /** Set (>= 0) while a multi-line scalar continues: its lines must be indented more than this. */
  let contMin = -1;
  /** The quote (34 or 39) of the multi-line quoted scalar that continues; 0 for a plain one. */
  let contQuote = 0;
  /** The plain scalar that continues is the top-level `kind` or `apiVersion`. */
  let contKind = false;
  let contentStart = -1;
  let kind: string | undefined;
  let kindSeen = false;
  let apiVersion: string | undefined;

  for (let lineStart = from; lineStart < to; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > to) lineEnd = to;
    const offset = lineStart;
    lineStart = lineEnd + 1;
    let p = offset;
    while (p < lineEnd && text.charCodeAt(p) === 32) p++;
    const indent = p - offset;
    const blank = p === lineEnd;

    if (blockParent >= 0) {
      if (blank) {
        if (blockIndent < 0) blockLeadingBlank = Math.max(blockLeadingBlank, indent);
        continue;
      }
      if (blockIndent < 0) {
        if (indent > blockParent) {
          if (blockLeadingBlank > indent) return undefined;
          blockIndent = indent;
          continue;
        }
      } else if (indent >= blockIndent) {
        continue;
      }
      // Less indented: the block scalar ended; the line is read as structure below.
      if (indent > blockParent && blockIndent >= 0) return undefined;
      blockParent = -1;
      blockIndent = -1;
    }

    if (contMin >= 0) {
      if (contQuote !== 0) {
        // Inside a quoted scalar: blank lines are folded, other lines must be indented.
        if (!blank && indent <= contMin) return undefined;
        const close = scanQuoted(text, p, lineEnd, contQuote);
        if (close === INVALID) return undefined;
        if (close !== OPEN) {
          if (!blanksOrComment(text, close, lineEnd)) return undefined;
          contMin = -1;
        }
        continue;
      }
      if (blank) continue;
      if (indent > contMin) {
        // A continuation line of a plain scalar: nothing that would start a mapping or a comment.
        if (contKind || !plainContinuation(text, p, lineEnd)) return undefined;
        continue;
      }
      contMin = -1;
    }

    if (blank) continue;
    const first = text.charCodeAt(p);
    if (first === 35 /* # */) continue;

    if (contentStart < 0) {
      if (indent !== 0) return undefined;
      contentStart = offset;
    }

    while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
    const isDash = first === 45 /* - */ && (p + 1 === lineEnd || text.charCodeAt(p + 1) === 32);
    let top = stack[stack.length - 1];

    const pending = pendingIndent >= 0;
    if (pending && indent > pendingIndent && pendingSameIndentSeq && !isDash && !mapEntry(text, p, lineEnd)) {
      // The value of the pending key is a scalar on its own line.
      const value = scalarValue(text, p, lineEnd);
      if (value === NOT_SCALAR || value === BLOCK) return undefined;
      if (scalar.open !== 0) {
        contMin = pendingIndent;
        contQuote = scalar.open;
        contKind = false;
      } else if (scalar.plain && !scalar.comment) {
        contMin = pendingIndent;
        contQuote = 0;
        contKind = false;
      }
      pendingIndent = -1;
      continue;
    } else if (pending && indent > pendingIndent) {
      // The value of the pending key or dash: a new collection, deeper.
      top = isDash ? { indent, type: 'seq' } : { indent, type: 'map', keys: new Set<string>() };
      stack.push(top);
    } else if (pending && indent === pendingIndent && isDash && pendingSameIndentSeq && top?.type === 'map' && top.indent === indent) {
      top = { indent, type: 'seq' };
      stack.push(top);
    } else if (top && top.type === 'seq' && top.indent === indent && !isDash) {
      // A sequence at its parent key's indentation ends at the next key of that mapping.
      stack.pop();
      top = stack[stack.length - 1];
    }
    pendingIndent = -1;
    if (stack.length > MAX_LEVELS) return undefined;

    if (stack.length === 0) {
      // The document's root: a block mapping at column 0.
      if (indent !== 0 || isDash) return undefined;
      top = { indent: 0, type: 'map', keys: new Set<string>() };
      stack.push(top);
    }
    if (!top || top.indent !== indent) return undefined;

    let column = indent;
    let at = p;
    if (isDash) {
      if (top.type !== 'seq') return undefined;
      at = p + 1;
      while (at < lineEnd && text.charCodeAt(at) === 32) at++;
      if (at === lineEnd || text.charCodeAt(at) === 35) {
        if (at === p + 1 && at < lineEnd) return undefined;
        pendingIndent = indent;
        pendingSameIndentSeq = false;
        continue;
      }
      column = indent + (at - p);
      // `- - x`: a sequence in a sequence.
      if (text.charCodeAt(at) === 45 && (at + 1 === lineEnd || text.charCodeAt(at + 1) === 32)) return undefined;
      if (!mapEntry(text, at, lineEnd)) {
        // A scalar item.
        const value = scalarValue(text, at, lineEnd);
        if (value === NOT_SCALAR || (value !== BLOCK && scalar.open !== 0)) return undefined;
        if (value === BLOCK) {
          blockParent = indent;
          blockLeadingBlank = 0;
        }
        continue;
      }
      // `- key: value`: a compact mapping at the column of its first key.
      top = { indent: column, type: 'map', keys: new Set<string>() };
      stack.push(top);
    } else if (top.type !== 'map') {
      return undefined;
    }

    if (!mapEntry(text, at, lineEnd)) return undefined;
    const key = entry.key;
    if (top.keys!.has(key)) return undefined;
    top.keys!.add(key);
    const topLevel = stack.length === 1 && (key === 'kind' || key === 'apiVersion');
    let v = entry.valueAt;
    while (v < lineEnd && text.charCodeAt(v) === 32) v++;
    if (v === lineEnd || text.charCodeAt(v) === 35) {
      // No value on the line (a comment at most).
      pendingIndent = column;
      pendingSameIndentSeq = true;
      if (topLevel) return undefined;
      continue;
    }
    const value = scalarValue(text, v, lineEnd);
    if (value === NOT_SCALAR) return undefined;
    if (value === BLOCK) {
      if (topLevel) return undefined;
      blockParent = column;
      blockLeadingBlank = 0;
      continue;
    }
    if (topLevel) {
      const string = scalar.open === 0 ? scalarString(text, v, lineEnd) : undefined;
      if (string === undefined) return undefined;
      if (key === 'apiVersion') {
        apiVersion = string;
      } else {
        // A kind rbaclint reads exactly: a name (not a number, boolean or null).
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(string) && string !== '') return undefined;
        kindSeen = true;
        kind = string;
      }
    }
    if (scalar.open !== 0) {
      contMin = column;
      contQuote = scalar.open;
      contKind = false;
    } else if (scalar.plain && !scalar.comment) {
      // A kind continued on the next line would be another string: `contKind` refuses it there.
      contMin = column;
      contQuote = 0;
      contKind = topLevel;
    }
  }
  // A quoted scalar still open at the end of the document is an error.
  if (contentStart < 0 || (contMin >= 0 && contQuote !== 0)) return undefined;
  return { contentStart, kind: kindSeen ? kind : undefined, apiVersion };
}

/** {@link scalarValue}: a block scalar header. */
const BLOCK = 0;
/** {@link scalarValue}: a scalar, described in {@link scalar}. */
const SCALAR = 1;
/** {@link scalarValue}: not a scalar the check is certain of. */
const NOT_SCALAR = -1;
/** {@link scanQuoted}: the quoted scalar is still open at the end of the line. */
const OPEN = -1;
/** {@link scanQuoted}: an invalid escape. */
const INVALID = -2;
/** The escapes of a double-quoted scalar (after the backslash), matched in place. */
const DOUBLE_ESCAPE = /(?:[0abtnvfre "/\\N_LP\t]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/y;
const SIMPLE_FLOW_ITEM = String.raw`(?:[A-Za-z0-9_./][A-Za-z0-9_./-]*|"[^"\\]*"|'[^']*')`;
/** `{}`, `[]` and one-line flow sequences of simple scalars: `[a, "b", 'c']`. */
const SIMPLE_FLOW = new RegExp(String.raw`^(?:\{ *\}|\[ *\]|\[ *${SIMPLE_FLOW_ITEM}(?: *, *${SIMPLE_FLOW_ITEM})* *\])(?: +#.*| *)$`);
/** A plain scalar's first character that is an indicator: - ? : , [ ] { } # & * ! | > ' " % @ ` */
const INDICATOR = /[-?:,[\]{}#&*!|>'"%@`]/;
/** Whitespace as a regular expression's `\s` (beyond ASCII, for the rare character that needs it). */
const WHITESPACE = /\s/;

/** What {@link scalarValue} found, when it returns {@link SCALAR}; filled in place (no object per value). */
const scalar = {
  /** A plain scalar (it may continue on more indented lines unless a comment follows it). */
  plain: false,
  comment: false,
  /** The quote (34 or 39) of a quoted scalar still open at the end of the line; 0 otherwise. */
  open: 0,
};

/** What {@link mapEntry} found, when it returns true. */
const entry = { key: '', valueAt: 0 };

function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && WHITESPACE.test(String.fromCharCode(c)));
}

/**
 * Scans a quoted scalar in `text[from, end)` (from after the opening quote, or a continuation
 * line's first character): returns the offset after the closing quote, {@link OPEN} or {@link INVALID}.
 */
function scanQuoted(text: string, from: number, end: number, quote: number): number {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote === 34) {
      if (c === 92 /* \ */) {
        if (i === end - 1) return OPEN; // an escaped line break
        // No escape holds a line break: a match never runs past the line.
        DOUBLE_ESCAPE.lastIndex = i + 1;
        if (!DOUBLE_ESCAPE.test(text)) return INVALID;
        const e = text.charCodeAt(i + 1);
        // `\U` beyond the last code point is an error for the parser.
        if (e === 85 /* U */ && parseInt(text.slice(i + 2, i + 10), 16) > 0x10ffff) return INVALID;
        i += e === 120 /* x */ ? 3 : e === 117 /* u */ ? 5 : e === 85 ? 9 : 1;
      } else if (c === 34) {
        return i + 1;
      }
    } else if (c === 39) {
      if (i + 1 < end && text.charCodeAt(i + 1) === 39) i++;
      else return i + 1;
    }
  }
  return OPEN;
}

/**
 * A scalar (or a block scalar header) as a value, `text[at, end)` from its first character to the
 * end of its line: {@link BLOCK}, {@link SCALAR} (then {@link scalar} says which) or
 * {@link NOT_SCALAR} when it is anything else or not certainly valid.
 */
function scalarValue(text: string, at: number, end: number): number {
  scalar.plain = false;
  scalar.comment = false;
  scalar.open = 0;
  const c = text.charCodeAt(at);
  if (c === 124 /* | */ || c === 62 /* > */) {
    let i = at + 1;
    const indicator = text.charCodeAt(i);
    if (i < end && (indicator === 45 || indicator === 43)) i++;
    return blanksOrComment(text, i, end) ? BLOCK : NOT_SCALAR;
  }
  if (c === 34 || c === 39) {
    const close = scanQuoted(text, at + 1, end, c);
    if (close === INVALID) return NOT_SCALAR;
    if (close === OPEN) {
      scalar.open = c;
      return SCALAR;
    }
    return blanksOrComment(text, close, end) ? SCALAR : NOT_SCALAR;
  }
  if (c === 91 /* [ */ || c === 123 /* { */) return SIMPLE_FLOW.test(text.slice(at, end)) ? SCALAR : NOT_SCALAR;
  // A plain scalar: no indicator first (a dash only before a non-blank), no `: ` or final `:`
  // (a mapping), a comment only after a blank.
  if (INDICATOR.test(text[at]!) && !(c === 45 && at + 1 < end && !isWhitespace(text.charCodeAt(at + 1)))) return NOT_SCALAR;
  // The body: up to ` #` (a comment), without trailing blanks; after it, blanks and a comment or nothing.
  const bodyEnd = plainEnd(text, at, end);
  let rest = bodyEnd;
  while (rest < end && text.charCodeAt(rest) === 32) rest++;
  scalar.comment = rest < end;
  if (bodyEnd === at || text.charCodeAt(bodyEnd - 1) === 58 /* : */) return NOT_SCALAR;
  for (let i = at; i + 1 < bodyEnd; i++) if (text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 32) return NOT_SCALAR;
  scalar.plain = true;
  return SCALAR;
}

/**
 * The string value of the scalar {@link scalarValue} accepted at `text[at, end)` (not an open
 * quoted one), when it is certainly a single-line string: quoted without escapes, or plain,
 * starting with a letter and not a YAML 1.1 boolean or null word; undefined otherwise.
 */
function scalarString(text: string, at: number, end: number): string | undefined {
  const c = text.charCodeAt(at);
  if (c === 34 || c === 39) {
    const close = scanQuoted(text, at + 1, end, c);
    const inner = text.slice(at + 1, close - 1);
    return inner.includes('\\') || inner.includes("'") ? undefined : inner;
  }
  if (c === 91 || c === 123) return undefined;
  const body = text.slice(at, plainEnd(text, at, end));
  // Starting with a letter, a plain scalar is a number, boolean or null only as one of these words.
  return /^[A-Za-z][A-Za-z0-9.\/-]*$/.test(body) && !NON_STRING_WORD.test(body) ? body : undefined;
}

/** A continuation line `text[at, end)` of a multi-line plain scalar that cannot be read as anything else. */
function plainContinuation(text: string, at: number, end: number): boolean {
  if (text.charCodeAt(at) === 35) return false;
  for (let i = at; i + 1 < end; i++) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if ((c === 58 && d === 32) || (c === 32 && d === 35)) return false;
  }
  // Not ending with `:` and whitespace.
  let i = end;
  while (i > at && isWhitespace(text.charCodeAt(i - 1))) i--;
  return !(i > at && text.charCodeAt(i - 1) === 58);
}

/**
 * `key:` at `text[at, end)` (a line from `at` on): fills {@link entry} with the key's string value
 * and where the value starts, and returns true; false when it is no such key.
 */
function mapEntry(text: string, at: number, end: number): boolean {
  let keyEnd: number;
  let after: number;
  const c = text.charCodeAt(at);
  if (c === 34 || c === 39) {
    let close = at + 1;
    while (close < end && text.charCodeAt(close) !== c) close++;
    if (close === end) return false;
    keyEnd = close;
    after = close + 1;
    if (c === 34) for (let i = at + 1; i < close; i++) if (text.charCodeAt(i) === 92 /* \\ */) return false;
    entry.key = text.slice(at + 1, keyEnd);
  } else {
    // [A-Za-z_$][A-Za-z0-9_.\/$-]*
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36)) return false;
    let i = at + 1;
    for (; i < end; i++) {
      const d = text.charCodeAt(i);
      if (!((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 45 && d <= 57) || d === 95 || d === 36)) break;
    }
    keyEnd = after = i;
    entry.key = text.slice(at, keyEnd);
    if (keyEnd - at <= 5 && NON_STRING_WORD.test(entry.key)) return false;
  }
  if (entry.key.length > 1000 || after >= end || text.charCodeAt(after) !== 58) return false;
  if (after + 1 < end && text.charCodeAt(after + 1) !== 32) return false;
  entry.valueAt = after + 1;
  return true;
}
