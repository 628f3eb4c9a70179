import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log, Result } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules, lint } from '../src/index.js';
import { loadHelmChart, mapToHelmChart, templateFile, type HelmChart } from '../src/report/helm.js';
import { renderSarif } from '../src/report/sarif.js';
import { SARIF_SCHEMA_PATH, sarifValidator } from './helpers/sarif-schema.js';
import { runInProcess } from './helpers/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHART = 'fixtures/inputs/helm/chart';
const RENDERED = 'fixtures/inputs/helm/rendered.yaml';
const CORPUS = path.resolve(root, '../shared/corpus');
const HAS_SCHEMA = existsSync(SARIF_SCHEMA_PATH);

const cli = (args: string[], stdin = '') => runInProcess(args, { cwd: root, stdin });

const rendered = readFileSync(path.join(root, RENDERED), 'utf8');

/** `ruleId uri:startLine:startColumn` of each result. */
function locations(log: Log): string[] {
  return (log.runs[0]!.results ?? []).map((r) => {
    const p = r.locations![0]!.physicalLocation!;
    return `${r.ruleId} ${p.artifactLocation!.uri}:${p.region!.startLine}:${p.region!.startColumn}`;
  });
}

describe('--helm-chart maps helm template output back to the chart', () => {
  it('points SARIF results at the templates: the key line, else the kind line, else line 1', async () => {
    const { code, stdout, stderr } = await cli(['-', '--helm-chart', CHART, '--format', 'sarif'], rendered);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as Log;
    expect(locations(log)).toEqual([
      // `name: cluster-admin` is written once in the template.
      'cluster-admin-binding fixtures/inputs/helm/chart/templates/rbac.yaml:11:3',
      // A subchart: mychart/charts/worker/templates/… is <dir>/charts/worker/templates/….
      'pod-exec-access fixtures/inputs/helm/chart/charts/worker/templates/role.yaml:8:5',
      'workload-create-access fixtures/inputs/helm/chart/charts/worker/templates/role.yaml:11:5',
      // `resources: [{{ … | quote }}]`: not literal, so the Role's `kind:` line.
      'secret-read-access fixtures/inputs/helm/chart/templates/rbac.yaml:19:1',
      // `name: {{ … }}` and two RoleBindings in the template: line 1.
      'default-service-account-bound fixtures/inputs/helm/chart/templates/rolebindings.yaml:1:1',
      // templates/tests/test-connection.yaml is not in the chart: the rendered location stays.
      'automount-token-enabled %3Cstdin%3E:113:1',
      'missing-service-account-name %3Cstdin%3E:113:1',
    ]);
    const results = log.runs[0]!.results!;
    const byRule = (id: string): Result => results.find((r) => r.ruleId === id)!;
    expect(byRule('cluster-admin-binding').locations![0]!.physicalLocation!.region).toEqual({
      startLine: 11,
      startColumn: 3,
      endLine: 11,
      endColumn: 22,
    });
    expect(byRule('cluster-admin-binding').message.text).toContain(
      '(from template mychart/templates/rbac.yaml, rendered at <stdin>:24:9)',
    );
    expect(byRule('cluster-admin-binding').properties).toEqual({ helmSource: 'mychart/templates/rbac.yaml', rendered: '<stdin>:24:9' });
    expect(byRule('automount-token-enabled').properties).toEqual({ helmSource: 'mychart/templates/tests/test-connection.yaml' });
    // Related objects move to their templates too.
    expect(byRule('cluster-admin-binding').relatedLocations!.map((r) => `${r.physicalLocation!.artifactLocation!.uri}:${r.physicalLocation!.region!.startLine}`)).toEqual([
      'fixtures/inputs/helm/chart/templates/deployment.yaml:2',
      'fixtures/inputs/helm/chart/templates/serviceaccount.yaml:2',
    ]);
    expect(byRule('cluster-admin-binding').relatedLocations![1]!.message!.text).toBe('ServiceAccount default/mychart (rendered at <stdin>:6:9)');
    if (HAS_SCHEMA) expect(sarifValidator()(log)).toEqual([]);
  });

  it('keeps rendered locations without --helm-chart, and for files the chart does not have', async () => {
    const { stdout } = await cli([RENDERED, '--format', 'sarif']);
    const log = JSON.parse(stdout) as Log;
    expect(locations(log).every((l) => l.includes(` ${RENDERED}:`))).toBe(true);
    expect(log.runs[0]!.results!.every((r) => typeof r.properties?.helmSource === 'string')).toBe(true);
  });

  it('gives GitHub annotations the template file and line', async () => {
    const { stdout } = await cli([RENDERED, '--helm-chart', `./${CHART}/`, '--format', 'github', '-q']);
    expect(stdout.split('\n').filter(Boolean).map((l) => /file=([^,]*),line=(\d+)/.exec(l)!.slice(1).join(':'))).toEqual([
      'fixtures/inputs/helm/chart/templates/rbac.yaml:11',
      'fixtures/inputs/helm/chart/charts/worker/templates/role.yaml:8',
      'fixtures/inputs/helm/chart/charts/worker/templates/role.yaml:11',
      'fixtures/inputs/helm/chart/templates/rbac.yaml:19',
      'fixtures/inputs/helm/chart/templates/rolebindings.yaml:1',
      `${RENDERED}:113`,
      `${RENDERED}:113`,
    ]);
  });

  it('leaves text and JSON reports at the rendered positions', async () => {
    const { stdout } = await cli([RENDERED, '--helm-chart', CHART, '--format', 'json']);
    const json = JSON.parse(stdout) as { findings: { file: string; helmSource?: string }[] };
    expect(json.findings.every((f) => f.file === RENDERED && f.helmSource !== undefined)).toBe(true);
  });

  it('rejects a directory without Chart.yaml (exit 2)', async () => {
    const { code, stderr } = await cli(['-', '--helm-chart', 'fixtures/inputs/helm', '--format', 'sarif'], rendered);
    expect(code).toBe(2);
    expect(stderr).toBe('rbaclint: --helm-chart fixtures/inputs/helm: cannot read fixtures/inputs/helm/Chart.yaml: no such file\n');
  });

  it('warns when the # Source: chart is not the Chart.yaml name, and keeps those locations', async () => {
    const { stdout, stderr } = await cli(['-', '--helm-chart', `${CHART}/charts/worker`, '--format', 'sarif'], rendered);
    expect(stderr).toBe(
      `rbaclint: --helm-chart ${CHART}/charts/worker: its Chart.yaml name is "worker", but findings come from chart "mychart"; those keep their rendered locations\n`,
    );
    expect(locations(JSON.parse(stdout) as Log).every((l) => l.includes('%3Cstdin%3E'))).toBe(true);
  });

  it('maps # Source: paths by the chart name, not the directory name', () => {
    const chart: HelmChart = { dir: 'deploy/app', name: 'mychart', cwd: root };
    expect(templateFile('mychart/templates/x.yaml', chart)).toBe(path.join('deploy/app', 'templates/x.yaml'));
    expect(templateFile('mychart/charts/sub/templates/a/b.yaml', chart)).toBe(path.join('deploy/app', 'charts/sub/templates/a/b.yaml'));
    expect(templateFile('mychart/crds/crd.yaml', chart)).toBe(path.join('deploy/app', 'crds/crd.yaml'));
    expect(templateFile('app/templates/x.yaml', chart)).toBeUndefined();
    expect(templateFile('mychart/../../etc/passwd', chart)).toBeUndefined();
    expect(templateFile('mychart', chart)).toBeUndefined();
  });

  it('reads the name from Chart.yaml', async () => {
    await expect(loadHelmChart(CHART, root)).resolves.toEqual({ dir: CHART, name: 'mychart', cwd: root });
  });
});

/** The Helm-rendered manifests of the shared corpus, by chart. */
const CORPUS_CHARTS = [
  { chart: 'cert-manager', dir: 'cert-manager' },
  { chart: 'calico', dir: 'calico' },
  { chart: 'istio', dir: 'istio' },
  { chart: 'ingress-nginx', dir: 'ingress-nginx' },
];

describe.each(CORPUS_CHARTS)('corpus $dir', ({ chart: name, dir }) => {
  const folder = path.join(CORPUS, dir);
  const present = existsSync(folder);
  const temp: string[] = [];
  afterAll(() => temp.forEach((t) => rmSync(t, { recursive: true, force: true })));

  it.skipIf(!present)(`keeps the helmSource of every finding${present ? '' : ` (skipped: ${folder} absent)`}`, () => {
    const files = readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name));
    const sources = files.map((file) => ({ path: path.relative(root, file), text: readFileSync(file, 'utf8') }));
    const result = lint(sources, { enable: allRules.map((r) => r.id) });
    const withSource = result.findings.filter((f) => f.helmSource !== undefined);

    // A chart in a temporary directory: Chart.yaml, and the raw templates the corpus has of it.
    const chartDir = mkdtempSync(path.join(tmpdir(), 'rbaclint-helm-'));
    temp.push(chartDir);
    writeFileSync(path.join(chartDir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.0.0\n`);
    const raw = path.join(CORPUS, '_unrendered-helm', dir, 'templates');
    if (existsSync(raw)) cpSync(raw, path.join(chartDir, 'templates'), { recursive: true });
    else mkdirSync(path.join(chartDir, 'templates'));
    const chart: HelmChart = { dir: chartDir, name, cwd: root };

    const mapped = mapToHelmChart(result.findings, chart, new Map(sources.map((s) => [s.path, s.text])));
    const log = JSON.parse(renderSarif(mapped, result.rules, { cwd: root })) as Log;
    const results = log.runs[0]!.results!;
    expect(results).toHaveLength(result.findings.length);
    result.findings.forEach((f, i) => {
      const r = results[i]!;
      const uri = r.locations![0]!.physicalLocation!.artifactLocation!.uri!;
      if (f.helmSource === undefined) {
        expect(r.properties?.helmSource).toBeUndefined();
        return;
      }
      expect(r.properties?.helmSource).toBe(f.helmSource);
      expect(r.message.text).toContain(`(from template ${f.helmSource}`);
      const template = templateFile(f.helmSource, chart);
      if (template !== undefined && existsSync(template)) {
        expect(decodeURI(uri)).toBe(path.relative(root, template).split(path.sep).join('/'));
        expect(r.properties?.rendered).toBe(`${f.file}:${f.range.start.line}:${f.range.start.column}`);
      } else {
        expect(decodeURI(uri)).toBe(f.file.split(path.sep).join('/'));
      }
    });
    if (HAS_SCHEMA) expect(sarifValidator()(log)).toEqual([]);
    console.log(`corpus ${dir}: ${withSource.length} of ${result.findings.length} findings have a helmSource, ${results.filter((r) => r.properties?.rendered !== undefined).length} mapped to a template`);
  });
});
