import type { Manifest, Range, SourceFile } from '../parse/types.js';
import type { Finding } from './finding.js';
import { commentStart } from '../parse/line-scan.js';

/** Prefix of the annotations that suppress a rule on their object: `ignore.rbaclint.io/<rule-id>`. */
export const ANNOTATION_PREFIX = 'ignore.rbaclint.io/';

/** How a finding was suppressed. */
export type SuppressionKind = 'comment' | 'annotation' | 'config' | 'baseline';

/** A finding that a suppression hid, and why (SARIF `result.suppressions` can carry it). */
export interface SuppressedFinding {
  finding: Finding;
  kind: SuppressionKind;
  /** The reason the suppression gives (for `config`: the matching glob; `baseline`: its file). */
  reason: string;
}

/** The three comment directives; `disable` covers the document whose leading comments hold it. */
type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable';

/** One rule id named by a directive or an annotation, and whether it suppressed something. */
interface Target {
  ruleId: string;
  /** Where the id is written in a comment (annotations are located through their path). */
  range?: Range;
  used: boolean;
}

/** A suppression written in a file: a comment directive or an annotation. */
interface Suppression {
  /** `rbaclint-disable-next-line` … or `ignore.rbaclint.io/<id>` (for messages). */
  label: string;
  kind: DirectiveKind | 'annotation';
  reason: string;
  targets: Target[];
  file: SourceFile;
  /** The annotated object (annotations only). */
  manifest?: Manifest;
}

/** A suppression that cannot work or did not match, to report as an `unused-suppression` finding. */
export interface SuppressionProblem {
  file: SourceFile;
  /** Where the problem is; absent for annotations, which the engine locates through `manifest` and `path`. */
  range?: Range;
  message: string;
  /** The annotated object, for annotation problems. */
  manifest?: Manifest;
  path?: readonly (string | number)[];
  /** Rule id the problem is about, when it is about one (unused problems are dropped for rules that did not run). */
  ruleId?: string;
}

/** Directives of one file, indexed once so that each finding is looked up in constant time. */
interface FileSuppressions {
  /** Suppressions by the 1-based line whose findings they cover. */
  byLine: Map<number, Suppression[]>;
  /** `rbaclint-disable` directives by the 0-based index of the document they cover. */
  byDoc: Map<number, Suppression[]>;
  /** Offset where each document's region starts (after the previous document), for parse problems. */
  docStarts: number[];
  file: SourceFile;
}

const DIRECTIVE = /^#\s*rbaclint-(disable-next-line|disable-line|disable)(?=\s|$)(.*)$/;
const REASON_SEPARATOR = /(?:^|\s)--(?:\s|$)/;

/**
 * The suppressions written in the linted files: comment directives (`# rbaclint-disable-next-line
 * id -- reason`, `# rbaclint-disable-line …`, `# rbaclint-disable …` in a document's leading
 * comments) and `ignore.rbaclint.io/<id>` annotations. Built once per run; {@link match} decides for
 * each finding, and {@link problems} lists the suppressions that are broken or matched nothing.
 */
export class Suppressions {
  private readonly files = new Map<string, FileSuppressions>();
  private readonly byManifest = new Map<Manifest, Suppression[]>();
  private readonly all: Suppression[] = [];
  private readonly broken: SuppressionProblem[] = [];

  /**
   * @param files the parsed files (context-only and ignored ones are skipped)
   * @param manifests every object of those files
   * @param knownRuleIds ids a suppression may name
   * @param skip files whose suppressions are not read (config `ignore`)
   * @param strict rule ids that comments and annotations cannot suppress (strict mode): their
   *   findings are kept and each suppression naming them is a problem ("ignored: strict")
   */
  constructor(
    files: readonly SourceFile[],
    manifests: readonly Manifest[],
    private readonly knownRuleIds: ReadonlySet<string>,
    skip: (file: string) => boolean = () => false,
    private readonly strict: ReadonlySet<string> = new Set(),
  ) {
    for (const file of files) {
      if (file.contextOnly || skip(file.path) || !file.text.includes('rbaclint-disable')) continue;
      this.scanComments(file);
    }
    for (const manifest of manifests) {
      if (manifest.file.contextOnly || skip(manifest.file.path)) continue;
      this.scanAnnotations(manifest);
    }
  }

  /**
   * The first suppression that covers this finding (its kind and reason), marking it used;
   * undefined when none does. `manifest` is the object the finding belongs to (none for parse
   * problems).
   */
  match(finding: Finding, manifest: Manifest | undefined): { kind: 'comment' | 'annotation'; reason: string } | undefined {
    if (this.strict.has(finding.ruleId)) return undefined;
    if (manifest) {
      const reason = take(this.byManifest.get(manifest), finding.ruleId);
      if (reason !== undefined) return { kind: 'annotation', reason };
    }
    const file = this.files.get(finding.file);
    if (!file) return undefined;
    const onLine = take(file.byLine.get(finding.range.start.line), finding.ruleId);
    if (onLine !== undefined) return { kind: 'comment', reason: onLine };
    if (file.byDoc.size === 0) return undefined;
    const docIndex = manifest?.docIndex ?? docAt(file.docStarts, offsetOf(file.file, finding));
    const inDoc = take(file.byDoc.get(docIndex), finding.ruleId);
    return inDoc === undefined ? undefined : { kind: 'comment', reason: inDoc };
  }

  /**
   * Broken suppressions (no reason, unknown rule, misplaced), then, for each rule in `ran`, the
   * ids that matched no finding.
   */
  problems(ran: ReadonlySet<string>): SuppressionProblem[] {
    const out = [...this.broken];
    for (const s of this.all) {
      for (const t of s.targets) {
        if (this.strict.has(t.ruleId)) {
          out.push({
            file: s.file,
            ...(t.range ? { range: t.range } : {}),
            message: `${s.label} is ignored: ${t.ruleId} is strict (--strict or the configuration's "strict"), so only the configuration or a baseline can accept its findings`,
            ...(s.manifest ? { manifest: s.manifest, path: ['metadata', 'annotations', `${ANNOTATION_PREFIX}${t.ruleId}`] } : {}),
          });
          continue;
        }
        if (t.used || !ran.has(t.ruleId)) continue;
        const where =
          s.kind === 'annotation'
            ? `${s.manifest ? describe(s.manifest) : 'the object'} has no ${t.ruleId} finding`
            : s.kind === 'disable'
              ? `no ${t.ruleId} finding in this document`
              : s.kind === 'disable-line'
                ? `no ${t.ruleId} finding starts on this line`
                : `no ${t.ruleId} finding starts on the next line`;
        out.push({
          file: s.file,
          ...(t.range ? { range: t.range } : {}),
          message: `${s.label} suppresses nothing: ${where}`,
          ruleId: t.ruleId,
          ...(s.manifest ? { manifest: s.manifest, path: ['metadata', 'annotations', `${ANNOTATION_PREFIX}${t.ruleId}`] } : {}),
        });
      }
    }
    return out;
  }

  private scanComments(file: SourceFile): void {
    const { text } = file;
    const docStarts: number[] = [];
    const contentStarts: (number | undefined)[] = [];
    let previousEnd = 0;
    for (const doc of file.documents) {
      docStarts.push(previousEnd);
      contentStarts.push(doc.contents?.range[0]);
      previousEnd = doc.range[2];
    }
    const entry: FileSuppressions = { byLine: new Map(), byDoc: new Map(), docStarts, file };
    // Visit only the lines that mention a directive, not every line of the file.
    for (let at = text.indexOf('rbaclint-disable'); at >= 0; ) {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const newline = text.indexOf('\n', at);
      const lineEnd = newline < 0 ? text.length : newline;
      this.scanLine(file, entry, contentStarts, lineStart, text.slice(lineStart, lineEnd).replace(/\r$/, ''));
      at = newline < 0 ? -1 : text.indexOf('rbaclint-disable', newline);
    }
    if (entry.byLine.size > 0 || entry.byDoc.size > 0) this.files.set(file.path, entry);
  }

  /** Reads the directive of one line (if its comment holds one) into `entry`. */
  private scanLine(file: SourceFile, entry: FileSuppressions, contentStarts: readonly (number | undefined)[], lineStart: number, source: string): void {
    const hash = commentStart(source);
    if (hash === undefined) return;
    const m = DIRECTIVE.exec(source.slice(hash));
    if (!m) return;
    const kind = m[1] as DirectiveKind;
    const rest = m[2]!;
    const line = file.lineCounter.linePos(lineStart).line;
    const directive = this.parseDirective(file, line, source, hash, kind, rest, source.length - rest.length);
    if (!directive) return;
    if (kind !== 'disable') {
      push(entry.byLine, kind === 'disable-line' ? line : line + 1, directive);
      this.all.push(directive);
      return;
    }
    // A whole-document directive belongs to the document whose leading comments hold it: after the
    // previous document's end and before this document's first key.
    const offset = lineStart + hash;
    const docIndex = docAt(entry.docStarts, offset);
    const contentStart = contentStarts[docIndex];
    if (docIndex < 0 || contentStart === undefined || offset >= contentStart) {
      this.broken.push({
        file,
        range: rangeOnLine(line, hash, source.length),
        message: `${directive.label} is not in the leading comments of a document and suppresses nothing; put it before the document's first key, or use rbaclint-disable-next-line`,
      });
      return;
    }
    push(entry.byDoc, docIndex, directive);
    this.all.push(directive);
  }

  /** Reads `ids -- reason`; records what is wrong with it and returns undefined when it cannot suppress. */
  private parseDirective(
    file: SourceFile,
    line: number,
    source: string,
    hash: number,
    kind: DirectiveKind,
    rest: string,
    restStart: number,
  ): Suppression | undefined {
    const separator = REASON_SEPARATOR.exec(rest);
    const idsPart = separator ? rest.slice(0, separator.index) : rest;
    const reason = separator ? rest.slice(separator.index + separator[0].length).trim() : '';
    const label = `rbaclint-${kind}`;
    const whole = rangeOnLine(line, hash, source.length);
    const targets: Target[] = [];
    for (const m of idsPart.matchAll(/[^\s,]+/g)) {
      const column = restStart + m.index;
      const range = rangeOnLine(line, column, column + m[0].length);
      if (!this.knownRuleIds.has(m[0])) {
        this.broken.push({ file, range, message: `${label} names an unknown rule "${m[0]}"; run "rbaclint rules" for the list` });
        continue;
      }
      targets.push({ ruleId: m[0], range, used: false });
    }
    if (targets.length === 0 && !/[^\s,]/.test(idsPart)) {
      this.broken.push({ file, range: whole, message: `${label} names no rule and suppresses nothing; write "# ${label} <rule-id> -- <reason>"` });
      return undefined;
    }
    if (reason === '') {
      const ids = targets.map((t) => t.ruleId).join(', ');
      this.broken.push({
        file,
        range: whole,
        message: `${label} ${ids} has no reason and suppresses nothing; add " -- <reason>" after the rule ids`,
      });
      return undefined;
    }
    if (targets.length === 0) return undefined;
    return { label, kind, reason, targets, file };
  }

  private scanAnnotations(manifest: Manifest): void {
    const metadata = manifest.object.metadata;
    if (typeof metadata !== 'object' || metadata === null) return;
    const annotations = (metadata as Record<string, unknown>).annotations;
    if (typeof annotations !== 'object' || annotations === null) return;
    for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
      if (!key.startsWith(ANNOTATION_PREFIX)) continue;
      const ruleId = key.slice(ANNOTATION_PREFIX.length);
      const path = ['metadata', 'annotations', key];
      if (!this.knownRuleIds.has(ruleId)) {
        this.broken.push({ file: manifest.file, manifest, path, message: `Annotation "${key}" names an unknown rule "${ruleId}"; run "rbaclint rules" for the list` });
        continue;
      }
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') {
        this.broken.push({
          file: manifest.file,
          manifest,
          path,
          message: `Annotation "${key}" has no reason and suppresses nothing; set its value to why the finding is accepted`,
        });
        continue;
      }
      // One suppression per annotation, so each keeps its own reason.
      const suppression: Suppression = {
        label: `Annotation "${key}"`,
        kind: 'annotation',
        reason: text,
        targets: [{ ruleId, used: false }],
        file: manifest.file,
        manifest,
      };
      push(this.byManifest, manifest, suppression);
      this.all.push(suppression);
    }
  }
}

/** `ClusterRole "watcher"` or `Role shop/reader` (namespace as written; the annotation is on that object). */
function describe(manifest: Manifest): string {
  const kind = typeof manifest.object.kind === 'string' ? manifest.object.kind : 'Object';
  const metadata = manifest.object.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return typeof metadata?.namespace === 'string' ? `${kind} ${metadata.namespace}/${name}` : `${kind} "${name}"`;
}

/** The reason of the first suppression in `list` that names `ruleId`, marking that id used. */
function take(list: readonly Suppression[] | undefined, ruleId: string): string | undefined {
  if (!list) return undefined;
  for (const s of list) {
    const target = s.targets.find((t) => t.ruleId === ruleId);
    if (target) {
      target.used = true;
      return s.reason;
    }
  }
  return undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Index of the document whose region holds `offset` (the last one starting at or before it). */
function docAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** 0-based offset of a finding's start in its file. */
function offsetOf(file: SourceFile, finding: Finding): number {
  const lineStart = file.lineCounter.lineStarts[finding.range.start.line - 1] ?? 0;
  return lineStart + finding.range.start.column - 1;
}

/** Range on one 1-based line from 0-based index `from` to `to` (exclusive). */
function rangeOnLine(line: number, from: number, to: number): Range {
  return { start: { line, column: from + 1 }, end: { line, column: to + 1 } };
}

