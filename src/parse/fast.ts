/**
 * The value path of the parser, for context files, the input of the RBAC queries and the documents
 * that lint reads (see parse.ts `lintValues`): their objects are read without composing YAML nodes,
 * and the nodes of a document (or of one item of a `List`) are composed only when a position in it
 * is asked for. Each document's preamble is returned, for its Helm `# Source:` comment.
 *
 * - JSON (`kubectl get … -o json`): `JSON.parse`, after a scan that proves the YAML parser would
 *   read the same values (no duplicate keys, no numbers YAML 1.1 reads otherwise, blanks and line
 *   breaks only, keys and their `:` on one line).
 * - YAML: a reader of block mappings, block sequences, one-line scalars, literal block scalars and
 *   one-line flow collections of simple scalars, resolving plain scalars with the YAML 1.1 schema's
 *   own tags. A document (or a List item) the reader does not fully understand is composed by the
 *   YAML parser on its own; when that reports an error, the whole text is parsed as usual.
 *
 * Either way the answers are those of a full parse; positions are those of a full parse too (the
 * nodes are composed from the same text, at the same offsets, with the same line index).
 */
import { MAX_LEVELS, NON_STRING_WORD, REFUSED_CHARS, documentMarkers } from './skip.js';
import { blanksOrComment, plainEnd } from './line-scan.js';
import { HELM_ACTION } from './template.js';
import type { JsonPath } from './types.js';
import { Composer, Parser, isCollection, isScalar, parseDocument, visit, type CST, type Document, type Schema } from 'yaml';

/** One piece of the text whose nodes are composed on demand: a document or a List item. */
export interface Segment {
  start: number;
  end: number;
}

/** The path of a document's root object: one array, shared by every object read (paths are never modified). */
const ROOT: JsonPath = Object.freeze([]);

/**
 * An object read by the value path: the segment that holds its nodes and its path there, and the
 * document that holds it as a full parse counts documents, with its path from that document's root.
 */
export interface FastObject {
  value: Record<string, unknown>;
  segment: number;
  pathPrefix: JsonPath;
  doc: number;
  docPath: JsonPath;
  /** Offset of the object's `kind` key, when the reader read it (where `file:line` labels point). */
  kindAt?: number;
}

/** What the value path read: every object, and the segments to compose for positions. */
export interface FastResult {
  objects: FastObject[];
  segments: Segment[];
  /** Documents already composed (those the reader left to the YAML parser), by segment. */
  composed: Map<number, Document.Parsed>;
  /** Whether the segments are block YAML the reader read (those not composed): they can be outlined (outline.ts). */
  block: boolean;
  /** Objects left out by `keep` (see {@link readFast}). */
  skipped: number;
  /**
   * Per document (as a full parse counts them), the text before its content, where the full parse
   * reads a Helm `# Source:` comment: from the start of the document (of the text, for the first)
   * to its first content line; for a document without content, up to its `---` line.
   */
  preambles: Segment[];
}

/** Which objects to return (the others are dropped as soon as they are read). */
type Keep = (value: Record<string, unknown>) => boolean;

/**
 * Which objects to read at all, judged before reading from an object's top-level `kind` and
 * `metadata.namespace` (undefined when absent or empty), where a cheap look at its lines finds both
 * with certainty ({@link headerOf}). It must agree with `keep`: an object it refuses is one `keep`
 * would drop. A refused document or List item is not read nor checked: a syntax error in it is not
 * reported.
 */
export type Select = (kind: string, namespace: string | undefined) => boolean;

/**
 * The composer's options. kubectl decodes manifests with sigs.k8s.io/yaml, whose goyaml.v2 fork
 * follows YAML 1.1: `automountServiceAccountToken: yes` is the boolean true there, so read it the
 * same way. Duplicate keys are errors; no process warnings on stderr (e.g. "Keys with collection
 * values will be stringified").
 */
export const COMPOSER_OPTIONS = { version: '1.1', uniqueKeys: true, logLevel: 'error' } as const;

/**
 * The documents the composer makes of a token stream. The yaml library's errors are `Error`s, and
 * capturing their stack traces cost twice the parse itself on a text full of errors (an unrendered
 * chart template); no stack is captured here, messages and positions are unchanged.
 */
export function composeTokens(tokens: Iterable<CST.Token>): Document.Parsed[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Array.from(new Composer(COMPOSER_OPTIONS).compose(tokens));
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Thrown inside the reader (and the outliner, outline.ts) when it does not fully understand what it reads. */
export class GiveUp extends Error {}
export const GIVE_UP = new GiveUp('not understood');

/**
 * Thrown when the YAML parser reports a problem in a piece (that document is then at hand): the
 * whole text is parsed as usual.
 */
class Fallback extends Error {
  constructor(readonly doc?: Document.Parsed) {
    super('full parse');
  }
}
const FALLBACK = new Fallback();

/** What {@link readFast} gives when it cannot read a text: the document where the parser reported an error, if any. */
export interface FastFailure {
  failed: true;
  doc: Document.Parsed | undefined;
}

type Compose = (start: number, end: number) => Document.Parsed | undefined;

/**
 * Reads the objects of a text by the value path, keeping those `keep` accepts; a failure when the
 * text must be parsed as usual (not JSON or block YAML the reader or the parser, piece by piece,
 * reads without a problem), with the piece whose syntax error the parser reported, if any.
 */
/**
 * Short scalars read before, by a hash of their length and three of their characters: most values
 * of a large input repeat (`v1`, `get`, a label, a ServiceAccount's name), and a fresh string per
 * occurrence was 7% of its live heap (20k generated objects). A slot holds the last string read
 * there (4,096 strings of at most 40 characters); a lookup is a few reads and one comparison, no
 * hashing of the whole string as a Map would do. One table per run ({@link stringTable}), shared
 * by its files and dropped with it: a string cut from a file's text can hold that whole text.
 */
export type StringTable = string[];

export function stringTable(): StringTable {
  return new Array<string>(4096).fill('');
}

/** The table of the {@link readFast} call running (it is synchronous). */
let table: StringTable | undefined;

/** `value`, or the equal string the table holds (the same text: strings compare by value). */
function shared(value: string): string {
  const n = value.length;
  if (table === undefined || n === 0 || n > 40) return value;
  const slot = (n * 31 + value.charCodeAt(0) * 7 + value.charCodeAt(n - 1) * 131 + value.charCodeAt(n >> 1)) & 4095;
  const held = table[slot]!;
  if (held === value) return held;
  table[slot] = value;
  return value;
}

export function readFast(
  text: string,
  maxDepth: number,
  maxAliasCount: number,
  compose: Compose,
  keep: Keep = () => true,
  select?: Select,
  strings: StringTable = stringTable(),
): FastResult | FastFailure {
  const failed = (doc?: Document.Parsed): FastFailure => ({ failed: true, doc });
  // Helm's template actions are reported per document by the full parse (other `{{ … }}` is data;
  // as a flow collection key it makes the parser's piece fall back, see composeChecked).
  if (HELM_ACTION.test(text) || text.includes('\r')) return failed();
  table = strings;
  try {
    if (/^\s*\{/.test(text)) return readJson(text, maxDepth, keep, select) ?? failed();
    if (/^\s*\[/.test(text)) return failed();
    return readYamlStream(text, maxAliasCount, compose, keep, select) ?? failed();
  } catch (error) {
    if (error instanceof Fallback) return failed(error.doc);
    if (error instanceof GiveUp) return failed();
    throw error;
  } finally {
    table = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

function readJson(text: string, maxDepth: number, keep: Keep, select: Select | undefined): FastResult | undefined {
  // Unlike in block YAML, no character reads differently inside a JSON string (control
  // characters, which JSON.parse refuses, aside).
  const scan = scanJson(text, maxDepth);
  if (!scan) return undefined;
  if (select && scan.items && scan.list) return readJsonItems(text, scan as JsonScan & { items: Segment[]; list: JsonList }, keep, select);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // JSON.parse keeps the last of duplicate keys; YAML reports them: count the keys it kept.
  if (countKeys(value) !== scan.keys) return undefined;
  const whole = [{ start: 0, end: text.length }];
  if (!isObject(value)) return { objects: [], segments: whole, composed: new Map(), block: false, skipped: 0, preambles: [] };
  if (isList(value) && scan.items && scan.items.length === value.items.length) {
    const objects: FastObject[] = [];
    let skipped = 0;
    value.items.forEach((item, i) => {
      if (!isObject(item)) return;
      if (keep(item)) objects.push({ value: item, segment: i, pathPrefix: ROOT, doc: 0, docPath: ['items', i] });
      else skipped++;
    });
    return { objects, segments: scan.items, composed: new Map(), block: false, skipped, preambles: [] };
  }
  if (!keep(value)) return { objects: [], segments: whole, composed: new Map(), block: false, skipped: 1, preambles: [] };
  return { objects: [{ value, segment: 0, pathPrefix: ROOT, doc: 0, docPath: ROOT }], segments: whole, composed: new Map(), block: false, skipped: 0, preambles: [] };
}

/**
 * A List's items parsed one by one (a cluster dump in one file), those `select` refuses not at all:
 * the root without its items, then each item, each with the keys the scan counted in it.
 */
function readJsonItems(text: string, scan: JsonScan & { items: Segment[]; list: JsonList }, keep: Keep, select: Select): FastResult | undefined {
  const { items, list } = scan;
  // Between the items: a comma and blanks (JSON.parse no longer sees the array as a whole).
  for (let i = 0; i <= items.length; i++) {
    const from = i === 0 ? list.open + 1 : items[i - 1]!.end;
    const to = i === items.length ? list.close : items[i]!.start;
    let commas = 0;
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      if (c === 44) commas++;
      else if (c !== 32 && c !== 10) return undefined;
    }
    if (commas !== (i === 0 || i === items.length ? 0 : 1)) return undefined;
  }
  let rootKeys = scan.keys;
  for (const count of list.keys) rootKeys -= count;
  const objects: FastObject[] = [];
  let skipped = 0;
  try {
    const root: unknown = JSON.parse(`${text.slice(0, list.open)}[]${text.slice(list.close + 1)}`);
    if (!isObject(root) || typeof root.kind !== 'string' || !root.kind.endsWith('List') || countKeys(root) !== rootKeys) return undefined;
    for (let i = 0; i < items.length; i++) {
      const kind = list.kinds[i];
      const namespace = list.namespaces[i];
      // An empty kind is no object's: always read, as `keep` keeps it.
      if (kind && namespace !== null && !kind.endsWith('List') && !select(kind, namespace)) {
        skipped++;
        continue;
      }
      const { start, end } = items[i]!;
      const item: unknown = JSON.parse(text.slice(start, end));
      if (countKeys(item) !== list.keys[i]) return undefined;
      if (!isObject(item)) continue;
      if (keep(item)) objects.push({ value: item, segment: i, pathPrefix: ROOT, doc: 0, docPath: ['items', i] });
      else skipped++;
    }
  } catch {
    return undefined;
  }
  return { objects, segments: items, composed: new Map(), block: false, skipped, preambles: [] };
}

function countKeys(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const key in v) {
        count++;
        const item = (v as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push(item);
      }
    }
  }
  return count;
}

/**
 * Scans a JSON text for what would make the YAML parser read it differently from JSON.parse:
 * blanks other than spaces and line breaks, a key whose `:` is on another line or that is longer
 * than 1000 characters (YAML's implicit keys), numbers with an exponent or more than 15 digits
 * (YAML 1.1 reads `1e3` as a string), `__proto__` keys, nesting deeper than `maxDepth`. Counts the
 * keys and finds the items of a top-level `items` array. Undefined when the text is not so plain;
 * syntax is JSON.parse's to check.
 */
function scanJson(text: string, maxDepth: number): JsonScan | undefined {
  const n = text.length;
  /** Per open container: 1 object, 2 array. */
  const stack: number[] = [];
  let keys = 0;
  let items: Segment[] | undefined;
  let inItems = false;
  let itemStart = -1;
  let expectKey = false;
  let lastKeyItems = false;
  // Of the top-level `items` array: where it opens and closes; of each object item, the keys in it,
  // its `kind` and `metadata.namespace` (see JsonList).
  let list: JsonList | undefined;
  let itemKeys = 0;
  /** The item's kind so far; null once uncertain. */
  let itemKind: string | null | undefined;
  let itemNamespace: string | null | undefined;
  /** Whether the item's `metadata` key, and its metadata's `namespace` key, were met (a second one leaves the namespace uncertain). */
  let metadataKey = false;
  let namespaceKey = false;
  /** Whose string value comes next: 1 an item's kind, 2 its metadata's namespace. */
  let pending = 0;
  /** Whether the scan is inside the item's metadata object (its keys are at depth 4). */
  let inMetadata = false;
  let lastItemKey = '';
  const endItem = (end: number): void => {
    if (list && itemStart >= 0) {
      list.keys.push(itemKeys);
      list.kinds.push(text.charCodeAt(itemStart) === 123 && typeof itemKind === 'string' ? itemKind : undefined);
      list.namespaces.push(itemNamespace);
    }
    items!.push({ start: itemStart, end });
    itemStart = -1;
    itemKeys = 0;
    itemKind = undefined;
    itemNamespace = undefined;
    inMetadata = false;
    metadataKey = false;
    namespaceKey = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10) continue;
    if (c === 9 || c === 13) return undefined;
    const depth = stack.length;
    // A value starts at depth 2 inside the items array: remember where.
    if (inItems && depth === 2 && itemStart < 0 && c !== 44 /* , */ && c !== 93 /* ] */) itemStart = i;
    if (c === 34 /* " */) {
      let j = text.indexOf('"', i + 1);
      while (j > 0 && text.charCodeAt(j - 1) === 92) {
        let backslashes = 0;
        for (let k = j - 1; text.charCodeAt(k) === 92; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (j < 0) return undefined;
      if (pending !== 0) {
        // The value of an item's `kind` or its metadata's `namespace`.
        const value = text.slice(i + 1, j);
        const certain = !value.includes('\\');
        if (pending === 1) itemKind = certain ? value : null;
        else if (itemNamespace !== null) itemNamespace = certain ? (value === '' ? undefined : value) : null;
        pending = 0;
        i = j;
        continue;
      }
      if (expectKey && stack[depth - 1] === 1) {
        // A key: its `:` on the same line.
        let k = j + 1;
        while (text.charCodeAt(k) === 32) k++;
        if (text.charCodeAt(k) !== 58 /* : */) return undefined;
        if (j - i > 1000) return undefined;
        const key = text.slice(i + 1, j);
        if (key === '__proto__') return undefined;
        lastKeyItems = depth === 1 && key === 'items';
        keys++;
        if (inItems && depth >= 3) {
          itemKeys++;
          if (depth === 3) {
            lastItemKey = key;
            if (key === 'kind') {
              // A second `kind` (which YAML refuses) leaves it uncertain.
              if (itemKind !== undefined) itemKind = null;
              else pending = 1;
            } else if (key === 'metadata') {
              if (metadataKey) itemNamespace = null;
              metadataKey = true;
            }
          } else if (inMetadata && depth === 4 && key === 'namespace') {
            if (namespaceKey) itemNamespace = null;
            else pending = 2;
            namespaceKey = true;
          }
        }
        expectKey = false;
        i = k;
        continue;
      }
      i = j;
      continue;
    }
    // Any other value of an item's kind or namespace: uncertain.
    if (pending === 1) itemKind = null;
    else if (pending === 2) itemNamespace = null;
    pending = 0;
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth >= maxDepth - 8) return undefined;
      stack.push(c === 123 ? 1 : 2);
      expectKey = c === 123;
      if (c === 91 && depth === 1 && lastKeyItems && items === undefined) {
        items = [];
        inItems = true;
        list = { open: i, close: -1, keys: [], kinds: [], namespaces: [] };
      }
      if (c === 123 && inItems && depth === 3 && lastItemKey === 'metadata') inMetadata = true;
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      if (inItems && stack.length === 3) inMetadata = false;
      if (inItems && stack.length === 2 && itemStart >= 0) {
        // The end of an item that is an object or array.
        endItem(i + 1);
      } else if (inItems && stack.length === 1) {
        if (itemStart >= 0) endItem(i);
        itemStart = -1;
        inItems = false;
        if (list) list.close = i;
      }
      expectKey = false;
      continue;
    }
    if (c === 44 /* , */) {
      if (inItems && depth === 2 && itemStart >= 0) endItem(i);
      expectKey = stack[depth - 1] === 1;
      continue;
    }
    if (c === 58 /* : */) continue;
    // A number or a literal.
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 9 || d === 13) break;
      j++;
    }
    const token = text.slice(i, j);
    if (token !== 'true' && token !== 'false' && token !== 'null' && !/^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/.test(token)) return undefined;
    i = j - 1;
  }
  if (list && (list.close < 0 || list.kinds.length !== items!.length)) list = undefined;
  return { keys, items, ...(list ? { list } : {}) };
}

/** What {@link scanJson} finds: the keys it counted, the items of a top-level `items` array. */
interface JsonScan {
  keys: number;
  items: Segment[] | undefined;
  list?: JsonList;
}

/** The top-level `items` array: where its brackets are, and per item the keys in it, its `kind` and `metadata.namespace`. */
interface JsonList {
  open: number;
  close: number;
  keys: number[];
  /** The item's `kind` when it is an object with one `kind`, a string without escapes; else undefined. */
  kinds: (string | undefined)[];
  /** Its metadata's `namespace` (undefined when absent or empty), or null when uncertain (escapes, not a string, repeated). */
  namespaces: (string | null | undefined)[];
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

// The words that are no strings, the characters refused anywhere (tab too) and the deepest nesting
// followed are those of the fast path's line check (src/parse/skip.ts).
const LETTER_STRING = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const FLOW_ITEM = String.raw`(?:[A-Za-z0-9_./][A-Za-z0-9_./-]*|"[^"\\]*"|'[^']*')`;
const FLOW_SEQ = new RegExp(String.raw`^\[ *(${FLOW_ITEM}(?: *, *${FLOW_ITEM})*) *\] *$`);
const FLOW_MAP = new RegExp(String.raw`^\{ *(${FLOW_ITEM}: +${FLOW_ITEM}(?: *, *${FLOW_ITEM}: +${FLOW_ITEM})*) *\} *$`);
export const FLOW_TOKEN = new RegExp(FLOW_ITEM, 'g');

let schemaCache: { schema: Schema; options: Document.Parsed['options'] } | undefined;
const plainCache = new Map<string, unknown>();

/** The value of a plain scalar as the YAML 1.1 schema's tags resolve it (GIVE_UP if not a JSON value). */
function resolvePlain(source: string): unknown {
  if (LETTER_STRING.test(source) && !NON_STRING_WORD.test(source)) return source;
  const cached = plainCache.get(source);
  if (cached !== undefined || plainCache.has(source)) return cached;
  const { schema, options } = yamlSchema();
  const tag = schema.tags.find((t) => t.default === true && !t.collection && t.test?.test(source));
  let value: unknown = source;
  if (tag) {
    let failed = false;
    const resolve = tag.resolve as (value: string, onError: (message: string) => void, options: unknown) => unknown;
    value = resolve(source, () => (failed = true), options);
    if (failed) throw GIVE_UP;
    // As the composer: a tag may resolve to a Scalar node, whose toJS is that of its value.
    if (isScalar(value)) value = value.value;
    if (typeof value === 'bigint') value = Number(value);
    // A YAML 1.1 timestamp is a Date in the parser's values: left to the parser, to be the same.
    if (value instanceof Date) throw GIVE_UP;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw GIVE_UP;
  }
  if (plainCache.size < 100_000) plainCache.set(source, value);
  return value;
}

/** Whether a plain scalar is a string as a key: no tag of the schema claims it (`1`, `.`, `true`, `<<`, dates). */
function plainIsString(source: string): boolean {
  const { schema } = yamlSchema();
  return !schema.tags.some((t) => (t.default === true || t.default === 'key') && t.test?.test(source));
}

function yamlSchema(): { schema: Schema; options: Document.Parsed['options'] } {
  if (!schemaCache) {
    const doc = parseDocument('a: 1', COMPOSER_OPTIONS);
    schemaCache = { schema: doc.schema, options: doc.options };
  }
  return schemaCache;
}

/** A one-line scalar or flow collection (not a block scalar), from its first character to the end of its line. */
function inlineValue(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c === 34 /* " */) return doubleQuotedLine(text, doubleQuotedClose(text, 1, text.length));
  if (c === 39 /* ' */) {
    let i = 1;
    for (;;) {
      const q = text.indexOf("'", i);
      if (q < 0) throw GIVE_UP;
      if (text.charCodeAt(q + 1) === 39) {
        i = q + 2;
        continue;
      }
      if (!blanksOrComment(text, q + 1)) throw GIVE_UP;
      return text.slice(1, q).replaceAll("''", "'");
    }
  }
  if (c === 91 /* [ */) {
    if (/^\[ *\] *$/.test(text)) return [];
    const m = FLOW_SEQ.exec(text);
    if (!m) throw GIVE_UP;
    return (m[1]!.match(FLOW_TOKEN) ?? []).map((token) => {
      const value = flowScalar(token);
      return typeof value === 'string' ? shared(value) : value;
    });
  }
  if (c === 123 /* { */) {
    if (/^\{ *\} *$/.test(text)) return {};
    const m = FLOW_MAP.exec(text);
    if (!m) throw GIVE_UP;
    const tokens = m[1]!.match(FLOW_TOKEN) ?? [];
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const token = tokens[i]!;
      const quoted = token.charCodeAt(0) === 34 || token.charCodeAt(0) === 39;
      if (!quoted && !plainIsString(token)) throw GIVE_UP;
      const key = flowScalar(token);
      if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(out, key)) throw GIVE_UP;
      out[key] = flowScalar(tokens[i + 1]!);
    }
    return out;
  }
  // A plain scalar: no indicator first (`-`, `?`, `:` only before a non-blank), no `: ` or final
  // `:`; a comment after it (` #`, a `#` after a blank) ends it.
  if (/^[,[\]{}#&*!|>'"%@`]/.test(text) || /^[-?:](?: |$)/.test(text)) throw GIVE_UP;
  const body = text.slice(0, plainEnd(text, 0, text.length));
  if (body.includes(': ') || body.endsWith(':')) throw GIVE_UP;
  return resolvePlain(body);
}

/** A one-line double-quoted scalar `text` (from its quote) whose closing quote is at `close` (-1: none on the line). */
function doubleQuotedLine(text: string, close: number): string {
  if (close < 0 || !blanksOrComment(text, close + 1)) throw GIVE_UP;
  const inner = text.slice(1, close);
  return inner.includes('\\') ? doubleQuotedValue(inner) : inner;
}

/**
 * Where a double-quoted scalar that continues from line `line - 1` of `lines` closes: the line and
 * offset of its closing quote, at most at line `end - 1`. Its lines must be blank or indented more
 * than the key or dash at `parent` (else the parser reports them or reads them otherwise); GIVE_UP
 * when one is not, or when no line closes it.
 */
export function doubleQuotedEnd(lines: Lines, line: number, end: number, parent: number): { line: number; close: number } {
  const { starts, ends, indents } = lines;
  for (; line < end; line++) {
    if (starts[line]! + indents[line]! < ends[line]! && indents[line]! <= parent) throw GIVE_UP;
    const close = doubleQuotedClose(lines.text, starts[line]!, ends[line]!);
    if (close >= 0) return { line, close };
  }
  throw GIVE_UP;
}

/**
 * The offset of the quote that closes the double-quoted scalar whose content starts at `from`, in
 * `text[from, end)`, or -1: the first `"` that is not escaped (as the YAML lexer finds it, by the
 * backslashes before it).
 */
export function doubleQuotedClose(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92 /* \\ */) i++;
  }
  return -1;
}

/** The characters of YAML's one-character escapes (`\n`, `\"`, …; YAML 1.2 `c-ns-esc-char`), as the parser decodes them. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};
const HEX = /^[0-9A-Fa-f]+$/;

/**
 * The value of a double-quoted scalar from its content (the text between its quotes, line breaks
 * included), as the parser decodes it: escapes, and line folding (a line break and the blanks
 * around it become a space, or one line feed per empty line; an escaped line break joins the lines).
 * GIVE_UP for an escape the parser reports as an error. Tabs and CRs never get here (refused).
 */
export function doubleQuotedValue(content: string): string {
  let out = '';
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    if (ch === '\n') {
      let fold = '';
      for (let next = content[i + 1]; next === ' ' || next === '\n'; next = content[++i + 1]) if (next === '\n') fold += '\n';
      out += fold === '' ? ' ' : fold;
    } else if (ch === '\\') {
      const next = content[++i];
      if (next === undefined) throw GIVE_UP;
      if (next === '\n') {
        // An escaped line break: the next line's leading blanks go too.
        while (content[i + 1] === ' ') i++;
        continue;
      }
      if (Object.hasOwn(ESCAPES, next)) {
        out += ESCAPES[next];
        continue;
      }
      const length = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      const hex = content.slice(i + 1, i + 1 + length);
      if (length === 0 || hex.length !== length || !HEX.test(hex)) throw GIVE_UP;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw GIVE_UP;
      out += String.fromCodePoint(code);
      i += length;
    } else if (ch === ' ') {
      // Blanks before a line break are dropped.
      const from = i;
      while (content[i + 1] === ' ') i++;
      if (content[i + 1] !== '\n') out += content.slice(from, i + 1);
    } else {
      out += ch;
    }
  }
  return out;
}

export function flowScalar(token: string): unknown {
  const c = token.charCodeAt(0);
  if (c === 34) return token.slice(1, -1);
  if (c === 39) return token.slice(1, -1);
  return resolvePlain(token);
}

/**
 * The lines of a piece of text: start, end (before the line break), indentation and type, skipping
 * nothing. Refilled for each document of a stream ({@link Lines.reset}), so its arrays are allocated
 * once per text.
 */
export class Lines {
  starts: Int32Array;
  ends: Int32Array;
  indents: Int32Array;
  /** 0 content, 1 blank (spaces only or empty), 2 comment. */
  types: Uint8Array;
  length = 0;
  /** Where the piece ends (the offset of line `length`). */
  end = 0;
  constructor(
    readonly text: string,
    // About one line per 16 characters (pages of a large array are only touched when filled).
    capacity = Math.max(16, text.length >> 4),
  ) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.indents = new Int32Array(capacity);
    this.types = new Uint8Array(capacity);
  }

  /** Indexes the lines of `text[from, to)` (to at a line start or the end of the text). */
  reset(from: number, to: number): void {
    const text = this.text;
    let capacity = this.starts.length;
    let line = 0;
    for (let s = from; s < to; line++) {
      if (line === capacity) {
        capacity *= 2;
        this.starts = grow(this.starts, capacity);
        this.ends = grow(this.ends, capacity);
        this.indents = grow(this.indents, capacity);
        const types = new Uint8Array(capacity);
        types.set(this.types);
        this.types = types;
      }
      let e = text.indexOf('\n', s);
      if (e < 0 || e > to) e = to;
      let i = s;
      while (i < e && text.charCodeAt(i) === 32) i++;
      this.starts[line] = s;
      this.ends[line] = e;
      this.indents[line] = i - s;
      this.types[line] = i === e ? 1 : text.charCodeAt(i) === 35 ? 2 : 0;
      s = e + 1;
    }
    this.length = line;
    this.end = to;
  }
}

function grow(array: Int32Array, capacity: number): Int32Array {
  const out = new Int32Array(capacity);
  out.set(array);
  return out;
}

/** The reader of one document (or List item) of block YAML: lines `[i, end)` of `lines`. */
class Reader {
  private depth = 0;
  /** The items of the sequences being read, nested ones above outer ones: each is copied out at its end, to an array of its exact size. */
  private readonly items: unknown[] = [];
  readonly text: string;
  /** Offset of the `kind` key of the outermost mapping read, if it has one. */
  kindAt: number | undefined;
  constructor(
    readonly lines: Lines,
    /** The current line. */
    public i: number,
    readonly end: number,
  ) {
    this.text = lines.text;
  }

  /**
   * Moves to the next content line. Blank and comment lines are skipped whatever their indentation:
   * outside a scalar a comment line is ignored (a literal block scalar reads its lines itself).
   */
  skip(): void {
    const types = this.lines.types;
    while (this.i < this.end && types[this.i] !== 0) this.i++;
  }

  /** The next content line's indentation, -1 at the end. */
  peekIndent(): number {
    this.skip();
    return this.i < this.end ? this.lines.indents[this.i]! : -1;
  }

  /**
   * The `key:` at `column` of line `line`: the key, and the value on the line (from its first
   * non-blank, '' when none).
   */
  entry(line: number, column: number): { key: string; inline: string } {
    const { key, value } = keyAt(this.text, this.lines.starts[line]! + column, this.lines.ends[line]!);
    const lineEnd = this.lines.ends[line]!;
    // After the key's blank a `#` starts a comment: no value on the line.
    return { key, inline: value < lineEnd && this.text.charCodeAt(value) !== 35 ? this.text.slice(value, lineEnd) : '' };
  }

  /** A block mapping whose keys are at `indent`; the first entry may follow a dash on the current line (`- key: …`). */
  map(indent: number): Record<string, unknown> {
    if (++this.depth > MAX_LEVELS) throw GIVE_UP;
    const out: Record<string, unknown> = {};
    let first = true;
    for (;;) {
      if (!first) {
        const next = this.peekIndent();
        if (next < indent) break;
        if (next > indent) throw GIVE_UP;
        if (this.isDash(this.i, indent)) break;
      }
      first = false;
      const { key, inline } = this.entry(this.i, indent);
      if (Object.hasOwn(out, key)) throw GIVE_UP;
      if (this.depth === 1 && key === 'kind') this.kindAt = this.lines.starts[this.i]! + indent;
      this.i++;
      out[key] = this.valueAfter(inline, indent, true);
    }
    this.depth--;
    return out;
  }

  /** Whether line `i` is `-` + blank at `indent`. */
  isDash(i: number, indent: number): boolean {
    return isDashAt(this.lines, i, indent);
  }

  /**
   * The value after `key:` or `- ` (`inline`, empty when on the next lines); the line was consumed.
   * `parent` is the column of the key or dash.
   */
  valueAfter(inline: string, parent: number, isKey: boolean): unknown {
    if (inline === '') {
      const next = this.peekIndent();
      if (next > parent) {
        if (this.isDash(this.i, next)) return this.seq(next);
        // A flow collection on a line of its own (`{}` or `[]` as Helm's toYaml writes it).
        const at = this.lines.starts[this.i]! + next;
        const c = this.text.charCodeAt(at);
        if (c !== 123 /* { */ && c !== 91 /* [ */) return this.map(next);
        const value = inlineValue(this.text.slice(at, this.lines.ends[this.i]));
        this.i++;
        if (this.peekIndent() > parent) throw GIVE_UP;
        return value;
      }
      if (isKey && next === parent && this.isDash(this.i, next)) return this.seq(next);
      return null;
    }
    const c = inline.charCodeAt(0);
    if (c === 124 /* | */) return this.literal(inline, parent);
    let value: unknown;
    if (c === 34 /* " */) {
      const close = doubleQuotedClose(inline, 1, inline.length);
      value = close < 0 ? this.doubleQuoted(inline, parent) : doubleQuotedLine(inline, close);
    } else {
      value = inlineValue(inline);
    }
    if (typeof value === 'string') value = shared(value);
    // A more indented line after a one-line value would continue it (or be an error).
    if (this.peekIndent() > parent) throw GIVE_UP;
    return value;
  }

  /** A block sequence whose dashes are at `indent`. */
  seq(indent: number, onItem?: (line: number) => void): unknown[] {
    if (++this.depth > MAX_LEVELS) throw GIVE_UP;
    const items = this.items;
    const base = items.length;
    for (;;) {
      const next = this.peekIndent();
      if (next < indent) break;
      if (next > indent) throw GIVE_UP;
      if (!this.isDash(this.i, indent)) break;
      if (onItem) onItem(this.i);
      else items.push(this.item(indent));
    }
    this.depth--;
    // An array grown by push keeps room for 17 items or more: most lists here are short, and kept.
    const out = items.slice(base);
    items.length = base;
    return out;
  }

  /** One item of a sequence at `indent`, the current line being its dash. */
  item(indent: number): unknown {
    const line = this.i;
    const text = this.text;
    const lineEnd = this.lines.ends[line]!;
    let at = this.lines.starts[line]! + indent + 1;
    while (at < lineEnd && text.charCodeAt(at) === 32) at++;
    // `-` alone (the item on the next lines), `- # …` and `- - …` are left to the parser.
    const c = text.charCodeAt(at);
    if (at === lineEnd || c === 35 || (c === 45 && (at + 1 === lineEnd || text.charCodeAt(at + 1) === 32))) throw GIVE_UP;
    const column = at - this.lines.starts[line]!;
    if (looksLikeEntry(text, at, lineEnd)) return this.map(column);
    this.i++;
    return this.valueAfter(text.slice(at, lineEnd), indent, false);
  }

  /**
   * A double-quoted scalar that continues on the next lines ({@link doubleQuotedEnd}): `inline` is
   * its first line (from the quote), the line before the current one.
   */
  doubleQuoted(inline: string, parent: number): string {
    const open = this.lines.ends[this.i - 1]! - inline.length;
    const { line, close } = doubleQuotedEnd(this.lines, this.i, this.end, parent);
    if (!blanksOrComment(this.text, close + 1, this.lines.ends[line])) throw GIVE_UP;
    this.i = line + 1;
    return doubleQuotedValue(this.text.slice(open + 1, close));
  }

  /** A literal block scalar (`|` or `|-`) whose header is `header`, below a key or dash at `parent`. */
  literal(header: string, parent: number): string {
    if (!/^\|-? *$/.test(header)) throw GIVE_UP;
    const strip = header.charCodeAt(1) === 45;
    const { starts, ends, indents } = this.lines;
    let blockIndent = -1;
    const parts: string[] = [];
    let trailingEmpty = 0;
    for (; this.i < this.end; this.i++) {
      const length = ends[this.i]! - starts[this.i]!;
      if (length === 0) {
        if (blockIndent < 0) throw GIVE_UP; // leading empty lines: left to the parser
        trailingEmpty++;
        continue;
      }
      const indent = indents[this.i]!;
      if (indent === length) throw GIVE_UP; // a line of spaces only
      if (blockIndent < 0) {
        if (indent <= parent) throw GIVE_UP; // an empty block scalar
        blockIndent = indent;
      } else if (indent < blockIndent) {
        break;
      }
      for (; trailingEmpty > 0; trailingEmpty--) parts.push('');
      parts.push(this.text.slice(starts[this.i]! + blockIndent, ends[this.i]));
    }
    if (blockIndent < 0) throw GIVE_UP;
    // The last content line must end with a line break (else clipping keeps none).
    const last = this.i - 1 - trailingEmpty;
    if (this.text.charCodeAt(ends[last]!) !== 10) throw GIVE_UP;
    const value = parts.join('\n');
    if (this.peekIndent() > parent) throw GIVE_UP;
    return strip ? value : `${value}\n`;
  }
}

/** Whether line `i` of `lines` is `-` + blank at `indent`. */
export function isDashAt(lines: Lines, i: number, indent: number): boolean {
  const start = lines.starts[i]! + indent;
  return lines.text.charCodeAt(start) === 45 && (start + 1 === lines.ends[i] || lines.text.charCodeAt(start + 1) === 32);
}

/**
 * The `key:` at `from` of a line ending at `lineEnd`: the key (a string, quoted without escapes or
 * plain), where its text ends (before the `:`), and where its value starts on the line (`lineEnd`
 * when none). GIVE_UP for anything else.
 */
export function keyAt(text: string, from: number, lineEnd: number): { key: string; end: number; value: number } {
  const c = text.charCodeAt(from);
  let key: string;
  let end: number;
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const close = text.indexOf(c === 34 ? '"' : "'", from + 1);
    if (close < 0 || close >= lineEnd) throw GIVE_UP;
    key = text.slice(from + 1, close);
    if (c === 34 ? key.includes('\\') : text.charCodeAt(close + 1) === 39) throw GIVE_UP;
    end = close + 1;
  } else {
    end = plainKeyEnd(text, from, lineEnd);
    if (end < 0) throw GIVE_UP;
    key = text.slice(from, end);
    // Resolved as the schema does (`1`, `.` and `true` are no strings); `<<` is a merge key.
    if (!SIMPLE_KEY.test(key) || (key.length <= 5 && NON_STRING_WORD.test(key))) {
      if (!plainIsString(key)) throw GIVE_UP;
    }
  }
  if (end - from > 1000 || key === '__proto__' || text.charCodeAt(end) !== 58 /* : */) throw GIVE_UP;
  let value = end + 1;
  if (value < lineEnd && text.charCodeAt(value) !== 32) throw GIVE_UP;
  while (value < lineEnd && text.charCodeAt(value) === 32) value++;
  return { key, end, value };
}

/** Whether `text[from, end)` starts a `key:` entry (the reader reads it exactly with {@link Reader.entry}). */
export function looksLikeEntry(text: string, from: number, end: number): boolean {
  const c = text.charCodeAt(from);
  if (c === 34 || c === 39) {
    const close = text.indexOf(c === 34 ? '"' : "'", from + 1);
    return close > 0 && close + 1 < end && text.charCodeAt(close + 1) === 58 && (close + 2 === end || text.charCodeAt(close + 2) === 32);
  }
  return plainKeyEnd(text, from, end) >= 0;
}

/** A plain key that is certainly a string: a letter, `_` or `$`, then letters, digits and `_./$-`. */
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_.\/$-]*$/;

/**
 * Where the plain key starting at `from` ends (at its `:`, which a blank or the end of the line
 * follows), or -1: a key of characters other than blanks, quotes and flow indicators (`f:spec`,
 * `app.kubernetes.io/name`), not starting with an indicator.
 */
export function plainKeyEnd(text: string, from: number, end: number): number {
  const c = text.charCodeAt(from);
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  if (from >= end || c === 45 || c === 63 || c === 58 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125 || c === 35 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 39 || c === 34 || c === 37 || c === 64 || c === 96) return -1;
  for (let i = from + 1; i < end; i++) {
    const d = text.charCodeAt(i);
    if (d === 58 /* : */) {
      if (i + 1 === end || text.charCodeAt(i + 1) === 32) return i;
      continue;
    }
    if (d === 32 || d === 44 || d === 91 || d === 93 || d === 123 || d === 125 || d === 35 || d === 34 || d === 39) return -1;
  }
  return -1;
}

/** `kind: List` and the typed lists (`RoleList`, …), as parse.ts reads them. */
function isList(value: Record<string, unknown>): value is Record<string, unknown> & { items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a stream of block YAML documents split at their `---` markers. Each document is read by
 * the reader, or else composed on its own (the parser must report no problem there); the items of a
 * top-level `items` sequence are read (or composed) one by one, each its own segment.
 */
function readYamlStream(text: string, maxAliasCount: number, compose: Compose, keep: Keep, select: Select | undefined): FastResult | undefined {
  if (REFUSED_CHARS.test(text)) return undefined;
  if (/^(?:%|\.\.\.)|^---(?! *$)/m.test(text)) return undefined;
  const lines = new Lines(text);
  const objects: FastObject[] = [];
  const segments: Segment[] = [];
  const composed = new Map<number, Document.Parsed>();
  const preambles: Segment[] = [];
  const out: Out = { objects, segments, composed, block: true, skipped: 0, keep, select, doc: 0, preambles };
  // Documents: the lines between `---` markers (a marker is `---` at column 0, then blanks only:
  // other lines starting with `---` were refused above).
  const markers = documentMarkers(text);
  let first = 0;
  for (let m = 0; m <= markers.length; m++) {
    const last = m === markers.length;
    const end = last ? text.length : markers[m]!;
    // Every marker starts a document, even one with no lines before the next marker.
    if (end > first || last || first > 0) {
      // Comments (at any indentation) and blank lines are no content.
      const contentStart = firstContentLine(text, first, end);
      const content = contentStart < end;
      if (select && content && text.charCodeAt(contentStart) !== 32 && refused(text, contentStart, end, 0, select)) {
        // Not read at all (nor checked).
        segments.push({ start: first, end });
        out.skipped++;
      } else {
        lines.reset(first, end);
        let contentLine = 0;
        while (contentLine < lines.length && lines.types[contentLine] !== 0) contentLine++;
        readDocument(lines, 0, contentLine, lines.length, out, maxAliasCount, compose);
      }
      // Comments before the first marker are the next document's preamble, not a document.
      if (content || first > 0 || last) {
        const start = out.doc === 0 ? 0 : first;
        preambles.push({ start, end: content ? contentStart : Math.max(start, first - 1) });
        out.doc++;
      }
    }
    if (last) break;
    const lineEnd = text.indexOf('\n', end);
    first = lineEnd < 0 ? text.length : lineEnd + 1;
  }
  return { objects, segments, composed, block: true, skipped: out.skipped, preambles };
}

/** The start of the first line of `text[from, end)` that is neither blank nor a comment, or `end`. */
function firstContentLine(text: string, from: number, end: number): number {
  for (let s = from; s < end; ) {
    let i = s;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i < end && c !== 10 && c !== 35) return s;
    const e = text.indexOf('\n', i);
    if (e < 0 || e >= end) return end;
    s = e + 1;
  }
  return end;
}

/** What the YAML reader fills in: the result, `keep` and `select`, and the index of the document being read. */
type Out = FastResult & { keep: Keep; select: Select | undefined; doc: number };

/** Adds an object the reader read, unless `keep` drops it. */
function add(out: Out, value: Record<string, unknown>, segment: number, pathPrefix: JsonPath, docPath: JsonPath, kindAt?: number): void {
  if (out.keep(value)) out.objects.push({ value, segment, pathPrefix, doc: out.doc, docPath, ...(kindAt === undefined ? {} : { kindAt }) });
  else out.skipped++;
}

/** Offset where line `line` starts, or the end of the piece after its last line. */
function lineOffset(lines: Lines, line: number): number {
  return line < lines.length ? lines.starts[line]! : lines.end;
}

/** Reads the document of lines `[firstLine, endLine)`, whose first content line is `contentLine` (`endLine` when none), into `out`. */
function readDocument(lines: Lines, firstLine: number, contentLine: number, endLine: number, out: Out, maxAliasCount: number, compose: Compose): void {
  const start = lineOffset(lines, firstLine);
  const end = lineOffset(lines, endLine);
  if (contentLine === endLine || isNullDocument(lines, contentLine, endLine)) {
    // No content, or `~` alone (a document the fast path skipped, see src/parse/skip.ts): no object.
    out.segments.push({ start, end });
    return;
  }
  const reader = new Reader(lines, firstLine, endLine);
  let value: unknown;
  const items: Segment[] = [];
  const itemDocs: (Document.Parsed | undefined)[] = [];
  const kinds: Kinds = { items: [], refused: 0 };
  try {
    if (reader.peekIndent() !== 0) throw GIVE_UP;
    value = readRoot(reader, items, itemDocs, kinds, compose, maxAliasCount, out.select);
    if (reader.peekIndent() >= 0) throw GIVE_UP;
    // Items are refused before the root's kind is known (kubectl writes it after them): in a
    // document that is no List, `items` is data, read by the parser.
    if (kinds.refused > 0 && !(isObject(value) && isList(value))) throw GIVE_UP;
    // A List whose items are not a block sequence (`items: [a, b]`): only the parser's pieces say
    // where object items are; scalar items are no objects.
    if (isObject(value) && isList(value) && items.length !== value.items.length && value.items.some(isObject)) throw GIVE_UP;
  } catch (error) {
    if (!(error instanceof GiveUp)) throw error;
    const segment = out.segments.length;
    out.segments.push({ start, end });
    const doc = composeChecked(compose, start, end);
    out.composed.set(segment, doc);
    const js = toJS(doc, maxAliasCount);
    if (!isObject(js)) return;
    if (isList(js)) js.items.forEach((item, i) => isObject(item) && add(out, item, segment, ['items', i], ['items', i]));
    else add(out, js, segment, ROOT, ROOT);
    return;
  }
  if (!isObject(value)) return;
  // Items that are not a block sequence are scalars (see above): no objects, as in a full parse.
  if (isList(value) && items.length !== value.items.length) return;
  if (isList(value)) {
    out.skipped += kinds.refused;
    value.items.forEach((item, i) => {
      const segment = out.segments.length;
      out.segments.push(items[i]!);
      const doc = itemDocs[i];
      if (doc) out.composed.set(segment, doc);
      if (isObject(item)) add(out, item, segment, [0], ['items', i], kinds.items[i]);
    });
    return;
  }
  const segment = out.segments.length;
  out.segments.push({ start, end });
  add(out, value, segment, ROOT, ROOT, kinds.root);
}

/** Whether the document's content (from its first content line `line`) is the line `~` (a null scalar) and nothing else but comments. */
function isNullDocument(lines: Lines, line: number, end: number): boolean {
  if (lines.indents[line] !== 0 || lines.ends[line]! - lines.starts[line]! !== 1 || lines.text.charCodeAt(lines.starts[line]!) !== 126 /* ~ */) return false;
  for (let i = line + 1; i < end; i++) if (lines.types[i] === 0) return false;
  return true;
}

/** Where the `kind` keys are: of the document's root, of each List item (read by the reader); how many items `select` refused. */
interface Kinds {
  root?: number;
  items: (number | undefined)[];
  refused: number;
}

/**
 * The column of the first key of the List item whose dash is at `indent` on line `line` (`- key: …`),
 * or -1 when the item does not start with a plain `key:` on its dash's line.
 */
function itemColumn(lines: Lines, line: number, indent: number): number {
  const text = lines.text;
  const lineEnd = lines.ends[line]!;
  let at = lines.starts[line]! + indent + 1;
  while (at < lineEnd && text.charCodeAt(at) === 32) at++;
  return plainKeyEnd(text, at, lineEnd) < 0 ? -1 : at - lines.starts[line]!;
}

/**
 * Whether `select` refuses the object on the lines of `text[from, end)` whose keys are at `column`,
 * its header being certain; `lines` holds those lines from line `line` on, when already indexed.
 */
function refused(text: string, from: number, end: number, column: number, select: Select, lines?: Lines, line = 0): boolean {
  const header = headerOf(text, from, end, column, lines, line);
  // A List is read item by item (each item is judged on its own).
  return header !== undefined && !header.kind.endsWith('List') && !select(header.kind, header.namespace);
}

/**
 * The top-level `kind` and `metadata.namespace` of the block mapping on the lines of
 * `text[from, end)` whose keys are at `column` (the first line's key is at `column`, after a dash
 * when it is a List item), read from the lines at the keys' indentation alone; undefined unless both
 * are certain, and for a mapping with an `items` key (it may be a List).
 *
 * In a text the YAML parser reads without error, a line at the indentation of a mapping's keys is
 * one of its keys, or the dash of a block sequence that is the previous key's value (`rules:` then
 * `- …`): a value's continuation (a block scalar, a multi-line quoted or plain scalar, a flow
 * collection) is indented more, else the parser reports it. A text with an error is not read
 * differently: a document refused here is not read at all, and one accepted is read (and its
 * error found) as before. So only the form of the keys and of the two values needs to be certain:
 * plain keys, `metadata:` with a block mapping below it, no merge key, no repeated key, and values
 * that are certainly strings.
 */
function headerOf(text: string, from: number, end: number, column: number, lines?: Lines, line = 0): { kind: string; namespace: string | undefined } | undefined {
  let kind: string | undefined;
  let namespace: string | undefined;
  let namespaceSeen = false;
  let metadataSeen = false;
  let inMetadata = false;
  let metadataIndent = -1;
  /** Whether a key was read at each level (the top level, metadata's). */
  let keyAt0 = false;
  let keyAt1 = false;
  /**
   * The indentation of the `kind` or `namespace` key just read: a plain scalar continues on the
   * more indented lines after it (`kind: Role` then `  List` is "Role List").
   */
  let valueOf = -1;
  for (let s = from, l = line, firstLine = true; s < end; firstLine = false, l++) {
    const lineStart = s;
    let lineEnd: number;
    if (lines) {
      lineEnd = lines.ends[l]!;
    } else {
      lineEnd = text.indexOf('\n', s);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    }
    s = lineEnd + 1;
    let indent = column;
    if (!firstLine) {
      if (lines) {
        // Blank lines and comments.
        if (lines.types[l] !== 0) continue;
        indent = lines.indents[l]!;
      } else {
        // Deeper lines are skipped unless metadata's keys are looked for (in a valid text, no line
        // but blank ones and comments is less indented than the keys).
        if (!inMetadata && valueOf < 0 && text.charCodeAt(lineStart + column) === 32) continue;
        let i = lineStart;
        while (i < lineEnd && text.charCodeAt(i) === 32) i++;
        // Blank lines and comments.
        if (i === lineEnd || text.charCodeAt(i) === 35) continue;
        indent = i - lineStart;
      }
      if (valueOf >= 0 && indent > valueOf) return undefined;
      valueOf = -1;
      if (!inMetadata && indent > column) continue;
    }
    if (indent < column) return undefined;
    const at = lineStart + indent;
    // A block sequence may be a key's value at the key's own indentation (`rules:` then `- …`, as
    // kubectl writes it): its dash lines, and the lines below them, belong to that value.
    const dash = text.charCodeAt(at) === 45 && (at + 1 === lineEnd || text.charCodeAt(at + 1) === 32);
    let level: number;
    if (indent === column) {
      // `metadata:` whose value is a sequence is no object's metadata.
      if (dash && (!keyAt0 || (inMetadata && !keyAt1))) return undefined;
      inMetadata = false;
      if (dash) continue;
      level = 0;
    } else if (inMetadata) {
      if (metadataIndent < 0) metadataIndent = indent;
      if (indent < metadataIndent) return undefined;
      if (indent > metadataIndent) continue;
      if (dash) {
        if (!keyAt1) return undefined;
        continue;
      }
      level = 1;
    } else {
      continue;
    }
    const colon = plainKeyEnd(text, at, lineEnd);
    if (colon < 0 || text.charCodeAt(at) === 60 /* < */) return undefined;
    // An `items` key may make it a List, read item by item: not worth looking further (kubectl
    // writes a List's `kind` after its items).
    if (level === 0 && colon - at === 5 && text.startsWith('items', at)) return undefined;
    if (level === 0 && colon - at === 4 && text.startsWith('kind', at)) {
      if (kind !== undefined) return undefined;
      kind = simpleString(text, colon + 1, lineEnd);
      if (!kind) return undefined;
      valueOf = indent;
    } else if (level === 0 && colon - at === 8 && text.startsWith('metadata', at)) {
      if (metadataSeen || simpleString(text, colon + 1, lineEnd) !== '') return undefined;
      metadataSeen = inMetadata = true;
    }
    if (level === 0) keyAt0 = true;
    else keyAt1 = true;
    if (level === 1 && colon - at === 9 && text.startsWith('namespace', at)) {
      if (namespaceSeen) return undefined;
      namespaceSeen = true;
      namespace = simpleString(text, colon + 1, lineEnd);
      if (namespace === undefined) return undefined;
      valueOf = indent;
    }
  }
  if (kind === undefined) return undefined;
  return { kind, namespace: namespace === '' ? undefined : namespace };
}

/**
 * The value on `text[from, lineEnd)` (after a key's `:`) when it is certainly a string of letters,
 * digits, `.`, `_` and `-` on this line alone: plain (starting with a letter, not a YAML 1.1
 * boolean or null word) or quoted without escapes; '' when there is no value on the line (a comment
 * at most); undefined for anything else.
 */
function simpleString(text: string, from: number, lineEnd: number): string | undefined {
  let at = from;
  while (at < lineEnd && text.charCodeAt(at) === 32) at++;
  if (at === lineEnd || text.charCodeAt(at) === 35 /* # */) return '';
  const quote = text.charCodeAt(at);
  const quoted = quote === 34 || quote === 39;
  const start = quoted ? at + 1 : at;
  let i = start;
  for (; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95)) break;
  }
  const value = text.slice(start, i);
  if (quoted) {
    if (text.charCodeAt(i) !== quote) return undefined;
    i++;
  } else {
    const first = value.charCodeAt(0);
    if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90)) || (value.length <= 5 && NON_STRING_WORD.test(value))) return undefined;
  }
  // Then blanks only, or a comment after a blank.
  const valueEnd = i;
  while (i < lineEnd && text.charCodeAt(i) === 32) i++;
  if (i < lineEnd && (i === valueEnd || text.charCodeAt(i) !== 35)) return undefined;
  return value;
}

/**
 * The root mapping; the top-level `items` sequence item by item: an item the reader does not
 * understand is composed alone (its lines run to the next line at the sequence's indentation).
 */
function readRoot(
  reader: Reader,
  items: Segment[],
  itemDocs: (Document.Parsed | undefined)[],
  kinds: Kinds,
  compose: Compose,
  maxAliasCount: number,
  select: Select | undefined,
): Record<string, unknown> {
  const lines = reader.lines;
  const out: Record<string, unknown> = {};
  for (;;) {
    const next = reader.peekIndent();
    if (next < 0) break;
    if (next !== 0 || reader.isDash(reader.i, 0)) throw GIVE_UP;
    const { key, inline } = reader.entry(reader.i, 0);
    if (Object.hasOwn(out, key)) throw GIVE_UP;
    if (key === 'kind') kinds.root = lines.starts[reader.i]!;
    reader.i++;
    if (key !== 'items' || inline !== '') {
      out[key] = reader.valueAfter(inline, 0, true);
      continue;
    }
    const indent = reader.peekIndent();
    if (indent < 0 || !reader.isDash(reader.i, indent)) {
      out[key] = reader.valueAfter(inline, 0, true);
      continue;
    }
    const values: unknown[] = [];
    reader.seq(indent, (line) => {
      // The item's lines: up to the next content line at the sequence's indentation or less.
      let endLine = line + 1;
      while (endLine < reader.end && (lines.types[endLine] !== 0 || lines.indents[endLine]! > indent)) endLine++;
      // A comment line after an indented item's content can make the parser end the item after
      // the next item's indentation, which a piece cut at that line cannot: the parser reads all.
      // So can a comment after an empty value on the item's last content line (`key: # c`): any
      // `#` on that line leaves the document to the parser.
      if (indent > 0) {
        let last = endLine - 1;
        for (; last > line && lines.types[last] !== 0; last--) if (lines.types[last] === 2) throw GIVE_UP;
        for (let at = lines.starts[last]!; at < lines.ends[last]!; at++) if (lines.text.charCodeAt(at) === 35 /* # */) throw GIVE_UP;
      }
      // Blank and comment lines before it are in the piece, as the parser may count them in the item.
      const segment = { start: lines.starts[line]!, end: lineOffset(lines, endLine) };
      let value: unknown = null;
      let doc: Document.Parsed | undefined;
      let kindAt: number | undefined;
      const column = select ? itemColumn(lines, line, indent) : -1;
      if (column > 0 && refused(lines.text, segment.start, segment.end, column, select!, lines, line)) {
        // An item `select` refuses is not read: a null item in its place (no object).
        kinds.refused++;
      } else {
        try {
          const itemReader = new Reader(lines, line, endLine);
          value = itemReader.item(indent);
          if (itemReader.peekIndent() >= 0) throw GIVE_UP;
          kindAt = itemReader.kindAt;
        } catch (error) {
          if (!(error instanceof GiveUp)) throw error;
          doc = composeChecked(compose, segment.start, segment.end);
          const js = toJS(doc, maxAliasCount);
          if (!Array.isArray(js) || js.length !== 1) throw FALLBACK;
          value = js[0];
        }
      }
      values.push(value);
      items.push(segment);
      itemDocs.push(doc);
      kinds.items.push(kindAt);
      reader.i = endLine;
    });
    out[key] = values;
  }
  return out;
}

/** Composes a piece; a problem the parser reports there makes the whole text parse as usual. */
function composeChecked(compose: Compose, start: number, end: number): Document.Parsed {
  const doc = compose(start, end);
  if (!doc) throw FALLBACK;
  if (doc.errors.length > 0) throw new Fallback(doc);
  // A collection as a key marks an unrendered template for the full parse (parse.ts templateProblem).
  let collectionKey = false;
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        collectionKey = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (collectionKey) throw FALLBACK;
  return doc;
}

function toJS(doc: Document.Parsed, maxAliasCount: number): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch {
    throw FALLBACK;
  }
}

/**
 * Composes `text[start, end)` as one document whose nodes have the offsets of the whole text;
 * undefined when it is nested deeper than `maxDepth` (see parse.ts) or is not one document.
 */
export function composeRange(text: string, start: number, end: number, deepOffset: (doc: CST.Document) => number | undefined): Document.Parsed | undefined {
  const slice = text.slice(start, end);
  let tooDeep = false;
  let count = 0;
  function* tokens(): Generator<CST.Token> {
    for (const token of new Parser().parse(slice)) {
      if (start !== 0) mapCstOffsets(token, (offset) => offset + start);
      if (token.type === 'document') {
        count++;
        if (deepOffset(token) !== undefined) {
          tooDeep = true;
          continue;
        }
      }
      yield token;
    }
  }
  const docs = composeTokens(tokens());
  if (tooDeep || count !== 1 || docs.length !== 1) return undefined;
  return docs[0];
}

/**
 * Rewrites every `offset` of a CST token (and of the tokens inside it) with `map`: a piece parsed
 * on its own, or a compact text (see planSkips), gets the offsets of the whole original text. Each
 * token object is mapped once, even if the parser shared one between two places.
 */
export function mapCstOffsets(token: CST.Token, map: (offset: number) => number): void {
  const stack: unknown[] = [token];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) stack.push(item);
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const value = record[key];
        if (key === 'offset' && typeof value === 'number') record[key] = map(value);
        else if (typeof value === 'object' && value !== null) stack.push(value);
      }
    }
  }
}
