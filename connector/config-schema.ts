import { S3_CONNECTION_SCHEMA } from './clients/s3.js';
import { SFTP_CONNECTION_SCHEMA } from './clients/sftp.js';
import { SINKS, SOURCES, STORES } from './components.js';
import type { ComponentSchema } from './component.js';

/**
 * The config JSON Schema, assembled from the top-level fields below and the components' own
 * fragments (components.ts). `schemas/config.schema.json` is this schema written out (a test keeps
 * the two equal; `make schemas` rewrites the file). Defaults live here and only here: the config
 * loader validates with ajv `useDefaults`, so code reads every field as present.
 *
 * Draft 2019-09: a component extends the shared S3/SFTP connection fields with `$ref` beside its
 * own `properties`, closed by `unevaluatedProperties: false`; each family is a `oneOf` with a
 * `discriminator` on `type`, so errors (and defaults) come from the one branch `type` selects.
 */

export const CONFIG_SCHEMA_ID = 'https://tally-connector.local/schemas/config.schema.json';

function component(type: string, s: ComponentSchema): Record<string, unknown> {
  return {
    type: 'object',
    ...(s.description ? { description: s.description } : {}),
    ...(s.$ref ? { $ref: s.$ref } : {}),
    required: ['type', ...(s.required ?? [])],
    properties: { type: { const: type }, ...s.properties },
    unevaluatedProperties: false,
  };
}

function family(name: string, table: Record<string, { schema: ComponentSchema }>): { defs: Record<string, unknown>; ref: Record<string, unknown> } {
  const defs: Record<string, unknown> = {};
  for (const [type, c] of Object.entries(table)) defs[`${type}${name}`] = component(type, c.schema);
  return {
    defs,
    ref: { type: 'object', required: ['type'], discriminator: { propertyName: 'type' }, oneOf: Object.keys(defs).map((d) => ({ $ref: `#/$defs/${d}` })) },
  };
}

const DRIFT_ACTION = { enum: ['evolve', 'alert', 'quarantine', 'fail'] };

export function buildConfigSchema(): Record<string, unknown> {
  const sources = family('Source', SOURCES);
  const sinks = family('Sink', SINKS);
  const stores = family('Store', STORES);
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: CONFIG_SCHEMA_ID,
    title: 'Tally landing connector configuration',
    description:
      'One file (YAML or JSON) per tenant and connector. Relative paths are resolved from the folder that holds the config file. Secrets are never written here: S3 credentials come from the standard AWS chain, SFTP keys and passwords from a file or an environment variable.',
    type: 'object',
    additionalProperties: false,
    required: ['tenant_id', 'connector_id', 'source', 'streams', 'state', 'sink'],
    properties: {
      tenant_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Tenant identifier; becomes part of every envelope, state key and output path.' },
      connector_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Connector instance identifier, e.g. tally_file_dump.' },
      source: { description: 'Where the exports land.', ...sources.ref },
      streams: { type: 'array', minItems: 1, description: 'Each stream selects files by glob; a file is read once per stream that matches it.', items: { $ref: '#/$defs/stream' } },
      state: { description: 'The state registry that holds committed checkpoints.', ...stores.ref },
      schema_registry: { description: 'Where stream schemas and drift alerts live. Defaults to a `schemas` folder beside the local state, or the `schemas` prefix beside the state in its bucket.', ...stores.ref },
      sink: { description: 'Where envelopes go.', ...sinks.ref },
      dead_letter: {
        description:
          'Rejected rows (malformed CSV rows, rows failing the registered schema), staged and delivered with their file like the envelopes. A local folder (`{ path }` in the config) or a bucket (`{ type: s3, ... }`, the same fields as the S3 sink). Defaults to `<sink.path>/_dead_letter` for the folder sink, `<sink.prefix>_dead_letter/` in the sink\'s bucket for the S3 sink, or `./dead_letter` beside the config for the stdout sink.',
        if: { type: 'object', required: ['type'], properties: { type: { const: 's3' } } },
        then: { $ref: '#/$defs/s3Sink' },
        else: { $ref: '#/$defs/localDeadLetter' },
      },
      audit: {
        description:
          'The audit log: one JSON line per run start and end and per file access, owner-only, no secrets, file names only with privacy.clear_names (schemas/audit.schema.json). A local folder (`{ path }`, one file per day) or a bucket (`{ type: s3, ... }`, the fields of the S3 sink; one object per run). Defaults to an `audit` folder beside the local state, or the `audit/` prefix beside the state in its bucket.',
        if: { type: 'object', required: ['type'], properties: { type: { const: 's3' } } },
        then: { $ref: '#/$defs/s3Sink' },
        else: { $ref: '#/$defs/localDeadLetter' },
      },
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4, description: 'Files in flight at once: overlaps reads, writes and fsyncs, which is what many small files need.' },
      workers: {
        oneOf: [{ const: 'auto' }, { type: 'integer', minimum: 1, maximum: 64 }],
        default: 'auto',
        description: 'Threads that parse files: `auto` is the core count, 1 parses on the main thread as before. A run with several files to read spreads them over at most this many threads (and at most `concurrency`); a large CSV can be cut into parts parsed on several threads (split_csv_min_bytes); Parquet outputs are converted on up to this many threads. Output is byte-identical either way.',
      },
      split_csv_min_bytes: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description: 'Off (0) by default. A CSV at least this large (UTF-8 with a byte order mark, not gzip, without change capture) is cut at row boundaries as it is read and parsed on every thread, with the same records, record ids, lines and dead letters as one pass. Envelope outputs (NDJSON, stdout, S3): ranges of about 1 MiB handed to free threads and written in order as they come back; typed outputs: one part per thread, from a local file. Measured on 2 cores it is slower than one pass (about 1.1-1.2x the wall for 1.6-1.7x the CPU: the main thread\'s cut scan, copies and per-range set-up) for about 80 MB more memory: worth trying with more cores.',
      },
      privacy: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          clear_names: { type: 'boolean', default: false, description: 'Show clear file paths in logs, alerts and summaries. Off by default: a stable hash of the path is shown instead.' },
          hash_key_env: { type: 'string', description: 'Name of an environment variable holding a secret key; when set, file ids are HMAC-SHA256 of the path under that key instead of plain SHA-256.' },
        },
      },
      limits: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: 'Limits against hostile or broken input. A file that exceeds one fails with E_LIMIT; the run goes on.',
        properties: {
          max_file_bytes: { type: 'integer', minimum: 1, default: Number.MAX_SAFE_INTEGER, description: 'Largest raw file accepted (default: no limit).' },
          max_row_bytes: { type: 'integer', minimum: 1024, default: 16777216, description: 'Largest CSV row or XML object, in bytes of text (default 16 MiB).' },
          max_xml_depth: { type: 'integer', minimum: 8, default: 64 },
          max_fields: { type: 'integer', minimum: 1, default: 4096, description: 'Most CSV columns or fields in one XML object.' },
          max_buffered_master_bytes: { type: 'integer', minimum: 1024, default: 268435456, description: 'Masters are de-duplicated per file by GUID before they are emitted; this bounds the memory that takes, counted as twice the UTF-8 bytes of the masters held (default 256 MiB).' },
          max_decompression_ratio: { type: 'integer', minimum: 1, default: 200, description: 'A .gz whose output exceeds this multiple of its input is refused as a likely zip bomb.' },
          memory_ceiling_bytes: {
            type: 'integer',
            minimum: 67108864,
            default: 3221225472,
            description:
              'The memory one run may use (default 3 GiB: the 4 GiB task in infra/, less what Node and the OS take). It is shared by the files in flight: each file\'s row and master-buffer limits are capped at its share (the ceiling divided by concurrency), and no new file starts while the process is above three quarters of it.',
          },
        },
      },
      log_level: { type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
      run: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          progress_interval_ms: { type: 'integer', minimum: 100, default: 5000, description: 'How often a long file logs its progress.' },
          stale_after_minutes: {
            type: 'integer',
            minimum: 1,
            default: 360,
            description: 'Longer than any run takes. Temp files (staged outputs, half-written registry documents) of a run that is gone are removed by the next run: at once when their maker ran on this host and has exited, else once they are older than this.',
          },
          fail_fast: { type: 'boolean', default: false, description: 'Stop the run at the first failed file instead of going on with the others.' },
          lease_ttl_seconds: {
            type: 'integer',
            minimum: 5,
            default: 300,
            description: 'A run leases each stream it works on (per shard with --shard) in the state registry and renews the lease every third of this; another run finding a live lease skips the stream (streams_busy, exit 7). A lease not renewed for this long (its run was killed) is taken over.',
          },
        },
      },
    },
    $defs: {
      s3Connection: S3_CONNECTION_SCHEMA,
      sftpConnection: SFTP_CONNECTION_SCHEMA,
      ...sources.defs,
      ...stores.defs,
      ...sinks.defs,
      localDeadLetter: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { const: 'local' },
          path: { type: 'string', minLength: 1, description: 'Folder; same layout as the folder sink.' },
        },
      },
      stream: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        anyOf: [{ required: ['pattern'] }, { required: ['patterns'] }],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' },
          pattern: { type: 'string', minLength: 1, description: 'Glob on the path relative to the landing root, case-insensitive. A .gz copy of a matching file matches too.' },
          patterns: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          format: { enum: ['auto', 'xml', 'csv'], default: 'auto', description: 'auto detects from content.' },
          entity: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'For CSV: the entity name to use instead of the one derived from the file name or header.' },
          csv: {
            type: 'object',
            additionalProperties: false,
            default: {},
            properties: { delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',' } },
          },
          changes: {
            type: 'object',
            additionalProperties: false,
            description:
              'Change capture by GUID and ALTERID: each object (a voucher with its lines, a master, a CSV row keyed by its guid column) is compared with the key index in the state registry and delivered with op insert or update; unchanged objects and stale ones (an older export landing late) are left out (emit: changes), and deletes come as one envelope per key. Files of the stream are applied one at a time, in the order of their paths.',
            properties: {
              deletes: {
                enum: ['none', 'full', 'period'],
                default: 'none',
                description:
                  'none: inserts and updates only. full: each file is a full snapshot of its company\'s objects, so keys it lacks are deleted (unless the snapshot is older than the index). period: keys whose voucher date lies inside the span of the file\'s voucher dates and that the file lacks are deleted. Objects marked deleted in the export (ACTION="Delete", ISDELETED Yes) are deletes in every mode.',
              },
              emit: { enum: ['changes', 'all'], default: 'changes', description: 'changes: only inserts, updates and deletes. all: every row, with its op (unchanged and stale rows included, as op unchanged / stale).' },
            },
          },
          after_commit: {
            enum: ['keep', 'archive', 'delete'],
            default: 'keep',
            description:
              'What `run` does with a landed file once its checkpoint is committed: keep it (the default), archive it (move it under source.archive_to, keeping its relative path) or delete it. Never for a file that failed, was refused or is held by drift, never in `read`, and only while the landing still holds the bytes that were read. Every move or delete is in the audit log.',
          },
          drift: {
            type: 'object',
            additionalProperties: false,
            default: {},
            description: 'What happens to a file whose shape differs from the registered schema.',
            properties: {
              compatible: { ...DRIFT_ACTION, default: 'evolve' },
              breaking: { ...DRIFT_ACTION, default: 'quarantine' },
            },
          },
        },
      },
    },
  };
}

let built: Record<string, unknown> | undefined;
/** The assembled schema (built once). Callers must not mutate it. */
export function configSchema(): Record<string, unknown> {
  return (built ??= buildConfigSchema());
}
