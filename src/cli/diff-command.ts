/**
 * `rbaclint diff`: what an RBAC change lets each identity and workload do that it could not do
 * before, and what it takes away, as text, JSON or Markdown (for a pull request's job summary).
 *
 * The base is a second set of manifests (`rbaclint diff <base> <head>`, `--base … --head …`) or
 * the same paths at a git revision (`--base-ref <ref>`, read with `git ls-tree` and
 * `git cat-file`). Both sides are loaded exactly as the other RBAC commands load `-f`
 * ({@link loadRbacInput}); the comparison is {@link diffRbac}.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { rangeIn } from '../engine/run.js';
import { MANIFEST_EXTENSIONS } from '../load/load.js';
import { Index } from '../model/index.js';
import { ClusterRbac } from '../rbac/cluster.js';
import {
  diffRbac,
  identityLabel,
  isDangerous,
  type DiffIdentity,
  type GrantSource,
  type PermissionChange,
  type RbacDiff,
  type WorkloadDiff,
  type WorkloadSide,
} from '../rbac/diff.js';
import { builtinResourceTable } from '../rbac/resources.js';
import { escapeControl } from '../report/escape.js';
import { ruleDocsUrl } from '../version.js';
import { markdownCode, markdownText } from '../report/markdown.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import {
  DEFAULT_NAMESPACE_HELP,
  KUBECTL_DEFAULT_NAMESPACE,
  bindingLabel,
  combineResourceGroup,
  loadRbacInput,
  locationOf,
  positionOf,
  roleLabel,
  type InputOptions,
  type RbacInput,
} from './rbac-args.js';
import { definitionJson, subjectJson } from './who-can-command.js';

/** Output formats of `rbaclint diff`. */
export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
/** One of {@link DIFF_FORMATS}. */
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** When `rbaclint diff` exits with 1. */
export const DIFF_FAIL_ON = ['none', 'gain', 'dangerous'] as const;
/** One of {@link DIFF_FAIL_ON}. */
export type DiffFailOn = (typeof DIFF_FAIL_ON)[number];

/** Options of `rbaclint diff`, as commander parses them. */
export interface DiffCommandOptions extends Omit<InputOptions, 'filename'> {
  base?: string[];
  head?: string[];
  baseRef?: string;
  format: DiffFormat;
  failOn: DiffFailOn;
}

/** What was compared, for the report's header. */
export interface DiffSources {
  /** The git revision of the base, when it was read from git. */
  baseRef?: string;
  basePaths: readonly string[];
  headPaths: readonly string[];
}

/** Rows of one identity's table above which Markdown folds it into `<details>`. */
const FOLD_ROWS = 10;

const USAGE =
  'give the base and the head: rbaclint diff <base> <head>, rbaclint diff --base <paths…> --head <paths…>, ' +
  "or rbaclint diff --base-ref <git-ref> [paths…]\nSee 'rbaclint diff --help' for help and examples.";

/** Runs `rbaclint diff` and returns the exit code: 0, 1 per `--fail-on`, 2 usage error. */
export async function runDiff(args: readonly string[], options: DiffCommandOptions, io: Io): Promise<number> {
  const loaded = await loadDiff(args, options, io);
  if (typeof loaded === 'number') return loaded;
  const { diff, sources } = loaded;
  io.stdout(
    options.format === 'json' ? renderDiffJson(diff, sources) : options.format === 'markdown' ? renderDiffMarkdown(diff, sources) : renderDiffText(diff),
  );
  return diffExitCode(diff, options.failOn);
}

/**
 * Loads both sides and compares them; usage errors and unreadable input are reported on
 * `io.stderr` and returned as exit code 2.
 */
export async function loadDiff(
  args: readonly string[],
  options: Omit<DiffCommandOptions, 'format' | 'failOn'>,
  io: Io,
): Promise<{ diff: RbacDiff; sources: DiffSources } | number> {
  const fail = (message: string): number => {
    io.stderr(`rbaclint diff: ${message}\n`);
    return EXIT.usage;
  };
  let basePaths: string[];
  let headPaths: string[];
  const explicit = options.base !== undefined || options.head !== undefined;
  if (options.baseRef !== undefined) {
    if (options.base !== undefined) return fail('--base and --base-ref both name the base; give one of them');
    headPaths = [...(options.head ?? []), ...args];
    if (headPaths.length === 0) headPaths = ['.'];
    basePaths = headPaths;
    if (headPaths.includes('-')) return fail('--base-ref reads the base from git and cannot pair it with stdin (-); give the paths of the manifests');
  } else if (explicit) {
    if (args.length > 0) return fail(`unexpected argument ${JSON.stringify(args[0])} next to --base/--head; put every path after --base or --head`);
    if (!options.base || options.base.length === 0) return fail(`--head needs --base (or --base-ref); ${USAGE}`);
    if (!options.head || options.head.length === 0) return fail(`--base needs --head; ${USAGE}`);
    basePaths = options.base;
    headPaths = options.head;
  } else {
    if (args.length !== 2) return fail(args.length === 0 ? USAGE : `expected two paths (base and head), got ${args.length}; ${USAGE}`);
    basePaths = [args[0] ?? ''];
    headPaths = [args[1] ?? ''];
  }
  if (basePaths.includes('-') && headPaths.includes('-') && options.baseRef === undefined) {
    return fail('the base and the head cannot both be read from stdin (-)');
  }

  const input = (filename: string[], cwd: string, label: string): Promise<RbacInput | number> =>
    loadRbacInput(
      'diff',
      {
        filename,
        defaultNamespace: options.defaultNamespace,
        // Context paths are the user's, relative to the real working directory (not to a git checkout).
        ...(options.context ? { context: options.context.map((p) => (cwd === io.cwd ? p : path.resolve(io.cwd, p))) } : {}),
        ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}),
        ...(options.declaredContext ? { declaredContext: options.declaredContext } : {}),
      },
      { ...io, cwd, stderr: (text) => io.stderr(text.replace(/^rbaclint: warning: /, `rbaclint: warning: ${label}: `)) },
    );

  const head = await input(headPaths, io.cwd, 'head');
  if (typeof head === 'number') return head;
  let base: RbacInput | number;
  if (options.baseRef !== undefined) {
    const tree = await checkoutRef(options.baseRef, headPaths, io.cwd);
    if ('error' in tree) return fail(tree.error);
    try {
      base = tree.paths.length === 0 ? emptyInput(options.defaultNamespace) : await input(tree.paths, tree.cwd, `base (${options.baseRef})`);
    } finally {
      await rm(tree.dir, { recursive: true, force: true });
    }
  } else {
    base = await input(basePaths, io.cwd, 'base');
  }
  if (typeof base === 'number') return base;

  const diff = diffRbac(base, head, options.kubeVersion ? { kubeVersion: options.kubeVersion } : {});
  return { diff, sources: { ...(options.baseRef === undefined ? {} : { baseRef: options.baseRef }), basePaths, headPaths } };
}

/** 1 when `failOn` is met: any gain (`gain`) or a dangerous gain (`dangerous`) of an identity or workload; else 0. */
export function diffExitCode(diff: RbacDiff, failOn: DiffFailOn): 0 | 1 {
  if (failOn === 'none') return EXIT.ok;
  const gains = [...diff.identities.flatMap((i) => i.gained), ...diff.workloads.flatMap((w) => w.gained)];
  const met = failOn === 'gain' ? gains.length > 0 : gains.some(isDangerous);
  return met ? EXIT.findings : EXIT.ok;
}

/** An input with nothing in it but the built-in policy (the base of paths that did not exist yet). */
function emptyInput(defaultNamespace: string): RbacInput {
  const index = new Index([], { defaultNamespace });
  return { index, rbac: new ClusterRbac(index), resources: builtinResourceTable() };
}

// ---------------------------------------------------------------------------------------------
// Reading the base from git
// ---------------------------------------------------------------------------------------------

const GLOB_CHARS = /[*?[\]{}()!]/;

/** Runs git and returns stdout, or the error message git printed. */
function git(args: readonly string[], cwd: string): Promise<{ stdout: string } | { error: string }> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) resolve({ stdout });
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ error: 'git is not installed (not found on PATH)' });
      else resolve({ error: stderr.trim().split('\n')[0] || error.message });
    });
  });
}

/**
 * The files the paths cover at `ref`, written to a temporary directory at their repository paths
 * (only manifests: *.yaml, *.yml, *.json, and files named exactly), so that the base loads
 * exactly as the head does, with the same relative paths in every location. `cwd` is the user's
 * working directory inside that copy; `paths` are the arguments that exist at `ref` (a path the
 * change adds has an empty base).
 */
async function checkoutRef(
  ref: string,
  paths: readonly string[],
  cwd: string,
): Promise<{ dir: string; cwd: string; paths: string[] } | { error: string }> {
  if (ref === '' || ref.startsWith('-')) return { error: `invalid git ref ${JSON.stringify(ref)}` };
  const top = await git(['rev-parse', '--show-toplevel'], cwd);
  if ('error' in top) return { error: `--base-ref needs a git repository: ${top.error}` };
  const root = top.stdout.trim();
  // The ref cannot start with '-' (checked above), so it cannot be taken for an option.
  const commit = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if ('error' in commit || commit.stdout.trim() === '') {
    return { error: `unknown git ref ${JSON.stringify(ref)}: no such branch, tag or commit (in a shallow clone, fetch it first, e.g. actions/checkout with fetch-depth: 0)` };
  }
  const sha = commit.stdout.trim();
  // git prints the real path of the top level; compare it with the real working directory.
  const realCwd = await realpath(cwd).catch(() => path.resolve(cwd));
  const prefix = path.relative(root, realCwd);
  // A path relative to the repository for each argument; for globs, the directory before the first pattern.
  const specs: string[] = [];
  const exact = new Set<string>();
  for (const arg of paths) {
    const segments = arg.split(/[\\/]/);
    const staticPart = GLOB_CHARS.test(arg) ? segments.slice(0, segments.findIndex((s) => GLOB_CHARS.test(s))).join('/') : arg;
    const rel = path.relative(root, path.resolve(realCwd, staticPart || '.'));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return { error: `${arg} is outside the git repository ${root}` };
    const spec = rel === '' ? '.' : rel.split(path.sep).join('/');
    specs.push(spec);
    if (!GLOB_CHARS.test(arg)) exact.add(spec);
  }
  const listing = await git(['ls-tree', '-r', '-z', '--full-tree', sha, '--', ...specs], root);
  if ('error' in listing) return { error: `cannot list ${ref}: ${listing.error}` };
  const files: { object: string; file: string }[] = [];
  for (const line of listing.stdout.split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!match) continue;
    const file = match[2] ?? '';
    const manifest = MANIFEST_EXTENSIONS.some((ext) => file.endsWith(`.${ext}`));
    if (manifest || exact.has(file)) files.push({ object: match[1] ?? '', file });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'rbaclint-base-'));
  try {
    const contents = await catFiles(root, files.map((f) => f.object));
    for (const [i, { file }] of files.entries()) {
      const target = path.join(dir, ...file.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, contents[i] ?? Buffer.alloc(0));
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { error: `cannot read ${ref}: ${(error as Error).message}` };
  }
  // Arguments that exist at the ref: files and directories listed, globs whose directory has files.
  const present = paths.filter((arg, i) => {
    const spec = specs[i] ?? '';
    return files.some((f) => spec === '.' || f.file === spec || f.file.startsWith(`${spec}/`));
  });
  return { dir, cwd: path.join(dir, prefix), paths: present };
}

/** The contents of git blobs, in order, through one `git cat-file --batch`. */
function catFiles(cwd: string, objects: readonly string[]): Promise<Buffer[]> {
  if (objects.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(stderr.trim() || `git cat-file exited with ${code}`));
      const out = Buffer.concat(chunks);
      const blobs: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < objects.length; i++) {
        const eol = out.indexOf(10, at);
        const header = out.subarray(at, eol).toString();
        const size = Number(/^[0-9a-f]+ \w+ (\d+)$/.exec(header)?.[1]);
        if (eol < 0 || !Number.isFinite(size)) return reject(new Error(`unexpected git cat-file output: ${header}`));
        blobs.push(out.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(objects.map((o) => `${o}\n`).join(''));
  });
}

// ---------------------------------------------------------------------------------------------
// Words shared by the renderers
// ---------------------------------------------------------------------------------------------

/** Counts for the verdict line and the JSON summary. */
export interface DiffCounts {
  identitiesGaining: number;
  identitiesLosing: number;
  identitiesWithDangerousGains: number;
  dangerousGains: number;
  workloadsChanged: number;
  workloadsWithDangerousGains: number;
}

/** How many identities and workloads gain, lose, and gain dangerously. */
export function diffCounts(diff: RbacDiff): DiffCounts {
  return {
    identitiesGaining: diff.identities.filter((i) => i.gained.length > 0).length,
    identitiesLosing: diff.identities.filter((i) => i.lost.length > 0).length,
    identitiesWithDangerousGains: diff.identities.filter((i) => i.gained.some(isDangerous)).length,
    dangerousGains: diff.identities.reduce((n, i) => n + i.gained.filter(isDangerous).length, 0),
    workloadsChanged: diff.workloads.length,
    workloadsWithDangerousGains: diff.workloads.filter((w) => w.gained.some(isDangerous)).length,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The one-line verdict: `3 identities gain permissions (1 dangerous), 1 identity loses permissions,
 * 2 workloads change (1 gains dangerous permissions).`, or `No RBAC change.`
 */
export function verdict(diff: RbacDiff): string {
  const c = diffCounts(diff);
  const parts: string[] = [];
  if (c.identitiesGaining > 0) {
    const dangerous = c.identitiesWithDangerousGains === 0 ? '' : ` (${c.identitiesWithDangerousGains} dangerous)`;
    parts.push(`${plural(c.identitiesGaining, 'identity gains', 'identities gain')} permissions${dangerous}`);
  }
  if (c.identitiesLosing > 0) parts.push(`${plural(c.identitiesLosing, 'identity loses', 'identities lose')} permissions`);
  if (c.workloadsChanged > 0) {
    const dangerous = c.workloadsWithDangerousGains === 0 ? '' : ` (${c.workloadsWithDangerousGains} gain${c.workloadsWithDangerousGains === 1 ? 's' : ''} dangerous permissions)`;
    parts.push(`${plural(c.workloadsChanged, 'workload changes', 'workloads change')}${dangerous}`);
  }
  return parts.length === 0 ? 'No RBAC change.' : `${parts.join(', ')}.`;
}

/** `get, list secrets`, `create pods/exec`, `get secrets named "db"`, `get /metrics`. */
export function describePermission(change: PermissionChange): string {
  return `${change.verbs.join(', ')} ${permissionTarget(change)}`;
}

function permissionTarget(change: PermissionChange): string {
  if (change.nonResourceURL !== undefined) return change.nonResourceURL;
  const resource = change.subresource ? `${change.resource ?? ''}/${change.subresource}` : (change.resource ?? '');
  const name = change.resourceName ? ` named "${change.resourceName}"` : '';
  return `${combineResourceGroup(resource, change.apiGroup ?? '')}${name}`;
}

/** `cluster-wide` or `in namespace dev`. */
export function describeScope(change: PermissionChange): string {
  return change.namespace === undefined ? 'cluster-wide' : `in namespace ${change.namespace}`;
}

/** `file:line` of the rule (`rules[i]`) a grant comes from, or `built-in`. */
function ruleLocation(source: GrantSource): string {
  const role = source.origin.role;
  if (!role.source) return 'built-in';
  const range = rangeIn(role.source.manifest, ['rules', source.origin.ruleIndex]);
  return `${role.source.manifest.file.path}:${range.start.line}`;
}

/**
 * `RoleBinding dev/x (rbac.yaml:12) → Role dev/y rules[0] (rbac.yaml:7)`, with the aggregated-from
 * role when the rule is written elsewhere and the group through which the binding applies.
 */
function describeGrant(source: GrantSource, identity: DiffIdentity | undefined, arrow: string): string {
  const role =
    source.origin.role === source.role
      ? `${roleLabel(source.role)} rules[${source.origin.ruleIndex}] (${ruleLocation(source)})`
      : `${roleLabel(source.role)}, aggregated from ${roleLabel(source.origin.role)} rules[${source.origin.ruleIndex}] (${ruleLocation(source)})`;
  const subject = subjectLabel(source.subject);
  const via = identity !== undefined && subject === identityLabel(identity) ? '' : ` as ${subject}`;
  return `${bindingLabel(source.binding)} (${locationOf(source.binding.source)})${via} ${arrow} ${role}`;
}

function subjectLabel(subject: GrantSource['subject']): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace ?? ''}/${subject.name}` : `${subject.kind} ${subject.name}`;
}

function workloadLabel(w: WorkloadDiff): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

/** Where the workload is defined (head, else base). */
function workloadLocation(w: WorkloadDiff): string {
  const side = w.head ?? w.base;
  if (!side) return '';
  const { file, line } = positionOf(side.workload.object);
  return `${file}:${line}`;
}

function tokenWords(side: WorkloadSide | undefined): string {
  if (!side) return '—';
  if (side.tokens.length === 0) return 'none';
  const own = side.tokens.includes(side.serviceAccount);
  const others = side.tokens.filter((t) => t !== side.serviceAccount);
  const parts = [own ? (side.automount ? 'mounted' : 'projected') : 'not mounted'];
  if (others.length > 0) parts.push(`also of ${others.join(', ')}`);
  return parts.join('; ');
}

/** `dev/web → dev/admin`, `dev/web`, `(new) dev/web`, `dev/web (removed)`. */
function accountChange(w: WorkloadDiff): string {
  if (!w.base) return `${w.head?.serviceAccount ?? ''} (new workload)`;
  if (!w.head) return `${w.base.serviceAccount} (workload removed)`;
  return w.base.serviceAccount === w.head.serviceAccount ? w.head.serviceAccount : `${w.base.serviceAccount} → ${w.head.serviceAccount}`;
}

function tokenChange(w: WorkloadDiff): string {
  const before = tokenWords(w.base);
  const after = tokenWords(w.head);
  if (!w.base) return after;
  if (!w.head) return before;
  return before === after ? after : `${before} → ${after}`;
}

/**
 * Whether a workload's permission changes are exactly its ServiceAccount's (same account and
 * tokens on both sides): then the renderers point at the identity instead of repeating it.
 */
function sameAsIdentity(w: WorkloadDiff): boolean {
  return (
    w.base !== undefined &&
    w.head !== undefined &&
    w.base.serviceAccount === w.head.serviceAccount &&
    w.base.tokens.join() === w.head.tokens.join() &&
    w.head.tokens.length === 1 &&
    w.head.tokens[0] === w.head.serviceAccount
  );
}

function dangerWords(change: PermissionChange): string {
  return change.dangerous.map((d) => d.label).join('; ');
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/** The text report: the verdict, then per identity and per workload `+` gained and `-` lost lines with what grants them. */
export function renderDiffText(diff: RbacDiff): string {
  const say = (text: string): string => escapeControl(text);
  let out = `${verdict(diff)}\n`;
  const lines = (changes: readonly PermissionChange[], sign: '+' | '-', identity: DiffIdentity | undefined, indent: string): string => {
    let text = '';
    for (const change of changes) {
      const danger = sign === '+' && isDangerous(change) ? `  [dangerous: ${dangerWords(change)}]` : '';
      text += `${indent}${sign} ${say(describePermission(change))} ${say(describeScope(change))}${danger}\n`;
      for (const source of change.grantedBy) text += `${indent}    ${sign === '+' ? 'by' : 'was'} ${say(describeGrant(source, identity, '->'))}\n`;
    }
    return text;
  };
  for (const entry of diff.identities) {
    out += `\n${say(identityLabel(entry.identity))}\n`;
    out += lines(entry.gained, '+', entry.identity, '  ');
    out += lines(entry.lost, '-', entry.identity, '  ');
  }
  if (diff.workloads.length > 0) out += '\nWorkloads:\n';
  for (const w of diff.workloads) {
    out += `\n  ${say(workloadLabel(w))} (${say(workloadLocation(w))})\n`;
    out += `    ServiceAccount ${say(accountChange(w).replace(' → ', ' -> '))}; API token: ${say(tokenChange(w).replace(' → ', ' -> '))}\n`;
    if (sameAsIdentity(w)) {
      out += `    through ServiceAccount ${say(w.head?.serviceAccount ?? '')}: ${w.gained.length} gained, ${w.lost.length} lost (listed above)\n`;
      continue;
    }
    out += lines(w.gained, '+', undefined, '    ');
    out += lines(w.lost, '-', undefined, '    ');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

function identityJson(identity: DiffIdentity): Record<string, unknown> {
  return identity.kind === 'ServiceAccount'
    ? { kind: identity.kind, namespace: identity.namespace, name: identity.name }
    : { kind: identity.kind, name: identity.name };
}

function grantJson(source: GrantSource): Record<string, unknown> {
  const role = source.origin.role;
  const at = role.source ? { file: role.source.manifest.file.path, line: rangeIn(role.source.manifest, ['rules', source.origin.ruleIndex]).start.line } : {};
  return {
    binding: definitionJson(source.binding),
    subject: subjectJson(source.subject),
    role: definitionJson(source.role),
    rule: { ...(role === source.role ? {} : { from: definitionJson(role) }), index: source.origin.ruleIndex, ...at },
  };
}

function changeJson(change: PermissionChange): Record<string, unknown> {
  return {
    verbs: change.verbs,
    namespace: change.namespace ?? null,
    ...(change.nonResourceURL !== undefined
      ? { nonResourceURL: change.nonResourceURL }
      : { apiGroup: change.apiGroup, resource: change.resource, subresource: change.subresource, resourceName: change.resourceName }),
    dangerous: change.dangerous.map((d) => ({ rule: d.id, description: d.label })),
    grantedBy: change.grantedBy.map(grantJson),
  };
}

function sideJson(side: WorkloadSide | undefined): Record<string, unknown> | null {
  if (!side) return null;
  return { serviceAccount: side.serviceAccount, automountedToken: side.automount, tokens: side.tokens, ...positionOf(side.workload.object) };
}

/**
 * The JSON report (`version: 1`): what was compared, the counts, and per identity and workload
 * the gained and lost permissions; gains name what grants them in the head, losses in the base.
 */
export function renderDiffJson(diff: RbacDiff, sources: DiffSources): string {
  const report = {
    version: 1,
    base: { ref: sources.baseRef ?? null, paths: sources.basePaths },
    head: { paths: sources.headPaths },
    summary: diffCounts(diff),
    identities: diff.identities.map((entry) => ({
      subject: identityJson(entry.identity),
      gained: entry.gained.map(changeJson),
      lost: entry.lost.map(changeJson),
    })),
    workloads: diff.workloads.map((w) => ({
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      status: !w.base ? 'added' : !w.head ? 'removed' : 'changed',
      base: sideJson(w.base),
      head: sideJson(w.head),
      gained: w.gained.map(changeJson),
      lost: w.lost.map(changeJson),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/** A code span for a table cell. */
function mdCode(text: string): string {
  return `\`${markdownCode(text)}\``;
}

function mdScope(change: PermissionChange): string {
  return change.namespace === undefined ? 'cluster-wide' : `namespace ${mdCode(change.namespace)}`;
}

/** `RoleBinding dev/x (`rbac.yaml:12`) → Role dev/y (`rbac.yaml:7`)`: the rule's line, not the role's. */
function mdGrant(source: GrantSource, identity: DiffIdentity | undefined): string {
  const where = (text: string): string => (text === 'built-in' ? 'built-in' : mdCode(text));
  const subject = subjectLabel(source.subject);
  const via = identity !== undefined && subject === identityLabel(identity) ? '' : ` as ${markdownText(subject)}`;
  const rule = `${markdownText(roleLabel(source.origin.role))} (${where(ruleLocation(source))})`;
  const role = source.origin.role === source.role ? rule : `${markdownText(roleLabel(source.role))}, aggregated from ${rule}`;
  return `${markdownText(bindingLabel(source.binding))} (${where(locationOf(source.binding.source))})${via} → ${role}`;
}

function mdGrants(change: PermissionChange, identity: DiffIdentity | undefined, prefix = ''): string {
  return [...new Set(change.grantedBy.map((source) => `${prefix}${mdGrant(source, identity)}`))].join('<br>');
}

/**
 * The dangerous gains of identities and of workloads (those not already their ServiceAccount's),
 * one row per holder, danger and place, with the permissions listed in the row.
 */
function mdDangerRows(diff: RbacDiff): string[] {
  const rows = new Map<string, { who: string; danger: PermissionChange['dangerous'][number]; where: string; permissions: string[]; grants: string[] }>();
  const add = (who: string, change: PermissionChange, identity: DiffIdentity | undefined): void => {
    for (const danger of change.dangerous) {
      const key = `${who}\0${danger.id}\0${change.namespace ?? ''}`;
      const row = rows.get(key) ?? { who, danger, where: mdScope(change), permissions: [], grants: [] };
      row.permissions.push(mdCode(describePermission(change)));
      for (const grant of change.grantedBy.map((source) => mdGrant(source, identity))) if (!row.grants.includes(grant)) row.grants.push(grant);
      rows.set(key, row);
    }
  };
  for (const entry of diff.identities) for (const change of entry.gained.filter(isDangerous)) add(markdownText(identityLabel(entry.identity)), change, entry.identity);
  for (const w of diff.workloads) {
    if (sameAsIdentity(w)) continue;
    for (const change of w.gained.filter(isDangerous)) add(`${markdownText(workloadLabel(w))} (as ServiceAccount ${markdownText(w.head?.serviceAccount ?? '')})`, change, undefined);
  }
  return [...rows.values()].map(
    (r) => `| ${r.who} | ${markdownText(r.danger.label)} ([${r.danger.id}](${ruleDocsUrl(r.danger.id)})) | ${r.where} | ${r.permissions.join('<br>')} | ${r.grants.join('<br>')} |`,
  );
}

/** The table of one identity's or workload's changes, folded into `<details>` when long. */
function mdChanges(gained: readonly PermissionChange[], lost: readonly PermissionChange[], identity: DiffIdentity | undefined): string {
  const rows = [
    ...gained.map((c) => `| ${isDangerous(c) ? '⚠️ gained' : 'gained'} | ${mdCode(describePermission(c))} | ${mdScope(c)} | ${mdGrants(c, identity)} |`),
    ...lost.map((c) => `| lost | ${mdCode(describePermission(c))} | ${mdScope(c)} | ${mdGrants(c, identity, 'was ')} |`),
  ];
  const table = ['| Change | Permission | Where | Granted by |', '| --- | --- | --- | --- |', ...rows].join('\n');
  if (rows.length <= FOLD_ROWS) return `${table}\n\n`;
  const counts = [gained.length > 0 ? `${gained.length} gained` : '', lost.length > 0 ? `${lost.length} lost` : ''].filter(Boolean).join(', ');
  return `<details><summary>${counts}</summary>\n\n${table}\n\n</details>\n\n`;
}

/**
 * The Markdown report for a pull request or a job summary: a heading, the verdict, the dangerous
 * gains first, a table per identity (folded when long), then the workloads. No change: the heading
 * and "No RBAC change.".
 */
export function renderDiffMarkdown(diff: RbacDiff, sources: DiffSources): string {
  const against = sources.baseRef === undefined ? '' : ` since ${mdCode(sources.baseRef)}`;
  let out = `## RBAC changes${against}\n\n`;
  if (diff.identities.length === 0 && diff.workloads.length === 0) return `${out}No RBAC change.\n`;
  const counts = diffCounts(diff);
  const alarm = counts.identitiesWithDangerousGains + counts.workloadsWithDangerousGains > 0 ? '⚠️ ' : '';
  out += `**${alarm}${markdownText(verdict(diff))}**\n\n`;

  const dangerous = mdDangerRows(diff);
  if (dangerous.length > 0) {
    out += '### ⚠️ Dangerous gains\n\n';
    out += '| Who | Can now | Where | Permissions | Granted by |\n| --- | --- | --- | --- | --- |\n';
    out += `${dangerous.join('\n')}\n\n`;
  }

  if (diff.identities.length > 0) {
    out += '### Identities\n\n| Identity | Gained | Lost |\n| --- | ---: | ---: |\n';
    for (const entry of diff.identities) {
      const d = entry.gained.filter(isDangerous).length;
      out += `| ${markdownText(identityLabel(entry.identity))} | ${entry.gained.length}${d > 0 ? ` (⚠️ ${d} dangerous)` : ''} | ${entry.lost.length} |\n`;
    }
    out += '\n';
    for (const entry of diff.identities) {
      out += `#### ${entry.gained.some(isDangerous) ? '⚠️ ' : ''}${markdownText(identityLabel(entry.identity))}\n\n`;
      out += mdChanges(entry.gained, entry.lost, entry.identity);
    }
  }

  if (diff.workloads.length > 0) {
    out += '### Workloads\n\n| Workload | ServiceAccount | API token | Gained | Lost |\n| --- | --- | --- | ---: | ---: |\n';
    for (const w of diff.workloads) {
      const d = w.gained.filter(isDangerous).length;
      out += `| ${markdownText(workloadLabel(w))} (${mdCode(workloadLocation(w))}) | ${markdownText(accountChange(w))} | ${markdownText(tokenChange(w))} | ${w.gained.length}${d > 0 ? ` (⚠️ ${d} dangerous)` : ''} | ${w.lost.length} |\n`;
    }
    out += '\n';
    for (const w of diff.workloads) {
      if (w.gained.length === 0 && w.lost.length === 0) continue;
      out += `#### ${w.gained.some(isDangerous) ? '⚠️ ' : ''}${markdownText(workloadLabel(w))}\n\n`;
      if (sameAsIdentity(w)) {
        out += `What ServiceAccount ${markdownText(w.head?.serviceAccount ?? '')} gains and loses, above.\n\n`;
        continue;
      }
      out += mdChanges(w.gained, w.lost, undefined);
    }
  }
  return `${out.trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

const DIFF_HELP = `
Compares what every identity (ServiceAccount, User, Group) and every workload can do in the head
with the base, as the RBAC authorizer decides it: a permission is gained when the base did not
allow it (a widened rule gains only what it adds; a moved binding gains nothing), lost when the
head no longer allows it. Through aggregation too: a new ClusterRole labelled for an aggregated
role is a gain of everyone bound to that role. Dangerous gains (reading Secrets, exec, impersonate,
escalate/bind, writing RBAC, creating pods, tokens, nodes/proxy, webhooks, …) come first.
Workloads: a switched ServiceAccount or API token, and what their pods can now do with their tokens.

Examples:
  $ rbaclint diff old/ new/                                  two directories (files, globs too)
  $ rbaclint diff --base a.yaml b.yaml --head deploy/        several paths per side
  $ rbaclint diff --base-ref origin/main deploy/             deploy/ at origin/main against the working tree
  $ rbaclint diff --base-ref origin/main deploy/ --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ rbaclint diff --base-ref HEAD~1 . --fail-on dangerous    exit 1 when a dangerous permission is gained

Exit codes: 0 compared (whatever changed), 1 when --fail-on is met, 2 usage error, unknown git ref,
or nothing could be read.`;

/** Adds `diff` to the program (`--context` and `--kube-version` are added by the caller). */
export function addDiffCommand(program: Command, io: Io, done: (code: number) => void): Command {
  return program
    .command('diff')
    .description('what an RBAC change lets each identity and workload do that it could not before, and what it loses')
    .usage('<base> <head> | --base <paths...> --head <paths...> | --base-ref <git-ref> [paths...] [options]')
    .argument('[paths...]', 'the base and the head (one path each), or with --base-ref the head paths (default .)')
    .option('--base <paths...>', 'base manifests: files, directories, globs, or - for stdin')
    .option('--head <paths...>', 'head manifests: files, directories, globs, or - for stdin')
    .option('--base-ref <git-ref>', 'read the base from git: the same paths at this branch, tag or commit')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .addOption(
      new Option('--fail-on <what>', 'exit 1 when an identity or workload gains any permission (gain) or a dangerous one (dangerous)')
        .choices(DIFF_FAIL_ON)
        .default('none'),
    )
    .option('--default-namespace <ns>', DEFAULT_NAMESPACE_HELP, KUBECTL_DEFAULT_NAMESPACE)
    .addHelpText('after', DIFF_HELP)
    .action(async (args: string[], options: DiffCommandOptions) => {
      done(await runDiff(args, options, io));
    });
}

