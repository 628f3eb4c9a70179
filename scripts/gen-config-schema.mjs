// Writes schemas/rbaclint-config.schema.json, the JSON Schema of .rbaclint.yaml / .yml / .json,
// from the rule registry (src/engine/config.ts `configSchema`), so it lists every rule id.
// Run after `npm run build`:
//   node scripts/gen-config-schema.mjs          write the file
//   node scripts/gen-config-schema.mjs --check  exit 1 when the file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'schemas/rbaclint-config.schema.json');

/** The schema file's content, as generated from the built registry. */
export async function renderConfigSchema() {
  const { allRules } = await import(path.join(root, 'dist/src/index.js'));
  const { configSchema } = await import(path.join(root, 'dist/src/engine/config.js'));
  return `${JSON.stringify(configSchema(allRules), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const content = await renderConfigSchema();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== content) {
      console.error('schemas/rbaclint-config.schema.json is stale: run npm run build && node scripts/gen-config-schema.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(target, content);
    console.log('wrote schemas/rbaclint-config.schema.json');
  }
}
