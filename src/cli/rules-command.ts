import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from '../engine/rule.js';
import { ruleDocsUrl } from '../version.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import { writeAtomically } from './output.js';

/** Formats of `rbaclint rules`. */
export const RULES_FORMATS = ['text', 'json', 'markdown'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

/** Options of `rbaclint rules`, as commander parses them. */
export interface RulesCommandOptions {
  format: RulesFormat;
  /** `--out <dir>`: write a documentation page per rule there (`--format markdown`). */
  out?: string;
}

/** Lists rules as an aligned table, JSON, or the README's markdown table. */
export function renderRules(rules: readonly Rule[], format: RulesFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rules.map((r) => ({
          id: r.id,
          severity: r.meta.severity,
          recommended: r.meta.recommended,
          fixable: r.meta.fixable !== undefined,
          tags: r.meta.tags,
          description: r.meta.description,
          help: r.meta.help,
          docs: ruleDocsUrl(r.id),
        })),
        null,
        2,
      )}\n`;
    case 'markdown': {
      const rows = rules.map(
        (r) =>
          `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.meta.severity} | ${r.meta.recommended ? 'yes' : 'no'} | ${r.meta.fixable === undefined ? '' : 'yes'} | ${r.meta.description} |`,
      );
      return `| rule | severity | default | --fix | what it reports |\n|---|---|---|---|---|\n${rows.join('\n')}\n`;
    }
    case 'text': {
      const width = Math.max(...rules.map((r) => r.id.length));
      const lines = rules.map(
        (r) =>
          `${r.id.padEnd(width)}  ${r.meta.severity.padEnd(8)}  ${(r.meta.recommended ? 'on' : 'off').padEnd(7)}  ${(r.meta.fixable === undefined ? '' : 'yes').padEnd(3)}  ${r.meta.description}`,
      );
      return `${'RULE'.padEnd(width)}  SEVERITY  DEFAULT  FIX  DESCRIPTION\n${lines.join('\n')}\n`;
    }
  }
}

/**
 * Runs `rbaclint rules`: prints the list, or with `--out <dir>` (markdown only) writes
 * `<dir>/<id>.md` for every rule (what `npm run docs` does for docs/rules/).
 */
export async function runRules(rules: readonly Rule[], options: RulesCommandOptions, io: Io): Promise<number> {
  if (options.out === undefined) {
    io.stdout(renderRules(rules, options.format));
    return EXIT.ok;
  }
  if (options.format !== 'markdown') {
    io.stderr('rbaclint: rules --out writes markdown pages; add --format markdown\n');
    return EXIT.usage;
  }
  const dir = path.resolve(io.cwd, options.out);
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of rulePages(rules)) await writeAtomically(path.join(dir, name), content);
  } catch (error) {
    io.stderr(`rbaclint: cannot write the rule pages to "${options.out}": ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  io.stderr(`rbaclint: wrote ${rules.length} rule page${rules.length === 1 ? '' : 's'} to ${options.out}\n`);
  return EXIT.ok;
}

/**
 * The project's `fixtures/rules/` when this code runs from a checkout (source, tsc build or
 * bundle); undefined in an installed package, which ships no fixtures.
 */
export function defaultFixturesDir(): string | undefined {
  // src/cli/ (source), dist/src/cli/ (tsc build), dist/ (bundle).
  for (const up of ['../..', '../../..', '..']) {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), up);
    try {
      const json = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
      if (json.name !== 'rbaclint') continue;
    } catch {
      continue;
    }
    const dir = path.join(root, 'fixtures/rules');
    return existsSync(dir) ? dir : undefined;
  }
  return undefined;
}

/**
 * The documentation page of every rule, by file name (`<id>.md`).
 *
 * @param fixturesDir `fixtures/rules/` with a folder per rule; undefined: pages say the examples are
 *   not included
 */
export function rulePages(rules: readonly Rule[], fixturesDir: string | undefined = defaultFixturesDir()): Map<string, string> {
  return new Map(rules.map((rule) => [`${rule.id}.md`, rulePage(rule, fixturesDir)]));
}

interface Fixture {
  name: string;
  text: string;
  out?: string;
}

/** `reported.yaml` (else the first `reported*.yaml`) or `clean.yaml` (else the first `clean*.yaml`), with its `.out`. */
function fixture(fixturesDir: string, id: string, prefix: 'reported' | 'clean'): Fixture | undefined {
  const dir = path.join(fixturesDir, id);
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.yaml'))
    .sort();
  const name = names.includes(`${prefix}.yaml`) ? `${prefix}.yaml` : names[0];
  if (name === undefined) return undefined;
  const text = readFileSync(path.join(dir, name), 'utf8');
  const outFile = path.join(dir, name.replace(/\.yaml$/, '.out'));
  return { name, text, ...(existsSync(outFile) ? { out: readFileSync(outFile, 'utf8') } : {}) };
}

/**
 * `docs/rules/<id>.md`: `# <id>`, the description, severity/default/tags/kinds, then Why
 * (rationale), How to fix (help), Example (the reported fixture verbatim and its text output),
 * Passes (the clean fixture), Options and References.
 */
export function rulePage(rule: Rule, fixturesDir: string | undefined): string {
  const m = rule.meta;
  const lines = [
    `# ${rule.id}`,
    '',
    `> ${m.description}`,
    '',
    `Severity: **${m.severity}** · Default: ${m.recommended ? 'on' : 'off'} · Tags: ${m.tags.map((t) => `\`${t}\``).join(', ')}` +
      (m.kinds.length > 0 ? ` · Checks: ${m.kinds.join(', ')}` : ''),
    '',
    "<!-- Generated by scripts/gen-docs.mjs from the rule's metadata and fixtures; do not edit. -->",
    '',
    '## Why',
    '',
    m.rationale,
    '',
    '## How to fix',
    '',
    m.help,
    '',
    ...(m.fixable === undefined ? [] : [`\`rbaclint --fix\` does it for you where it is certain (\`--fix-dry-run\` shows the diff first): ${m.fixable}`, '']),
  ];
  if (fixturesDir === undefined) {
    lines.push(
      '## Example',
      '',
      `The examples come from the rule's test fixtures, which this installation does not include: see <${ruleDocsUrl(rule.id)}>.`,
      '',
    );
  } else {
    const reported = fixture(fixturesDir, rule.id, 'reported');
    if (reported) {
      lines.push('## Example', '', `Reported (\`fixtures/rules/${rule.id}/${reported.name}\`; \`# expect:\` marks each finding):`, '');
      lines.push('```yaml', reported.text.trimEnd(), '```', '');
      if (reported.out !== undefined) lines.push('Output:', '', '```text', reported.out.trimEnd(), '```', '');
    }
    const clean = fixture(fixturesDir, rule.id, 'clean');
    if (clean) lines.push('## Passes', '', '```yaml', clean.text.trimEnd(), '```', '');
  }
  lines.push(
    '## Options',
    '',
    `None. The rule is ${m.recommended ? 'on' : 'off'} by default; the configuration file sets its severity or turns it ${m.recommended ? 'off' : 'on'} ([Configuration](../../README.md#configuration)):`,
    '',
    '```yaml',
    'rules:',
    `  ${rule.id}: ${m.recommended ? 'off' : m.severity} # off, note, warning or error`,
    '```',
    '',
  );
  if (m.references.length > 0) lines.push('## References', '', ...m.references.map((r) => `- <${r}>`), '');
  return lines.join('\n');
}
