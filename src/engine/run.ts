import { createHash } from 'node:crypto';
import { rules as registry } from '../../rules/index.js';
import { Index, MODEL_KINDS, type K8sObject } from '../model/index.js';
import { locate, locateNodeIn } from '../parse/locate.js';
import { stringTable } from '../parse/fast.js';
import { parseSource, type ParseOptions } from '../parse/parse.js';
import { ClusterRbac } from '../rbac/cluster.js';
import { DEFAULT_KUBE_VERSION, type KubeVersion } from '../rbac/version.js';
import type { JsonPath, Manifest, ParseProblem, Range, SourceFile, SourceText } from '../parse/types.js';
import { BaselineMatcher, type Baseline, type BaselineEntry, type BaselinePaths } from './baseline.js';
import { compareFindings, type Finding, type FindingFix, type FixEdit, type RelatedLocation } from './finding.js';
import type { Fix, Report, Rule, RuleContext, Severity } from './rule.js';
import { Suppressions, type SuppressedFinding, type SuppressionProblem } from './suppress.js';

/** Rule id of the findings about suppressions that are broken or match nothing. */
export const UNUSED_SUPPRESSION = 'unused-suppression';

/** Options of {@link runRules}. */
export interface RunOptions {
  /** Namespace of namespaced objects that set none (default `default`). */
  defaultNamespace?: string;
  /** Rule ids to run in addition to the recommended ones. */
  enable?: readonly string[];
  /** Rule ids not to run. */
  disable?: readonly string[];
  /** Severity per rule id, overriding the rule's default. */
  severities?: Readonly<Record<string, Severity>>;
  /**
   * Files (paths as in the sources) not to lint, e.g. by the configuration's `ignore` globs. They
   * still take part in cross-references; their findings are suppressed and counted as such.
   */
  isIgnored?: (file: string) => boolean;
  /** Findings held by this baseline are suppressed (only new findings are reported). */
  baseline?: { baseline: Baseline; paths: BaselinePaths; name: string };
  /** The Kubernetes version for version-dependent rules (default: the newest supported). */
  kubeVersion?: KubeVersion;
  /**
   * Strict rules: comment and annotation suppressions of these rule ids are ignored (the finding
   * is reported, the suppression becomes an `unused-suppression` note); config and baseline still apply.
   */
  strict?: readonly string[];
  /**
   * Skip composing the documents whose kind no selected rule reads (default true; only when every
   * selected rule is one of rbaclint's, whose `meta.kinds` say what they read), and let rules
   * iterate only the objects that can receive findings (not context-only ones, {@link Index.reportable}).
   * The findings and the summary are the same either way; false parses every document in full and
   * runs the rules over every object.
   */
  fastPath?: boolean;
  /**
   * With the fast path, also read the documents rules do read by the parser's value path where the
   * text allows (see {@link ParseOptions.lintValues}): their YAML nodes are composed only for the
   * positions of findings. Default true; the findings are the same either way.
   */
  readValues?: boolean;
}

/** Counts for the report's summary. */
export interface Summary {
  files: number;
  objects: number;
  error: number;
  warning: number;
  note: number;
  suppressed: number;
}

/** What one lint run produced. */
export interface LintResult {
  findings: Finding[];
  summary: Summary;
  /** The rules that ran, in registry order (reporters list them, e.g. SARIF `tool.driver.rules`). */
  rules: Rule[];
  /** Findings hidden by a suppression, with its kind and reason (`summary.suppressed` counts them). */
  suppressed: SuppressedFinding[];
  /** Entries of the baseline that matched no finding (stale: fixed, moved or renamed). */
  unusedBaseline: BaselineEntry[];
  /** Parse problems of context-only sources: they get no findings, so the caller may warn about them. */
  contextProblems: ParseProblem[];
}

/** The rules that run under these options: recommended ones, plus enabled, minus disabled. */
export function selectRules(all: readonly Rule[], options: RunOptions): Rule[] {
  const enable = new Set(options.enable ?? []);
  const disable = new Set(options.disable ?? []);
  return all.filter((rule) => (rule.meta.recommended || enable.has(rule.id)) && !disable.has(rule.id));
}

/**
 * Parses the sources, builds the index and runs the rules. One broken file never stops the
 * others: its syntax errors become findings and its good documents are still checked.
 */
export function runRules(sources: readonly SourceText[], allRules: readonly Rule[], options: RunOptions = {}): LintResult {
  const rules = selectRules(allRules, options);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const manifests: Manifest[] = [];
  const problems: ParseProblem[] = [];
  const files: SourceFile[] = [];
  const composeKinds = options.fastPath === false ? undefined : kindsRead(rules);
  /** Objects of skipped documents per file, for the summary. */
  const skippedObjects = new Map<SourceFile, number>();
  // The short strings the value path reads, shared by the files of this run.
  const strings = stringTable();
  for (const source of sources) {
    const parsed = parseSource(source, composeKinds ? { composeKinds, lintValues: options.readValues !== false, strings } : {});
    if (parsed.skippedObjects > 0) skippedObjects.set(parsed.file, parsed.skippedObjects);
    files.push(parsed.file);
    manifests.push(...parsed.manifests);
    problems.push(...parsed.problems);
  }
  const isIgnored = memoize(options.isIgnored ?? (() => false));
  const index = new Index(manifests, options.defaultNamespace === undefined ? {} : { defaultNamespace: options.defaultNamespace });
  const findings: Finding[] = [];
  /** The object of each object finding, for annotations and whole-document directives. */
  const objectOf = new Map<Finding, Manifest>();
  const severityOf = (rule: Rule, override?: Severity): Severity =>
    options.severities?.[rule.id] ?? override ?? rule.meta.severity;

  for (const problem of problems) {
    const rule = byId.get(problem.ruleId);
    if (!rule || problem.file.contextOnly) continue;
    findings.push({
      ruleId: rule.id,
      severity: severityOf(rule),
      message: problem.message,
      help: rule.meta.help,
      file: problem.file.path,
      range: problem.range,
      ...(problem.helmSource === undefined ? {} : { helmSource: problem.helmSource }),
      related: [],
      fingerprint: fingerprint([rule.id, problem.file.path, problem.message]),
    });
  }

  let rbac: ClusterRbac | undefined;
  const positions = new Positions();
  // Rules iterate only what can receive findings; the RBAC engine and lookups see every object.
  const ruleIndex = options.fastPath === false ? index : index.reportable();
  for (const rule of rules) {
    if (!rule.check) continue;
    const ctx: RuleContext = {
      index: ruleIndex,
      kubeVersion: options.kubeVersion ?? DEFAULT_KUBE_VERSION,
      get rbac() {
        return (rbac ??= new ClusterRbac(index));
      },
      report: (report: Report) => {
        const finding = toFinding(rule, report, severityOf(rule, report.severity), positions);
        if (finding) {
          findings.push(finding);
          objectOf.set(finding, report.object.manifest);
        }
      },
    };
    rule.check(ctx);
  }
  positions.resolve();

  // Suppression is the engine's decision, after every rule ran: config ignore, then comments and
  // annotations (whose unused or broken ones become findings), then the baseline.
  const suppressed: SuppressedFinding[] = [];
  const suppressions = new Suppressions(files, manifests, new Set(allRules.map((r) => r.id)), isIgnored, new Set(options.strict ?? []));
  let kept: Finding[] = [];
  for (const finding of dedupe(findings)) {
    if (isIgnored(finding.file)) {
      suppressed.push({ finding, kind: 'config', reason: 'ignore in the configuration' });
      continue;
    }
    const hit = suppressions.match(finding, objectOf.get(finding));
    if (hit) suppressed.push({ finding, ...hit });
    else kept.push(finding);
  }
  const unusedRule = byId.get(UNUSED_SUPPRESSION);
  if (unusedRule) {
    const ran = new Set(rules.map((r) => r.id));
    let objects: Map<Manifest, K8sObject> | undefined;
    const objectOfManifest = (manifest: Manifest) => (objects ??= new Map(index.objects.map((o) => [o.manifest, o]))).get(manifest);
    for (const problem of suppressions.problems(ran)) kept.push(problemFinding(unusedRule, severityOf(unusedRule), problem, objectOfManifest));
  }
  let unusedBaseline: BaselineEntry[] = [];
  if (options.baseline) {
    const matcher = new BaselineMatcher(options.baseline.baseline, options.baseline.paths);
    const name = options.baseline.name;
    kept = kept.filter((finding) => {
      if (!matcher.match(finding)) return true;
      suppressed.push({ finding, kind: 'baseline', reason: `in the baseline ${name}` });
      return false;
    });
    unusedBaseline = matcher.unused();
  }

  const unique = kept.sort(compareFindings);
  return {
    findings: unique,
    rules,
    summary: {
      files: files.filter((f) => !f.contextOnly && !isIgnored(f.path)).length,
      objects:
        index.objects.filter((o) => !o.manifest.file.contextOnly && !isIgnored(o.manifest.file.path)).length +
        [...skippedObjects].reduce((n, [file, count]) => (file.contextOnly || isIgnored(file.path) ? n : n + count), 0),
      error: unique.filter((f) => f.severity === 'error').length,
      warning: unique.filter((f) => f.severity === 'warning').length,
      note: unique.filter((f) => f.severity === 'note').length,
      suppressed: suppressed.length,
    },
    suppressed: suppressed.sort((a, b) => compareFindings(a.finding, b.finding)),
    unusedBaseline,
    contextProblems: problems.filter((p) => p.file.contextOnly),
  };
}

/**
 * The kinds whose documents must be composed for these rules: every kind the model and the RBAC
 * engine read, plus each rule's `meta.kinds`. Undefined (compose everything) when a rule is not
 * one of rbaclint's own, since another rule's `meta.kinds` may not name all it reads.
 */
function kindsRead(rules: readonly Rule[]): ReadonlySet<string> | undefined {
  const builtin = new Set<Rule>(registry);
  if (!rules.every((rule) => builtin.has(rule))) return undefined;
  return new Set([...MODEL_KINDS, ...rules.flatMap((rule) => rule.meta.kinds)]);
}

/** A broken or unused suppression as a finding of the `unused-suppression` rule. */
function problemFinding(
  rule: Rule,
  severity: Severity,
  problem: SuppressionProblem,
  objectOf: (manifest: Manifest) => K8sObject | undefined,
): Finding {
  const { manifest, path } = problem;
  const range = problem.range ?? (manifest && path ? rangeIn(manifest, path, 'key') : { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } });
  const object = manifest ? objectOf(manifest)?.ref : undefined;
  return {
    ruleId: rule.id,
    severity,
    message: problem.message,
    help: rule.meta.help,
    file: problem.file.path,
    range,
    ...(object ? { object } : {}),
    ...(path ? { path } : {}),
    ...(manifest?.helmSource === undefined ? {} : { helmSource: manifest.helmSource }),
    related: [],
    fingerprint: fingerprint([rule.id, problem.file.path, problem.message]),
  };
}

/** A finding whose ranges `positions` resolves once every rule has run. */
function toFinding(rule: Rule, report: Report, severity: Severity, positions: Positions): Finding | undefined {
  const { manifest } = report.object;
  if (manifest.file.contextOnly) return undefined;
  const finding: Finding = {
    ruleId: rule.id,
    severity,
    message: report.message,
    help: rule.meta.help,
    file: manifest.file.path,
    range: UNRESOLVED,
    object: report.object.ref,
    path: report.path,
    ...(manifest.helmSource === undefined ? {} : { helmSource: manifest.helmSource }),
    related: (report.related ?? []).map((related) => {
      const location: RelatedLocation = { file: related.object.manifest.file.path, range: UNRESOLVED, message: related.message };
      positions.request(location, related.object.manifest, related.path ?? ['metadata', 'name']);
      return location;
    }),
    fingerprint: fingerprint([rule.id, report.object.kind, report.object.namespace ?? '', report.object.name, report.path.join('.')]),
    ...(report.fix ? { fix: findingFix(report.fix) } : {}),
  };
  positions.request(finding, manifest, report.path, report.at);
  return finding;
}

/** The range of a finding or related location until {@link Positions.resolve} sets it. */
const UNRESOLVED: Range = Object.freeze({ start: Object.freeze({ line: 0, column: 0 }), end: Object.freeze({ line: 0, column: 0 }) });

/**
 * The ranges findings ask for, resolved together: grouped by file and piece, so that each piece is
 * outlined (or composed) once and its outline dropped before the next (a file keeps only its last).
 */
class Positions {
  private readonly requests: { target: { range: Range }; manifest: Manifest; path: JsonPath; at: 'key' | 'value' | undefined }[] = [];

  request(target: { range: Range }, manifest: Manifest, path: JsonPath, at?: 'key' | 'value'): void {
    this.requests.push({ target, manifest, path, at });
  }

  resolve(): void {
    const files = new Map<SourceFile, number>();
    const fileOf = (manifest: Manifest) => {
      let n = files.get(manifest.file);
      if (n === undefined) files.set(manifest.file, (n = files.size));
      return n;
    };
    const pieceOf = (manifest: Manifest) => manifest.nodes?.piece ?? manifest.docIndex;
    const order = this.requests.map((request, i) => ({ request, file: fileOf(request.manifest), piece: pieceOf(request.manifest), i }));
    order.sort((a, b) => a.file - b.file || a.piece - b.piece || a.i - b.i);
    for (const { request } of order) request.target.range = rangeIn(request.manifest, request.path, request.at);
    this.requests.length = 0;
  }
}

/** The fix with its edits on parsed objects; edits of context-only objects are dropped (never written). */
function findingFix(fix: Fix): FindingFix {
  const edits: FixEdit[] = [];
  for (const { object, ...edit } of fix.edits) {
    const { file, docIndex, pathPrefix } = object.manifest;
    if (!file.contextOnly) edits.push({ ...edit, file: file.path, docIndex, pathPrefix });
  }
  return { description: fix.description, edits };
}

/** Range of a JSON path inside an object, in its file (closest existing ancestor when missing). */
export function rangeIn(manifest: Manifest, path: JsonPath, at?: 'key' | 'value') {
  const { piece, pathPrefix } = manifest.nodes ?? { piece: manifest.docIndex, pathPrefix: manifest.pathPrefix };
  const { file } = manifest;
  const full = [...pathPrefix, ...path];
  // A piece the value path read is outlined from its lines when it can be, not composed.
  const outlined = file.outline?.(piece);
  if (outlined) {
    const located = locateNodeIn(outlined.root, file.lineCounter, full, at);
    if (outlined.exact(located.node)) return located.range;
  }
  return locate(file.documents[piece]!, file.lineCounter, full, at).range;
}

/** Positions an object's own location (its `kind:` key) for related locations and explanations. */
export function objectLocation(object: K8sObject): { file: string; line: number; column: number } {
  // The value path saw where the `kind` key is: no nodes to compose for it.
  const kindAt = object.manifest.kindAt;
  if (kindAt !== undefined) {
    const { line, col } = object.manifest.file.lineCounter.linePos(kindAt);
    return { file: object.manifest.file.path, line, column: col };
  }
  const range = rangeIn(object.manifest, ['kind'], 'key');
  return { file: object.manifest.file.path, line: range.start.line, column: range.start.column };
}

/** Caches a per-file predicate: it is asked once per finding, and files are few. */
function memoize(predicate: (file: string) => boolean): (file: string) => boolean {
  const cache = new Map<string, boolean>();
  return (file) => {
    let value = cache.get(file);
    if (value === undefined) cache.set(file, (value = predicate(file)));
    return value;
  };
}

function fingerprint(parts: readonly string[]): string {
  // The first 16 bytes, as hex: a string of its own, where slicing the full hex kept all 64 characters.
  return createHash('sha256').update(parts.join('\u0000')).digest().toString('hex', 0, 16);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.file}\u0000${f.range.start.line}:${f.range.start.column}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
