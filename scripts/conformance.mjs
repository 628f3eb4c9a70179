// Conformance with peer linters: runs rbaclint on the labelled fixtures of Polaris, Kubescape,
// KubeLinter and Checkov (../shared/peers), compares verdicts object by object for every peer check
// that conformance/mapping.yaml maps to rbaclint rules, and writes docs/conformance.md. Every
// disagreement must be explained in conformance/explanations.yaml. Run after `npm run build`:
//   node scripts/conformance.mjs          print the tables, write docs/conformance.md
//   node scripts/conformance.mjs --check  exit 1 when docs/conformance.md is stale, a disagreement
//                                         is unexplained or an explanation matches nothing
// Without ../shared/peers (a user's clone) both modes say so and exit 0.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMap, isSeq, LineCounter, parseAllDocuments, parse as parseYaml } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PEERS_DIR = path.resolve(ROOT, '../shared/peers');
export const DOC_PATH = 'docs/conformance.md';
const MAPPING_PATH = 'conformance/mapping.yaml';
const EXPLANATIONS_PATH = 'conformance/explanations.yaml';

/** Peers in the order the report shows them (the order of ../shared/peers/README.md). */
export const PEERS = ['polaris', 'kubescape', 'kube-linter', 'checkov'];
const PEER_NAMES = { polaris: 'Polaris', kubescape: 'Kubescape', 'kube-linter': 'KubeLinter', checkov: 'Checkov' };
const CATEGORIES = ['peer-false-positive', 'peer-false-negative', 'deliberate', 'rbaclint-gap-fixed'];
const TARGETS = ['roles', 'bindings', 'subjects', 'workloads', 'serviceaccounts', 'namespaces'];
const CONDITIONS = ['full-wildcard'];

// ---------------------------------------------------------------------------------------------
// Configuration: the mapping and the explanations.

/** Reads and validates conformance/mapping.yaml and conformance/explanations.yaml. */
export function loadConfig(ruleIds) {
  const mapping = parseYaml(readFileSync(path.join(ROOT, MAPPING_PATH), 'utf8'));
  const explanations = parseYaml(readFileSync(path.join(ROOT, EXPLANATIONS_PATH), 'utf8'));
  const problems = [];
  const known = new Set(ruleIds);
  for (const peer of PEERS) {
    for (const [check, entry] of Object.entries(mapping.peers?.[peer] ?? {})) {
      const where = `${MAPPING_PATH}: ${peer} ${check}`;
      if (!Array.isArray(entry.rules)) problems.push(`${where}: "rules" must be a list`);
      if (typeof entry.why !== 'string' || entry.why.trim() === '') problems.push(`${where}: "why" is missing`);
      if ((entry.rules ?? []).length === 0) {
        if (!['yes', 'no'].includes(entry.should_have)) problems.push(`${where}: unmapped checks need should_have: yes|no`);
        continue;
      }
      if (!TARGETS.includes(entry.target)) problems.push(`${where}: target must be one of ${TARGETS.join(', ')}`);
      for (const spec of entry.rules) {
        const { rule, when } = ruleSpec(spec);
        if (!known.has(rule)) problems.push(`${where}: unknown rule id "${rule}"`);
        if (when !== undefined && !CONDITIONS.includes(when)) problems.push(`${where}: unknown condition "${when}"`);
      }
    }
  }
  const reasons = explanations.reasons ?? {};
  for (const [id, reason] of Object.entries(reasons)) {
    if (!CATEGORIES.includes(reason.category)) problems.push(`${EXPLANATIONS_PATH}: reason ${id}: unknown category "${reason.category}"`);
    if (typeof reason.reason !== 'string' || reason.reason.trim() === '') problems.push(`${EXPLANATIONS_PATH}: reason ${id}: text missing`);
  }
  for (const [i, item] of (explanations.disagreements ?? []).entries()) {
    const where = `${EXPLANATIONS_PATH}: disagreements[${i}] (${item.peer} ${item.check} ${item.object})`;
    if (item.ref !== undefined && !reasons[item.ref]) problems.push(`${where}: unknown reason "${item.ref}"`);
    if (item.ref === undefined && (!CATEGORIES.includes(item.category) || typeof item.reason !== 'string')) {
      problems.push(`${where}: needs ref, or category and reason`);
    }
  }
  return { mapping, explanations, problems };
}

/** `wildcard-rule` or `{ rule: wildcard-rule, when: full-wildcard }` → `{ rule, when }`. */
function ruleSpec(spec) {
  return typeof spec === 'string' ? { rule: spec } : { rule: spec.rule, when: spec.when };
}

/** The category and text of an explanation, following its `ref`. */
export function explanationOf(item, reasons) {
  const shared = item.ref === undefined ? undefined : reasons[item.ref];
  return { category: item.category ?? shared?.category, reason: item.reason ?? shared?.reason, ref: item.ref };
}

// ---------------------------------------------------------------------------------------------
// Objects of a case, located in their files.

/**
 * Every Kubernetes object of the sources with the lines it spans: one per YAML document, one per
 * item of a `List`. `namespace` is the one written in the manifest (null when absent), as in the
 * peers' labels.
 */
export function objectsOf(sources) {
  const objects = [];
  for (const source of sources) {
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(source.text, { lineCounter });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, docIndex) => {
      const node = doc.contents;
      if (!isMap(node)) return;
      const value = doc.toJS({ maxAliasCount: -1 });
      const add = (item, itemNode, itemIndex) => {
        if (typeof item?.kind !== 'string') return;
        const [start, , end] = itemNode.range;
        objects.push({
          file: source.path,
          doc: docIndex,
          item: itemIndex,
          kind: item.kind,
          namespace: typeof item.metadata?.namespace === 'string' && item.metadata.namespace !== '' ? item.metadata.namespace : null,
          name: typeof item.metadata?.name === 'string' ? item.metadata.name : '',
          value: item,
          startLine: lineCounter.linePos(start).line,
          endLine: lineCounter.linePos(Math.max(start, end - 1)).line,
        });
      };
      const items = node.get('items', true);
      if (typeof value?.kind === 'string' && value.kind.endsWith('List') && isSeq(items)) {
        items.items.forEach((itemNode, i) => add(value.items?.[i], itemNode, i));
      } else {
        add(value, node, null);
      }
    });
  }
  return objects;
}

/** The innermost object of `objects` that contains line `line` of `file`. */
function objectAt(objects, file, line) {
  let best;
  for (const o of objects) {
    if (o.file !== file || line < o.startLine || line > o.endLine) continue;
    if (!best || o.endLine - o.startLine < best.endLine - best.startLine) best = o;
  }
  return best;
}

const RBAC_ROLE_KINDS = ['Role', 'ClusterRole'];
const RBAC_BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];

/** A pod template of any kind: a Pod, `spec.template.spec` or `spec.jobTemplate.spec.template.spec`. */
function isWorkload(o) {
  const spec = o.value.spec;
  if (o.kind === 'Pod') return typeof spec === 'object' && spec !== null;
  return typeof spec?.template?.spec === 'object' || typeof spec?.jobTemplate?.spec?.template?.spec === 'object';
}

/**
 * The units compared for a check: the objects of its target kind, or for subject-centric checks
 * one unit per subject of each binding (kubescape reports the subject, with the binding that grants
 * the permission as `related`).
 */
function unitsOf(objects, entry) {
  const kinds = entry.kinds;
  const ofKinds = (list) => objects.filter((o) => list.includes(o.kind) && (!kinds || kinds.includes(o.kind)));
  switch (entry.target) {
    case 'roles':
      return ofKinds(RBAC_ROLE_KINDS).map((o) => ({ object: o }));
    case 'bindings':
      return ofKinds(RBAC_BINDING_KINDS).map((o) => ({ object: o }));
    case 'serviceaccounts':
      return ofKinds(['ServiceAccount']).map((o) => ({ object: o }));
    case 'namespaces':
      return ofKinds(['Namespace']).map((o) => ({ object: o }));
    case 'workloads':
      return objects.filter((o) => isWorkload(o) && (!kinds || kinds.includes(o.kind))).map((o) => ({ object: o }));
    case 'subjects':
      return ofKinds(RBAC_BINDING_KINDS).flatMap((o) =>
        (Array.isArray(o.value.subjects) ? o.value.subjects : []).flatMap((s, i) =>
          typeof s?.kind === 'string' && typeof s?.name === 'string' ? [{ object: o, subject: { index: i, kind: s.kind, name: s.name, namespace: subjectNamespace(s, o) } }] : [],
        ),
      );
    default:
      throw new Error(`unknown target ${entry.target}`);
  }
}

/** A ServiceAccount subject's namespace (a RoleBinding's own when unset); null for users and groups. */
function subjectNamespace(subject, binding) {
  if (subject.kind !== 'ServiceAccount') return null;
  if (typeof subject.namespace === 'string' && subject.namespace !== '') return subject.namespace;
  return binding.kind === 'RoleBinding' ? binding.namespace : null;
}

/** `ClusterRole test`, `Role test/test`, `User jane via RoleBinding kube-system/pod`. */
function describeObject(o) {
  return `${o.kind} ${o.namespace === null ? '' : `${o.namespace}/`}${o.name}`;
}

function describeUnit(unit) {
  if (!unit.subject) return describeObject(unit.object);
  const s = unit.subject;
  return `${s.kind} ${s.namespace === null ? '' : `${s.namespace}/`}${s.name} via ${describeObject(unit.object)}`;
}

/** Gives every unit of a case a key that is unique in it: its description, plus file and document where needed. */
function keyUnits(units, multiFile) {
  const count = new Map();
  for (const u of units) count.set(describeUnit(u), (count.get(describeUnit(u)) ?? 0) + 1);
  for (const u of units) {
    const base = describeUnit(u);
    if (count.get(base) === 1) u.key = base;
    else {
      const where = `${multiFile ? `${path.basename(u.object.file)} ` : ''}doc ${u.object.doc}${u.object.item === null ? '' : ` item ${u.object.item}`}`;
      u.key = `${base} (${where})`;
    }
  }
}

/** The units a peer label object stands for (normally exactly one). */
function matchPeerObject(units, label, peerObject) {
  const sameObject = (o, ref) =>
    o.kind === ref.kind &&
    o.name === ref.name &&
    (ref.doc === undefined || o.doc === ref.doc) &&
    (ref.in_file === undefined || o.file.endsWith(`/${ref.in_file}`) || o.file.endsWith(ref.in_file));
  const byNamespace = (candidates, ns, nsOf) => {
    if (candidates.length <= 1) return candidates;
    const narrowed = candidates.filter((c) => nsOf(c) === ns);
    return narrowed.length > 0 ? narrowed : candidates;
  };
  if (peerObject.subject) {
    const bindingRefs = (peerObject.related ?? []).filter((r) => RBAC_BINDING_KINDS.includes(r.kind));
    let found = units.filter(
      (u) =>
        u.subject &&
        u.subject.kind === peerObject.kind &&
        u.subject.name === peerObject.name &&
        (peerObject.namespace === null || u.subject.namespace === null || u.subject.namespace === peerObject.namespace) &&
        bindingRefs.some((r) => sameObject(u.object, r)),
    );
    found = byNamespace(found, bindingRefs[0]?.namespace ?? null, (u) => u.object.namespace);
    return found;
  }
  const found = units.filter((u) => !u.subject && sameObject(u.object, peerObject));
  return byNamespace(found, peerObject.namespace, (u) => u.object.namespace);
}

// ---------------------------------------------------------------------------------------------
// rbaclint's verdict on a unit.

/**
 * Whether a finding satisfies the condition of its mapping entry. `full-wildcard`: the finding is
 * on a rule entry with `*` verbs on `*` resources in `*` groups (rbaclint's own isFullWildcard).
 */
function conditionHolds(when, finding, object, isFullWildcard) {
  if (when === undefined) return true;
  if (when === 'full-wildcard') {
    const [field, index] = finding.path ?? [];
    const rule = typeof index === 'number' ? object?.value.rules?.[index] : undefined;
    return field === 'rules' && Array.isArray(rule?.verbs) && isFullWildcard(rule);
  }
  return false;
}

/**
 * The mapped findings that flag a unit: a finding on the unit's object (for a subject, one on its
 * binding that is about that subject or about the whole binding), or a finding that lists the
 * unit's object among its related locations (the bindings that grant a role's rules, the workloads
 * that hold them).
 */
function rbaclintFlags(unit, findings, objects) {
  const hits = [];
  for (const { finding, rule } of findings) {
    const own = finding.file && objectAt(objects, finding.file, finding.range.start.line);
    let hit = false;
    if (own === unit.object) {
      const p = finding.path ?? [];
      hit = !unit.subject || p[0] !== 'subjects' || p[1] === unit.subject.index;
    }
    if (!hit) hit = finding.related.some((r) => objectAt(objects, r.file, r.range.start.line) === unit.object);
    if (hit && !hits.includes(rule)) hits.push(rule);
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// The comparison.

/**
 * Runs rbaclint on every labelled case and compares per object. Returns the units (one per
 * compared object and check), the disagreements with their explanations, the unmapped checks and
 * every problem that makes `--check` fail.
 */
export async function compare() {
  const api = await import(pathToFileURL(path.join(ROOT, 'dist/src/index.js')).href);
  const { isFullWildcard } = await import(pathToFileURL(path.join(ROOT, 'dist/src/rbac/dangerous.js')).href);
  const ruleIds = api.allRules.map((r) => r.id);
  const { mapping, explanations, problems } = loadConfig(ruleIds);
  const summary = JSON.parse(readFileSync(path.join(PEERS_DIR, 'summary.json'), 'utf8'));
  const notable = JSON.parse(readFileSync(path.join(PEERS_DIR, 'notable.json'), 'utf8'));
  const units = [];
  const cases = [];
  const parseErrors = [];
  const lintCache = new Map();

  for (const peer of PEERS) {
    const labels = JSON.parse(readFileSync(path.join(PEERS_DIR, peer, 'labels.json'), 'utf8'));
    const checks = mapping.peers?.[peer] ?? {};
    for (const check of new Set(labels.map((l) => l.peer_check))) {
      if (!checks[check]) problems.push(`${MAPPING_PATH}: ${peer} check "${check}" is not listed`);
    }
    for (const check of Object.keys(checks)) {
      if (!labels.some((l) => l.peer_check === check)) problems.push(`${MAPPING_PATH}: ${peer} check "${check}" has no case`);
    }
    for (const label of labels) {
      const entry = checks[label.peer_check];
      const mapped = entry && entry.rules.length > 0;
      cases.push({ peer, check: label.peer_check, case: label.file, expect: label.expect, mapped });
      // Every case is linted, compared or not, so that the loader is checked on all of them.
      const files = label.inputs ?? [label.file];
      const sources = files.map((f) => ({ path: `${peer}/${f}`, text: readFileSync(path.join(PEERS_DIR, peer, f), 'utf8') }));
      const cacheKey = files.map((f) => `${peer}/${f}`).join('\n');
      let result = lintCache.get(cacheKey);
      if (!result) {
        result = api.lint(sources);
        lintCache.set(cacheKey, result);
        for (const f of result.findings) if (f.ruleId === 'parse-error') parseErrors.push({ peer, case: label.file, message: `${f.file}:${f.range.start.line}: ${f.message}` });
      }
      if (!mapped || label.expect === 'unknown') continue;
      const objects = objectsOf(sources);
      const caseUnits = unitsOf(objects, entry);
      keyUnits(caseUnits, files.length > 1);
      // Objects the peer could not judge (checkov UNKNOWN) are left out.
      const skip = new Set((label.unknown_objects ?? []).flatMap((o) => matchPeerObject(caseUnits, label, o)));
      const flaggedByPeer = new Set();
      for (const peerObject of label.objects) {
        const matched = matchPeerObject(caseUnits, label, peerObject);
        if (matched.length !== 1) {
          problems.push(`${peer} ${label.peer_check} ${label.file}: peer object ${describeObject({ ...peerObject, namespace: peerObject.namespace ?? null })} matches ${matched.length} units`);
        }
        for (const u of matched) flaggedByPeer.add(u);
      }
      for (const peerObject of label.passing_objects ?? []) {
        const matched = matchPeerObject(caseUnits, label, peerObject);
        if (matched.length !== 1) problems.push(`${peer} ${label.peer_check} ${label.file}: passing object ${peerObject.kind} ${peerObject.name} matches ${matched.length} units`);
        for (const u of matched) if (flaggedByPeer.has(u)) problems.push(`${peer} ${label.peer_check} ${label.file}: ${u.key} is both flagged and passing`);
      }
      const relevant = result.findings.flatMap((finding) => {
        for (const spec of entry.rules) {
          const { rule, when } = ruleSpec(spec);
          if (finding.ruleId !== rule) continue;
          if (conditionHolds(when, finding, objectAt(objects, finding.file, finding.range.start.line), isFullWildcard)) return [{ finding, rule }];
        }
        return [];
      });
      for (const unit of caseUnits) {
        if (skip.has(unit)) continue;
        const rules = rbaclintFlags(unit, relevant, objects);
        const peerFlags = flaggedByPeer.has(unit);
        const rbaclint = rules.length > 0;
        const outcome = peerFlags === rbaclint ? (rbaclint ? 'both-flag' : 'both-pass') : rbaclint ? 'rbaclint-only' : 'peer-only';
        units.push({ peer, check: label.peer_check, case: label.file, object: unit.key, peerFlags, rbaclint, rules, outcome });
      }
    }
  }

  // Explanations: each disagreement needs exactly one; each explanation must match a unit.
  const reasons = explanations.reasons ?? {};
  const items = explanations.disagreements ?? [];
  const keyOf = (x) => `${x.peer}\u0000${x.check}\u0000${x.case}\u0000${x.object}`;
  const byKey = new Map();
  for (const item of items) {
    const k = keyOf(item);
    if (byKey.has(k)) problems.push(`${EXPLANATIONS_PATH}: ${item.peer} ${item.check} ${item.case} ${item.object} is explained twice`);
    byKey.set(k, item);
  }
  const used = new Set();
  const disagreements = [];
  const fixed = [];
  const unexplained = [];
  for (const unit of units) {
    const item = byKey.get(keyOf(unit));
    if (item) used.add(item);
    const explanation = item && explanationOf(item, reasons);
    if (explanation && (unit.outcome === 'rbaclint-only' || unit.outcome === 'peer-only')) unit.category = explanation.category;
    if (unit.outcome === 'rbaclint-only' || unit.outcome === 'peer-only') {
      if (!item) unexplained.push(unit);
      else if (explanation.category === 'rbaclint-gap-fixed') problems.push(`${EXPLANATIONS_PATH}: ${unit.peer} ${unit.check} ${unit.case} ${unit.object} is marked fixed but still disagrees (${unit.outcome})`);
      else if (item.outcome !== unit.outcome) problems.push(`${EXPLANATIONS_PATH}: ${unit.peer} ${unit.check} ${unit.case} ${unit.object} says ${item.outcome}, the run gives ${unit.outcome}`);
      if (item) disagreements.push({ ...unit, ...explanation });
    } else if (item) {
      if (explanation.category === 'rbaclint-gap-fixed') fixed.push({ ...unit, ...explanation, before: item.outcome });
      else problems.push(`${EXPLANATIONS_PATH}: ${unit.peer} ${unit.check} ${unit.case} ${unit.object} is explained but agrees now (${unit.outcome})`);
    }
  }
  for (const item of items) {
    if (!used.has(item)) problems.push(`${EXPLANATIONS_PATH}: ${item.peer} ${item.check} ${item.case} ${item.object} matches no compared object`);
  }
  for (const n of notable) {
    if (typeof explanations.notable?.[n.id] !== 'string') problems.push(`${EXPLANATIONS_PATH}: notable pattern "${n.id}" has no rbaclint position`);
  }
  for (const id of Object.keys(explanations.notable ?? {})) {
    if (!notable.some((n) => n.id === id)) problems.push(`${EXPLANATIONS_PATH}: notable "${id}" is not in notable.json`);
  }
  return { mapping, explanations, summary, notable, units, cases, disagreements, fixed, unexplained, parseErrors, problems, ruleIds };
}

// ---------------------------------------------------------------------------------------------
// Figures and the report.

function tally(units) {
  const t = { objects: units.length, bothFlag: 0, bothPass: 0, rbaclintOnly: 0, peerOnly: 0, peerErrors: 0, deliberate: 0 };
  for (const u of units) {
    if (u.outcome === 'both-flag') t.bothFlag++;
    else if (u.outcome === 'both-pass') t.bothPass++;
    else if (u.outcome === 'rbaclint-only') t.rbaclintOnly++;
    else t.peerOnly++;
    if (u.category === 'peer-false-positive' || u.category === 'peer-false-negative') t.peerErrors++;
    else if (u.category === 'deliberate') t.deliberate++;
  }
  t.agree = t.bothFlag + t.bothPass;
  return t;
}

function percent(part, whole) {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

/** Per-peer and per-check figures, in report order. */
export function figures(result) {
  const perPeer = [];
  const perCheck = [];
  for (const peer of PEERS) {
    const checks = result.mapping.peers[peer];
    const peerUnits = result.units.filter((u) => u.peer === peer);
    const mapped = Object.keys(checks).filter((c) => checks[c].rules.length > 0);
    const peerCases = result.cases.filter((c) => c.peer === peer);
    perPeer.push({
      peer,
      checks: Object.keys(checks).length,
      mapped: mapped.length,
      cases: peerCases.length,
      comparedCases: peerCases.filter((c) => c.mapped && c.expect !== 'unknown').length,
      ...tally(peerUnits),
      explained: result.disagreements.filter((d) => d.peer === peer).length,
    });
    for (const check of Object.keys(checks).sort()) {
      if (checks[check].rules.length === 0) continue;
      const units = peerUnits.filter((u) => u.check === check);
      const cases = new Set(units.map((u) => u.case)).size;
      perCheck.push({ peer, check, rules: checks[check].rules.map((s) => ruleLabel(s)), cases, ...tally(units) });
    }
  }
  return { perPeer, perCheck };
}

function ruleLabel(spec) {
  const { rule, when } = ruleSpec(spec);
  return when ? `${rule} (${when})` : rule;
}

function code(s) {
  return `\`${s}\``;
}

function cell(s) {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/conformance.md. Deterministic: no dates, stable ordering. */
export function renderMarkdown(result) {
  const { perPeer, perCheck } = figures(result);
  const { mapping, explanations, summary, notable } = result;
  const reasons = explanations.reasons ?? {};
  const total = tally(result.units);
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(
    '# Conformance with peer linters',
    '',
    '<!-- Generated by scripts/conformance.mjs from conformance/mapping.yaml, conformance/explanations.yaml and',
    '     ../shared/peers; do not edit. Regenerate with `npm run conformance`. -->',
    '',
    `rbaclint ran on the ${result.cases.length} test fixtures that Polaris, Kubescape, KubeLinter and Checkov ship for their own`,
    'RBAC and ServiceAccount checks, and its findings were compared, object by object, with the verdict each peer\'s own',
    'test suite expects. Each peer check is mapped to the rbaclint rules that cover the same risk',
    '([`conformance/mapping.yaml`](../conformance/mapping.yaml)); every object on which rbaclint and the peer disagree is',
    'explained in [`conformance/explanations.yaml`](../conformance/explanations.yaml) as a peer false positive, a peer false',
    'negative or a deliberate difference, each with the Kubernetes fact behind it.',
    '',
    `Overall, on mapped checks: **${total.agree} of ${total.objects} objects agree (${percent(total.agree, total.objects)})**; ` +
      `${total.rbaclintOnly} are flagged by rbaclint only and ${total.peerOnly} by the peer only, ` +
      `${result.disagreements.length} of ${total.rbaclintOnly + total.peerOnly} explained: ${total.peerErrors} are peer errors by Kubernetes ` +
      `semantics and ${total.deliberate} deliberate differences. rbaclint agrees with the peer or the peer is wrong on ` +
      `${total.agree + total.peerErrors} objects (${percent(total.agree + total.peerErrors, total.objects)}).`,
    '',
    '## Per peer',
    '',
    '"agreement" counts the objects on which rbaclint and the peer give the same verdict; "agree or peer error" adds the',
    'disagreements where the peer is wrong by Kubernetes semantics (explained below), leaving the deliberate differences out.',
    '',
    '| peer | snapshot | checks (mapped) | cases (compared) | objects | both flag | both pass | rbaclint only | peer only | agreement | peer errors | deliberate | agree or peer error | explained |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of perPeer) {
    const commit = summary.peers?.[p.peer]?.commit ?? '';
    push(
      `| ${PEER_NAMES[p.peer]} | ${code(`${summary.peers?.[p.peer]?.repo ?? ''}@${commit.slice(0, 8)}`)} | ${p.checks} (${p.mapped}) | ${p.cases} (${p.comparedCases}) | ${p.objects} | ${p.bothFlag} | ${p.bothPass} | ${p.rbaclintOnly} | ${p.peerOnly} | ${percent(p.agree, p.objects)} | ${p.peerErrors} | ${p.deliberate} | ${percent(p.agree + p.peerErrors, p.objects)} | ${p.explained}/${p.rbaclintOnly + p.peerOnly} |`,
    );
  }
  const below = perCheck.filter((c) => c.objects > 0 && c.agree / c.objects < 0.95);
  push(
    '',
    'Cases whose check has no rbaclint equivalent (see [Peer checks without an rbaclint equivalent](#peer-checks-without-an-rbaclint-equivalent))',
    'and Checkov\'s one `unknown` case are not compared.',
    '',
    `${perCheck.length - below.length} of ${perCheck.length} mapped checks reach 95% agreement. On the other ${below.length}, every difference is a peer error or a`,
    'deliberate choice listed in [Every disagreement, explained](#every-disagreement-explained); the fixtures are the peers\' own edge',
    'cases, so a few objects move a check\'s figure a lot.',
    '',
    '## How objects are compared',
    '',
    '- Each case is linted as one input (all its files together, as the peer\'s test loads them) with rbaclint\'s default',
    '  rules and options. A finding of any severity counts as flagging.',
    '- The compared objects of a check are the objects of the kinds the peer check judges in that case (its `target` in the',
    '  mapping): roles, bindings, workloads (any object with a pod template), ServiceAccounts or Namespaces. Objects are',
    '  matched to the peer\'s labels by kind, name and namespace, and by file and YAML document where the label gives them,',
    '  so two documents with the same identity stay apart.',
    '- rbaclint flags an object for a check when a finding of one of the mapped rules is on that object, or lists it as a',
    '  related location. Related locations are how rbaclint names, on a finding about a role, the bindings that really',
    '  grant that role\'s rules (a RoleBinding does not grant a ClusterRole\'s cluster-scoped resources, so it is not listed',
    '  for them) and the workloads that hold them with a mounted token. So a binding-centric peer check is compared with',
    '  rbaclint\'s role finding through the bindings it names.',
    '- Kubescape\'s subject-centric rules flag RBAC **subjects** (User, Group, ServiceAccount) and name the binding and role',
    '  behind each alert. Every subject of every binding is one compared object, written `Kind name via Binding`; rbaclint',
    '  flags it when it flags the binding as above, either as a whole or at that subject (`subjects[i]`, as',
    '  `default-service-account-bound` and `broad-group-binding` do).',
    '- A mapped rule with a condition counts only where the condition holds: `wildcard-rule (full-wildcard)` only for an',
    '  entry with `*` verbs on `*` resources in `*` groups, which rbaclint reports once as `wildcard-rule` (and',
    '  `cluster-admin-binding` on its bindings) instead of once per dangerous permission.',
    '',
    '## Per check',
    '',
  );
  for (const peer of PEERS) {
    push(
      `### ${PEER_NAMES[peer]}`,
      '',
      '| peer check | rbaclint rules | cases | objects | both flag | both pass | rbaclint only | peer only | agreement | peer errors | deliberate | agree or peer error |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const c of perCheck.filter((x) => x.peer === peer)) {
      push(
        `| ${code(c.check)} | ${c.rules.map(code).join(', ')} | ${c.cases} | ${c.objects} | ${c.bothFlag} | ${c.bothPass} | ${c.rbaclintOnly} | ${c.peerOnly} | ${percent(c.agree, c.objects)} | ${c.peerErrors} | ${c.deliberate} | ${percent(c.agree + c.peerErrors, c.objects)} |`,
      );
    }
    push('');
  }
  push(
    '## Every disagreement, explained',
    '',
    'Categories: **peer-false-positive** (the peer flags what Kubernetes does not allow), **peer-false-negative** (the',
    'peer misses what Kubernetes allows), **deliberate** (a policy choice of rbaclint, stated with its reason). Shared',
    'reasons are written once below and referred to by name.',
    '',
  );
  const byCategory = {};
  for (const d of result.disagreements) byCategory[d.category] = (byCategory[d.category] ?? 0) + 1;
  push(
    `| category | objects |`,
    `|---|---|`,
    ...CATEGORIES.filter((c) => c !== 'rbaclint-gap-fixed').map((c) => `| ${c} | ${byCategory[c] ?? 0} |`),
    `| unexplained | ${result.unexplained.length} |`,
    '',
  );
  const usedRefs = [...new Set(result.disagreements.map((d) => d.ref).filter(Boolean))].sort();
  if (usedRefs.length > 0) {
    push('### Shared reasons', '', '| reason | category | why |', '|---|---|---|');
    for (const id of usedRefs) push(`| <a id="r-${id}"></a>${code(id)} | ${reasons[id].category} | ${cell(reasons[id].reason)} |`);
    push('');
  }
  for (const peer of PEERS) {
    const list = result.disagreements.filter((d) => d.peer === peer);
    if (list.length === 0) continue;
    push(`### ${PEER_NAMES[peer]}`, '', '| check | case | object | flagged by | category | why |', '|---|---|---|---|---|---|');
    for (const d of list) {
      const who = d.outcome === 'rbaclint-only' ? `rbaclint (${d.rules.map(code).join(', ')})` : PEER_NAMES[peer];
      const why = d.ref && d.reason === reasons[d.ref]?.reason ? `[${code(d.ref)}](#r-${d.ref})` : cell(d.reason);
      push(`| ${code(d.check)} | ${code(shortCase(d.case))} | ${cell(d.object)} | ${who} | ${d.category} | ${why} |`);
    }
    push('');
  }
  if (result.unexplained.length > 0) {
    push('### Unexplained', '', '| peer | check | case | object | outcome |', '|---|---|---|---|---|');
    for (const u of result.unexplained) push(`| ${u.peer} | ${code(u.check)} | ${code(shortCase(u.case))} | ${cell(u.object)} | ${u.outcome} |`);
    push('');
  }
  push('## rbaclint gaps found and fixed', '');
  if (result.fixed.length === 0) push('None.', '');
  else {
    push('These objects disagreed before the rule was fixed; they agree now.', '', '| peer | check | case | object | was | fix |', '|---|---|---|---|---|---|');
    for (const f of result.fixed) push(`| ${PEER_NAMES[f.peer]} | ${code(f.check)} | ${code(shortCase(f.case))} | ${cell(f.object)} | ${f.before} | ${cell(f.reason)} |`);
    push('');
  }
  push('## Where peers disagree with each other', '', 'The patterns of `../shared/peers/notable.json` and where rbaclint stands on each.', '', '| pattern | peers | rbaclint |', '|---|---|---|');
  for (const n of notable) {
    const verdicts = n.verdicts.map((v) => `${PEER_NAMES[v.peer] ?? v.peer} ${v.check}: ${v.verdict}`).join('; ');
    push(`| ${code(n.id)}: ${cell(n.pattern)} | ${cell(verdicts)} | ${cell(explanations.notable?.[n.id] ?? '(missing)')} |`);
  }
  push('', '## Peer checks without an rbaclint equivalent', '', '| peer | check | cases | should rbaclint have one? | why |', '|---|---|---|---|---|');
  for (const peer of PEERS) {
    for (const [check, entry] of Object.entries(mapping.peers[peer]).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (entry.rules.length > 0) continue;
      const n = result.cases.filter((c) => c.peer === peer && c.check === check).length;
      push(`| ${PEER_NAMES[peer]} | ${code(check)} | ${n} | ${entry.should_have} | ${cell(entry.why)} |`);
    }
  }
  push('', '## The mapping', '', '| peer | check | compared objects | rbaclint rules | why |', '|---|---|---|---|---|');
  for (const peer of PEERS) {
    for (const [check, entry] of Object.entries(mapping.peers[peer]).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (entry.rules.length === 0) continue;
      const target = entry.kinds ? `${entry.target} (${entry.kinds.join(', ')})` : entry.target;
      push(`| ${PEER_NAMES[peer]} | ${code(check)} | ${target} | ${entry.rules.map((s) => code(ruleLabel(s))).join(', ')} | ${cell(entry.why)} |`);
    }
  }
  push('', '## Loader', '');
  if (result.parseErrors.length === 0) {
    push(
      `Every fixture parsed: no \`parse-error\` finding on any of the ${result.cases.length} cases, including the loader edge cases of the`,
      'corpus (a TAB before a trailing comment, two documents with the same identity, JSON `List` inputs).',
    );
  } else {
    push('`parse-error` findings on peer fixtures:', '');
    for (const e of result.parseErrors) push(`- ${e.peer} ${code(shortCase(e.case))}: ${cell(e.message)}`);
  }
  push('');
  return lines.join('\n');
}

function shortCase(file) {
  return file.replace(/^cases\//, '');
}

/** The text tables printed by the command. */
export function renderTables(result) {
  const { perPeer, perCheck } = figures(result);
  const rows = [['peer', 'check', 'objects', 'agree', 'rbaclint-only', 'peer-only', 'agreement', 'peer-errors', 'deliberate', 'agree+peer-error']];
  const row = (a, b, t) => [a, b, t.objects, t.agree, t.rbaclintOnly, t.peerOnly, percent(t.agree, t.objects), t.peerErrors, t.deliberate, percent(t.agree + t.peerErrors, t.objects)];
  for (const p of perPeer) {
    rows.push(row(p.peer, '(all mapped)', p));
    for (const c of perCheck.filter((x) => x.peer === p.peer)) rows.push(row('', c.check, c));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((v, i) => (i >= 2 ? String(v).padStart(widths[i]) : String(v).padEnd(widths[i]))).join('  ')).join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  const check = argv.includes('--check');
  if (!existsSync(PEERS_DIR)) {
    console.log(`conformance: ${PEERS_DIR} is absent; nothing to compare (skipped)`);
    return 0;
  }
  const result = await compare();
  const markdown = renderMarkdown(result);
  const docFile = path.join(ROOT, DOC_PATH);
  console.log(renderTables(result));
  let status = 0;
  for (const u of result.unexplained) {
    console.error(`unexplained: ${u.peer} ${u.check} ${u.case} ${u.object} (${u.outcome}; rbaclint rules: ${u.rules.join(', ') || 'none'})`);
    status = 1;
  }
  for (const p of result.problems) {
    console.error(`problem: ${p}`);
    status = 1;
  }
  if (check) {
    const current = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '';
    if (current !== markdown) {
      console.error(`${DOC_PATH} is stale: run npm run conformance`);
      status = 1;
    }
  } else {
    writeFileSync(docFile, markdown);
    console.log(`wrote ${DOC_PATH}`);
  }
  return status;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
