// Generates docs/rules/<id>.md with the same renderer as `rbaclint rules --format markdown --out
// docs/rules` (src/cli/rules-command.ts: each rule's metadata and its fixtures/rules/<id>/ files),
// and the rules table of README.md between <!-- rules:start --> and <!-- rules:end -->
// (`rbaclint rules --format markdown`). Run after `npm run build`:
//   node scripts/gen-docs.mjs          write the files
//   node scripts/gen-docs.mjs --check  exit 1 when a generated file is stale
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every generated file: path relative to the project root → content. */
export async function renderDocs() {
  const { allRules } = await import(path.join(root, 'dist/src/index.js'));
  const { renderRules, rulePages } = await import(path.join(root, 'dist/src/cli/rules-command.js'));
  const files = new Map();
  for (const [name, content] of rulePages(allRules, path.join(root, 'fixtures/rules'))) files.set(`docs/rules/${name}`, content);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = renderRules(allRules, 'markdown');
  files.set(
    'README.md',
    readme.replace(/<!-- rules:start -->[\s\S]*?<!-- rules:end -->/, `<!-- rules:start -->\n${table}<!-- rules:end -->`),
  );
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [rel, content] of await renderDocs()) {
    const file = path.join(root, rel);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    if (check) stale.push(rel);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  if (stale.length > 0) {
    console.error(`Generated docs are stale: ${stale.join(', ')}\nRun: npm run docs`);
    process.exit(1);
  }
}
