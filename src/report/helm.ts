import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Finding } from '../engine/finding.js';
import type { Range } from '../parse/types.js';

/** A Helm chart in the repository, given with `--helm-chart <dir>`. */
export interface HelmChart {
  /** The directory as the user gave it (relative to the working directory, or absolute). */
  dir: string;
  /** Chart.yaml `name`: the first segment of the `# Source:` paths `helm template` prints. */
  name: string;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

/** The chart directory cannot be used (no Chart.yaml, or no `name` in it). */
export class HelmChartError extends Error {}

/** Reads `<dir>/Chart.yaml` for the chart's name. */
export async function loadHelmChart(dir: string, cwd: string): Promise<HelmChart> {
  const file = path.join(dir, 'Chart.yaml');
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'ENOTDIR' ? 'not a directory' : (error as Error).message;
    throw new HelmChartError(`--helm-chart ${dir}: cannot read ${file}: ${why}`);
  }
  let name: unknown;
  try {
    name = (parse(text) as { name?: unknown } | null)?.name;
  } catch (error) {
    throw new HelmChartError(`--helm-chart ${dir}: ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof name !== 'string' || name === '') throw new HelmChartError(`--helm-chart ${dir}: ${file} has no "name"`);
  return { dir, name, cwd };
}

/** Where a rendered finding was before it moved to its template (SARIF keeps it in the message). */
export interface RenderedLocation {
  file: string;
  range: Range;
}

/** A finding that may point at its template in the chart instead of the rendered stream. */
export type HelmFinding = Finding & { rendered?: RenderedLocation };

/** How a template position was found (most to least precise). */
export type TemplateMatch = 'key' | 'kind' | 'file';

/** Where a finding's object is written in its template. */
export interface TemplateLocation {
  /** `<dir>/templates/x.yaml`: the chart directory as given, joined with the path after the chart name. */
  file: string;
  range: Range;
  match: TemplateMatch;
}

/**
 * The template file of a `# Source:` path in the chart: `mychart/templates/x.yaml` →
 * `<dir>/templates/x.yaml`, `mychart/charts/sub/templates/x.yaml` → `<dir>/charts/sub/templates/x.yaml`.
 * Undefined when the first segment is not the chart's name or the path leaves the chart.
 */
export function templateFile(helmSource: string, chart: HelmChart): string | undefined {
  const [first, ...rest] = helmSource.trim().split('/');
  if (first !== chart.name || rest.length === 0 || rest.some((s) => s === '..' || s === '')) return undefined;
  return path.join(chart.dir, ...rest);
}

/**
 * Finds a finding's object in its template, best effort (rendered lines are not template lines):
 * the rendered line of the finding (`name: cluster-admin`, the last key on its path with its
 * literal value) when exactly one template line reads the same; else the `kind: <Kind>` line when
 * there is exactly one (not counting `- kind:` entries such as subjects); else line 1. Undefined when the finding has no `# Source:`, its template
 * is not in the chart, or the file does not exist.
 *
 * @param renderedText the rendered text the finding's position is in
 * @param readTemplate reads a template (relative to `chart.cwd`); undefined when it does not exist
 */
export function templateLocation(
  f: Finding,
  chart: HelmChart,
  renderedText: string | undefined,
  readTemplate: (file: string) => string | undefined = defaultReader(chart.cwd),
): TemplateLocation | undefined {
  if (f.helmSource === undefined) return undefined;
  const renderedLine = renderedText?.split(/\r\n|\r|\n/)[f.range.start.line - 1];
  return locate(chart, readTemplate, f.helmSource, lastKey(f.path), f.object?.kind, renderedLine);
}

function locate(
  chart: HelmChart,
  readTemplate: (file: string) => string | undefined,
  helmSource: string,
  key: string | undefined,
  kind: string | undefined,
  renderedLine: string | undefined,
): TemplateLocation | undefined {
  const file = templateFile(helmSource, chart);
  if (file === undefined) return undefined;
  const template = readTemplate(file);
  if (template === undefined) return undefined;
  const lines = template.split(/\r\n|\r|\n/);

  if (key !== undefined && renderedLine !== undefined) {
    const wanted = normalise(renderedLine);
    if (startsWithKey(wanted, key)) {
      const line = onlyLine(lines, (l) => normalise(l) === wanted);
      if (line !== undefined) return { file, range: lineRange(lines, line), match: 'key' };
    }
  }
  if (kind !== undefined) {
    // The object's own `kind:` (at the start of a line), else one written indented (`{{ toYaml … | nindent }}` style).
    const wanted = `kind: ${kind}`;
    const bare = (l: string) => l.replace(/\s+#.*$/, '').trimEnd();
    const line = onlyLine(lines, (l) => bare(l) === wanted) ?? onlyLine(lines, (l) => bare(l).trimStart() === wanted);
    if (line !== undefined) return { file, range: lineRange(lines, line), match: 'kind' };
  }
  return { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: (lines[0]?.length ?? 0) + 1 } }, match: 'file' };
}

/**
 * Moves findings rendered from a chart's templates to the templates (SARIF and GitHub
 * annotations then point at files in the repository); the rendered position moves to `rendered`.
 * Findings without a `# Source:`, or whose template is not in the chart, are returned as they are.
 *
 * @param texts the linted texts by path, for the rendered lines
 */
export function mapToHelmChart(
  findings: readonly Finding[],
  chart: HelmChart,
  texts: ReadonlyMap<string, string>,
  readTemplate: (file: string) => string | undefined = defaultReader(chart.cwd),
): HelmFinding[] {
  const rendered = new Map<string, RenderedText>();
  const renderedText = (file: string): RenderedText | undefined => {
    if (!rendered.has(file)) {
      const text = texts.get(file);
      if (text !== undefined) rendered.set(file, new RenderedText(text));
    }
    return rendered.get(file);
  };
  return findings.map((f) => {
    const related = f.related.map((r) => {
      // Related objects carry no `# Source:`: it is read from the rendered text above them.
      const text = renderedText(r.file);
      const document = text?.documentAt(r.range.start.line);
      if (text === undefined || document?.helmSource === undefined) return r;
      const line = text.lines[r.range.start.line - 1];
      const key = /^\s*(?:-\s+)*["']?([^"':\s]+)["']?\s*:/.exec(line ?? '')?.[1];
      const location = locate(chart, readTemplate, document.helmSource, key, document.kind, line);
      if (location === undefined) return r;
      return { ...r, file: location.file, range: location.range, message: `${r.message} (rendered at ${formatRendered(r)})` };
    });
    const location = templateLocation(f, chart, renderedText(f.file)?.text, readTemplate);
    if (location === undefined) return { ...f, related };
    return { ...f, file: location.file, range: location.range, related, rendered: { file: f.file, range: f.range } };
  });
}

/** A rendered stream, with the `# Source:` and `kind:` of the document at each line. */
class RenderedText {
  readonly lines: readonly string[];
  constructor(readonly text: string) {
    this.lines = text.split(/\r\n|\r|\n/);
  }

  /**
   * The last `# Source:` at the start of a line at or above `line` (1-based), and the first
   * top-level `kind:` below it, as `helm template` prints them.
   */
  documentAt(line: number): { helmSource?: string; kind?: string } {
    for (let i = Math.min(line, this.lines.length) - 1; i >= 0; i--) {
      const source = /^#\s*Source:\s*(\S.*?)\s*$/.exec(this.lines[i]!);
      if (source === null) continue;
      for (let j = i + 1; j < this.lines.length; j++) {
        const text = this.lines[j]!;
        if (/^#\s*Source:/.test(text)) break;
        const kind = /^kind:\s*["']?([A-Za-z0-9]+)["']?\s*(?:#.*)?$/.exec(text);
        if (kind !== null) return { helmSource: source[1]!, kind: kind[1]! };
      }
      return { helmSource: source[1]! };
    }
    return {};
  }
}

/** The names of `# Source:` charts in the findings that are not the chart (a wrong --helm-chart). */
export function otherCharts(findings: readonly Finding[], chart: HelmChart): string[] {
  const names = new Set<string>();
  for (const f of findings) {
    const name = f.helmSource?.trim().split('/')[0];
    if (name !== undefined && name !== chart.name) names.add(name);
  }
  return [...names].sort();
}

/** `<file>:<line>:<column>` of a rendered position. */
export function formatRendered(rendered: RenderedLocation): string {
  return `${rendered.file}:${rendered.range.start.line}:${rendered.range.start.column}`;
}

/** Reads templates relative to `cwd`, once each. */
function defaultReader(cwd: string): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const full = path.resolve(cwd, file);
      let text: string | undefined;
      try {
        text = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
      } catch {
        text = undefined;
      }
      cache.set(file, text);
    }
    return cache.get(file);
  };
}

function lastKey(jsonPath: Finding['path']): string | undefined {
  if (jsonPath === undefined) return undefined;
  for (let i = jsonPath.length - 1; i >= 0; i--) {
    const segment = jsonPath[i];
    if (typeof segment === 'string') return segment;
  }
  return undefined;
}

/** A line without its indentation, sequence dashes and trailing blanks. */
function normalise(line: string): string {
  return line.trim().replace(/^(?:-\s+)+/, '');
}

function startsWithKey(line: string, key: string): boolean {
  return line.startsWith(`${key}:`) || line.startsWith(`"${key}":`) || line.startsWith(`'${key}':`);
}

/** The 1-based number of the only line that matches, or undefined (none, or several). */
function onlyLine(lines: readonly string[], matches: (line: string) => boolean): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!matches(lines[i]!)) continue;
    if (found !== undefined) return undefined;
    found = i + 1;
  }
  return found;
}

/** The range of a line's text after its indentation and sequence dashes. */
function lineRange(lines: readonly string[], line: number): Range {
  const text = lines[line - 1] ?? '';
  const start = text.length - text.replace(/^\s*(?:-\s+)*/, '').length + 1;
  return { start: { line, column: start }, end: { line, column: Math.max(text.trimEnd().length + 1, start + 1) } };
}
