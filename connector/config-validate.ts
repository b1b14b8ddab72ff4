import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { ValidateFunction } from 'ajv';
import { CONFIG_SCHEMA_ID } from './config-schema.js';
import { projectRoot } from './schemas.js';

/**
 * The config validator, precompiled. Compiling the config schema with ajv (draft 2019-09,
 * discriminated unions, defaults filled in, formats) took about 0.2 s of every command's start,
 * ajv's own loading included: a third of a run over an empty landing (0.5 s). `make schemas` writes
 * ajv's standalone code for it next to the schema (schemas/config.validate.cjs, with the hash of
 * the schema it was made from); a run loads that instead, and compiles at run time only when the
 * file is missing or was made from another schema (a component changed and `make schemas` was not
 * run yet; test/config.test.ts fails until it is).
 */

const require = createRequire(import.meta.url);

/** The validator's file, and the schema's hash written into it. */
export const VALIDATOR_FILE = 'config.validate.cjs';

export function schemaHash(schema: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16);
}

export interface ConfigValidators {
  /** The whole config. */
  config: ValidateFunction;
  /** One `$defs` entry (a component's fragment), or undefined if there is none of that name. */
  def(name: string): ValidateFunction | undefined;
}

/** The same ajv instance options whether compiled now or into the standalone file. */
function newConfigAjv(source: boolean): Ajv2019 {
  const { Ajv2019: AjvClass } = require('ajv/dist/2019') as { Ajv2019: new (o: object) => Ajv2019 };
  const addFormats = require('ajv-formats') as (a: Ajv2019) => Ajv2019;
  const ajv = new AjvClass({ allErrors: true, strict: false, useDefaults: true, discriminator: true, ...(source ? { code: { source: true, lines: true } } : {}) });
  addFormats(ajv);
  return ajv;
}

/** The standalone code of the config's validators (the whole config, and each `$defs` entry). */
export function configValidatorSource(schema: Record<string, unknown>): string {
  const standalone = require('ajv/dist/standalone').default as (a: Ajv2019, refs: Record<string, string>) => string;
  const ajv = newConfigAjv(true);
  ajv.addSchema(schema);
  const refs: Record<string, string> = { config: CONFIG_SCHEMA_ID };
  for (const d of Object.keys((schema['$defs'] ?? {}) as Record<string, unknown>)) refs[`def_${d}`] = `${CONFIG_SCHEMA_ID}#/$defs/${d}`;
  const head = "// Written by `make schemas` (scripts/gen-schemas.mjs) from config.schema.json: ajv's standalone code.\n// Do not edit: test/config.test.ts checks it against the components.\n";
  return `${head}${standalone(ajv, refs)}\nexports.schemaHash = ${JSON.stringify(schemaHash(schema))};\n`;
}

/** The precompiled validators when they were made from `schema`, else validators compiled now. */
export function loadConfigValidators(schema: Record<string, unknown>): ConfigValidators {
  const file = join(projectRoot(), 'schemas', VALIDATOR_FILE);
  if (existsSync(file)) {
    const m = require(file) as Record<string, ValidateFunction | string>;
    if (m['schemaHash'] === schemaHash(schema)) {
      return { config: m['config'] as ValidateFunction, def: (name) => m[`def_${name}`] as ValidateFunction | undefined };
    }
  }
  const ajv = newConfigAjv(false);
  const config = ajv.compile(schema);
  return { config, def: (name) => ajv.getSchema(`${CONFIG_SCHEMA_ID}#/$defs/${name}`) };
}
