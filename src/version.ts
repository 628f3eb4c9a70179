import { readFileSync } from 'node:fs';

/** The package's name, version and home, read once from package.json (source or dist layout). */
export const pkg: { name: string; version: string; homepage: string } = (() => {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as Record<string, unknown>;
      if (json.name === 'rbaclint') {
        return { name: 'rbaclint', version: String(json.version), homepage: String(json.homepage ?? '') };
      }
    } catch {
      // Try the next layout.
    }
  }
  return { name: 'rbaclint', version: '0.0.0', homepage: '' };
})();

/** Link to a rule's documentation page at this version's tag. */
export function ruleDocsUrl(ruleId: string): string {
  return `${pkg.homepage}/blob/v${pkg.version}/docs/rules/${ruleId}.md`;
}
