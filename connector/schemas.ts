import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

/** The project's root folder (the one holding `schemas/`), from the source tree or from `dist/`. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'schemas', 'config.schema.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the schemas/ folder above ' + fileURLToPath(import.meta.url));
}

const cache = new Map<string, unknown>();

export function loadSchema(name: string): Record<string, unknown> {
  let s = cache.get(name);
  if (!s) {
    s = JSON.parse(readFileSync(join(projectRoot(), 'schemas', name), 'utf8'));
    cache.set(name, s);
  }
  return s as Record<string, unknown>;
}

// ajv is loaded when a schema is first compiled, not with every command (it takes tens of ms to load).
const require = createRequire(import.meta.url);

export function newAjv(opts: { useDefaults?: boolean } = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as { Ajv: new (o: object) => Ajv };
  const addFormats = require('ajv-formats') as (a: Ajv) => Ajv;
  const ajv = new AjvClass({ allErrors: true, strict: false, useDefaults: opts.useDefaults ?? false });
  addFormats(ajv);
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

/** A compiled validator for one of the project's schemas. */
export function validatorFor(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = newAjv().compile(loadSchema(name));
    compiled.set(name, v);
  }
  return v;
}

/**
 * Turn ajv errors into lines a person can act on: the field path in dotted form, what was wrong and
 * what was expected. `unions` names the fields that are tagged by `type` (source, sink, ...) and the
 * types each accepts: the discriminator reports errors of the branch `type` selects only.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, data: unknown, unions: Record<string, string[]> = {}): string[] {
  if (!errors?.length) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (m: string) => {
    if (!seen.has(m)) {
      seen.add(m);
      out.push(m);
    }
  };
  for (const e of errors) {
    const segs = e.instancePath.split('/');
    const union = segs.length === 2 ? unions[segs[1]!] : undefined;
    if (union) {
      const field = segs[1]!;
      const val = (data as Record<string, unknown>)?.[field];
      if (e.keyword === 'type') {
        add(`${field}: must be an object with a "type" (one of ${union.join(', ')})`);
        continue;
      }
      if ((e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'type') || (e.keyword === 'discriminator' && (e.params as { error?: string }).error === 'tag')) {
        add(`${field}: type is missing; expected one of ${union.join(', ')}`);
        continue;
      }
      if (e.keyword === 'discriminator') {
        const t = val && typeof val === 'object' ? (val as Record<string, unknown>)['type'] : undefined;
        add(`${field}: type ${JSON.stringify(t)} is not supported; expected one of ${union.join(', ')}`);
        continue;
      }
    }
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    add(describe(e));
  }
  return out.length ? out : errors.map(describe);
}

function fieldName(instancePath: string): string {
  if (!instancePath) return '(top level)';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : '.' + s.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('')
    .replace(/^\./, '');
}

function describe(e: ErrorObject): string {
  const where = fieldName(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${where === '(top level)' ? '' : where + '.'}${String(p['missingProperty'])}: is required`;
    case 'additionalProperties':
      return `${where}: unknown field "${String(p['additionalProperty'])}" (check the spelling; see schemas/config.schema.json)`;
    case 'unevaluatedProperties':
      return `${where}: unknown field "${String(p['unevaluatedProperty'])}" (check the spelling; see schemas/config.schema.json)`;
    case 'type':
      return `${where}: must be ${String(p['type'])}`;
    case 'enum':
      return `${where}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where}: must be ${JSON.stringify(p['allowedValue'])}`;
    case 'pattern':
      return `${where}: does not match the expected form ${String(p['pattern'])}`;
    case 'minItems':
      return `${where}: needs at least ${String(p['limit'])} item(s)`;
    case 'anyOf':
      return `${where}: needs "pattern" or "patterns"`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}
