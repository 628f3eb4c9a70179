import { schemaKinds, schemaValidator, schemaApiVersions, type SchemaError } from '../load/schemas.js';
import type { JsonPath } from '../parse/types.js';

/**
 * Validation of a built-in object against the Kubernetes OpenAPI schema, as strict as
 * `kubectl apply --validate=strict`: unknown fields, wrong types, missing required fields.
 */

/** One schema violation, positioned by a JSON path inside the object. */
export interface SchemaViolation {
  /** JSON path inside the object of the node a fix would edit. */
  path: JsonPath;
  /** `key` for an unknown field (its key is the mistake), `value` otherwise. */
  at: 'key' | 'value';
  /** What is wrong, without the object's name (the rule prefixes it). */
  message: string;
}

/** Longest value quoted in a message; longer ones are cut with `…`. */
const MAX_QUOTED = 40;

/**
 * Validates an object whose `apiVersion` and `kind` rbaclint has a schema for; objects of other
 * kinds (custom resources, other API groups) give no violations. Null values are dropped first:
 * Kubernetes decodes `field: null` as unset (`creationTimestamp: null` is common in generated YAML).
 */
export function validateObject(object: Record<string, unknown>): SchemaViolation[] {
  const { apiVersion, kind } = object;
  if (typeof kind !== 'string' || kind === '') return [];
  const known = knownApiVersionsOf(kind);
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    if (known.length === 0) return [];
    return [{ path: ['kind'], at: 'key', message: `has no apiVersion; ${kind} is served by "${known.join('", "')}"` }];
  }
  const validate = schemaValidator(apiVersion, kind);
  if (!validate) {
    const served = schemaKinds(apiVersion);
    if (served.length === 0) return [];
    if (known.length > 0) {
      return [{ path: ['apiVersion'], at: 'value', message: `uses apiVersion "${quote(apiVersion)}", which does not serve kind ${kind}; did you mean "${known[0]}"?` }];
    }
    const near = didYouMean(kind, served, 2);
    if (near === undefined) return [];
    return [{ path: ['kind'], at: 'value', message: `has kind "${quote(kind)}", which apiVersion "${apiVersion}" does not serve; did you mean "${near}"?` }];
  }
  const value = withoutNulls(object);
  const violations: SchemaViolation[] = [];
  if (!validate(value)) violations.push(...violationsOf(validate.errors ?? [], value));
  const metadata = value.metadata;
  if (isRecord(metadata) && typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string' && !violations.some((v) => v.path[0] === 'metadata')) {
    violations.push({ path: ['metadata', 'name'], at: 'key', message: 'has no metadata.name; kubectl rejects an object without a name' });
  } else if (metadata === undefined && !violations.some((v) => v.path.length === 1 && v.at === 'key')) {
    // (A misspelt `metadata:` key is already reported as an unknown field.)
    violations.push({ path: ['metadata'], at: 'key', message: 'has no metadata; kubectl rejects an object without metadata.name' });
  }
  return violations;
}

/** The apiVersions with a schema for the kind, e.g. `["apps/v1"]` for Deployment. */
function knownApiVersionsOf(kind: string): string[] {
  return schemaApiVersions().filter((apiVersion) => schemaKinds(apiVersion).includes(kind));
}

/**
 * Turns ajv errors into violations: one per position, the most useful first. Errors inside a
 * value that already has one (the branches of a `oneOf`) are folded into it.
 */
function violationsOf(errors: readonly SchemaError[], value: unknown): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const typesAt = new Map<string, Set<string>>();
  for (const error of errors) {
    if (error.keyword === 'type') {
      const set = typesAt.get(error.instancePath) ?? new Set<string>();
      for (const type of [error.params.type].flat()) set.add(String(type));
      typesAt.set(error.instancePath, set);
    }
  }
  const done = new Set<string>();
  for (const error of errors) {
    const path = pathOf(error.instancePath, value);
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        const full = [...path, key];
        const known = Object.keys(error.parentSchema?.properties ?? {});
        const near = didYouMean(key, known, Math.max(2, Math.floor(key.length / 3)));
        out.push({
          path: full,
          at: 'key',
          message: `has unknown field "${dotted([...path, quote(key)])}"${near === undefined ? '' : `; did you mean "${near}"?`}`,
        });
        break;
      }
      case 'type':
      case 'oneOf':
      case 'anyOf': {
        if (done.has(error.instancePath)) break;
        done.add(error.instancePath);
        const types = [...(typesAt.get(error.instancePath) ?? [])];
        if (types.length === 0) break;
        const actual = valueAt(value, path);
        // A null list item (the nulls of mappings are dropped before) decodes to its type's zero value.
        if (actual === null) break;
        out.push({ path, at: 'value', message: `has "${dotted(path)}" set to ${describeValue(actual)}, but it must be ${typeList(types)}${quoteHint(actual, types)}` });
        break;
      }
      case 'required':
        // Not reported: kustomize bases and patches are partial objects by design (a Deployment
        // base without spec.selector), and the API server names a missing field at apply time.
        // What passes silently, and is reported, is a typo or a value of the wrong type.
        break;
      case 'enum': {
        const allowed = ((error.params.allowedValues as unknown[]) ?? []).map((v) => `"${String(v)}"`).join(', ');
        out.push({ path, at: 'value', message: `has "${dotted(path)}" set to ${describeValue(valueAt(value, path))}, but it must be one of ${allowed}` });
        break;
      }
      default:
        out.push({ path, at: 'value', message: `has "${dotted(path)}" that ${error.message ?? 'is invalid'}` });
    }
  }
  return out;
}

/** A JSON pointer as a JSON path: array indices become numbers. */
function pathOf(pointer: string, value: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step: string | number = Array.isArray(current) && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(step);
    current = isRecord(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[step] : undefined;
  }
  return path;
}

function valueAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const segment of path) current = isRecord(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}

/** `spec.template.spec.containers[0].name`. */
function dotted(path: JsonPath): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

function quote(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string "${quote(value)}"`;
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

const TYPE_NAMES: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
};

function typeList(types: readonly string[]): string {
  const names = [...new Set(types.filter((t) => !(t === 'integer' && types.includes('number'))))].map((t) => TYPE_NAMES[t] ?? t);
  return names.length <= 1 ? (names[0] ?? 'valid') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** `"false"` where a boolean is expected: the quotes are the mistake. */
function quoteHint(value: unknown, types: readonly string[]): string {
  if (typeof value !== 'string') return '';
  if (types.includes('boolean') && /^(true|false)$/i.test(value)) return `; write ${value.toLowerCase()} without quotes`;
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return `; write ${value} without quotes`;
  return '';
}

/**
 * The candidate closest to `word` by edit distance (optimal string alignment, case differences
 * costing nothing extra beyond one edit), if within `max`; a case-only difference always matches.
 */
export function didYouMean(word: string, candidates: readonly string[], max: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= max ? best : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment: adjacent swaps cost 1). */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy without null values (Kubernetes reads `x: null` as unset) and without strategic-merge-patch
 * directives (`$patch: delete` in a kustomize patch), dates as ISO strings.
 */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  // Most objects have none of these: validated as they are, without a copy.
  if (asIs(value)) return value;
  const copy = (v: unknown): unknown => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
    if (Array.isArray(v)) return v.map(copy);
    if (isRecord(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (dropped(k, x)) continue;
        // `out.__proto__ = …` would set the copy's prototype: a key of that name is defined as the parser defines it.
        if (k === '__proto__') Object.defineProperty(out, k, { value: copy(x), enumerable: true, writable: true, configurable: true });
        else out[k] = copy(x);
      }
      return out;
    }
    return v;
  };
  return copy(value) as Record<string, unknown>;
}

/**
 * Whether {@link withoutNulls} leaves the entry out: a null value, or a strategic-merge-patch
 * directive of a patch (`$patch`, `$retainKeys`, `$setElementOrder/…`).
 */
function dropped(key: string, value: unknown): boolean {
  return value === null || value === undefined || key.startsWith('$');
}

/** Whether {@link withoutNulls} would copy the value unchanged. */
function asIs(value: unknown): boolean {
  if (value instanceof Date) return false;
  if (Array.isArray(value)) return value.every(asIs);
  if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      const x = value[key];
      if (dropped(key, x) || !asIs(x)) return false;
    }
  }
  return true;
}
