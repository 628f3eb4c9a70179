/**
 * Meta-tests of the rule registry (STYLE §G): the registry, the rule files and the fixture folders
 * cannot drift apart, and every rule's metadata follows the conventions the reporters rely on.
 * Counts are derived from the registry, never written by hand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { SEVERITIES, TAGS, type Rule } from '../src/engine/rule.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RULES_DIR = join(ROOT, 'rules');
const FIXTURES_DIR = join(ROOT, 'fixtures', 'rules');
const REGISTRY: readonly Rule[] = rules;
const IDS = REGISTRY.map((rule) => rule.id);

/** Rule ids from the file names of rules/*.ts (index.ts is the registry itself). */
const RULE_FILES = readdirSync(RULES_DIR)
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => name.slice(0, -'.ts'.length))
  .sort();

describe('rules/index.ts', () => {
  it('lists every rules/*.ts file, and nothing else', () => {
    expect([...IDS].sort()).toEqual(RULE_FILES);
  });

  it('rule files import only from src/engine, src/model and src/rbac (STYLE §A)', () => {
    const stray = RULE_FILES.flatMap((id) =>
      [...readFileSync(join(RULES_DIR, `${id}.ts`), 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)]
        .map((m) => m[1]!)
        .filter((from) => !/^\.\.\/src\/(engine|model|rbac)\//.test(from))
        .map((from) => `${id}: ${from}`),
    );
    expect(stray).toEqual([]);
  });

  it('is sorted by id', () => {
    expect(IDS).toEqual([...IDS].sort());
  });

  it('has no id twice', () => {
    expect(new Set(IDS).size).toBe(IDS.length);
  });

  it('has a fixture folder for each rule, and none for a rule it lacks', () => {
    const folders = readdirSync(FIXTURES_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...IDS].sort());
  });
});

describe.for(REGISTRY)('$id', (rule) => {
  it('is the default export of rules/<id>.ts', async () => {
    const module = (await import(pathToFileURL(join(RULES_DIR, `${rule.id}.ts`)).href)) as { default: Rule };
    expect(module.default).toBe(rule);
  });

  it('has a kebab-case id', () => {
    expect(rule.id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('has fixtures/rules/<id>/ with reported and clean fixtures', () => {
    const dir = join(FIXTURES_DIR, rule.id);
    expect(existsSync(dir)).toBe(true);
    const files = existsSync(dir) ? readdirSync(dir) : [];
    expect(files.filter((name) => /^reported[\w.-]*\.(ya?ml|json)$/.test(name)).length).toBeGreaterThan(0);
    expect(files.filter((name) => /^clean[\w.-]*\.(ya?ml|json)$/.test(name)).length).toBeGreaterThan(0);
  });

  it('has no stray files in its fixture folder', () => {
    const dir = join(FIXTURES_DIR, rule.id);
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const fixtures = new Set(files.filter((name) => /^(reported|clean)[\w.-]*\.(ya?ml|json)$/.test(name)).map((name) => name.replace(/\.(ya?ml|json)$/, '')));
    // Each .out is the golden output of a fixture; each .expect declares a reported JSON fixture's findings.
    const stray = files.filter((name) => {
      const m = /^(.*)\.(out|expect)$/.exec(name);
      if (m) return !fixtures.has(m[1]!) || (m[2] === 'expect' && !files.includes(`${m[1]}.json`));
      return !/^(reported|clean)[\w.-]*\.(ya?ml|json)$/.test(name);
    });
    expect(stray).toEqual([]);
  });

  it('has a description and a help that end with "."', () => {
    expect(rule.meta.description).toMatch(/\S.*\.$/s);
    expect(rule.meta.help).toMatch(/\S.*\.$/s);
  });

  it('has tags from TAGS, each once', () => {
    for (const tag of rule.meta.tags) expect(TAGS).toContain(tag);
    expect(new Set(rule.meta.tags).size).toBe(rule.meta.tags.length);
  });

  it('has a SARIF security-severity from 0.1 to 10', () => {
    expect(rule.meta.securitySeverity).toBeGreaterThanOrEqual(0.1);
    expect(rule.meta.securitySeverity).toBeLessThanOrEqual(10);
  });

  it('has a default severity of error, warning or note', () => {
    expect(SEVERITIES).toContain(rule.meta.severity);
  });

  it('has a check, or is produced by the parser or the engine, not both', () => {
    expect(typeof rule.check === 'function').toBe(rule.meta.source === undefined);
  });

  it('offers fixes exactly when its metadata says what --fix does (a sentence), on its reported fixtures', async () => {
    const { lint } = await import('../src/index.js');
    const { globbySync } = await import('globby');
    const sources = globbySync(`fixtures/rules/${rule.id}/reported*.yaml`, { cwd: ROOT }).map((file) => ({
      path: file,
      text: readFileSync(join(ROOT, file), 'utf8'),
    }));
    const fixes = lint(sources, { enable: [rule.id] }).findings.filter((f) => f.ruleId === rule.id && f.fix !== undefined);
    if (rule.meta.fixable === undefined) expect(fixes).toEqual([]);
    else {
      expect(rule.meta.fixable).toMatch(/\S.*\.$/s);
      expect(fixes.length).toBeGreaterThan(0);
    }
  });
});
