import type { Rule } from '../engine/rule.js';
import { ruleDocsUrl } from '../version.js';

/** Formats of `rbaclint rules`. */
export const RULES_FORMATS = ['text', 'json', 'markdown'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

/** Lists rules as an aligned table, JSON, or the README's markdown table. */
export function renderRules(rules: readonly Rule[], format: RulesFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rules.map((r) => ({
          id: r.id,
          severity: r.meta.severity,
          recommended: r.meta.recommended,
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
        (r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.meta.severity} | ${r.meta.recommended ? 'yes' : 'no'} | ${r.meta.description} |`,
      );
      return `| rule | severity | default | what it reports |\n|---|---|---|---|\n${rows.join('\n')}\n`;
    }
    case 'text': {
      const width = Math.max(...rules.map((r) => r.id.length));
      const lines = rules.map(
        (r) => `${r.id.padEnd(width)}  ${r.meta.severity.padEnd(8)}  ${(r.meta.recommended ? 'on' : 'off').padEnd(7)}  ${r.meta.description}`,
      );
      return `${'RULE'.padEnd(width)}  SEVERITY  DEFAULT  DESCRIPTION\n${lines.join('\n')}\n`;
    }
  }
}
