/**
 * Issue #3, hardening: a crafted or broken manifest never crashes rbaclint, never hangs it and never
 * hides the findings of other files. Every case is linted next to `good.yaml` (one known finding),
 * and asserts the exact findings of the broken file and that `good.yaml` was still linted.
 *
 * Small inputs are committed in fixtures/inputs/broken/; large ones (50 MB, 10,000-deep nesting,
 * binary, UTF-16) are generated here at run time. No timing assertions: the limits are what bound
 * time and memory (MAX_ALIAS_COUNT, MAX_DEPTH, MAX_SOURCE_BYTES, MAX_SEPARATORS in src/parse/parse.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, loadPaths, type Finding, type SourceText } from '../src/index.js';
import { describeFsError } from '../src/load/load.js';
import { writeAtomically } from '../src/cli/output.js';
import { decodeSource } from '../src/load/load.js';
import { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_SEPARATORS, MAX_SOURCE_BYTES } from '../src/parse/parse.js';
import { renderText } from '../src/report/text.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BROKEN = 'fixtures/inputs/broken';
const BIN = path.join(root, 'dist/src/cli/main.js');
const read = (name: string) => readFileSync(path.join(root, BROKEN, name), 'utf8');
const GOOD: SourceText = { path: `${BROKEN}/good.yaml`, text: read('good.yaml') };
const GOOD_FINDING = `${BROKEN}/good.yaml:9:9 [cluster-admin-binding] ClusterRoleBinding "ci-admin" grants cluster-admin to Group ci-admins`;

function line(f: Finding): string {
  return `${f.file}:${f.range.start.line}:${f.range.start.column} [${f.ruleId}] ${f.message}`;
}

/** Lints the source next to good.yaml: the source's findings, after checking good.yaml's. */
function lintBeside(source: SourceText): string[] {
  const result = lint([source, GOOD]);
  expect(result.findings.filter((f) => f.file === GOOD.path).map(line), 'the other file is still linted').toEqual([GOOD_FINDING]);
  return result.findings.filter((f) => f.file === source.path).map(line);
}

const fixture = (name: string): SourceText => ({ path: `${BROKEN}/${name}`, text: read(name) });

describe('bad input: text-level cases', () => {
  it(`an alias bomb ("billion laughs") is not expanded: a parse-error at its first alias, limit ${MAX_ALIAS_COUNT}`, () => {
    expect(lintBeside(fixture('alias-bomb.yaml'))).toEqual([
      `${BROKEN}/alias-bomb.yaml:8:10 [parse-error] YAML aliases expand to more than 1000 nodes (an alias bomb); rbaclint does not expand them`,
    ]);
  });

  it.for([
    ['flow sequences', '['.repeat(10_000) + ']'.repeat(10_000), `1:${MAX_DEPTH + 2}`],
    ['block sequences', `${'- '.repeat(10_000)}x\n`, `1:${2 * MAX_DEPTH + 3}`],
    ['JSON objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), `1:${5 * MAX_DEPTH + 6}`],
  ])('10,000-deep nesting of %s: a parse-error naming the depth limit', ([, text, at]) => {
    expect(lintBeside({ path: 'deep.yaml', text: text! })).toEqual([
      `deep.yaml:${at} [parse-error] Document nests collections more than 256 levels deep, the limit rbaclint parses`,
    ]);
  });

  it('block mappings nested 1,000 deep (one space per level): the same parse-error', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(lintBeside({ path: 'deep.yaml', text })).toEqual([
      `deep.yaml:${MAX_DEPTH + 2}:${MAX_DEPTH + 2} [parse-error] Document nests collections more than 256 levels deep, the limit rbaclint parses`,
    ]);
  });

  it('nesting within the limit parses', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deep }\ndata: { x: "${'['.repeat(100)}" }\nextra: ${'['.repeat(200)}${']'.repeat(200)}\n`;
    expect(lintBeside({ path: 'ok.yaml', text })).toEqual([
      'ok.yaml:5:1 [invalid-manifest] ConfigMap default/deep has unknown field "extra"',
    ]);
  });

  it(
    `a 50 MB file is not parsed: one parse-error naming the ${MAX_SOURCE_BYTES / 2 ** 20} MiB limit`,
    () => {
      const item = `---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata: { k: "${'x'.repeat(1000)}" }\n`;
      const text = item.repeat(Math.ceil((50 * 2 ** 20) / item.length));
      expect(lintBeside({ path: 'big.yaml', text })).toEqual([
        'big.yaml:1:1 [parse-error] File is 50.0 MiB, larger than the 16 MiB limit rbaclint parses; split it into smaller files',
      ]);
    },
    120_000,
  );

  it(`a dense file (1,000,000 one-character items) is not parsed: a parse-error naming the ${MAX_SEPARATORS.toLocaleString('en-US')} separators limit`, () => {
    // Three line breaks, then the (MAX_SEPARATORS - 2)th comma of line 4 crosses the limit.
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: dense }\nbinaryData: [${'1,'.repeat(1_000_000)}1]\n`;
    expect(lintBeside({ path: 'dense.yaml', text })).toEqual([
      `dense.yaml:4:${13 + 2 * (MAX_SEPARATORS - 2)} [parse-error] File has more than 500,000 line breaks and commas, the limit rbaclint parses; split it into smaller files`,
    ]);
  });

  it('binary data (a NUL byte) is a parse-error at the byte, not a crash', () => {
    const text = `apiVersion: v1\nkind: Secret\n${String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))}`;
    expect(lintBeside({ path: 'blob.yaml', text })).toEqual([
      'blob.yaml:3:1 [parse-error] Binary data (a NUL byte): this is not a YAML or JSON text',
    ]);
  });

  it('a UTF-8 byte order mark is dropped: positions count from after it', () => {
    expect(lintBeside(fixture('bom.yaml'))).toEqual([
      `${BROKEN}/bom.yaml:6:1 [automount-token-enabled] Pod shop/web gets an API token for ServiceAccount shop/web mounted: the pod spec does not set automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults`,
      `${BROKEN}/bom.yaml:8:33 [invalid-manifest] Pod shop/web has "spec.automountServiceAccountToken" set to the string "false", but it must be a boolean; write false without quotes`,
    ]);
  });

  it('CRLF line endings: lines and columns are those of the editor', () => {
    const text = read('crlf.yaml');
    expect(text).toContain('\r\n');
    expect(lintBeside(fixture('crlf.yaml'))).toEqual([
      `${BROKEN}/crlf.yaml:12:5 [automount-token-enabled] Deployment shop/web gets an API token for ServiceAccount shop/default mounted: the pod template does not set automountServiceAccountToken; the ServiceAccount has no RBAC bindings in the input beyond the defaults`,
      `${BROKEN}/crlf.yaml:12:5 [missing-service-account-name] Deployment shop/web sets no serviceAccountName, so its pods run as the "default" ServiceAccount of namespace "shop"`,
      `${BROKEN}/crlf.yaml:13:7 [invalid-manifest] Deployment shop/web has unknown field "spec.template.spec.serviceAccountname"; did you mean "serviceAccountName"?`,
      `${BROKEN}/crlf.yaml:14:37 [invalid-manifest] Deployment shop/web has "spec.template.spec.automountServiceAccountToken" set to the string "false", but it must be a boolean; write false without quotes`,
    ]);
  });

  it('duplicate keys (kubectl rejects them): a parse-error at the second key', () => {
    expect(lintBeside(fixture('duplicate-key.yaml'))).toEqual([`${BROKEN}/duplicate-key.yaml:7:1 [parse-error] YAML syntax error: Map keys must be unique`]);
  });

  it('tabs as indentation: a parse-error at the tab', () => {
    expect(lintBeside(fixture('tabs.yaml'))).toEqual([`${BROKEN}/tabs.yaml:4:1 [parse-error] YAML syntax error: Tabs are not allowed as indentation`]);
  });

  it('non-object documents (a bare string, a list, a number) are skipped; the object after them is linted', () => {
    const result = lint([fixture('non-object.yaml'), GOOD]);
    expect(result.findings.filter((f) => f.file !== GOOD.path).map(line)).toEqual([]);
    expect(result.summary.objects).toBe(2);
  });

  it('objects without kind and apiVersion are skipped; without apiVersion, metadata.name or metadata: invalid-manifest', () => {
    expect(lintBeside(fixture('missing-fields.yaml'))).toEqual([
      `${BROKEN}/missing-fields.yaml:5:1 [invalid-manifest] ServiceAccount default/no-api-version has no apiVersion; ServiceAccount is served by "v1"`,
      `${BROKEN}/missing-fields.yaml:11:1 [invalid-manifest] ServiceAccount has no metadata.name; kubectl rejects an object without a name`,
      `${BROKEN}/missing-fields.yaml:15:1 [invalid-manifest] ServiceAccount has no metadata; kubectl rejects an object without metadata.name`,
    ]);
  });

  it('wrong types (subjects: "x", rules: {}): invalid-manifest at the value, and no crash in the RBAC rules', () => {
    expect(lintBeside(fixture('wrong-types.yaml'))).toEqual([
      `${BROKEN}/wrong-types.yaml:10:11 [invalid-manifest] RoleBinding ci/readers has "subjects" set to the string "x", but it must be a list`,
      `${BROKEN}/wrong-types.yaml:17:8 [invalid-manifest] Role ci/reader has "rules" set to a mapping, but it must be a list`,
    ]);
  });

  it('unknown kinds, CRDs and custom resources are skipped, not errors', () => {
    expect(lintBeside(fixture('unknown-kinds.yaml'))).toEqual([]);
  });

  it('an unrendered Helm template: unrendered-template at the first action', () => {
    expect(lintBeside(fixture('helm-template.yaml'))).toEqual([
      `${BROKEN}/helm-template.yaml:2:1 [unrendered-template] Unrendered Helm/Go template action: this file is a chart template, not a manifest; lint the output of "helm template" instead`,
    ]);
  });

  it('an empty text and a text of blanks and comments: no objects, no findings', () => {
    expect(lintBeside({ path: 'empty.yaml', text: '' })).toEqual([]);
    expect(lintBeside({ path: 'blank.yaml', text: '\n\n# only a comment\n---\n' })).toEqual([]);
  });
});

describe('bad input: bytes and the file system', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rbaclint-hardening-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('UTF-16 (LE and BE, with a byte order mark) is decoded; positions are right', () => {
    const text = read('bom.yaml').replace(/^\uFEFF/, '');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeSource(le)).toEqual({ text });
    expect(decodeSource(be)).toEqual({ text: `\uFEFF${text}`.slice(1) });
    const findings = lintBeside({ path: 'utf16.yaml', ...decodeSource(le) });
    expect(findings).toContain(
      'utf16.yaml:8:33 [invalid-manifest] Pod shop/web has "spec.automountServiceAccountToken" set to the string "false", but it must be a boolean; write false without quotes',
    );
  });

  it('invalid UTF-8 is a parse-error at the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata: { a: "'), Buffer.from([0xc3, 0x28]), Buffer.from('" }\n')]);
    expect(lintBeside({ path: 'latin.yaml', ...decodeSource(bytes) })).toEqual([
      'latin.yaml:3:13 [parse-error] Invalid UTF-8: this is not a UTF-8 (or UTF-16 with a byte order mark) text',
    ]);
  });

  it('a binary file read from disk: a parse-error, and the next file is linted', async () => {
    writeFileSync(path.join(dir, 'image.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    writeFileSync(path.join(dir, 'good.yaml'), GOOD.text);
    const loaded = await loadPaths(['image.yaml', 'good.yaml'], { cwd: dir });
    expect(loaded.errors).toEqual([]);
    const result = lint(loaded.sources);
    expect(result.findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} [${f.ruleId}] ${f.message}`)).toEqual([
      'good.yaml:9:9 [cluster-admin-binding] ClusterRoleBinding "ci-admin" grants cluster-admin to Group ci-admins',
      'image.yaml:1:1 [parse-error] Invalid UTF-8: this is not a UTF-8 (or UTF-16 with a byte order mark) text',
    ]);
  });

  it('a file larger than the limit is not read into memory', async () => {
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, '');
    // A sparse file: 20 MiB of size, no data written.
    const { truncateSync } = await import('node:fs');
    truncateSync(big, 20 * 2 ** 20);
    const loaded = await loadPaths(['big.yaml'], { cwd: dir });
    expect(loaded.sources).toEqual([{ path: 'big.yaml', text: '', byteLength: 20 * 2 ** 20 }]);
    expect(lint(loaded.sources).findings.map(line)).toEqual([
      'big.yaml:1:1 [parse-error] File is 20 MiB, larger than the 16 MiB limit rbaclint parses; split it into smaller files',
    ]);
  });

  it('a directory named x.yaml, a symbolic link loop and a path through a file: load errors; the rest is linted', async () => {
    mkdirSync(path.join(dir, 'tree', 'dir.yaml'), { recursive: true });
    writeFileSync(path.join(dir, 'tree', 'good.yaml'), GOOD.text);
    symlinkSync('loop-b.yaml', path.join(dir, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', path.join(dir, 'loop-b.yaml'));
    symlinkSync('../loop-a.yaml', path.join(dir, 'tree', 'loop.yaml'));
    mkdirSync(path.join(dir, 'empty.yaml'));
    const loaded = await loadPaths(['empty.yaml', 'loop-a.yaml', 'good.yaml/x.yaml', 'tree'], { cwd: dir });
    expect(loaded.errors).toEqual([
      { path: 'empty.yaml', message: 'No *.yaml, *.yml or *.json files in directory "empty.yaml"' },
      { path: 'loop-a.yaml', message: 'Cannot read "loop-a.yaml": too many levels of symbolic links (a symbolic link loop?)' },
      { path: 'good.yaml/x.yaml', message: 'Cannot read "good.yaml/x.yaml": a component of the path is not a directory' },
    ]);
    // In a directory, a sub-directory named dir.yaml and the looping link are skipped.
    expect(loaded.sources.map((s) => s.path)).toEqual([path.join('tree', 'good.yaml')]);
    expect(lint(loaded.sources).findings.map((f) => f.ruleId)).toEqual(['cluster-admin-binding']);
  });

  it('an unreadable file: a load error naming it; the rest is linted', () => {
    expect(describeFsError('secret.yaml', Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toBe(
      'Cannot read "secret.yaml": permission denied',
    );
    // root reads anything, so under root the end-to-end check runs the CLI as user nobody, where
    // that user can reach the build (a checkout under a private home directory cannot).
    const asRoot = process.getuid?.() === 0;
    const nobody = asRoot ? { uid: 65534, gid: 65534 } : {};
    const reachable = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', ...nobody }).status === 0;
    writeFileSync(path.join(dir, 'secret.yaml'), GOOD.text);
    writeFileSync(path.join(dir, 'good.yaml'), GOOD.text);
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'good.yaml'), 0o644);
    chmodSync(path.join(dir, 'secret.yaml'), 0o000);
    if (!reachable) return;
    const run = spawnSync(process.execPath, [BIN, 'secret.yaml', 'good.yaml', '--quiet'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      ...nobody,
    });
    expect(run.stderr).toBe('rbaclint: Cannot read "secret.yaml": permission denied\n');
    expect(run.stdout).toContain('good.yaml:');
    expect(run.stdout).toContain('[cluster-admin-binding]');
    expect(run.status).toBe(1);
  });

  it('empty stdin: one empty source, no findings, exit 0', async () => {
    const loaded = await loadPaths(['-'], { readStdin: () => Promise.resolve('') });
    expect(loaded).toEqual({ sources: [{ path: '<stdin>', text: '' }], errors: [] });
    expect(lint(loaded.sources).findings).toEqual([]);
    const run = spawnSync(process.execPath, [BIN, '-'], { cwd: root, input: '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'No problems in 1 file, 0 objects\n', stderr: '' });
  });
});

describe('output safety', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rbaclint-output-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--output is the only file written: nothing else appears in the working directory or next to the inputs', () => {
    writeFileSync(path.join(dir, 'good.yaml'), GOOD.text);
    writeFileSync(path.join(dir, 'bad.yaml'), read('alias-bomb.yaml'));
    const before = readdirSync(dir).sort();
    const run = spawnSync(process.execPath, [BIN, '.', '--format', 'sarif', '--output', 'out.sarif'], { cwd: dir, encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(readdirSync(dir).sort()).toEqual([...before, 'out.sarif'].sort());
    expect((JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { version: string }).version).toBe('2.1.0');
  });

  it('writeAtomically replaces the whole file and leaves no temporary file', async () => {
    const target = path.join(dir, 'report.sarif');
    writeFileSync(target, 'x'.repeat(10_000));
    await writeAtomically(target, '{"short":true}');
    expect(readFileSync(target, 'utf8')).toBe('{"short":true}');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a write that fails leaves the old file untouched and no temporary file', async () => {
    const target = path.join(dir, 'a-directory');
    mkdirSync(target);
    await expect(writeAtomically(target, 'report')).rejects.toThrow('it is a directory');
    await expect(writeAtomically(path.join(dir, 'missing', 'r.sarif'), 'report')).rejects.toThrow(`directory "${path.join(dir, 'missing')}" does not exist`);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('terminal control characters of manifest strings are escaped in text output', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: "evil\\e]0;pwned\\a\\e[2J"\n  namespace: ci\nautomountServiceAccountToken: "no\\e[31m"\n';
    const result = lint([{ path: 'evil.yaml', text }]);
    const out = renderText(result.findings, result.summary, { texts: new Map([['evil.yaml', text]]) });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain(
      'evil.yaml:6:31: ServiceAccount ci/evil\\x1b]0;pwned\\x07\\x1b[2J has "automountServiceAccountToken" set to the string "no\\x1b[31m", but it must be a boolean [invalid-manifest]',
    );
  });
});
