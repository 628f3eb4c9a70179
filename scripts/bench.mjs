// Benchmark: prints a table of figures (and JSON with --json). Not a test: nothing here asserts.
//   npm run bench            (builds first)
//   node scripts/bench.mjs [--json] [--quick]
// Measures lint() against the bare parse of the same bytes (yaml parseAllDocuments + LineCounter),
// on ../shared/corpus (when present) and on generated inputs of 1k, 10k and 100k objects; CLI
// start-up; can-i / who-can on the 100k input; and can-i / who-can on a 50k-object cluster dump
// given with --context as one kubectl-style `kind: List` file, YAML (-o yaml) and JSON (-o json)
// (issue #6). The corpus as a whole CLI is set against node's start-up plus reading and decoding
// the files plus their bare parse (issue #7's reference: "reading and parsing the same bytes").
// On the corpus it also measures lint without the fast path (every document composed),
// the yaml Lexer alone and the fast path's line check alone, and it ends with each target of issue
// #7, measured. CLI runs report wall time, CPU time (user + system, all threads) and peak RSS: on a
// shared machine the wall time is noisy, the CPU time much less. In-process, lint and the bare
// parse are measured one after the other, not interleaved (see measure()).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lexer, LineCounter, parseAllDocuments } from 'yaml';
import { generateDumpJson, generateDumpYaml, generateManifestFiles } from './generate-manifests.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/src/cli/main.js');
/** What users run (package.json `bin`, pre-commit): the committed esbuild bundle. */
const bin = path.join(root, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).bin.rbaclint);
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

/**
 * Median lint and parse times over `rounds` rounds (`parseRounds` of the parse), each after its own
 * warm-up: lint until it has run for a second (at least once), so that a small input is measured
 * warm as a large one is, then the lint rounds (and, with `extra`, lint without the fast path);
 * then the parse, warmed up the same way, and its rounds. Lint first and on its own: a bare parse
 * leaves several times the garbage of a lint and grows the heap, and lint rounds after it measured
 * the collector's work on that heap (at 100k objects, rounds of 45–53 µs per object after a parse
 * against 37–39 without one). The CLI lints in a fresh process.
 */
async function measure(sources, rounds, extra = false, parseRounds = rounds) {
  const { lint } = await import(path.join(root, 'dist/src/index.js'));
  const texts = sources.map((s) => s.text);
  let findings = 0;
  for (let warm = 0; warm < 1000; ) warm += time(() => lint(sources));
  const lintTimes = [];
  for (let i = 0; i < rounds; i++) lintTimes.push(time(() => (findings = lint(sources).findings.length)));
  // The process's peak so far: reading the input and linting it (the parse that follows holds more).
  const lintMaxRssMb = process.resourceUsage().maxRSS / 1024;
  // Without the fast path (every document composed), before the parse too.
  const fullTimes = [];
  let fullFindings = 0;
  if (extra) {
    lint(sources, { fastPath: false });
    for (let i = 0; i < rounds; i++) fullTimes.push(time(() => (fullFindings = lint(sources, { fastPath: false }).findings.length)));
  }
  for (let warm = 0; warm < 1000; ) warm += time(() => bareParse(texts));
  const parseTimes = [];
  for (let i = 0; i < parseRounds; i++) parseTimes.push(time(() => bareParse(texts)));
  const result = { lintMs: median(lintTimes), parseMs: median(parseTimes), findings, lintMaxRssMb };
  if (!extra) return result;
  // The yaml Lexer alone; the fast path's line check alone.
  const { planSkips } = await import(path.join(root, 'dist/src/parse/skip.js'));
  const { MODEL_KINDS } = await import(path.join(root, 'dist/src/model/index.js'));
  const { allRules } = await import(path.join(root, 'dist/src/index.js'));
  const kinds = new Set([...MODEL_KINDS, ...allRules.filter((r) => r.meta.recommended).flatMap((r) => r.meta.kinds)]);
  const lexTimes = [];
  const checkTimes = [];
  let skipped = 0;
  for (let i = 0; i < rounds; i++) {
    lexTimes.push(time(() => texts.forEach((t) => { for (const _ of new Lexer().lex(t)); })));
    checkTimes.push(time(() => (skipped = texts.reduce((n, t) => n + (planSkips(t, kinds)?.documents ?? 0), 0))));
  }
  return { ...result, lintFullMs: median(fullTimes), fullFindings, lexMs: median(lexTimes), lineCheckMs: median(checkTimes), skippedDocuments: skipped };
}

// Child mode: measure one generated size in a fresh process, so peak RSS is that size's alone.
if (args[0] === '--child') {
  const count = Number(args[1]);
  const rounds = Number(args[2]);
  const parseRounds = Number(args[3] ?? rounds);
  const files = generateManifestFiles(count);
  const result = await measure(files, rounds, false, parseRounds);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  process.stdout.write(JSON.stringify({ ...result, files: files.length, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
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

/** A preload that prints the process's CPU time and peak RSS as the last line of stderr. */
const usageHook = path.join(mkdtempSync(path.join(os.tmpdir(), 'rbaclint-bench-hook-')), 'usage.cjs');
writeFileSync(
  usageHook,
  "process.on('exit', () => { const r = process.resourceUsage(); process.stderr.write(`\\nRBACLINT_BENCH ${(r.userCPUTime + r.systemCPUTime) / 1000} ${r.maxRSS / 1024}\\n`); });\n",
);

/** Median wall time, CPU time and peak RSS of `runs` CLI runs (the bin, as users run it, unless `entry` says otherwise). */
function wall(argv, runs, input, cwd, entry = bin, usage = true) {
  const times = [];
  const cpu = [];
  const rss = [];
  let status = 0;
  let warned = false;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...(usage ? ['-r', usageHook] : []), entry, ...argv], { input, cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 2 ** 28 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    status = r.status ?? -1;
    const measured = /RBACLINT_BENCH (\S+) (\S+)\n$/.exec(r.stderr ?? '');
    if (measured) {
      cpu.push(Number(measured[1]));
      rss.push(Number(measured[2]));
    }
    const warning = /rbaclint: warning: .*/.exec(r.stderr ?? '');
    if (warning) {
      console.error(`bench: ${argv.join(' ')}: ${warning[0]}`);
      warned = true;
    }
  }
  return { ms: median(times), ...(cpu.length > 0 ? { cpuMs: median(cpu), maxRssMb: Math.max(...rss) } : {}), status, warned };
}

function wallNode(argv, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, argv);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const quick = args.includes('--quick');
const results = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version }, corpus: undefined, generated: [], cli: {} };

const corpus = corpusSources();
if (corpus) {
  const bytes = corpus.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
  const m = await measure(corpus, quick ? 2 : 5, true);
  // As users run it: the bin (the bundle), without the CPU/RSS hook; five runs, as wall times vary.
  const whole = wall([path.resolve(root, '../shared/corpus'), '--fail-on', 'none', '--quiet'], quick ? 1 : 5, undefined, undefined, bin, false);
  // Node's own start-up: an empty script.
  const nodeStart = wallNode(['-e', '0'], quick ? 3 : 10);
  // The reference of issue #7 is "reading and parsing the same bytes": reading and decoding the
  // files (readFileSync, UTF-8) is part of it, as it is of the CLI's time.
  const readTimes = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) readTimes.push(time(() => corpus.forEach((s) => readFileSync(path.resolve(root, s.path), 'utf8'))));
  const readMs = median(readTimes);
  results.corpus = {
    files: corpus.length,
    bytes,
    ...m,
    ratio: m.lintMs / m.parseMs,
    nodeStartMs: nodeStart,
    readMs,
    cliMs: whole.ms,
    cliVsStartPlusParse: whole.ms / (nodeStart + m.parseMs),
    cliVsStartPlusReadParse: whole.ms / (nodeStart + readMs + m.parseMs),
  };
}

// Each size in fresh processes (`children` of them: a process's JIT and heap make its figures differ
// from the next one's by more than its rounds do); the child whose lint time is the median is kept.
// The processes of the sizes take turns (1k, 10k, 100k, 1k, …): time per object is compared across
// sizes, and a machine that is slower for a while then slows each size alike, not only the last.
// Five processes of 1k and of 10k (seconds each): a small size's figure varies most from one
// process to the next (up to ±8%), and its median sets the minimum the flatness target divides by.
// At 100k, three processes of three lint rounds (3 s each) and one parse round after a warm-up parse (10 s each).
const sizes = quick ? [[1000, 3, 1, 3], [10000, 1, 1, 1]] : [[1000, 11, 5, 11], [10000, 5, 5, 5], [100000, 3, 3, 1]];
const runsBySize = sizes.map(() => []);
for (let c = 0; c < Math.max(...sizes.map(([, , children]) => children)); c++) {
  sizes.forEach(([count, rounds, children, parseRounds], i) => {
    if (c >= children) return;
    const r = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', String(count), String(rounds), String(parseRounds)], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    runsBySize[i].push(JSON.parse(r.stdout));
  });
}
sizes.forEach(([count, , children], i) => {
  const runs = runsBySize[i].sort((a, b) => a.lintMs - b.lintMs);
  const m = runs[Math.floor(runs.length / 2)];
  results.generated.push({ objects: count, ...m, processes: children, ratio: m.lintMs / m.parseMs, objectsPerSecond: count / (m.lintMs / 1000), msPerObject: m.lintMs / count });
});

// Start-up as users meet it: the bin (the bundle); the tsc build for comparison.
// (Without the CPU/RSS hook, whose own loading would count as start-up.)
const small = [path.join(root, 'examples/rbac.yaml'), '--fail-on', 'none'];
results.cli.version = wall(['--version'], quick ? 3 : 10, undefined, undefined, bin, false);
results.cli.smallFile = wall(small, quick ? 3 : 10, undefined, undefined, bin, false);
results.cli.versionBuild = wall(['--version'], quick ? 3 : 10, undefined, undefined, cli, false);
results.cli.smallFileBuild = wall(small, quick ? 3 : 10, undefined, undefined, cli, false);

const big = mkdtempSync(path.join(os.tmpdir(), 'rbaclint-bench-'));
const cliRuns = quick ? 1 : 5;
try {
  const count = quick ? 10000 : 100000;
  const file = path.join(big, 'generated');
  mkdirSync(file);
  for (const f of generateManifestFiles(count)) writeFileSync(path.join(file, f.path), f.text);
  results.cli.canI = { objects: count, ...wall(['can-i', 'list', 'configmaps', '--as', 'system:serviceaccount:team-7:app-0', '-n', 'team-7', '-f', file], cliRuns) };
  results.cli.whoCan = { objects: count, ...wall(['who-can', 'get', 'secrets', '-A', '-f', file], cliRuns) };
  // The same 100k input linted by the CLI (the in-process figure is in the table above).
  results.cli.lint = { objects: count, ...wall([file, '--fail-on', 'none', '--quiet'], quick ? 1 : 2) };

  // A cluster dump as kubectl writes it: one List file, -o yaml and -o json (issue #6).
  const dumpObjects = quick ? 10000 : 50000;
  results.cli.dump = { objects: dumpObjects };
  for (const [shape, text] of [['yaml', generateDumpYaml(dumpObjects)], ['json', generateDumpJson(dumpObjects)]]) {
    const name = `dump.${shape}`;
    writeFileSync(path.join(big, name), text);
    const bytes = Buffer.byteLength(text);
    results.cli.dump[shape] = {
      bytes,
      canI: wall(['can-i', 'get', 'configmaps', '--as', `system:serviceaccount:team-${dumpObjects / 20}:app-0`, '-n', `team-${dumpObjects / 20}`, '--context', name], cliRuns, undefined, big),
      whoCan: wall(['who-can', 'get', 'secrets', '-A', '--context', name], cliRuns, undefined, big),
    };
  }
} finally {
  rmSync(big, { recursive: true, force: true });
  rmSync(path.dirname(usageHook), { recursive: true, force: true });
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
        `whole CLI ${f(c.cliMs)} ms = ${f(c.cliVsStartPlusReadParse, 2)} × (node start-up ${f(c.nodeStartMs)} ms + reading ${f(c.readMs)} ms + bare parse)` +
        ` (${f(c.cliVsStartPlusParse, 2)} × without the reading)`,
      `  without the fast path: lint ${f(c.lintFullMs)} ms (${c.fullFindings === c.findings ? 'same' : 'DIFFERENT'} number of findings, ${f(c.findings)}); ` +
        `yaml Lexer alone ${f(c.lexMs)} ms; the fast path's line check ${f(c.lineCheckMs)} ms (${f(c.skippedDocuments)} documents skipped)`,
    );
  } else {
    lines.push('corpus: ../shared/corpus is absent, skipped');
  }
  lines.push('', `generated inputs, each size in fresh processes, the sizes taking turns (the median of ${results.generated.map((g) => g.processes).join(' / ')}), median of its rounds:`);
  lines.push('peak RSS: of the process after the lint rounds, and at its end (with the bare parse it is compared with)');
  lines.push('objects   MiB    lint ms  parse ms  ratio  objects/s  µs/object  RSS lint MiB   RSS+parse MiB');
  for (const g of results.generated) {
    lines.push(
      `${String(g.objects).padStart(7)} ${f(g.bytes / 2 ** 20, 1).padStart(5)} ${f(g.lintMs).padStart(10)} ${f(g.parseMs).padStart(9)} ${f(g.ratio, 2).padStart(6)} ${f(g.objectsPerSecond).padStart(10)} ${f(g.msPerObject * 1000, 1).padStart(10)} ${f(g.lintMaxRssMb).padStart(13)} ${f(g.maxRssMb).padStart(15)}`,
    );
  }
  lines.push(
    '',
    `rbaclint --version: ${f(results.cli.version.ms)} ms; one small file: ${f(results.cli.smallFile.ms)} ms (the bin, ${path.relative(root, bin)}; the tsc build: ${f(results.cli.versionBuild.ms)} ms / ${f(results.cli.smallFileBuild.ms)} ms)`,
  );
  const run = (r) => `${f(r.ms)} ms wall, ${f(r.cpuMs)} ms CPU, peak RSS ${f(r.maxRssMb)} MiB (exit ${r.status})`;
  lines.push('', `whole CLI runs (the bin, median of ${cliRuns} runs):`);
  lines.push(`  can-i on ${f(results.cli.canI.objects)} objects (-f, files of 10k objects): ${run(results.cli.canI)}`);
  lines.push(`  who-can on ${f(results.cli.whoCan.objects)} objects (-f): ${run(results.cli.whoCan)}`);
  lines.push(`  lint on ${f(results.cli.lint.objects)} objects: ${run(results.cli.lint)}`);
  for (const shape of ['yaml', 'json']) {
    const d = results.cli.dump[shape];
    lines.push(`  ${f(results.cli.dump.objects)}-object dump, one -o ${shape} List file (${f(d.bytes / 2 ** 20, 1)} MiB) via --context: can-i ${run(d.canI)}`);
    lines.push(`  ${' '.repeat(f(results.cli.dump.objects).length + 40 + shape.length)}who-can ${run(d.whoCan)}`);
  }
  lines.push('', 'targets (issue #7):');
  const target = (name, ok, measured) => lines.push(`  ${ok ? 'met ' : 'MISS'}  ${name}: ${measured}`);
  if (results.corpus) {
    const c = results.corpus;
    target('corpus, whole CLI <= 0.5 x (node start-up + reading + bare parse)', c.cliVsStartPlusReadParse <= 0.5, `${f(c.cliVsStartPlusReadParse, 2)} x`);
  }
  const g100 = results.generated.find((g) => g.objects === 100000);
  if (g100) {
    target('100k objects <= 1.5 x bare parse', g100.ratio <= 1.5, `${f(g100.ratio, 2)} x`);
    target('100k objects <= 2 GB peak RSS (lint)', g100.lintMaxRssMb <= 2048, `${f(g100.lintMaxRssMb)} MiB`);
  }
  if (results.generated.length > 1) {
    const per = results.generated.map((g) => g.msPerObject);
    const spread = Math.max(...per) / Math.min(...per) - 1;
    target('time per object flat (+-20%) from 1k up', spread <= 0.2, `max/min - 1 = ${f(spread * 100)}%`);
  }
  target('rbaclint --version <= 150 ms', results.cli.version.ms <= 150, `${f(results.cli.version.ms)} ms`);
  target('one small file <= 300 ms', results.cli.smallFile.ms <= 300, `${f(results.cli.smallFile.ms)} ms`);
  target(`can-i on ${f(results.cli.canI.objects)} objects <= 1 s`, results.cli.canI.ms <= 1000, `${f(results.cli.canI.ms)} ms wall, ${f(results.cli.canI.cpuMs)} ms CPU`);
  for (const shape of ['yaml', 'json']) {
    const d = results.cli.dump[shape];
    const ok = !d.canI.warned && !d.whoCan.warned && d.canI.status <= 1 && d.whoCan.status <= 1 && d.canI.ms <= 1000;
    target(`${f(results.cli.dump.objects)}-object dump in one -o ${shape} file loads (no warning) and can-i <= 1 s`, ok, `${f(d.canI.ms)} ms wall, ${f(d.canI.cpuMs)} ms CPU`);
  }
  console.log(lines.join('\n'));
}
