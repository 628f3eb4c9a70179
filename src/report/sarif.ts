import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../engine/finding.js';
import type { Rule } from '../engine/rule.js';
import { formatRendered, type HelmFinding } from './helm.js';
import { pkg, ruleDocsUrl } from '../version.js';

/** Options of {@link renderSarif}. */
export interface SarifOptions {
  /** Directory that relative file paths are relative to (default: `process.cwd()`). */
  cwd?: string;
  /** Problems that stopped a path from being linted (SARIF toolExecutionNotifications). */
  notifications?: readonly { path: string; message: string }[];
}

/** GitHub code scanning shows at most 5,000 results of a run; the rest are dropped by us first. */
export const MAX_SARIF_RESULTS = 5000;

/** SARIF 2.1.0 log with one run (DESIGN.md §4), valid against the OASIS schema. */
export function renderSarif(findings: readonly HelmFinding[], rules: readonly Rule[], options: SarifOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const descriptors: ReportingDescriptor[] = rules.map((rule) => ({
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.meta.description },
    fullDescription: { text: rule.meta.rationale },
    help: {
      text: `${rule.meta.help}\n\n${rule.meta.rationale}`,
      markdown: `${rule.meta.help}\n\n${rule.meta.rationale}\n\n[Documentation](${ruleDocsUrl(rule.id)})`,
    },
    helpUri: ruleDocsUrl(rule.id),
    defaultConfiguration: { level: rule.meta.severity },
    properties: {
      tags: ['security', 'kubernetes', ...rule.meta.tags].slice(0, 10),
      precision: 'high',
      'security-severity': rule.meta.securitySeverity.toFixed(1),
    },
  }));

  const results: Result[] = findings.slice(0, MAX_SARIF_RESULTS).map((f) => ({
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId)! } : {}),
    level: f.severity,
    message: { text: messageText(f) },
    locations: [
      {
        physicalLocation: physical(f.file, f.range, cwd),
        ...(f.object
          ? {
              logicalLocations: [
                {
                  name: f.object.name,
                  fullyQualifiedName: [f.object.kind, f.object.namespace, f.object.name].filter((p) => p !== undefined).join('/'),
                  kind: 'resource',
                },
              ],
            }
          : {}),
      },
    ],
    ...(f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            physicalLocation: physical(r.file, r.range, cwd),
            message: { text: r.message },
          })),
        }
      : {}),
    partialFingerprints: { 'rbaclint/v1': f.fingerprint },
    ...(f.helmSource === undefined
      ? {}
      : { properties: { helmSource: f.helmSource, ...(f.rendered === undefined ? {} : { rendered: formatRendered(f.rendered) }) } }),
  }));

  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: pkg.name,
            version: pkg.version,
            semanticVersion: pkg.version,
            informationUri: pkg.homepage,
            rules: descriptors,
          },
        },
        automationDetails: { id: 'rbaclint/' },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : `${cwd}${path.sep}`).href } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            ...(options.notifications && options.notifications.length > 0
              ? {
                  toolExecutionNotifications: options.notifications.map((n) => ({
                    level: 'error' as const,
                    message: { text: n.message },
                    locations: [{ physicalLocation: { artifactLocation: { uri: toUri(n.path, cwd), uriBaseId: '%SRCROOT%' } } }],
                  })),
                }
              : {}),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * The result message, with the Helm template it came from (and where it was in the rendered
 * stream, when `--helm-chart` moved it to the template) and links to the related locations
 * (`[text](id)`: GitHub shows related locations only when the message links them).
 */
function messageText(f: HelmFinding): string {
  const rendered = f.rendered === undefined ? '' : `, rendered at ${formatRendered(f.rendered)}`;
  const template = f.helmSource === undefined ? '' : ` (from template ${f.helmSource}${rendered})`;
  const links = f.related.map((r, i) => `[${r.message.replace(/[[\]\\]/g, '\\$&')}](${i + 1})`);
  return `${f.message}${template}${links.length > 0 ? `; related: ${links.join(', ')}` : ''}`;
}

function physical(file: string, range: Finding['range'], cwd: string) {
  return {
    artifactLocation: { uri: toUri(file, cwd), uriBaseId: '%SRCROOT%' },
    region: {
      startLine: range.start.line,
      startColumn: range.start.column,
      endLine: range.end.line,
      endColumn: range.end.column,
    },
  };
}

/** A path relative to the working directory as a URI reference (`deploy/rbac.yaml`). */
function toUri(file: string, cwd: string): string {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return encodeURI(relative.split(path.sep).join('/'));
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, ch: string) => ch.toUpperCase());
}
