import { LineCounter, isCollection, parseAllDocuments, visit, type Document } from 'yaml';
import type { Manifest, ParseProblem, Range, SourceFile, SourceText } from './types.js';

/** The result of parsing one source text. */
export interface ParsedSource {
  file: SourceFile;
  manifests: Manifest[];
  problems: ParseProblem[];
}

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/gm;
const TEMPLATE_ACTION = /\{\{/;
/** Bound on alias expansion, so an alias bomb ("billion laughs") is rejected instead of expanded. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Parses a YAML or JSON stream into Kubernetes objects, keeping every document's nodes and a line
 * index so that findings can be positioned later. Never throws: syntax errors become problems,
 * and the documents that did parse are still returned.
 */
export function parseSource(source: SourceText): ParsedSource {
  const text = source.text.charCodeAt(0) === 0xfeff ? source.text.slice(1) : source.text;
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    // kubectl decodes manifests with sigs.k8s.io/yaml, whose goyaml.v2 fork follows YAML 1.1:
    // `automountServiceAccountToken: yes` is the boolean true there, so read it the same way.
    version: '1.1',
    uniqueKeys: true,
    prettyErrors: true,
    // No process warnings on stderr (e.g. "Keys with collection values will be stringified").
    logLevel: 'error',
  });
  const docs: Document.Parsed[] = Array.isArray(documents) ? documents : [];
  const file: SourceFile = {
    path: source.path,
    text,
    lineCounter,
    documents: docs,
    contextOnly: source.contextOnly ?? false,
  };
  const manifests: Manifest[] = [];
  const problems: ParseProblem[] = [];
  let helmSource: string | undefined;
  let previousEnd = 0;

  docs.forEach((doc, docIndex) => {
    const contentStart = doc.contents?.range[0] ?? doc.range[1];
    helmSource = lastHelmSource(text.slice(previousEnd, contentStart)) ?? helmSource;
    previousEnd = doc.range[2];

    if (doc.errors.length > 0) {
      problems.push(problemFor(file, doc, text));
      return;
    }
    if (doc.contents === null) return;
    const template = templateProblem(file, doc, text);
    if (template) {
      problems.push(template);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      problems.push({
        ruleId: 'parse-error',
        file,
        range: rangeOf(file, contentStart, contentStart),
        message: `YAML document cannot be expanded: ${cleanMessage(String((error as Error).message ?? error))}`,
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
  return { file, manifests, problems };
}

function lastHelmSource(preamble: string): string | undefined {
  let found: string | undefined;
  for (const m of preamble.matchAll(HELM_SOURCE)) found = m[1];
  return found;
}

function problemFor(file: SourceFile, doc: Document.Parsed, text: string): ParseProblem {
  const docText = text.slice(doc.range[0], doc.range[2]);
  const templateAt = docText.search(TEMPLATE_ACTION);
  if (templateAt >= 0) return unrenderedTemplate(file, text, doc.range[0] + templateAt);
  const error = doc.errors[0]!;
  const [start, end] = error.pos;
  return {
    ruleId: 'parse-error',
    file,
    range: rangeOf(file, start, Math.max(end, start)),
    message: `YAML syntax error: ${cleanMessage(error.message)}`,
  };
}

/**
 * Some template actions are valid YAML: `name: {{ .Release.Name }}` is a flow mapping whose key is
 * another flow mapping. Kubernetes objects never have a collection as a mapping key, so such a key
 * marks an unrendered template; the problem is placed at the `{{` that opens it.
 */
function templateProblem(file: SourceFile, doc: Document.Parsed, text: string): ParseProblem | undefined {
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
