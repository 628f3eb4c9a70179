import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Severity } from '../engine/rule.js';
import { allRules, lint, loadPaths } from '../index.js';
import { ConfigError, declaredContextSource, ignoreMatcher, loadConfig, mergeConfig, type EffectiveConfig } from '../engine/config.js';
import { exitCode, type FailOn } from '../cli/exit-code.js';
import { DIFF_FAIL_ON, diffCounts, diffExitCode, loadDiff, renderDiffMarkdown, renderDiffText, type DiffFailOn } from '../cli/diff-command.js';
import { annotation, command, workflowPath } from '../report/github.js';
import { mermaidForFindings } from '../report/graph.js';
import { MAX_CONTEXT_BYTES } from '../parse/parse.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { SUMMARY_LIMIT, renderDiffSummary, renderSummary } from './summary.js';

/**
 * The GitHub Action (action.yml): lints the workspace, writes annotations as workflow commands,
 * a job summary, a SARIF file for `github/codeql-action/upload-sarif`, the step outputs, and fails
 * the step per `fail-on`. It speaks the runner's protocol directly (no `@actions/*` packages):
 * inputs in `INPUT_<NAME>`, files named by `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT`.
 */

/** GitHub shows at most this many annotations of each kind per step and drops the rest silently. */
export const ANNOTATIONS_PER_KIND = 10;

/** Where the action writes; the real process, or strings in tests. */
export interface ActionIo {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
}

const FAIL_ON_VALUES: readonly string[] = ['error', 'warning', 'note', 'none'];

/** An input as the runner passes it: `INPUT_` + the name upper-cased with spaces as `_` (hyphens kept). */
export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** `paths`: separated by newlines or spaces; empty means `.`. */
export function splitPaths(value: string): string[] {
  const paths = value.split(/\s+/).filter((p) => p !== '');
  return paths.length > 0 ? paths : ['.'];
}

/** Runs the action; returns the process exit code (0 passes the step). */
export async function runAction(io: ActionIo): Promise<number> {
  const { env } = io;
  const out = (line: string) => io.stdout(`${line}\n`);
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const paths = splitPaths(getInput(env, 'paths'));
  const failOnInput = getInput(env, 'fail-on') || 'warning';
  const sarifInput = getInput(env, 'sarif-file');
  const sarifFile = env['INPUT_SARIF-FILE'] === undefined ? 'rbaclint.sarif' : sarifInput;
  const config = getInput(env, 'config');
  const diffBaseRef = getInput(env, 'diff-base-ref');
  const diffFailOn = getInput(env, 'diff-fail-on') || 'none';

  if (!FAIL_ON_VALUES.includes(failOnInput)) {
    out(command('error', [], `rbaclint: invalid input fail-on "${failOnInput}" (expected one of ${FAIL_ON_VALUES.join(', ')})`));
    return 2;
  }
  if (!(DIFF_FAIL_ON as readonly string[]).includes(diffFailOn)) {
    out(command('error', [], `rbaclint: invalid input diff-fail-on "${diffFailOn}" (expected one of ${DIFF_FAIL_ON.join(', ')})`));
    return 2;
  }
  let effective: EffectiveConfig;
  try {
    // The input beats the configuration's failOn (the runner always passes one: action.yml's default).
    effective = mergeConfig(allRules, await loadConfig(allRules, workspace, config === '' ? undefined : config), {
      failOn: failOnInput as FailOn,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out(command('error', [], `rbaclint: ${error.message}`));
    return 2;
  }
  const failOn = effective.failOn;

  const loaded = await loadPaths(paths, { cwd: workspace });
  const configDir = effective.file === undefined ? workspace : path.dirname(effective.file);
  const matchesIgnore = ignoreMatcher(effective.ignore, configDir, workspace);
  // The configuration's context: declared objects and context files (relative to the configuration), first.
  const declared = declaredContextSource(effective.context, `${path.relative(workspace, effective.file ?? workspace) || 'configuration'}#context`);
  const contextFiles = effective.context.files ?? [];
  const linted = new Set(loaded.sources.map((s) => path.resolve(workspace, s.path)));
  const context = contextFiles.length === 0 ? [] : (await loadPaths(contextFiles, { cwd: configDir, maxBytes: MAX_CONTEXT_BYTES })).sources;
  const sources = [
    ...(declared ? [declared] : []),
    ...context
      .filter((s) => !linted.has(path.resolve(configDir, s.path)))
      .map((s) => ({ ...s, path: path.relative(workspace, path.resolve(configDir, s.path)), contextOnly: true })),
    ...loaded.sources,
  ];
  const result = lint(sources, {
    defaultNamespace: effective.namespace,
    enable: Object.keys(effective.rules).filter((id) => effective.rules[id] !== 'off'),
    disable: Object.keys(effective.rules).filter((id) => effective.rules[id] === 'off'),
    severities: effective.severities,
    ...(effective.ignore.length > 0 ? { isIgnored: matchesIgnore } : {}),
    // The configuration's kubeVersion and strict apply in CI too (strict exists for CI).
    kubeVersion: effective.kubeVersion,
    ...(effective.strict.length > 0 ? { strict: effective.strict } : {}),
  });
  const { findings, summary } = result;

  // The whole report in the log (the annotations below are a selection of it), with workflow
  // commands off meanwhile: it quotes file names and manifest lines, which a pull request controls.
  const texts = new Map(loaded.sources.map((s) => [s.path, s.text]));
  const resume = randomBytes(16).toString('hex');
  out(`::stop-commands::${resume}`);
  io.stdout(renderText(findings, summary, { color: false, texts }));
  out(`::${resume}::`);

  if (sarifFile !== '') {
    const target = path.resolve(workspace, sarifFile);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, renderSarif(findings, result.rules, { cwd: workspace, notifications: loaded.errors }));
  }

  const nothing = loaded.sources.length === 0;
  const failed = nothing || exitCode(findings, failOn) === 1;
  const failure = nothing
    ? `rbaclint: nothing to lint in ${paths.join(', ')}`
    : `rbaclint: ${countAtOrAbove(findings, failOn)} finding(s) at or above fail-on "${failOn}"`;

  // Annotations: load errors first, then findings within GitHub's per-kind limit, keeping one
  // error slot for the failure message and one notice slot for "N more".
  const errorSlots = ANNOTATIONS_PER_KIND - (failed ? 1 : 0);
  const loadErrors = loaded.errors.slice(0, errorSlots);
  for (const e of loadErrors) out(command('error', [['file', workflowPath(e.path, workspace)], ['title', 'rbaclint']], e.message));
  const changed = changedLines(env, workspace);
  const chosen = selectAnnotations(findings, { error: errorSlots - loadErrors.length, warning: ANNOTATIONS_PER_KIND, note: ANNOTATIONS_PER_KIND }, changed, workspace);
  for (const f of chosen.shown) out(annotation(f, workspace));
  const more = chosen.omitted + (loaded.errors.length - loadErrors.length);
  if (more > 0) {
    out(
      command(
        'notice',
        [['title', 'rbaclint']],
        `${more} more finding(s) not annotated (GitHub shows ${ANNOTATIONS_PER_KIND} per kind and step): see the job summary${sarifFile === '' ? '' : ', the code scanning alerts'} and the log`,
      ),
    );
  }

  const summaryFile = env.GITHUB_STEP_SUMMARY;
  // The escalation paths of the objects with findings, drawn (GitHub renders Mermaid).
  const graph = summaryFile && findings.length > 0 ? mermaidForFindings(findings, sources, { defaultNamespace: effective.namespace }) : '';
  const summaryText = renderSummary(findings, summary, { workspace, loadErrors: loaded.errors, failOn, failed, graph });
  if (summaryFile) appendFileSync(summaryFile, summaryText);

  // The RBAC diff against diff-base-ref: its verdict in the log, its Markdown in the job summary.
  let diffError: string | undefined;
  let diffFailure: string | undefined;
  let dangerousGains: number | undefined;
  if (diffBaseRef !== '') {
    let diffLog = '';
    const loadedDiff = await loadDiff(
      paths,
      {
        baseRef: diffBaseRef,
        defaultNamespace: effective.namespace,
        kubeVersion: effective.kubeVersion,
        ...(contextFiles.length > 0 ? { context: contextFiles.map((file) => path.resolve(configDir, file)) } : {}),
        ...(declared ? { declaredContext: declared } : {}),
      },
      { cwd: workspace, env, stdout: () => undefined, stderr: (text) => void (diffLog += text), readStdin: () => Promise.resolve(''), color: () => false },
    );
    if (typeof loadedDiff === 'number') {
      const lines = diffLog.trim().split('\n');
      const reason = (lines.find((line) => line.startsWith('rbaclint diff: ')) ?? lines.at(-1) ?? '').replace(/^rbaclint( diff)?: /, '');
      diffError = `rbaclint: diff-base-ref "${diffBaseRef}": ${reason}`;
    } else {
      const { diff, sources } = loadedDiff;
      const counts = diffCounts(diff);
      dangerousGains = counts.identitiesWithDangerousGains + counts.workloadsWithDangerousGains;
      // Like the report above, the diff quotes names the pull request controls: no workflow commands in it.
      const resumeDiff = randomBytes(16).toString('hex');
      out(`::stop-commands::${resumeDiff}`);
      io.stdout(`\nRBAC changes since ${diffBaseRef}:\n${diffLog}${renderDiffText(diff)}`);
      out(`::${resumeDiff}::`);
      if (summaryFile) appendFileSync(summaryFile, renderDiffSummary(renderDiffMarkdown(diff, sources), SUMMARY_LIMIT - Buffer.byteLength(summaryText)));
      if (diffExitCode(diff, diffFailOn as DiffFailOn) === 1) {
        diffFailure =
          diffFailOn === 'gain'
            ? `rbaclint: identities or workloads gain permissions since ${diffBaseRef} (diff-fail-on "gain"): see the job summary`
            : `rbaclint: ${dangerousGains === 1 ? '1 identity or workload gains' : `${dangerousGains} identities or workloads gain`} dangerous permissions since ${diffBaseRef} (diff-fail-on "dangerous"): see the job summary`;
      }
    }
  }
  const outputFile = env.GITHUB_OUTPUT;
  if (outputFile) {
    setOutput(outputFile, 'findings', String(findings.length));
    setOutput(outputFile, 'errors', String(summary.error));
    setOutput(outputFile, 'warnings', String(summary.warning));
    setOutput(outputFile, 'notes', String(summary.note));
    setOutput(outputFile, 'sarif-file', sarifFile);
    if (dangerousGains !== undefined) setOutput(outputFile, 'dangerous-gains', String(dangerousGains));
  }

  if (failed) out(command('error', [], failure));
  for (const message of [diffError, diffFailure]) if (message !== undefined) out(command('error', [], message));
  return failed || diffError !== undefined || diffFailure !== undefined ? 1 : 0;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

function countAtOrAbove(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'none') return 0;
  return findings.filter((f) => RANK[f.severity] >= RANK[failOn]).length;
}

/** Appends `name=value` to `$GITHUB_OUTPUT` (the heredoc form when the value has a line break). */
function setOutput(file: string, name: string, value: string): void {
  if (!/[\r\n]/.test(value)) {
    appendFileSync(file, `${name}=${value}\n`);
    return;
  }
  let delimiter = 'rbaclint_EOF';
  while (value.includes(delimiter)) delimiter += '_';
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Lines the pull request changed, per repository-relative path. */
export type ChangedLines = Map<string, Set<number>>;

/**
 * Which findings to annotate: per severity at most `limits[severity]`, preferring findings on
 * lines the pull request changed, then in files it changed, then the rest in report order. The
 * last note slot is given up when something is left out, for the "N more" notice.
 */
export function selectAnnotations(
  findings: readonly Finding[],
  limits: Record<Severity, number>,
  changed: ChangedLines | undefined,
  workspace: string,
): { shown: Finding[]; omitted: number } {
  const priority = (f: Finding): number => {
    if (!changed) return 0;
    const lines = changed.get(workflowPath(path.relative(workspace, path.resolve(workspace, f.file))));
    if (!lines) return 2;
    for (let line = f.range.start.line; line <= f.range.end.line; line++) if (lines.has(line)) return 0;
    return 1;
  };
  const picked = new Set<Finding>();
  const pick = (severity: Severity, limit: number): void => {
    const candidates = findings
      .map((f, index) => ({ f, index, p: priority(f) }))
      .filter((c) => c.f.severity === severity)
      .sort((a, b) => a.p - b.p || a.index - b.index);
    for (const c of candidates.slice(0, Math.max(0, limit))) picked.add(c.f);
  };
  pick('error', limits.error);
  pick('warning', limits.warning);
  const beforeNotes = findings.length - picked.size - findings.filter((f) => f.severity === 'note').length;
  const notes = findings.filter((f) => f.severity === 'note').length;
  const noteLimit = beforeNotes > 0 || notes > limits.note ? limits.note - 1 : limits.note;
  pick('note', noteLimit);
  const shown = findings.filter((f) => picked.has(f));
  return { shown, omitted: findings.length - shown.length };
}

/**
 * The lines a pull request changed, from `git diff` between the event's base and head commits in
 * the workspace; undefined outside pull requests or when the history is not there (a shallow
 * checkout), and then the annotations are simply the first ones of each severity.
 */
export function changedLines(env: NodeJS.ProcessEnv, workspace: string): ChangedLines | undefined {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  let base: unknown;
  let head: unknown;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } } };
    base = event.pull_request?.base?.sha;
    head = event.pull_request?.head?.sha;
  } catch {
    return undefined;
  }
  if (typeof base !== 'string' || typeof head !== 'string' || !/^[0-9a-f]{7,64}$/i.test(base) || !/^[0-9a-f]{7,64}$/i.test(head)) {
    return undefined;
  }
  for (const range of [`${base}...${head}`, base]) {
    try {
      const diff = execFileSync('git', ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--unified=0', range, '--'], {
        cwd: workspace,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      });
      return parseDiff(diff);
    } catch {
      // Try the next form, then give up.
    }
  }
  return undefined;
}

/** The added or changed lines (new side) of a unified diff, per file. */
export function parseDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      current = undefined;
      if (name.startsWith('b/')) {
        const file = name.slice(2);
        current = changed.get(file) ?? new Set();
        changed.set(file, current);
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return changed;
}
