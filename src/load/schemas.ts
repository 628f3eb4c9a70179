import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Loads the Kubernetes schema validators that `scripts/gen-schemas.mjs` compiled ahead of time into
 * `schemas/kubernetes/`. Nothing is read at start-up: the index on first use, and the module of an
 * API group/version only when an object of that group/version is validated.
 */

/** One error of a compiled validator (ajv's ErrorObject, compiled with `verbose`). */
export interface SchemaError {
  /** JSON pointer of the value inside the object (`/spec/template/spec`). */
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** The schema holding the failing keyword: for `additionalProperties`, its `properties`. */
  parentSchema?: { properties?: Record<string, unknown> };
}

/** A compiled validator: true when valid, else its `errors` are set. */
export interface SchemaValidator {
  (value: unknown): boolean;
  errors?: SchemaError[] | null;
}

interface SchemaIndex {
  apiVersions: Record<string, { module: string; kinds: Record<string, string> }>;
}

/** `schemas/kubernetes/` beside `src/` (from the sources) or beside `dist/` (from the build). */
const CANDIDATES = ['../../schemas/kubernetes/', '../../../schemas/kubernetes/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));

let dir: string | undefined;
let index: SchemaIndex | undefined;
const modules = new Map<string, Record<string, SchemaValidator>>();

function schemaIndex(): SchemaIndex {
  if (index) return index;
  dir = CANDIDATES.find((candidate) => existsSync(`${candidate}index.json`));
  if (dir === undefined) throw new Error(`the compiled Kubernetes schemas are missing (looked in ${CANDIDATES.join(', ')}); run node scripts/gen-schemas.mjs`);
  index = JSON.parse(readFileSync(`${dir}index.json`, 'utf8')) as SchemaIndex;
  return index;
}

/** The apiVersions that have compiled schemas (`v1`, `apps/v1`, …). */
export function schemaApiVersions(): string[] {
  return Object.keys(schemaIndex().apiVersions);
}

/** The kinds with a schema in an apiVersion (empty when the apiVersion has none). */
export function schemaKinds(apiVersion: string): string[] {
  return Object.keys(schemaIndex().apiVersions[apiVersion]?.kinds ?? {});
}

/** The validator of a built-in kind, or undefined when rbaclint has no schema for it. */
export function schemaValidator(apiVersion: string, kind: string): SchemaValidator | undefined {
  const entry = Object.hasOwn(schemaIndex().apiVersions, apiVersion) ? schemaIndex().apiVersions[apiVersion] : undefined;
  if (!entry || !Object.hasOwn(entry.kinds, kind)) return undefined;
  let module = modules.get(entry.module);
  if (!module) {
    // The generated modules are CommonJS, so they load synchronously from a synchronous rule.
    module = createRequire(import.meta.url)(`${dir}${entry.module}`) as Record<string, SchemaValidator>;
    modules.set(entry.module, module);
  }
  return module[kind];
}

/** Which group/version modules have been loaded (for tests of lazy loading). */
export function loadedSchemaModules(): string[] {
  return [...modules.keys()].sort();
}
