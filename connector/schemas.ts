import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

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

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function newAjv(opts: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: opts.useDefaults ?? false });
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
 * what was expected. Branches of a `oneOf` whose `type` discriminator did not match are dropped, so a
 * typo in an S3 source is reported against the S3 shape and not against all three.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  if (!errors?.length) return [];
  // Find oneOf branches rejected by their discriminator.
  const deadBranches = new Set<string>();
  for (const e of errors) {
    const m = /^(.*\/oneOf\/\d+)\/properties\/type\/const$/.exec(e.schemaPath);
    if (m && m[1]) deadBranches.add(m[1]);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if ([...deadBranches].some((b) => e.schemaPath.startsWith(b + '/'))) continue;
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' && e.schemaPath.includes('/oneOf/')) {
      // Only useful when every branch died on its discriminator: say which types exist.
      const val = valueAt(data, e.instancePath) as Record<string, unknown> | undefined;
      const t = val && typeof val === 'object' ? val['type'] : undefined;
      const branches = (e.schemaPath.match(/oneOf/g) ?? []).length;
      if (branches && e.keyword === 'oneOf') {
        const allowed = typesAllowedAt(e);
        const msg = `${fieldName(e.instancePath)}: type ${t === undefined ? 'is missing' : JSON.stringify(t) + ' is not supported'}; expected one of ${allowed}`;
        if (!errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && !o.schemaPath.endsWith('/type/const') && o.keyword !== 'oneOf' && ![...deadBranches].some((b) => o.schemaPath.startsWith(b + '/')))) {
          if (!seen.has(msg)) { seen.add(msg); out.push(msg); }
        }
      }
      continue;
    }
    const msg = describe(e);
    if (!seen.has(msg)) { seen.add(msg); out.push(msg); }
  }
  return out.length ? out : errors.map(describe);
}

function typesAllowedAt(e: ErrorObject): string {
  const p = e.instancePath;
  if (p === '/source') return 'local, s3, sftp';
  if (p === '/state' || p === '/schema_registry') return 'local, s3';
  if (p === '/sink') return 'ndjson, stdout';
  return 'the documented types';
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

function valueAt(data: unknown, pointer: string): unknown {
  if (!pointer) return data;
  let cur: unknown = data;
  for (const seg of pointer.slice(1).split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}
