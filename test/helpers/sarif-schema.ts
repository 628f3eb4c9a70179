import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject } from 'ajv';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The OASIS SARIF 2.1.0 schema (JSON Schema draft-04), shared by the team outside this repository. */
export const SARIF_SCHEMA_PATH = path.resolve(root, '../shared/sarif/sarif-schema-2.1.0.json');

// Both packages are CommonJS with `exports.default`. Under NodeNext (and Node's own ESM loader) the
// default import is the module object, so the class/function is its `.default`; a loader that
// already unwraps `__esModule` hands over the class/function itself.
type Ajv04Class = typeof Ajv04Module.default;
type AddFormats = typeof addFormatsModule.default;
const Ajv04: Ajv04Class = (Ajv04Module as unknown as { default?: Ajv04Class }).default ?? (Ajv04Module as unknown as Ajv04Class);
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

/** Validates a SARIF log against the schema; returns the errors as readable lines (empty when valid). */
export type SarifValidator = (log: unknown) => string[];

/** Compiles the schema once (about half a second). Only call it when the schema file exists. */
export function sarifValidator(): SarifValidator {
  if (!existsSync(SARIF_SCHEMA_PATH)) throw new Error(`SARIF schema not found at ${SARIF_SCHEMA_PATH}`);
  // Default strictness: the schema's anyOf branches require properties defined elsewhere
  // (strictRequired), which ajv's `strict: true` would reject.
  const ajv = new Ajv04({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object);
  return (log) => {
    if (validate(log)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}
