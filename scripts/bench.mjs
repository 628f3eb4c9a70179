// Benchmark: prints a table of figures (and JSON with --json). Not a test: nothing here asserts.
//   npm run bench            (builds first)
//   node scripts/bench.mjs [--json] [--quick]
// Measures lint() against the bare parse of the same bytes (yaml parseAllDocuments + LineCounter),
// on ../shared/corpus (when present) and on generated inputs of 1k, 10k and 100k objects; CLI
// start-up; and can-i / who-can on the 100k input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseAllDocuments } from 'yaml';
import { generateManifests } from './generate-manifests.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/src/cli/main.js');
const args = process.argv.slice(2);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function bareParse(texts) {
  for (const text of texts) parseAllDocuments(text, { lineCounter: new LineCounter() });
}

/** Median lint and parse times over `rounds` rounds after one warm-up round. */
async function measure(sources, rounds) {
  const { lint } = await import(path.join(root, 'dist/src/index.js'));
  const texts = sources.map((s) => s.text);
  let findings = 0;
  lint(sources);
  bareParse(texts);
  const lintTimes = [];
  const parseTimes = [];
  for (let i = 0; i < rounds; i++) {
    parseTimes.push(time(() => bareParse(texts)));
    lintTimes.push(time(() => (findings = lint(sources).findings.length)));
  }
  return { lintMs: median(lintTimes), parseMs: median(parseTimes), findings };
}

// Child mode: measure one generated size in a fresh process, so peak RSS is that size's alone.
if (args[0] === '--child') {
  const count = Number(args[1]);
  const rounds = Number(args[2]);
  const text = generateManifests(count);
  const result = await measure([{ path: `generated-${count}.yaml`, text }], rounds);
  process.stdout.write(JSON.stringify({ ...result, bytes: Buffer.byteLength(text), maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

function corpusSources() {
  const dir = path.resolve(root, '../shared/corpus');
  if (!existsSync(dir)) return undefined;
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(name)) out.push({ path: path.relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function wall(argv, runs, input) {
  const times = [];
  let status = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, ...argv], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    status = r.status ?? -1;
  }
  return { ms: median(times), status };
}

const quick = args.includes('--quick');
const results = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version }, corpus: undefined, generated: [], cli: {} };

const corpus = corpusSources();
if (corpus) {
  const bytes = corpus.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
  const m = await measure(corpus, quick ? 2 : 5);
  const whole = wall([path.resolve(root, '../shared/corpus'), '--fail-on', 'none', '--quiet'], quick ? 1 : 3);
  const nodeStart = wall(['--version'], quick ? 3 : 10).ms;
  results.corpus = { files: corpus.length, bytes, ...m, ratio: m.lintMs / m.parseMs, cliMs: whole.ms, cliVsStartPlusParse: whole.ms / (nodeStart + m.parseMs) };
}

for (const [count, rounds] of quick ? [[1000, 3], [10000, 1]] : [[1000, 5], [10000, 3], [100000, 1]]) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', String(count), String(rounds)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const m = JSON.parse(r.stdout);
  results.generated.push({ objects: count, ...m, ratio: m.lintMs / m.parseMs, objectsPerSecond: count / (m.lintMs / 1000), msPerObject: m.lintMs / count });
}

results.cli.version = wall(['--version'], quick ? 3 : 10);
results.cli.smallFile = wall([path.join(root, 'examples/rbac.yaml'), '--fail-on', 'none'], quick ? 3 : 10);

const big = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-bench-'));
try {
  const count = quick ? 10000 : 100000;
  const file = path.join(big, `generated-${count}.yaml`);
  writeFileSync(file, generateManifests(count));
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout;
  if (help.includes('can-i')) {
    results.cli.canI = { objects: count, ...wall(['can-i', 'list', 'configmaps', '--as', 'system:serviceaccount:team-7:app-0', '-n', 'team-7', '-f', file], 1) };
  }
  if (help.includes('who-can')) {
    results.cli.whoCan = { objects: count, ...wall(['who-can', 'get', 'secrets', '-A', '-f', file], 1) };
  }
} finally {
  rmSync(big, { recursive: true, force: true });
}

if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const f = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [`machine: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGb} GiB, node ${results.machine.node}`, ''];
  if (results.corpus) {
    const c = results.corpus;
    lines.push(
      `corpus (${c.files} files, ${f(c.bytes / 2 ** 20, 1)} MiB): lint ${f(c.lintMs)} ms, bare parse ${f(c.parseMs)} ms, ratio ${f(c.ratio, 2)}; ` +
        `whole CLI ${f(c.cliMs)} ms = ${f(c.cliVsStartPlusParse, 2)} × (node start-up + bare parse)`,
    );
  } else {
    lines.push('corpus: ../shared/corpus is absent, skipped');
  }
  lines.push('', 'objects   MiB    lint ms  parse ms  ratio  objects/s  µs/object  peak RSS MiB');
  for (const g of results.generated) {
    lines.push(
      `${String(g.objects).padStart(7)} ${f(g.bytes / 2 ** 20, 1).padStart(5)} ${f(g.lintMs).padStart(10)} ${f(g.parseMs).padStart(9)} ${f(g.ratio, 2).padStart(6)} ${f(g.objectsPerSecond).padStart(10)} ${f(g.msPerObject * 1000, 1).padStart(10)} ${f(g.maxRssMb).padStart(13)}`,
    );
  }
  lines.push('', `rbaclint --version: ${f(results.cli.version.ms)} ms; one small file: ${f(results.cli.smallFile.ms)} ms`);
  if (results.cli.canI) lines.push(`can-i on ${f(results.cli.canI.objects)} objects: ${f(results.cli.canI.ms)} ms (exit ${results.cli.canI.status})`);
  if (results.cli.whoCan) lines.push(`who-can on ${f(results.cli.whoCan.objects)} objects: ${f(results.cli.whoCan.ms)} ms (exit ${results.cli.whoCan.status})`);
  console.log(lines.join('\n'));
}
