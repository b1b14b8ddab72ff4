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

/** Tagged unions of the config: the property, and the definition for each `type`. */
const UNIONS: Record<string, Record<string, string>> = {
  source: { local: 'localSource', s3: 's3Source', sftp: 'sftpSource' },
  state: { local: 'localStore', s3: 's3Store' },
  schema_registry: { local: 'localStore', s3: 's3Store' },
  sink: { ndjson: 'ndjsonSink', stdout: 'stdoutSink', s3: 's3Sink' },
};

let unionAjv: Ajv | undefined;

/**
 * Turn ajv errors into lines a person can act on: the field path in dotted form, what was wrong and
 * what was expected. A tagged union (source, state, sink) is reported against the shape its `type`
 * selects, so a typo in an S3 source is not also reported against the local and SFTP shapes.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  if (!errors?.length) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (m: string) => {
    if (!seen.has(m)) {
      seen.add(m);
      out.push(m);
    }
  };
  const unionsWithErrors = new Set<string>();
  for (const e of errors) {
    const top = e.instancePath.split('/')[1] ?? '';
    if (top in UNIONS && e.instancePath.split('/').length >= 2) unionsWithErrors.add(top);
  }
  for (const u of unionsWithErrors) {
    const val = (data as Record<string, unknown>)?.[u];
    if (!val || typeof val !== 'object' || Array.isArray(val)) {
      add(`${u}: must be an object with a "type" (one of ${Object.keys(UNIONS[u]!).join(', ')})`);
      continue;
    }
    const t = (val as Record<string, unknown>)['type'];
    const def = typeof t === 'string' ? UNIONS[u]![t] : undefined;
    if (!def) {
      add(`${u}: type ${t === undefined ? 'is missing' : JSON.stringify(t) + ' is not supported'}; expected one of ${Object.keys(UNIONS[u]!).join(', ')}`);
      continue;
    }
    if (!unionAjv) {
      unionAjv = newAjv();
      unionAjv.addSchema(loadSchema('config.schema.json'));
    }
    const v = unionAjv.compile({ $ref: `https://tally-connector.local/schemas/config.schema.json#/definitions/${def}` });
    if (!v(val)) for (const e of v.errors ?? []) add(describe({ ...e, instancePath: `/${u}${e.instancePath}` }));
  }
  for (const e of errors) {
    const top = e.instancePath.split('/')[1] ?? '';
    if (unionsWithErrors.has(top)) continue;
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
