import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../src/index.js';
import { renderRules, rulePage, rulePages } from '../src/cli/rules-command.js';
import { runInProcess } from './helpers/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rbaclint-docs-'));
  temps.push(dir);
  return dir;
}

const cli = (args: string[]) => runInProcess(args, { cwd: root });

/** The `## ` headings of a page, in order. */
function sections(page: string): string[] {
  return page.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
}

describe('rbaclint rules --format markdown --out <dir>', () => {
  const out = tempDir();
  let result: { code: number; stdout: string; stderr: string };

  it('writes a page per rule and nothing else', async () => {
    result = await cli(['rules', '--format', 'markdown', '--out', out]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: `rbaclint: wrote ${allRules.length} rule pages to ${out}\n` });
    expect(readdirSync(out).sort()).toEqual(allRules.map((r) => `${r.id}.md`).sort());
  });

  it.for(allRules.map((r) => r.id))('%s: metadata, the fixtures verbatim, options and references', (id) => {
    const rule = allRules.find((r) => r.id === id)!;
    const page = readFileSync(path.join(out, `${id}.md`), 'utf8');
    expect(page.startsWith(`# ${id}\n\n> ${rule.meta.description}\n\nSeverity: **${rule.meta.severity}** · Default: `)).toBe(true);
    expect(sections(page)).toEqual([
      'Why',
      'How to fix',
      'Example',
      'Passes',
      'Options',
      ...(rule.meta.references.length > 0 ? ['References'] : []),
    ]);
    expect(page).toContain(`## Why\n\n${rule.meta.rationale}\n`);
    expect(page).toContain(`## How to fix\n\n${rule.meta.help}\n`);
    // The example is reported.yaml when the rule has one, verbatim, followed by its text output.
    const dir = path.join(root, 'fixtures/rules', id);
    const reported = existsSync(path.join(dir, 'reported.yaml'))
      ? 'reported.yaml'
      : readdirSync(dir).filter((f) => /^reported.*\.yaml$/.test(f)).sort()[0]!;
    expect(page).toContain(`Reported (\`fixtures/rules/${id}/${reported}\`;`);
    expect(page).toContain(`\`\`\`yaml\n${readFileSync(path.join(dir, reported), 'utf8').trimEnd()}\n\`\`\``);
    const outFile = path.join(dir, reported.replace(/\.yaml$/, '.out'));
    if (existsSync(outFile)) expect(page).toContain(`Output:\n\n\`\`\`text\n${readFileSync(outFile, 'utf8').trimEnd()}\n\`\`\``);
    expect(page).toContain(`\`\`\`yaml\n${readFileSync(path.join(dir, 'clean.yaml'), 'utf8').trimEnd()}\n\`\`\``);
    expect(page).toContain(`rules:\n  ${id}: `);
    for (const reference of rule.meta.references) expect(page).toContain(`- <${reference}>`);
  });

  it('says so when the fixtures are not there (an installed package)', () => {
    const rule = allRules.find((r) => r.id === 'cluster-admin-binding')!;
    const page = rulePage(rule, undefined);
    expect(sections(page)).toEqual(['Why', 'How to fix', 'Example', 'Options', 'References']);
    expect(page).toContain("The examples come from the rule's test fixtures, which this installation does not include: see <");
    expect(page).not.toContain('```yaml\napiVersion');
  });

  it('needs --format markdown', async () => {
    expect(await cli(['rules', '--out', tempDir()])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'rbaclint: rules --out writes markdown pages; add --format markdown\n',
    });
  });

  it('still prints the README table without --out', async () => {
    const { code, stdout } = await cli(['rules', '--format', 'markdown']);
    expect(code).toBe(0);
    expect(stdout).toBe(renderRules(allRules, 'markdown'));
  });
});

describe('committed docs are current', () => {
  it('docs/rules/ holds exactly the pages the command writes', () => {
    const pages = rulePages(allRules, path.join(root, 'fixtures/rules'));
    expect(readdirSync(path.join(root, 'docs/rules')).filter((f) => f.endsWith('.md')).sort()).toEqual([...pages.keys()].sort());
    for (const [name, content] of pages) expect(readFileSync(path.join(root, 'docs/rules', name), 'utf8'), name).toBe(content);
  });

  it('the README table is the one `rbaclint rules --format markdown` prints', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`<!-- rules:start -->\n${renderRules(allRules, 'markdown')}<!-- rules:end -->`);
  });

  it('node scripts/gen-docs.mjs --check passes (on the build)', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/gen-docs.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(!existsSync(path.join(root, 'dist/rbaclint.js')))('the bundle finds the fixtures too', () => {
    const out = tempDir();
    const run = spawnSync(process.execPath, [path.join(root, 'dist/rbaclint.js'), 'rules', '--format', 'markdown', '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    for (const rule of allRules) {
      expect(readFileSync(path.join(out, `${rule.id}.md`), 'utf8'), rule.id).toBe(readFileSync(path.join(root, 'docs/rules', `${rule.id}.md`), 'utf8'));
    }
  });
});
