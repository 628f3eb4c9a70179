import { Composer, LineCounter, Parser, isCollection, visit, type CST, type Document, type Node } from 'yaml';
import { planSkips, toOriginal, type SkipPlan } from './skip.js';
import { COMPOSER_OPTIONS, composeRange, composeTokens, mapCstOffsets, readFast, type FastFailure, type Select, type StringTable } from './fast.js';
import { commentStart, unquotedIndexOf } from './line-scan.js';
import { outline } from './outline.js';
import { HELM_ACTION, lastHelmSource } from './template.js';
import type { Manifest, Outline, ParseProblem, Range, SourceFile, SourceText } from './types.js';

/** The result of parsing one source text. */
export interface ParsedSource {
  file: SourceFile;
  manifests: Manifest[];
  problems: ParseProblem[];
  /**
   * Objects (documents with a `kind`) that were not composed because no rule reads their kind
   * (see {@link ParseOptions.composeKinds}); they count in the summary but are not in `manifests`.
   */
  skippedObjects: number;
}

/** Options of {@link parseSource}. */
export interface ParseOptions {
  /**
   * The fast path: when given, a document whose top-level `kind` is not in this set, and that a
   * strict line check proves free of syntax errors and templates, is not composed (its document
   * in `file.documents` is then an empty one). Without it every document is composed.
   */
  composeKinds?: ReadonlySet<string>;
  /**
   * The value path (src/parse/fast.ts), for sources that never get findings: objects are read
   * without composing YAML nodes where the text is plain enough, and a document's nodes are composed
   * when a position in it is first asked for. Context-only sources always take it (and are then
   * read up to {@link MAX_CONTEXT_BYTES}; others are held to the limits of a full parse). With it
   * `composeKinds` decides which objects are returned (a List's items one by one; no rule runs, so
   * unknown kinds of built-in API groups are not kept for `invalid-manifest`).
   */
  values?: boolean;
  /**
   * Linted input takes the value path too, with `composeKinds`: the documents no rule reads are
   * skipped as the fast path skips them ({@link planSkips}), the others are read as values, and a
   * document's (or List item's) nodes are composed when a finding asks for a position in it. Every
   * object is returned, as by a full parse. Not for a text with a suppression comment (whose
   * directives are matched to documents) nor one the value path does not read (template actions
   * only Helm writes, CR line breaks, syntax errors): those are parsed as usual. The objects, their
   * `docIndex` and `pathPrefix`, and positions are those of a full parse (`file.documents` holds the
   * pieces read, see {@link Manifest.nodes}).
   */
  lintValues?: boolean;
  /**
   * With `values`: which objects the caller reads, from their `kind` and `metadata.namespace`
   * (undefined when absent or empty) alone; the others are dropped like those of kinds outside
   * `composeKinds`. Where a look at a document's (or List item's) top-level lines finds both with
   * certainty, a refused one is not read at all, so a syntax error in it is not reported.
   */
  select?: Select;
  /**
   * With `values` or `lintValues`: the table of short strings the value path shares between the
   * files of one run (`stringTable()` in fast.ts); without it, each file has its own.
   */
  strings?: StringTable;
}

/** Bound on alias expansion, so an alias bomb ("billion laughs") is rejected instead of expanded. */
export const MAX_ALIAS_COUNT = 1000;
/**
 * Deepest nesting of collections accepted. Real manifests stay under 50 (CRD schemas included); the
 * YAML composer and `toJS` recurse, so a crafted 10,000-deep document must be stopped before them.
 */
export const MAX_DEPTH = 256;
/** Largest text parsed, in bytes of UTF-8 (the largest real-world install bundles are ~4 MB). */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/**
 * Most line breaks plus commas in a text parsed: a cheap bound on its number of YAML nodes, counted
 * before parsing. The parser costs about 10 µs and 800 bytes per node whatever the text, so 16 MiB of
 * `[1,1,1,…]` would take minutes and run out of memory; 500,000 keeps the worst case near 5 s and
 * 500 MB. The largest real-world bundle (kyverno's 4 MB install.yaml) has about 120,000.
 */
export const MAX_SEPARATORS = 500_000;
/**
 * Largest context file (a cluster dump) read by the value path, in bytes of UTF-8: a dump the user
 * passes with `--context` is trusted more than the repository being linted, and the value path
 * reads it in linear time without expanding aliases. A dump the value path cannot read is held to
 * the limits above.
 */
export const MAX_CONTEXT_BYTES = 256 * 1024 * 1024;

/**
 * Parses a YAML or JSON stream into Kubernetes objects, keeping every document's nodes and a line
 * index so that findings can be positioned later. Never throws: syntax errors become problems,
 * and the documents that did parse are still returned.
 */
export function parseSource(source: SourceText, options: ParseOptions = {}): ParsedSource {
  const original = source.text.charCodeAt(0) === 0xfeff ? source.text.slice(1) : source.text;
  let failedDoc: Document.Parsed | undefined;
  const context = source.contextOnly === true;
  // The limits of a full parse hold for every source but context files (trusted dumps), which the
  // value path reads up to MAX_CONTEXT_BYTES.
  const limited = context ? undefined : (source.problem ?? rejectedText(original, source.byteLength));
  const valuePath = (options.values || context) && !limited && !source.problem && source.byteLength === undefined && original.length > 0;
  if (valuePath) {
    const fast = parseValues(source, original, options);
    if ('manifests' in fast) return fast;
    failedDoc = fast.doc;
  }
  // The fast path's plan, when the value path for linted input made it (undefined: nothing to skip).
  let lintPlan: SkipPlan | undefined | null = null;
  if (
    !valuePath &&
    options.lintValues &&
    options.composeKinds &&
    !limited &&
    source.byteLength === undefined &&
    original.length > 0 &&
    !original.includes('rbaclint-disable')
  ) {
    lintPlan = planSkips(original, options.composeKinds);
    const fast = parseValues(source, original, options.strings ? { strings: options.strings } : {}, lintPlan);
    if ('manifests' in fast) return fast;
  }
  const lineCounter = new LineCounter();
  const rejected = context ? (source.problem ?? rejectedText(original, source.byteLength, true)) : limited;
  if (valuePath && rejected && 'limit' in rejected && rejected.limit && source.byteLength === undefined) {
    // Too large for a full parse: a syntax error the value path met (in a document or item it
    // composed, or JSON.parse's) is the clearer message.
    const file: SourceFile = { path: source.path, text: original, lineCounter, documents: failedDoc ? [failedDoc] : [], contextOnly: source.contextOnly ?? false };
    indexLines(lineCounter, original);
    const problem = failedDoc ? problemFor(file, failedDoc, original) : jsonProblem(file);
    if (problem) return { file, manifests: [], problems: [problem], skippedObjects: 0 };
  }
  // The content of the documents no rule reads is left out of the text the parser reads; the
  // offsets of its tokens are mapped back to the original text, whose lines are counted instead.
  let plan = rejected || !options.composeKinds ? undefined : lintPlan !== null ? lintPlan : planSkips(original, options.composeKinds);
  const text = original;
  if (rejected) {
    // Not parsed at all: index the lines of at most the first 64 KiB so the position is valid.
    const shown = text.slice(0, Math.max(rejected.offset + 1, Math.min(text.length, 65536)));
    const file: SourceFile = { path: source.path, text: shown, lineCounter, documents: [], contextOnly: source.contextOnly ?? false };
    indexLines(lineCounter, shown);
    const offset = Math.min(rejected.offset, shown.length);
    return { file, manifests: [], problems: [{ ruleId: 'parse-error', file, range: rangeOf(file, offset, offset), message: rejected.message }], skippedObjects: 0 };
  }
  let composed: Composed | undefined;
  if (plan) {
    composed = compose(plan.compact, plan);
    const { documentStarts } = composed;
    if (!plan.markers.every((marker) => documentStarts.has(marker))) {
      // A document ran over a marker (an unclosed quote): parse the original text instead.
      composed = undefined;
      plan = undefined;
    }
  }
  // Lines are counted on the text (the parser's own reports skip line breaks around some syntax
  // errors, which would shift every position after them).
  indexLines(lineCounter, text);
  // Two or more JSON objects one after the other: each is a document of its own.
  const stream = plan ? undefined : jsonStream(text);
  if (stream) {
    const tooDeep = new Map<number, number>();
    const documents = stream.map(({ start, end, deep }) => {
      if (deep !== undefined) tooDeep.set(start, deep);
      return (deep === undefined ? composeRange(text, start, end, deepOffset) : undefined) ?? emptyDocument(start);
    });
    composed = { documents, tooDeep, documentStarts: new Set() };
  }
  composed ??= compose(text, undefined);
  const { documents: docs, tooDeep } = composed;
  const skippedObjects = plan?.objects ?? 0;
  const file: SourceFile = {
    path: source.path,
    text: original,
    lineCounter,
    documents: docs,
    contextOnly: source.contextOnly ?? false,
  };
  const manifests: Manifest[] = [];
  const problems: ParseProblem[] = [];
  const json = stream ? undefined : jsonProblem(file);
  if (json) return { file, manifests, problems: [json], skippedObjects };
  let helmSource: string | undefined;
  let previousEnd = 0;

  docs.forEach((doc, docIndex) => {
    const contentStart = doc.contents?.range[0] ?? doc.range[1];
    helmSource = lastHelmSource(text.slice(previousEnd, contentStart)) ?? helmSource;
    previousEnd = doc.range[2];

    const addProblem = (problem: ParseProblem): void => {
      problems.push(helmSource === undefined ? problem : { ...problem, helmSource });
    };
    // Each object of a JSON stream is strict JSON on its own.
    const piece = stream?.[docIndex];
    const jsonError = piece && jsonProblem(file, piece.start, piece.end);
    if (jsonError) {
      addProblem(jsonError);
      return;
    }
    const deep = tooDeep.get(doc.range[0]);
    if (deep !== undefined) {
      addProblem({
        ruleId: 'parse-error',
        file,
        range: rangeOf(file, deep, deep),
        message: `Document nests collections more than ${MAX_DEPTH} levels deep, the limit rbaclint parses`,
      });
      return;
    }
    if (doc.errors.length > 0) {
      addProblem(problemFor(file, doc, text));
      return;
    }
    if (doc.contents === null) return;
    const template = templateProblem(file, doc, text);
    if (template) {
      addProblem(template);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      addProblem({
        ruleId: 'parse-error',
        file,
        range: rangeOf(file, ...firstAlias(doc, contentStart)),
        message: /alias/i.test(String((error as Error).message))
          ? `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb); rbaclint does not expand them`
          : `YAML document cannot be expanded: ${cleanMessage(String((error as Error).message ?? error))}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    if (!isObject(value)) return;
    const base = { file, docIndex, ...(helmSource === undefined ? {} : { helmSource }) };
    if (isList(value)) {
      value.items.forEach((item, i) => {
        if (isObject(item)) manifests.push({ ...base, object: item, pathPrefix: ['items', i] });
      });
      return;
    }
    manifests.push({ ...base, object: value, pathPrefix: [] });
  });
  return { file, manifests, problems, skippedObjects };
}

/** The documents of a text, with what was noticed while parsing them. */
interface Composed {
  documents: Document.Parsed[];
  /** Offset of each document nested too deep → offset of its first node too deep. */
  tooDeep: Map<number, number>;
  /** Offsets (in the original text) where the parser started a document. */
  documentStarts: Set<number>;
}

/**
 * Parses and composes a text, one document at a time (the CST of a document is garbage once it is
 * composed). With a plan, `text` is its compact text and every token offset is mapped back first.
 */
function compose(text: string, plan: SkipPlan | undefined): Composed {
  const tooDeep = new Map<number, number>();
  const documentStarts = new Set<number>();
  function* tokens(): Generator<CST.Token> {
    for (const token of new Parser().parse(text)) {
      if (plan) mapCstOffsets(token, (offset) => toOriginal(plan, offset));
      if (token.type !== 'document') {
        yield token;
        continue;
      }
      documentStarts.add(token.offset);
      // The CST parser is iterative; the composer and toJS recurse. A document nested too deep is
      // handed to the composer without its content (an empty document at the same offset).
      const deep = deepOffset(token);
      if (deep === undefined) {
        yield token;
        continue;
      }
      tooDeep.set(token.offset, deep);
      const empty: CST.Document = { type: 'document', offset: token.offset, start: token.start, ...(token.end ? { end: token.end } : {}) };
      yield empty;
    }
  }
  const documents = composeTokens(tokens());
  return { documents, tooDeep, documentStarts };
}

/** Why a text is not parsed at all (too large, binary), with the offset to report it at. */
function rejectedText(text: string, byteLength: number | undefined, context = false): { message: string; offset: number; limit?: true } | undefined {
  // A context file over the limits was not plain enough for the value path: say what it takes.
  const split = context
    ? `; a context dump in kubectl's plain -o yaml or -o json shape is read up to ${formatMiB(MAX_CONTEXT_BYTES)}, others must be split into smaller files`
    : '; split it into smaller files';
  // Characters are at most 3 bytes of UTF-8 each (4 for a surrogate pair of 2 characters).
  if (text.length * 3 > MAX_SOURCE_BYTES || byteLength !== undefined) {
    const bytes = byteLength ?? Buffer.byteLength(text, 'utf8');
    // A file the loader did not read (`byteLength`) was over the limit it applied.
    const max = context && bytes > MAX_CONTEXT_BYTES ? MAX_CONTEXT_BYTES : MAX_SOURCE_BYTES;
    if (bytes > max || byteLength !== undefined) {
      return { offset: 0, limit: true, message: `File is ${formatMiB(bytes)}, larger than the ${formatMiB(max)} limit rbaclint parses${split}` };
    }
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { offset: nul, message: 'Binary data (a NUL byte): this is not a YAML or JSON text' };
  // Counted natively first: only a text over the limit is stepped through for the offset.
  if (!separatorsOver(text)) return undefined;
  let separators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 || c === 44) && ++separators > MAX_SEPARATORS) {
      return { offset: i, limit: true, message: `File has more than ${MAX_SEPARATORS.toLocaleString('en-US')} line breaks and commas, the limit rbaclint parses${split}` };
    }
  }
  return undefined;
}

/**
 * The value path (see {@link ParseOptions.values}): the objects of the text, each document's (or
 * List item's) nodes composed when first asked for; or why it could not read the text.
 */
function parseValues(source: SourceText, text: string, options: ParseOptions, plan?: SkipPlan): ParsedSource | FastFailure {
  if (text.length * 3 > MAX_CONTEXT_BYTES && Buffer.byteLength(text, 'utf8') > MAX_CONTEXT_BYTES) return { failed: true, doc: undefined };
  const compose = (start: number, end: number): Document.Parsed | undefined => composeRange(text, start, end, deepOffset);
  // With a plan the reader reads its compact text, where each skipped document is `~` (a null
  // document, read without composing); every other piece is a copy of the original's, whose
  // offsets are mapped back.
  const original = plan ? (offset: number) => toOriginal(plan, offset) : (offset: number) => offset;
  // A piece the reader leaves to the parser is held to the limits of a full parse.
  const composePiece = (pieceStart: number, pieceEnd: number): Document.Parsed | undefined => {
    const start = original(pieceStart);
    const end = original(pieceEnd);
    return end - start > MAX_SOURCE_BYTES / 3 || rejectedText(text.slice(start, end), undefined) ? undefined : compose(start, end);
  };
  const kinds = options.composeKinds;
  // Objects of kinds no one reads are dropped as soon as they are read (CustomResourceDefinitions
  // are kept: they can make a kind cluster-scoped).
  const select = options.select;
  const keep = (value: Record<string, unknown>): boolean => {
    const kind = value.kind;
    if (typeof kind !== 'string' || kind === '') return true;
    if (kinds && !kinds.has(kind) && kind !== 'CustomResourceDefinition') return false;
    if (!select) return true;
    const namespace = isObject(value.metadata) ? value.metadata.namespace : undefined;
    return select(kind, typeof namespace === 'string' && namespace !== '' ? namespace : undefined);
  };
  // Before reading, `select` refuses the kinds `keep` drops too.
  const before: Select | undefined = select && ((kind, namespace) => (!kinds || kinds.has(kind) || kind === 'CustomResourceDefinition') && select(kind, namespace));
  const read = readFast(plan ? plan.compact : text, MAX_DEPTH, MAX_ALIAS_COUNT, composePiece, keep, before, options.strings);
  if ('failed' in read) return read;
  // Closures below hold what they use, not `read`: its object list is a large input's garbage.
  const { composed, block } = read;
  // Each piece's start and end offsets, in the original text: two numbers per piece, where the
  // reader's segments are an object each (a large input has as many pieces as objects).
  const count = read.segments.length;
  const bounds = new Uint32Array(count * 2);
  read.segments.forEach(({ start, end }, i) => {
    bounds[2 * i] = original(start);
    bounds[2 * i + 1] = original(end);
  });
  const lineCounter = lazyLineCounter(text);
  const cache: (Document.Parsed | undefined)[] = new Array<Document.Parsed | undefined>(count);
  for (const [segment, doc] of composed) cache[segment] = doc;
  const documents = new Proxy(cache, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property.length > 0 && property.charCodeAt(0) >= 48 && property.charCodeAt(0) <= 57) {
        const i = Number(property);
        if (Number.isInteger(i) && i < count) {
          let doc = target[i];
          if (!doc) {
            const start = bounds[2 * i]!;
            // Error-free text (the value path read it) composes without error; an empty document otherwise.
            doc = compose(start, bounds[2 * i + 1]!) ?? emptyDocument(start);
            target[i] = doc;
          }
          return doc;
        }
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as Document.Parsed[];
  // Pieces the reader read are outlined from their lines when a finding is positioned there. Only
  // the last outline is kept: an outline per piece with a finding held to the end of a run was
  // most of a large input's live heap.
  let last: { piece: number; outline: Outline | undefined } | undefined;
  const outlineOf = (piece: number): Outline | undefined => {
    if (!block || piece >= count || composed.has(piece)) return undefined;
    if (last?.piece !== piece) last = { piece, outline: outline(text, bounds[2 * piece]!, bounds[2 * piece + 1]!) };
    return last.outline;
  };
  const file: SourceFile = { path: source.path, text, lineCounter, documents, outline: outlineOf, contextOnly: source.contextOnly ?? false };
  // Each document's Helm source, as the full parse reads it: the last `# Source:` comment of its
  // preamble, else the previous document's.
  const helmSources: (string | undefined)[] = [];
  if (text.includes('Source:')) {
    let helmSource: string | undefined;
    for (const { start, end } of read.preambles) helmSources.push((helmSource = lastHelmSource(text.slice(original(start), original(end))) ?? helmSource));
  }
  const manifests: Manifest[] = read.objects.map(({ value, segment, pathPrefix, doc, docPath, kindAt }) => {
    // One literal per shape: a property added later would take a backing store of its own.
    const manifest: Manifest =
      kindAt === undefined
        ? { file, docIndex: doc, object: value, pathPrefix: docPath }
        : { file, docIndex: doc, object: value, pathPrefix: docPath, kindAt: original(kindAt) };
    // Most objects are a document of their own, whose piece is the document: no `nodes` to hold.
    if (segment !== doc || pathPrefix !== docPath) manifest.nodes = { piece: segment, pathPrefix };
    const helmSource = helmSources[doc];
    if (helmSource !== undefined) manifest.helmSource = helmSource;
    return manifest;
  });
  return { file, manifests, problems: [], skippedObjects: read.skipped + (plan?.objects ?? 0) };
}

/**
 * A line counter of the whole text whose line index is built when first read (positions are
 * rarely asked for in a dump): the same line starts as {@link indexLines}.
 */
function lazyLineCounter(text: string): LineCounter {
  const counter = new LineCounter();
  let starts: number[] | undefined;
  Object.defineProperty(counter, 'lineStarts', {
    get(): number[] {
      starts ??= lineStartsOf(text);
      return starts;
    },
    configurable: true,
  });
  return counter;
}

function emptyDocument(offset: number): Document.Parsed {
  return Array.from(new Composer(COMPOSER_OPTIONS).compose([{ type: 'document', offset, start: [] }]))[0]!;
}

/** Whether the text has more than {@link MAX_SEPARATORS} line breaks plus commas, the parser's bound. */
export function separatorsOver(text: string): boolean {
  let separators = 0;
  for (let at = text.indexOf('\n'); at >= 0 && separators <= MAX_SEPARATORS; at = text.indexOf('\n', at + 1)) separators++;
  for (let at = text.indexOf(','); at >= 0 && separators <= MAX_SEPARATORS; at = text.indexOf(',', at + 1)) separators++;
  return separators > MAX_SEPARATORS;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;
}

/** Offset of the first node nested deeper than {@link MAX_DEPTH} in a CST document, iteratively. */
function deepOffset(document: CST.Document): number | undefined {
  const stack: [CST.Token | undefined, number][] = [[document.value, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (depth > MAX_DEPTH) return token.offset;
    if ('items' in token && Array.isArray(token.items)) {
      for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Range of the first alias (`*a`) of a document, else an empty range at `fallback`. */
function firstAlias(doc: Document.Parsed, fallback: number): [number, number] {
  let range: [number, number] = [fallback, fallback];
  visit(doc, {
    Alias(_, alias) {
      if (alias.range) range = [alias.range[0], alias.range[1]];
      return visit.BREAK;
    },
  });
  return range;
}

/** Fills a line counter with the lines of the text ({@link lineStartsOf}). */
function indexLines(lineCounter: LineCounter, text: string): void {
  // A fresh counter's (empty) array, replaced rather than pushed to line by line.
  lineCounter.lineStarts = lineStartsOf(text);
}

/**
 * Where each line of the text starts: at 0 and after each line feed. The line feeds are counted
 * first: growing the array one push at a time reallocates it, and fresh memory is what a large
 * file's index costs most. A Uint32Array (a string's offsets fit), half the size of an array of
 * numbers: the counters rbaclint fills are only read (`linePos` and indexing), never pushed to.
 */
function lineStartsOf(text: string): number[] {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts as unknown as number[];
}

/**
 * kubectl reads a stream that starts with `{` as JSON, strictly (apimachinery
 * YAMLOrJSONDecoder → encoding/json): a trailing comma that YAML's flow syntax forgives is a
 * rejected file there. Concatenated JSON objects are a valid stream: each is checked on its own
 * ({@link jsonStream}); `start` and `end` delimit one of them.
 */
function jsonProblem(file: SourceFile, start = 0, end = file.text.length): ParseProblem | undefined {
  const text = start === 0 && end === file.text.length ? file.text : file.text.slice(start, end);
  if (!/^\s*\{(?!\{)/.test(text)) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const raw = (error as Error).message;
    if (/non-whitespace character after JSON/.test(raw)) return undefined;
    // V8 gives "… in JSON at position N" for most errors, but "Unexpected token ']', <text> is not
    // valid JSON" (no position, and a copy of the input) for others; then the usual cause, a
    // trailing comma, is located by scanning.
    const at = /at position (\d+)/.exec(raw);
    const comma = at ? undefined : trailingComma(text);
    const offset = start + Math.min(at ? Number(at[1]) : (comma ?? 0), Math.max(0, text.length - 1));
    const reason = raw.replace(/ in JSON at position \d+[\s\S]*$/, '').replace(/, (?:\.\.\.)?"[\s\S]*$/, '');
    return {
      ruleId: 'parse-error',
      file,
      range: rangeOf(file, offset, Math.min(offset + 1, file.text.length)),
      message: `JSON syntax error: ${comma === undefined ? reason : 'trailing comma before a closing bracket or brace'}`,
    };
  }
}

/**
 * The objects of a text made of two or more JSON objects one after the other, separated by blanks
 * or nothing (`{…}{…}`, as `jq -c` writes them; kubectl reads such a stream object by object),
 * each with the offset of its first bracket nested deeper than {@link MAX_DEPTH}; an object left
 * open runs to the end of the text (JSON.parse then says what is wrong). Undefined for anything
 * else: one value, or other text between the objects.
 */
function jsonStream(text: string): { start: number; end: number; deep?: number }[] | undefined {
  if (!/^\s*\{(?!\{)/.test(text) || !/\}\s*\{/.test(text)) return undefined;
  const pieces: { start: number; end: number; deep?: number }[] = [];
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c !== 123 /* { */) return undefined;
    const start = i;
    let depth = 0;
    let deep: number | undefined;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34 /* " */) {
        for (i++; i < n; i++) {
          const d = text.charCodeAt(i);
          if (d === 92 /* \ */) i++;
          else if (d === 34) break;
        }
      } else if (ch === 123 || ch === 91 /* [ */) {
        if (++depth > MAX_DEPTH && deep === undefined) deep = i;
      } else if ((ch === 125 /* } */ || ch === 93) /* ] */ && --depth === 0) {
        i++;
        break;
      }
    }
    pieces.push({ start, end: i, ...(deep === undefined ? {} : { deep }) });
  }
  return pieces.length >= 2 ? pieces : undefined;
}

/** Offset of the first comma followed only by blanks and `]` or `}`, outside strings. */
function trailingComma(text: string): number | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === ',' && /^\s*[\]}]/.test(text.slice(i + 1, i + 200))) {
      return i;
    }
  }
  return undefined;
}

function problemFor(file: SourceFile, doc: Document.Parsed, text: string): ParseProblem {
  const action = templateActionIn(text, doc.range[0], doc.range[2]);
  if (action !== undefined) return unrenderedTemplate(file, text, action);
  const error = doc.errors[0]!;
  let [start, end] = error.pos;
  // A string left open runs to the end of the file, where the parser notices; the quote that
  // opened it is where the mistake is.
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    const quote = openQuote(text, doc.range[0], start, error.message.includes('"') ? '"' : "'");
    if (quote !== undefined) [start, end] = [quote, quote + 1];
  }
  // Positions past the end of the text name a line that does not exist.
  const last = Math.max(0, text.length - 1);
  start = Math.min(start, last);
  end = Math.min(Math.max(end, start), text.length);
  return {
    ruleId: 'parse-error',
    file,
    range: rangeOf(file, start, end),
    message: `YAML syntax error: ${cleanMessage(error.message)}`,
  };
}

/**
 * Offset of the first template action of `text[from, to)` that YAML reads as syntax (a `{{` outside
 * quotes and comments) or that only Helm writes (anywhere outside comments); undefined if none.
 */
function templateActionIn(text: string, from: number, to: number): number | undefined {
  let offset = from;
  for (const line of text.slice(from, to).split('\n')) {
    const code = withoutComment(line);
    const helm = HELM_ACTION.exec(code);
    if (helm) return offset + helm.index;
    const bare = unquotedIndexOf(code, '{{');
    if (bare !== undefined) return offset + bare;
    offset += line.length + 1;
  }
  return undefined;
}

/** The line without a trailing `# comment`. */
function withoutComment(line: string): string {
  const hash = commentStart(line);
  return hash === undefined ? line : line.slice(0, hash);
}

/**
 * Offset of the first quote in `text[from, to)` whose string is still open at the end of its line
 * (a legitimate multi-line quoted scalar before the broken one would be taken instead; rare).
 */
function openQuote(text: string, from: number, to: number, quote: string): number | undefined {
  let offset = from;
  for (const line of text.slice(from, to).split('\n')) {
    let open: number | undefined;
    for (let i = 0; i < line.length; i++) {
      if (line[i] !== quote) continue;
      if (open === undefined) open = i;
      else if (quote === "'" && line[i + 1] === "'") i++;
      else if (quote === '"' && line[i - 1] === '\\') continue;
      else open = undefined;
    }
    if (open !== undefined) return offset + open;
    offset += line.length + 1;
  }
  return undefined;
}

/**
 * Some template actions are valid YAML: `name: {{ .Release.Name }}` is a flow mapping whose key is
 * another flow mapping. Kubernetes objects never have a collection as a mapping key, so such a key
 * marks an unrendered template; the problem is placed at the `{{` that opens it.
 */
function templateProblem(file: SourceFile, doc: Document.Parsed, text: string): ParseProblem | undefined {
  const helm = HELM_ACTION.exec(text.slice(doc.range[0], doc.range[2]));
  if (helm) {
    const action = templateActionIn(text, doc.range[0], doc.range[2]);
    if (action !== undefined) return unrenderedTemplate(file, text, action);
  }
  let keyStart: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key) && pair.key.range) {
        keyStart = pair.key.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (keyStart === undefined) return undefined;
  const open = text.lastIndexOf('{{', keyStart);
  return unrenderedTemplate(file, text, open >= doc.range[0] ? open : keyStart);
}

function unrenderedTemplate(file: SourceFile, text: string, offset: number): ParseProblem {
  const close = text.indexOf('}}', offset);
  const lineEnd = text.indexOf('\n', offset);
  const end = close >= 0 && (lineEnd < 0 || close < lineEnd) ? close + 2 : offset + 2;
  return {
    ruleId: 'unrendered-template',
    file,
    range: rangeOf(file, offset, end),
    message:
      'Unrendered Helm/Go template action: this file is a chart template, not a manifest; lint the output of "helm template" instead',
  };
}

/** First line of a yaml error message, without the "at line …" suffix (the position says it). */
function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/[.:]$/, '');
}

function rangeOf(file: SourceFile, start: number, end: number): Range {
  const s = file.lineCounter.linePos(start);
  const e = file.lineCounter.linePos(end);
  return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `kind: List` and the typed lists (`RoleList`, `RoleBindingList`, …) that kubectl accepts. */
function isList(value: Record<string, unknown>): value is Record<string, unknown> & { items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}
