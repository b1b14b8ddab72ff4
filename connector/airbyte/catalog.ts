import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Config, ResolvedStream } from '../config.js';
import { errorMessage } from '../errors.js';
import { loadSchema } from '../schemas.js';
import { csvEntity } from '../formats/csv-entity.js';
import { isGzip, sniffEncoding } from '../formats/decode.js';
import { compileMatcher } from '../sources/match.js';
import type { RemoteFile, Source } from '../sources/source.js';
import type { Logger } from '../log.js';
import { SchemaRegistry } from '../../state/schema-registry.js';
import type { DocStore } from '../../state/docstore.js';
import { toJsonSchema } from '../drift/json-schema.js';

/**
 * `airbyte discover`: one Airbyte stream per Tally entity of each configured stream (the stream id
 * as namespace, the entity as name). The entities are those the schema registry knows for the
 * stream (its current version's JSON Schema), the canonical Tally XML entities for XML streams
 * (schemas/tally-streams.schema.json), and for CSV streams the entity of each matching file, named
 * from its file name and header the way a run names it.
 */

/** The envelope's metadata, carried in each record's data under `_tally_<field>`. */
export const META_PREFIX = '_tally_';
export const PRIMARY_KEY = [[`${META_PREFIX}record_id`]];
export const CURSOR_FIELD = [`${META_PREFIX}emitted_at`];

const SCHEMA_HELPERS = new Set(['guid', 'date', 'amount', 'counter', 'flag', 'master', 'voucherChild']);

/** Definitions of schemas/tally-streams.schema.json that are entities (not shared pieces). */
function canonicalDefinitions(): Record<string, Record<string, unknown>> {
  const defs = (loadSchema('tally-streams.schema.json')['definitions'] ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(defs).filter(([k]) => !SCHEMA_HELPERS.has(k)));
}

/** Replace `#/definitions/X` references by copies, so each stream's schema stands alone. */
function inline(node: unknown, defs: Record<string, unknown>, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, defs, depth));
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o['$ref'] === 'string' && o['$ref'].startsWith('#/definitions/') && depth < 16) {
    const { $ref, ...rest } = o;
    const target = defs[($ref as string).slice('#/definitions/'.length)];
    const resolved = inline(target ?? {}, defs, depth + 1) as Record<string, unknown>;
    return Object.keys(rest).length ? { allOf: [resolved, inline(rest, defs, depth)] } : resolved;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, inline(v, defs, depth)]));
}

/** JSON Schemas of the `_tally_*` fields, from the envelope schema itself. */
export function metadataProperties(): Record<string, unknown> {
  const env = loadSchema('envelope.schema.json');
  const props = env['properties'] as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === 'record' || k === 'envelope_version') continue;
    out[META_PREFIX + k] = v;
  }
  return out;
}

export function streamSchema(entitySchema: Record<string, unknown> | undefined, title: string): Record<string, unknown> {
  const base = entitySchema ? (JSON.parse(JSON.stringify(entitySchema)) as Record<string, unknown>) : { type: 'object' };
  delete base['$schema'];
  delete base['$id'];
  delete base['title'];
  const schema: Record<string, unknown> = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    additionalProperties: true,
    required: [`${META_PREFIX}record_id`],
    properties: { ...metadataProperties() },
  };
  // The entity's own fields beside the metadata; an `allOf` (a canonical master) keeps its rules.
  const props = (base['properties'] ?? {}) as Record<string, unknown>;
  Object.assign(schema['properties'] as Record<string, unknown>, props);
  const rest = { ...base };
  delete rest['properties'];
  delete rest['type'];
  delete rest['additionalProperties'];
  delete rest['required'];
  if (Array.isArray(base['required'])) (schema['required'] as string[]).push(...(base['required'] as string[]));
  if (Object.keys(rest).length) schema['allOf'] = [rest];
  return schema;
}

export interface DiscoveredStream {
  name: string;
  namespace: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: ['full_refresh', 'incremental'];
  source_defined_cursor: true;
  default_cursor_field: string[];
  source_defined_primary_key: string[][];
  is_resumable: true;
}

/** The first line of a CSV file, decoded the way a run decodes it, split on the stream's delimiter. */
async function csvHeader(source: Source, file: RemoteFile, delimiter: string): Promise<string[] | undefined> {
  let rs: Readable = await source.open(file);
  const chunks: Buffer[] = [];
  let got = 0;
  let first = true;
  try {
    for await (const c0 of rs as AsyncIterable<Buffer>) {
      if (first && isGzip(c0)) {
        rs.destroy();
        rs = (await source.open(file)).pipe(createGunzip());
        first = false;
        chunks.length = 0;
        got = 0;
        for await (const c of rs as AsyncIterable<Buffer>) {
          chunks.push(c);
          got += c.length;
          if (got >= 65536) break;
        }
        break;
      }
      first = false;
      chunks.push(c0);
      got += c0.length;
      if (got >= 65536) break;
    }
  } finally {
    rs.destroy();
  }
  const head = Buffer.concat(chunks);
  const enc = sniffEncoding(head);
  const text = new TextDecoder(enc.encoding === '8bit' ? 'utf-8' : enc.encoding).decode(head.subarray(enc.bom));
  const line = text.split(/\r?\n/, 1)[0];
  if (!line) return undefined;
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) (cells.push(cur.trim()), (cur = '')), (i += delimiter.length - 1);
    else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

function isCsvKey(key: string): boolean {
  return /\.(csv|txt)(\.gz)?$/i.test(key);
}
function isXmlKey(key: string): boolean {
  return /\.xml(\.gz)?$/i.test(key);
}

export async function discover(config: Config, source: Source, schemaStore: DocStore, log: Logger): Promise<DiscoveredStream[]> {
  const registry = new SchemaRegistry(schemaStore, config.tenant_id, toJsonSchema);
  const canonical = canonicalDefinitions();
  const allDefs = (loadSchema('tally-streams.schema.json')['definitions'] ?? {}) as Record<string, unknown>;
  const files: RemoteFile[] = [];
  for await (const f of source.list()) files.push(f);
  const out: DiscoveredStream[] = [];
  for (const st of config.streams) {
    const schemas = new Map<string, Record<string, unknown> | undefined>();
    for (const [entity, v] of await registry.entities(st.id)) schemas.set(entity, v.json_schema);
    const m = compileMatcher(st.patterns);
    const mine = files.filter((f) => m(f.key));
    // An auto stream offers the Tally XML entities when it holds XML files, or (none landed yet) when its patterns do not name CSV files only.
    const csvOnly = st.patterns.every((p) => /\.(csv|txt)(\.gz)?$/i.test(p));
    const xml = st.format === 'xml' || (st.format === 'auto' && (mine.some((f) => isXmlKey(f.key)) || (mine.length === 0 && !csvOnly)));
    if (xml) for (const [entity, def] of Object.entries(canonical)) if (!schemas.has(entity)) schemas.set(entity, inline(def, allDefs) as Record<string, unknown>);
    if (st.format === 'csv' || st.format === 'auto') await csvEntities(st, mine, source, config, log, schemas);
    for (const [entity, schema] of [...schemas].sort(([a], [b]) => a.localeCompare(b))) {
      out.push({
        name: entity,
        namespace: st.id,
        json_schema: streamSchema(schema, `${st.id}.${entity}`),
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: CURSOR_FIELD,
        source_defined_primary_key: PRIMARY_KEY,
        is_resumable: true,
      });
    }
  }
  return out;
}

async function csvEntities(st: ResolvedStream, files: RemoteFile[], source: Source, config: Config, log: Logger, schemas: Map<string, Record<string, unknown> | undefined>): Promise<void> {
  if (st.entity) {
    if (!schemas.has(st.entity)) schemas.set(st.entity, undefined);
    return;
  }
  let looked = 0;
  for (const f of files) {
    if (st.format === 'auto' && !isCsvKey(f.key)) continue;
    if (++looked > 500) break; // a header per file is cheap, but not unbounded
    try {
      const header = await csvHeader(source, f, st.csv.delimiter);
      if (!header) continue;
      const entity = csvEntity(f.key, header, config.privacy.clear_names);
      if (!schemas.has(entity)) schemas.set(entity, undefined);
    } catch (e) {
      log.warn({ event: 'discover_header_failed', stream_id: st.id, err: errorMessage(e) }, 'a CSV file could not be opened to name its entity; it is left out of the catalog');
    }
  }
}
