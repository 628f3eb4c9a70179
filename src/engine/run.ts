import { createHash } from 'node:crypto';
import { Index, type K8sObject } from '../model/index.js';
import { locate } from '../parse/locate.js';
import { parseSource } from '../parse/parse.js';
import { ClusterRbac } from '../rbac/cluster.js';
import type { JsonPath, Manifest, ParseProblem, SourceFile, SourceText } from '../parse/types.js';
import { compareFindings, type Finding, type RelatedLocation } from './finding.js';
import type { RelatedReport, Report, Rule, RuleContext, Severity } from './rule.js';

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
  for (const source of sources) {
    const parsed = parseSource(source);
    files.push(parsed.file);
    manifests.push(...parsed.manifests);
    problems.push(...parsed.problems);
  }
  const index = new Index(manifests, options.defaultNamespace === undefined ? {} : { defaultNamespace: options.defaultNamespace });
  const findings: Finding[] = [];
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
      related: [],
      fingerprint: fingerprint([rule.id, problem.file.path, problem.message]),
    });
  }

  let rbac: ClusterRbac | undefined;
  for (const rule of rules) {
    if (!rule.check) continue;
    const ctx: RuleContext = {
      index,
      get rbac() {
        return (rbac ??= new ClusterRbac(index));
      },
      report: (report: Report) => {
        const finding = toFinding(rule, report, severityOf(rule, report.severity));
        if (finding) findings.push(finding);
      },
    };
    rule.check(ctx);
  }

  const unique = dedupe(findings).sort(compareFindings);
  return {
    findings: unique,
    rules,
    summary: {
      files: files.filter((f) => !f.contextOnly).length,
      objects: index.objects.filter((o) => !o.manifest.file.contextOnly).length,
      error: unique.filter((f) => f.severity === 'error').length,
      warning: unique.filter((f) => f.severity === 'warning').length,
      note: unique.filter((f) => f.severity === 'note').length,
      suppressed: 0,
    },
  };
}

function toFinding(rule: Rule, report: Report, severity: Severity): Finding | undefined {
  const { manifest } = report.object;
  if (manifest.file.contextOnly) return undefined;
  const range = rangeIn(manifest, report.path, report.at);
  return {
    ruleId: rule.id,
    severity,
    message: report.message,
    help: rule.meta.help,
    file: manifest.file.path,
    range,
    object: report.object.ref,
    path: report.path,
    ...(manifest.helmSource === undefined ? {} : { helmSource: manifest.helmSource }),
    related: (report.related ?? []).map(relatedLocation),
    fingerprint: fingerprint([rule.id, report.object.kind, report.object.namespace ?? '', report.object.name, report.path.join('.')]),
  };
}

function relatedLocation(related: RelatedReport): RelatedLocation {
  const { manifest } = related.object;
  return {
    file: manifest.file.path,
    range: rangeIn(manifest, related.path ?? ['metadata', 'name']),
    message: related.message,
  };
}

/** Range of a JSON path inside an object, in its file (closest existing ancestor when missing). */
export function rangeIn(manifest: Manifest, path: JsonPath, at?: 'key' | 'value') {
  const doc = manifest.file.documents[manifest.docIndex]!;
  return locate(doc, manifest.file.lineCounter, [...manifest.pathPrefix, ...path], at).range;
}

/** Positions an object's own location (its `kind:` key) for related locations and explanations. */
export function objectLocation(object: K8sObject): { file: string; line: number; column: number } {
  const range = rangeIn(object.manifest, ['kind'], 'key');
  return { file: object.manifest.file.path, line: range.start.line, column: range.start.column };
}

function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
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
