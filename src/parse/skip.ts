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
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_.\/$-]*/;
/** Characters the line check refuses anywhere: C0 and C1 controls but LF, DEL, Unicode line breaks, BOM, surrogates. */
export const REFUSED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
const DOUBLE_ESCAPE = /^(?:[0abtnvfre "/\\N_LP\t]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/;
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
  const checked = checkDocument(region);
  if (!checked) return undefined;
  const { kind, apiVersion, contentStart } = checked;
  if (kind !== undefined && (composeKinds.has(kind) || kind.endsWith('List'))) return undefined;
  // `invalid-manifest` also reports an unknown kind of a built-in apiVersion (`v1` with kind
  // `ServiceAcount`): compose every document of the groups rbaclint has schemas for.
  if (apiVersion !== undefined && BUILTIN_API_VERSION.test(apiVersion)) return undefined;
  // The content after the first key must not hold a Helm source comment (the parser scans
  // comments between documents for it) — in a block scalar it is content, but be certain.
  if (region.includes('Source:', contentStart) && HELM_SOURCE_LINE.test(region.slice(contentStart))) return undefined;
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
  return { contentStart: start + contentStart, kind };
}

interface Level {
  indent: number;
  type: 'map' | 'seq';
  keys?: Set<string>;
}

interface Pending {
  /** Indentation of the key or dash whose value is on the following lines. */
  indent: number;
  /** A map key's value may be a sequence at the key's own indentation. */
  sameIndentSeq: boolean;
}

/**
 * Checks a document of block mappings, block sequences, single-line scalars and block scalars.
 * Returns the offset (in `doc`) of its first content line and its top-level `kind` (undefined
 * when absent), or undefined when the document is anything else or could hold a syntax error.
 */
export function checkDocument(doc: string): { contentStart: number; kind: string | undefined; apiVersion: string | undefined } | undefined {
  const stack: Level[] = [];
  let pending: Pending | undefined;
  /** Set while inside a block scalar: the indentation its content must exceed. */
  let blockParent: number | undefined;
  let blockIndent: number | undefined;
  let blockLeadingBlank = 0;
  /** Set while a multi-line scalar continues: its lines must be indented more than `min`. */
  let cont: { min: number; quote?: '"' | "'"; kind?: true } | undefined;
  let contentStart: number | undefined;
  let kind: string | undefined;
  let kindSeen = false;
  let apiVersion: string | undefined;

  for (let lineStart = 0; lineStart < doc.length; ) {
    const newline = doc.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? doc.length : newline;
    const line = doc.slice(lineStart, lineEnd);
    const offset = lineStart;
    lineStart = lineEnd + 1;
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 32) indent++;
    const blank = indent === line.length;

    if (blockParent !== undefined) {
      if (blank) {
        if (blockIndent === undefined) blockLeadingBlank = Math.max(blockLeadingBlank, indent);
        continue;
      }
      if (blockIndent === undefined) {
        if (indent > blockParent) {
          if (blockLeadingBlank > indent) return undefined;
          blockIndent = indent;
          continue;
        }
      } else if (indent >= blockIndent) {
        continue;
      }
      // Less indented: the block scalar ended; the line is read as structure below.
      if (indent > blockParent && blockIndent !== undefined) return undefined;
      blockParent = undefined;
      blockIndent = undefined;
    }

    if (cont) {
      if (cont.quote) {
        // Inside a quoted scalar: blank lines are folded, other lines must be indented.
        if (!blank && indent <= cont.min) return undefined;
        const close = scanQuoted(line, indent, cont.quote);
        if (close === INVALID) return undefined;
        if (close !== OPEN) {
          if (!TAIL.test(line.slice(close))) return undefined;
          cont = undefined;
        }
        continue;
      }
      if (blank) continue;
      if (indent > cont.min) {
        // A continuation line of a plain scalar: nothing that would start a mapping or a comment.
        if (cont.kind || !plainContinuation(line.slice(indent))) return undefined;
        continue;
      }
      cont = undefined;
    }

    if (blank) continue;
    const rest = line.slice(indent);
    if (rest.charCodeAt(0) === 35 /* # */) continue;

    if (contentStart === undefined) {
      if (indent !== 0) return undefined;
      contentStart = offset;
    }

    while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
    const isDash = rest === '-' || rest.startsWith('- ');
    let top = stack[stack.length - 1];

    if (pending && indent > pending.indent && pending.sameIndentSeq && !isDash && !mapEntry(rest)) {
      // The value of the pending key is a scalar on its own line.
      const value = scalarValue(rest);
      if (value === undefined || value === BLOCK) return undefined;
      if (value.open) cont = { min: pending.indent, quote: value.open };
      else if (value.plain && !value.comment) cont = { min: pending.indent };
      pending = undefined;
      continue;
    } else if (pending && indent > pending.indent) {
      // The value of the pending key or dash: a new collection, deeper.
      top = { indent, type: isDash ? 'seq' : 'map', ...(isDash ? {} : { keys: new Set<string>() }) };
      stack.push(top);
    } else if (pending && indent === pending.indent && isDash && pending.sameIndentSeq && top?.type === 'map' && top.indent === indent) {
      top = { indent, type: 'seq' };
      stack.push(top);
    } else if (top && top.type === 'seq' && top.indent === indent && !isDash) {
      // A sequence at its parent key's indentation ends at the next key of that mapping.
      stack.pop();
      top = stack[stack.length - 1];
    }
    pending = undefined;
    if (stack.length > MAX_LEVELS) return undefined;

    if (stack.length === 0) {
      // The document's root: a block mapping at column 0.
      if (indent !== 0 || isDash) return undefined;
      top = { indent: 0, type: 'map', keys: new Set<string>() };
      stack.push(top);
    }
    if (!top || top.indent !== indent) return undefined;

    let column = indent;
    let item = rest;
    if (isDash) {
      if (top.type !== 'seq') return undefined;
      item = rest.slice(1);
      let spaces = 0;
      while (spaces < item.length && item.charCodeAt(spaces) === 32) spaces++;
      if (spaces === item.length || item.charCodeAt(spaces) === 35) {
        if (spaces === 0 && item.length > 0) return undefined;
        pending = { indent, sameIndentSeq: false };
        continue;
      }
      column = indent + 1 + spaces;
      item = item.slice(spaces);
      if (item === '-' || item.startsWith('- ')) return undefined;
      const entry = mapEntry(item);
      if (entry === undefined) {
        // A scalar item.
        const value = scalarValue(item);
        if (value === undefined || (value !== BLOCK && value.open)) return undefined;
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

    const entry = mapEntry(item);
    if (!entry) return undefined;
    if (top.keys!.has(entry.key)) return undefined;
    top.keys!.add(entry.key);
    const valueText = item.slice(entry.valueAt);
    if (valueText === '' || /^ *(?:#.*)?$/.test(valueText)) {
      pending = { indent: column, sameIndentSeq: true };
      if (stack.length === 1 && (entry.key === 'kind' || entry.key === 'apiVersion')) return undefined;
      continue;
    }
    const value = scalarValue(valueText.replace(/^ +/, ''));
    if (value === undefined) return undefined;
    if (value === BLOCK) {
      if (stack.length === 1 && (entry.key === 'kind' || entry.key === 'apiVersion')) return undefined;
      blockParent = column;
      blockLeadingBlank = 0;
      continue;
    }
    const isKind = stack.length === 1 && (entry.key === 'kind' || entry.key === 'apiVersion');
    if (isKind) {
      if (value.string === undefined || value.open) return undefined;
      if (entry.key === 'apiVersion') {
        apiVersion = value.string;
      } else {
        // A kind rbaclint reads exactly: a name (not a number, boolean or null).
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(value.string) && value.string !== '') return undefined;
        kindSeen = true;
        kind = value.string;
      }
    }
    if (value.open) cont = { min: column, quote: value.open };
    // A kind continued on the next line would be another string: `kind` marks it refused there.
    else if (value.plain && !value.comment) cont = { min: column, ...(isKind ? { kind: true } : {}) };
  }
  // A quoted scalar still open at the end of the document is an error.
  if (contentStart === undefined || cont?.quote) return undefined;
  return { contentStart, kind: kindSeen ? kind : undefined, apiVersion };
}

const BLOCK = Symbol('block scalar');
/** {@link scanQuoted}: the quoted scalar is still open at the end of the line. */
const OPEN = -1;
/** {@link scanQuoted}: an invalid escape. */
const INVALID = -2;
/** What may follow a scalar on its line: blanks, then a comment after at least one. */
const TAIL = /^(?: +#.*| *)$/;
const SIMPLE_FLOW_ITEM = String.raw`(?:[A-Za-z0-9_./][A-Za-z0-9_./-]*|"[^"\\]*"|'[^']*')`;
/** `{}`, `[]` and one-line flow sequences of simple scalars: `[a, "b", 'c']`. */
const SIMPLE_FLOW = new RegExp(String.raw`^(?:\{ *\}|\[ *\]|\[ *${SIMPLE_FLOW_ITEM}(?: *, *${SIMPLE_FLOW_ITEM})* *\])(?: +#.*| *)$`);

/** A scalar value: its string value when it is certainly one (and single-line), and how it ends. */
interface ScalarValue {
  string: string | undefined;
  /** A plain scalar (it may continue on more indented lines unless a comment follows it). */
  plain?: true;
  comment?: true;
  /** A quoted scalar still open at the end of the line. */
  open?: '"' | "'";
}

/**
 * Scans a quoted scalar from `from` (after the opening quote, or a continuation line's first
 * character):
 * returns the offset after the closing quote, {@link OPEN} or {@link INVALID}.
 */
function scanQuoted(line: string, from: number, quote: '"' | "'"): number {
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"') {
      if (ch === '\\') {
        if (i === line.length - 1) return OPEN; // an escaped line break
        const escape = DOUBLE_ESCAPE.exec(line.slice(i + 1, i + 10));
        if (!escape) return INVALID;
        i += escape[0].length;
      } else if (ch === '"') {
        return i + 1;
      }
    } else if (ch === "'") {
      if (line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return OPEN;
}
/**
 * A scalar (or a block scalar header) as a value, from its first character to the end of its line:
 * undefined when it is anything else or not certainly valid.
 */
function scalarValue(text: string): ScalarValue | typeof BLOCK | undefined {
  const c = text[0]!;
  if (c === '|' || c === '>') {
    return /^[|>][-+]?(?: +#.*| *)$/.test(text) ? BLOCK : undefined;
  }
  if (c === '"' || c === "'") {
    const close = scanQuoted(text, 1, c);
    if (close === INVALID) return undefined;
    if (close === OPEN) return { string: undefined, open: c };
    if (!TAIL.test(text.slice(close))) return undefined;
    const inner = text.slice(1, close - 1);
    return { string: inner.includes('\\') || inner.includes("'") ? undefined : inner };
  }
  if (c === '[' || c === '{') return SIMPLE_FLOW.test(text) ? { string: undefined } : undefined;
  // A plain scalar: no indicator first (a dash only before a non-blank), no `: ` or final `:`
  // (a mapping), a comment only after a blank.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^-[^\s]/.test(text)) return undefined;
  const hash = text.indexOf(' #');
  const body = (hash < 0 ? text : text.slice(0, hash)).replace(/ +$/, '');
  if (body === '' || body.includes(': ') || body.endsWith(':')) return undefined;
  return {
    // Starting with a letter, a plain scalar is a number, boolean or null only as one of these words.
    string: /^[A-Za-z][A-Za-z0-9.\/-]*$/.test(body) && !NON_STRING_WORD.test(body) ? body : undefined,
    plain: true,
    ...(hash < 0 ? {} : { comment: true as const }),
  };
}

/** A continuation line of a multi-line plain scalar that cannot be read as anything else. */
function plainContinuation(text: string): boolean {
  return text[0] !== '#' && !text.includes(': ') && !text.includes(' #') && !/:\s*$/.test(text);
}

/** `key:` at the start of `text`: the key's string value and where the value starts; else undefined. */
function mapEntry(text: string): { key: string; valueAt: number } | undefined {
  let key: string;
  let after: number;
  const c = text[0];
  if (c === '"' || c === "'") {
    const close = text.indexOf(c, 1);
    if (close < 0) return undefined;
    key = text.slice(1, close);
    if (c === '"' && key.includes('\\')) return undefined;
    after = close + 1;
  } else {
    const plain = PLAIN_KEY.exec(text);
    if (!plain) return undefined;
    key = plain[0];
    if (NON_STRING_WORD.test(key)) return undefined;
    after = key.length;
  }
  if (key.length > 1000 || text[after] !== ':') return undefined;
  const next = text[after + 1];
  if (next !== undefined && next !== ' ') return undefined;
  return { key, valueAt: after + 1 };
}
