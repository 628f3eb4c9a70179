#!/usr/bin/env node
// Compiles the Kubernetes OpenAPI v3 schemas of the built-in kinds into standalone ajv validators,
// ahead of time, for the rule `invalid-manifest`:
//
//   schemas/kubernetes/<group>_<version>.cjs   one CommonJS module per API group/version, exporting
//                                              one validate function per kind (loaded lazily, with
//                                              require, only when an object of that group/version exists)
//   schemas/kubernetes/index.json              apiVersion -> module, kinds -> OpenAPI definition
//
// The validators are compiled with `verbose`, so an error carries its parent schema: the allowed
// property names for a did-you-mean hint come from there.
//
// Input: ../shared/kubernetes/openapi-v3/*.json (relative to the project root; the OpenAPI v3
// documents a cluster serves at /openapi/v3/<group>/<version>).
//
// What the generated validators check, and why it differs from the raw OpenAPI:
// - Kubernetes publishes no `additionalProperties: false`; the API server prunes unknown fields, and
//   `kubectl apply --validate=strict` (the default since 1.27 with server-side field validation)
//   rejects them. Every object schema with `properties` is closed here, so an unknown key, which is
//   almost always a typo, is an error.
// - `metadata.labels` and `metadata.annotations` accept anything (they are free-form maps; other
//   tools write them), and `x-kubernetes-preserve-unknown-fields` schemas stay open.
// - int-or-string and Quantity keep their `oneOf [integer|number, string]`; `format` is dropped
//   (kubectl does not validate int32/byte/date-time formats client-side).
// - Descriptions are dropped, which keeps the modules small.
//
// Usage: node scripts/gen-schemas.mjs [--check] [--shared <dir>]
//   --check  exit 1 (and write nothing) when a committed file differs from what would be generated.
//
// `generate()` is exported for test/invalid-manifest.test.ts, which compares its output with the
// committed files when ../shared exists.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Default location of the OpenAPI documents (a sibling of the project root). */
export const DEFAULT_OPENAPI_DIR = join(PROJECT_ROOT, '..', 'shared', 'kubernetes', 'openapi-v3');
/** Where the generated files go. */
export const OUT_DIR = join(PROJECT_ROOT, 'schemas', 'kubernetes');

const REF_PREFIX = '#/components/schemas/';
/** Free-form maps of ObjectMeta that are not validated. */
const OPEN_MAPS = new Set(['labels', 'annotations']);

/** `rbac.authorization.k8s.io/v1` → `rbac.authorization.k8s.io_v1`, `v1` → `core_v1`. */
function moduleName(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `${group}_${version}`;
}

/** `api__v1_openapi.json` → `v1`, `apis__apps__v1_openapi.json` → `apps/v1` (the served path). */
function apiVersionOf(file) {
  const m = /^apis?__(.+)_openapi\.json$/.exec(file);
  return m ? m[1].split('__').join('/') : undefined;
}

/** Rewrites one OpenAPI schema into the JSON Schema we compile (see the header). */
function transform(schema, defName, propName) {
  if (Array.isArray(schema)) return schema.map((s) => transform(s, defName));
  if (schema === null || typeof schema !== 'object') return schema;
  if (defName === 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' && OPEN_MAPS.has(propName)) return {};
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'format' || key === 'default' || key === 'example' || key.startsWith('x-')) continue;
    if (key === '$ref') {
      out.$ref = `#/definitions/${value.slice(REF_PREFIX.length)}`;
    } else if (key === 'properties') {
      out.properties = {};
      for (const [name, sub] of Object.entries(value)) out.properties[name] = transform(sub, defName, name);
    } else {
      out[key] = transform(value, defName);
    }
  }
  // allOf with a single $ref (how OpenAPI v3 attaches a default to a reference): the reference itself.
  if (Array.isArray(out.allOf) && out.allOf.length === 1 && Object.keys(out).length === 1) return out.allOf[0];
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return { ...out, additionalProperties: true };
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Reads the OpenAPI documents: file name → parsed JSON. */
export function readInputs(dir = DEFAULT_OPENAPI_DIR) {
  const inputs = new Map();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    inputs.set(name, JSON.parse(readFileSync(join(dir, name), 'utf8')));
  }
  return inputs;
}

/** Pure: the OpenAPI documents → generated file name → text. */
export function generate(inputs) {
  const files = new Map();
  const index = { note: 'Generated by scripts/gen-schemas.mjs from ../shared/kubernetes/openapi-v3. Do not edit.', apiVersions: {} };
  for (const [file, doc] of inputs) {
    const schemas = doc.components.schemas;
    const kinds = [];
    const apiVersion = apiVersionOf(file);
    for (const [name, schema] of Object.entries(schemas)) {
      if (!name.startsWith('io.k8s.api.')) continue;
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        if (gvk.kind.endsWith('List')) continue;
        const av = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
        if (av === apiVersion) kinds.push({ kind: gvk.kind, def: name });
      }
    }
    if (!apiVersion || kinds.length === 0) continue;
    kinds.sort((a, b) => (a.kind < b.kind ? -1 : 1));
    const definitions = {};
    for (const name of Object.keys(schemas).sort()) {
      definitions[name] = transform(schemas[name], name);
    }
    const id = `k8s:${apiVersion}`;
    const ajv = new Ajv({ code: { source: true, esm: false, lines: true }, allErrors: true, verbose: true, strict: false, unicodeRegExp: false });
    ajv.addSchema({ $id: id, definitions });
    const exports = {};
    for (const { kind, def } of kinds) exports[kind] = `${id}#/definitions/${def}`;
    const module = moduleName(apiVersion);
    files.set(`${module}.cjs`, `// Generated by scripts/gen-schemas.mjs from the Kubernetes OpenAPI v3 of ${apiVersion}. Do not edit.\n${standaloneCode(ajv, exports)}\n`);
    index.apiVersions[apiVersion] = { module: `${module}.cjs`, kinds: Object.fromEntries(kinds.map(({ kind, def }) => [kind, def])) };
  }
  index.apiVersions = Object.fromEntries(Object.entries(index.apiVersions).sort(([a], [b]) => (a < b ? -1 : 1)));
  files.set('index.json', `${JSON.stringify(index, null, 1)}\n`);
  return files;
}

function main(argv) {
  const check = argv.includes('--check');
  const sharedAt = argv.indexOf('--shared');
  const dir = sharedAt >= 0 ? argv[sharedAt + 1] : DEFAULT_OPENAPI_DIR;
  if (!existsSync(dir)) {
    console.error(`gen-schemas: ${dir} does not exist; nothing to generate from`);
    return 2;
  }
  const files = generate(readInputs(dir));
  let stale = 0;
  for (const [name, text] of files) {
    const target = join(OUT_DIR, name);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      console.error(`gen-schemas: schemas/kubernetes/${name} is out of date; run node scripts/gen-schemas.mjs`);
      stale++;
    } else {
      mkdirSync(OUT_DIR, { recursive: true });
      writeFileSync(target, text);
      console.log(`gen-schemas: wrote schemas/kubernetes/${name} (${(text.length / 1024).toFixed(0)} KiB)`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
