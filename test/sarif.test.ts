import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log, Result } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules, lint, type SourceText } from '../src/index.js';
import { renderSarif, MAX_SARIF_RESULTS } from '../src/report/sarif.js';
import { SARIF_SCHEMA_PATH, sarifValidator, type SarifValidator } from './helpers/sarif-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; homepage: string };

function source(file: string): SourceText {
  return { path: file, text: readFileSync(path.join(root, file), 'utf8') };
}

const EXAMPLES = ['examples/deployment.yaml', 'examples/rbac.yaml', 'examples/serviceaccount.yaml'];
const HELM = 'fixtures/inputs/cli/helm-rendered.yaml';
const BROKEN = 'fixtures/inputs/cli/broken.yaml';

/** Lints the sources and renders SARIF as the CLI does (working directory = the project root). */
function sarifOf(sources: readonly SourceText[], notifications: { path: string; message: string }[] = [], enable: string[] = []): Log {
  const result = lint(sources, { enable });
  return JSON.parse(renderSarif(result.findings, result.rules, { cwd: root, notifications })) as Log;
}

const logs = {
  examples: () => sarifOf(EXAMPLES.map(source)),
  helm: () => sarifOf([source(HELM)]),
  broken: () => sarifOf([source(BROKEN), source('examples/rbac.yaml')]),
  notifications: () =>
    sarifOf([source('examples/rbac.yaml')], [{ path: 'deploy/missing.yaml', message: 'Cannot read "deploy/missing.yaml": no such file or directory' }]),
  stdin: () => sarifOf([{ path: '<stdin>', text: readFileSync(path.join(root, 'examples/rbac.yaml'), 'utf8') }]),
  empty: () => sarifOf([]),
  /** The examples with every rule on, opt-in ones too. */
  allRules: () => sarifOf(EXAMPLES.map(source), [], allRules.map((r) => r.id)),
};

/** The rules on by default, in registry order. */
const DEFAULT_RULE_IDS = allRules.filter((r) => r.meta.recommended).map((r) => r.id);

function results(log: Log): Result[] {
  return log.runs[0]!.results ?? [];
}

const HAS_SCHEMA = existsSync(SARIF_SCHEMA_PATH);

describe.skipIf(!HAS_SCHEMA)(`SARIF validates against the OASIS schema${HAS_SCHEMA ? '' : ` (skipped: ${SARIF_SCHEMA_PATH} absent)`}`, () => {
  let validate: SarifValidator;
  beforeAll(() => {
    validate = sarifValidator();
  }, 60_000);

  it.for(Object.keys(logs) as (keyof typeof logs)[])('%s', (name) => {
    const log = logs[name]();
    expect(validate(log)).toEqual([]);
  });

  it('the validator does reject a broken log (the check is not vacuous)', () => {
    const log = logs.examples();
    const region = results(log)[0]!.locations![0]!.physicalLocation!.region!;
    region.startLine = 0;
    (results(log)[1] as { level: string }).level = 'fatal';
    expect(validate(log)).toEqual([
      expect.stringMatching(/^\/runs\/0\/results\/0\/locations\/0\/physicalLocation\/region\/startLine must be >= 1/),
      expect.stringMatching(/^\/runs\/0\/results\/1\/level must be equal to one of the allowed values/),
    ]);
  });
});

describe('SARIF for GitHub code scanning', () => {
  it.for(['examples', 'helm', 'broken'] as const)('%s: one run, rbaclint driver, category and column kind', (name) => {
    const log = logs[name]();
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'rbaclint', version: pkg.version, semanticVersion: pkg.version, informationUri: pkg.homepage });
    expect(run.automationDetails).toEqual({ id: 'rbaclint/' });
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`${new URL(`file://${root}/`).href}`);
  });

  it('the driver lists every enabled rule (not only those that fired), in registry order', () => {
    expect(logs.examples().runs[0]!.tool.driver.rules!.map((r) => r.id)).toEqual(DEFAULT_RULE_IDS);
    // An opt-in rule is listed once enabled.
    expect(DEFAULT_RULE_IDS).not.toContain('automount-token-explicit');
    expect(logs.allRules().runs[0]!.tool.driver.rules!.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
  });

  it.for(allRules.map((r) => r.id))('rule %s: descriptions, help, level, tags and security-severity as GitHub reads them', (id) => {
    const rules = logs.allRules().runs[0]!.tool.driver.rules!;
    const descriptor = rules.find((r) => r.id === id)!;
    const meta = allRules.find((r) => r.id === id)!.meta;
    expect(descriptor.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(descriptor.shortDescription!.text).toBe(meta.description);
    expect(descriptor.shortDescription!.text.length).toBeLessThanOrEqual(1024);
    expect(descriptor.fullDescription!.text.length).toBeGreaterThan(0);
    expect(descriptor.fullDescription!.text.length).toBeLessThanOrEqual(1024);
    expect(descriptor.help!.text).toContain(meta.help);
    expect(descriptor.help!.markdown).toContain(meta.help);
    expect(descriptor.helpUri).toBe(`${pkg.homepage}/blob/v${pkg.version}/docs/rules/${id}.md`);
    expect(descriptor.defaultConfiguration!.level).toBe(meta.severity);
    const properties = descriptor.properties!;
    const tags = properties.tags as string[];
    expect(tags).toContain('security');
    expect(tags.length).toBeLessThanOrEqual(10);
    expect(new Set(tags).size).toBe(tags.length);
    const severity = properties['security-severity'];
    expect(typeof severity).toBe('string');
    expect(severity).toMatch(/^\d{1,2}\.\d$/);
    expect(Number(severity)).toBeGreaterThanOrEqual(0.1);
    expect(Number(severity)).toBeLessThanOrEqual(10);
    expect(['very-high', 'high', 'medium', 'low']).toContain(properties.precision);
  });

  it.for(['examples', 'helm', 'broken', 'notifications'] as const)('%s: every result is placed as GitHub requires', (name) => {
    const log = logs[name]();
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(results(log).length).toBeGreaterThan(0);
    for (const result of results(log)) {
      expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text!.length).toBeGreaterThan(0);
      expect(result.locations).toHaveLength(1);
      const physical = result.locations![0]!.physicalLocation!;
      // Repository-relative, never absolute nor a file: URI.
      expect(physical.artifactLocation!.uri).toMatch(/^(examples|fixtures)\/[\w./-]+\.yaml$/);
      expect(physical.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      const region = physical.region!;
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(region.endLine).toBeGreaterThanOrEqual(region.startLine!);
      if (region.endLine === region.startLine) expect(region.endColumn).toBeGreaterThan(region.startColumn!);
      expect(Object.keys(result.partialFingerprints!)).toEqual(['rbaclint/v1']);
      expect(result.partialFingerprints!['rbaclint/v1']).toMatch(/^[0-9a-f]{32}$/);
      // Never an invented primaryLocationLineHash: upload-sarif computes the real one.
      expect(result.partialFingerprints).not.toHaveProperty('primaryLocationLineHash');
      for (const [i, related] of (result.relatedLocations ?? []).entries()) {
        expect(related.id).toBe(i + 1);
        expect(related.physicalLocation!.region!.startLine).toBeGreaterThanOrEqual(1);
        expect(related.message!.text!.length).toBeGreaterThan(0);
      }
    }
  });

  it('examples: exact results (rule, level, location, logical location)', () => {
    const summary = results(logs.examples()).map((r) => {
      const location = r.locations![0]!;
      const region = location.physicalLocation!.region!;
      return [
        r.ruleId,
        r.level,
        `${location.physicalLocation!.artifactLocation!.uri}:${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn}`,
        location.logicalLocations?.[0]?.fullyQualifiedName,
      ];
    });
    expect(summary).toEqual([
      ['automount-token-enabled', 'warning', 'examples/deployment.yaml:13:5-13:9', 'Deployment/shop/web'],
      ['missing-service-account', 'warning', 'examples/deployment.yaml:32:27-32:39', 'Deployment/shop/orders'],
      ['automount-token-enabled', 'warning', 'examples/deployment.yaml:48:9-48:13', 'CronJob/shop/cleanup'],
      ['missing-service-account-name', 'warning', 'examples/deployment.yaml:48:9-48:13', 'CronJob/shop/cleanup'],
      ['secret-read-access', 'warning', 'examples/rbac.yaml:12:17-12:26', 'Role/shop/orders'],
      ['cluster-admin-binding', 'error', 'examples/rbac.yaml:36:9-36:22', 'ClusterRoleBinding/ci-deployer'],
    ]);
    const first = results(logs.examples())[0]!;
    expect(first.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'examples/serviceaccount.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 5, startColumn: 9, endLine: 5, endColumn: 12 },
        },
        message: { text: 'ServiceAccount shop/web' },
      },
    ]);
  });

  it('Helm-rendered input: rendered positions, the template in the message and in properties', () => {
    const summary = results(logs.helm()).map((r) => [
      r.ruleId,
      r.locations![0]!.physicalLocation!.region!.startLine,
      r.properties?.helmSource,
      r.message.text,
    ]);
    expect(summary).toEqual([
      [
        'secret-read-access',
        20,
        'shop/templates/rbac.yaml',
        'Role shop/release-shop rules[0] allows get, list on all Secrets in namespace "shop"; held by Deployment shop/release-shop (from template shop/templates/rbac.yaml); related: [RoleBinding shop/release-shop grants it to ServiceAccount shop/release-shop](1), [Deployment shop/release-shop runs with an API token of ServiceAccount shop/release-shop](2), [ServiceAccount shop/release-shop](3)',
      ],
      [
        'automount-token-enabled',
        52,
        'shop/templates/deployment.yaml',
        'Deployment shop/release-shop gets an API token for ServiceAccount shop/release-shop mounted: neither the pod template nor the ServiceAccount sets automountServiceAccountToken; RoleBinding shop/release-shop grants it rights, so set it to true explicitly if the pods call the API (from template shop/templates/deployment.yaml); related: [ServiceAccount shop/release-shop](1)',
      ],
    ]);
  });

  it('examples: a message links each related location as [text](id); none without related locations', () => {
    expect(results(logs.examples()).map((r) => r.message.text)).toEqual([
      'Deployment shop/web gets an API token for ServiceAccount shop/web mounted: neither the pod template nor the ServiceAccount sets automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults; related: [ServiceAccount shop/web](1)',
      'Deployment shop/orders runs as ServiceAccount shop/order-worker, which the input does not define',
      'CronJob shop/cleanup gets an API token for ServiceAccount shop/default mounted: the pod template does not set automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults',
      'CronJob shop/cleanup sets no serviceAccountName, so its pods run as the "default" ServiceAccount of namespace "shop"',
      'Role shop/orders rules[1] allows get, list on all Secrets in namespace "shop"; related: [RoleBinding shop/orders grants it to ServiceAccount shop/orders](1)',
      'ClusterRoleBinding "ci-deployer" grants cluster-admin to ServiceAccount ci/deployer',
    ]);
  });

  it('related messages are escaped in the links: [, ] and \\ get a backslash; relatedLocations keep the raw text', () => {
    const result = lint(EXAMPLES.map(source));
    const finding = result.findings.find((f) => f.ruleId === 'secret-read-access')!;
    const template = finding.related[0]!;
    const related = [
      { ...template, message: 'Role x rules[0] grants [it]' },
      { ...template, message: String.raw`a\b (c)` },
    ];
    const log = JSON.parse(renderSarif([{ ...finding, related }], result.rules, { cwd: root })) as Log;
    const only = results(log)[0]!;
    expect(only.message.text).toBe(
      String.raw`Role shop/orders rules[1] allows get, list on all Secrets in namespace "shop"; related: [Role x rules\[0\] grants \[it\]](1), [a\\b (c)](2)`,
    );
    expect(only.relatedLocations!.map((l) => [l.id, l.message!.text])).toEqual([
      [1, 'Role x rules[0] grants [it]'],
      [2, String.raw`a\b (c)`],
    ]);
  });

  it('a parse error is a result at the parser position, without logical location', () => {
    const parseError = results(logs.broken()).find((r) => r.ruleId === 'parse-error')!;
    expect(parseError.locations![0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: BROKEN, uriBaseId: '%SRCROOT%' },
        region: { startLine: 22, startColumn: 5, endLine: 22, endColumn: 6 },
      },
    });
  });

  it('a path that could not be read is a tool execution notification', () => {
    expect(logs.notifications().runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'Cannot read "deploy/missing.yaml": no such file or directory' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'deploy/missing.yaml', uriBaseId: '%SRCROOT%' } } }],
          },
        ],
      },
    ]);
  });

  it('partialFingerprints survive a line shift: 3 blank lines prepended, same fingerprints, lines + 3', () => {
    for (const files of [EXAMPLES, [HELM], [BROKEN]]) {
      const original = files.map(source);
      const shifted = original.map((s) => ({ path: s.path, text: `\n\n\n${s.text}` }));
      const before = results(sarifOf(original));
      const after = results(sarifOf(shifted));
      expect(before.length, files.join()).toBeGreaterThan(0);
      expect(after.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
      const lines = (rs: Result[], key: 'startLine' | 'endLine', shift = 0) =>
        rs.map((r) => r.locations![0]!.physicalLocation!.region![key]! + shift);
      expect(lines(after, 'startLine')).toEqual(lines(before, 'startLine', 3));
      expect(lines(after, 'endLine')).toEqual(lines(before, 'endLine', 3));
      const related = (rs: Result[], shift = 0) => rs.flatMap((r) => (r.relatedLocations ?? []).map((l) => l.physicalLocation!.region!.startLine! + shift));
      expect(related(after)).toEqual(related(before, 3));
    }
  });

  it('fingerprints are distinct within a run', () => {
    for (const log of [logs.examples(), logs.helm(), logs.broken()]) {
      const prints = results(log).map((r) => r.partialFingerprints!['rbaclint/v1']);
      expect(new Set(prints).size).toBe(prints.length);
    }
  });

  it(`results are capped at ${MAX_SARIF_RESULTS}, the most GitHub shows`, () => {
    const text = readFileSync(path.join(root, 'examples/rbac.yaml'), 'utf8');
    const many = Array.from({ length: 30 }, (_, i) => ({ path: `deploy/copy-${i}.yaml`, text }));
    const result = lint(many);
    const repeated = Array.from({ length: Math.ceil((MAX_SARIF_RESULTS + 1) / result.findings.length) }, () => result.findings).flat();
    const log = JSON.parse(renderSarif(repeated, result.rules, { cwd: root })) as Log;
    expect(repeated.length).toBeGreaterThan(MAX_SARIF_RESULTS);
    expect(results(log)).toHaveLength(MAX_SARIF_RESULTS);
  });

  it('no findings: an empty results array, still with every enabled rule', () => {
    const log = logs.empty();
    expect(results(log)).toEqual([]);
    expect(log.runs[0]!.tool.driver.rules).toHaveLength(DEFAULT_RULE_IDS.length);
  });
});
