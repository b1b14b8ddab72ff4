import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { ConnectorError } from './errors.js';
import { FAMILIES, SINKS, SOURCES, STORES, type Family, type SinkConfig, type SourceConfig, type StoreConfig } from './components.js';
import { configSchema } from './config-schema.js';
import { loadConfigValidators, type ConfigValidators } from './config-validate.js';
import { formatAjvErrors } from './schemas.js';
import { joinPrefix } from './clients/paths.js';
import type { DriftAction } from '../state/types.js';
import type { S3SinkConfig } from './sinks/s3.js';
import type { FolderSinkConfig } from './sinks/ndjson.js';
import type { AuditConfig } from './audit.js';

export { configSchema } from './config-schema.js';
export type { DriftAction } from '../state/types.js';
export type { SourceConfig, SinkConfig, StoreConfig, LocalSourceConfig, S3SourceConfig, SftpSourceConfig, S3SinkConfig, S3StoreConfig, LocalStoreConfig } from './components.js';

/** A stream, with every default applied (config-schema.ts) and `pattern` folded into `patterns`. */
export interface ResolvedStream {
  id: string;
  patterns: string[];
  format: 'auto' | 'xml' | 'csv';
  /** For CSV: the entity to use instead of the one derived from the header or the file name. */
  entity?: string;
  csv: { delimiter: string };
  drift: { compatible: DriftAction; breaking: DriftAction };
  after_commit: 'keep' | 'archive' | 'delete';
  /** Change capture (absent: every row is delivered as today). */
  changes?: { deletes: 'none' | 'full' | 'period'; emit: 'changes' | 'all' };
}

/** Where rejected rows go: a local folder or a bucket and prefix. */
export type DeadLetterConfig = FolderSinkConfig | S3SinkConfig;

export interface Limits {
  max_file_bytes: number;
  max_row_bytes: number;
  max_xml_depth: number;
  max_fields: number;
  max_buffered_master_bytes: number;
  max_decompression_ratio: number;
  memory_ceiling_bytes: number;
}

/** A validated config: every field the schema gives a default is present. */
export interface Config {
  /** Absolute path of the config file, or '<inline>'. */
  file: string;
  tenant_id: string;
  connector_id: string;
  source: SourceConfig;
  streams: ResolvedStream[];
  state: StoreConfig;
  schema_registry: StoreConfig;
  sink: SinkConfig;
  dead_letter: DeadLetterConfig;
  /** The audit log; `configured` is false when it is the default beside the state (then `read` writes none). */
  audit: { target: AuditConfig; configured: boolean };
  concurrency: number;
  /** Parsing threads (`auto`: the core count). */
  workers: number | 'auto';
  /** CSV files at least this large are split over the parsing threads (0: never). */
  split_csv_min_bytes: number;
  privacy: { clear_names: boolean; hash_key_env?: string };
  limits: Limits;
  log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  run: { progress_interval_ms: number; fail_fast: boolean; stale_after_minutes: number; lease_ttl_seconds: number };
}

let validators: ConfigValidators | undefined;

// The YAML parser is loaded for a YAML config only (tens of ms at the start of every command).
const require = createRequire(import.meta.url);
function parseYaml(text: string): unknown {
  return (require('yaml') as { parse(t: string): unknown }).parse(text);
}

/** The config validator: draft 2019-09, discriminated unions, defaults filled in (`useDefaults`); precompiled (config-validate.ts). */
function configValidator(): ValidateFunction {
  validators ??= loadConfigValidators(configSchema());
  return validators.config;
}

/**
 * One component's config fragment on its own (`{ type: 's3', bucket: ... }` as `sink`), validated
 * and with its defaults: for callers that build a component without a whole config (tests, tools).
 */
export function resolveComponentConfig<T extends { type: string }>(family: Family, input: T | Omit<T, never> | Record<string, unknown>, field: string = family): T {
  configValidator();
  const raw = structuredClone(input) as Record<string, unknown>;
  const def = `${String(raw['type'])}${family === 'store' ? 'Store' : family === 'sink' ? 'Sink' : 'Source'}`;
  const v = validators!.def(def);
  if (!v) throw invalid('<component>', [`${field}: type ${JSON.stringify(raw['type'])} is not supported`]);
  if (!v(raw)) throw invalid('<component>', formatAjvErrors(v.errors, { [field]: raw }).map((l) => `${field}${l.startsWith(':') ? '' : '.'}${l}`));
  const problem = FAMILIES[family][String(raw['type'])]?.check?.(raw as never);
  if (problem) throw invalid('<component>', [`${field}: ${problem}`]);
  return raw as T;
}

/** Read, parse and validate a config file; every problem is a ConnectorError E_CONFIG naming the field. */
export function loadConfig(file: string): Config {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConnectorError('E_CONFIG', `cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'pass --config with the path of a YAML or JSON config (see examples/local.yaml)',
    });
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(abs) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConnectorError('E_CONFIG', `${file}: not valid ${/\.json$/i.test(abs) ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return resolveConfig(raw, abs);
}

function invalid(file: string, lines: string[]): ConnectorError {
  return new ConnectorError('E_CONFIG', `${file}: invalid config:\n  - ${lines.join('\n  - ')}`, {
    hint: 'the full list of fields is in schemas/config.schema.json; `tally-connector spec` prints it',
  });
}

/**
 * Validate an already-parsed config object (a copy is taken; defaults are filled into the copy).
 * `file` anchors relative paths.
 */
export function resolveConfig(input: unknown, file: string): Config {
  const raw = structuredClone(input);
  const validate = configValidator();
  if (!validate(raw)) throw invalid(file, formatAjvErrors(validate.errors, raw, familyTypes));
  const c = raw as Record<string, any>;
  const base = file === '<inline>' ? process.cwd() : dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  /** A component's fragment: its local paths resolved, its own rule checked. */
  const fragment = <T extends { type: string }>(family: Family, field: string, cfg: T): T => {
    const comp = FAMILIES[family][cfg.type]!;
    const out: Record<string, unknown> = { ...cfg };
    for (const p of comp.paths ?? []) if (typeof out[p] === 'string') out[p] = abs(out[p] as string);
    const problem = comp.check?.(out as never);
    if (problem) throw invalid(file, [`${field}: ${problem}`]);
    return out as T;
  };

  const source = fragment<SourceConfig>('source', 'source', c.source);
  const state = fragment<StoreConfig>('store', 'state', c.state);
  const schemaRegistry: StoreConfig = c.schema_registry
    ? fragment<StoreConfig>('store', 'schema_registry', c.schema_registry)
    : state.type === 'local'
      ? { type: 'local', path: resolve(state.path, 'schemas') }
      : { ...state, prefix: joinPrefix(state.prefix, 'schemas') };
  const sink = fragment<SinkConfig>('sink', 'sink', c.sink);
  // Dead letters: as configured (a folder, or `type: s3`), else beside the output: `<sink>/_dead_letter`
  // for a folder, `<prefix>_dead_letter/` in the sink's bucket, `./dead_letter` for stdout.
  // Dead letters are NDJSON whatever the sink's format.
  const deadLetter: DeadLetterConfig =
    c.dead_letter?.type === 's3'
      ? { ...fragment<S3SinkConfig>('sink', 'dead_letter', c.dead_letter), format: 'ndjson' }
      : c.dead_letter?.path
        ? { type: 'ndjson', path: abs(c.dead_letter.path) }
        : sink.type === 'ndjson' || sink.type === 'parquet' || sink.type === 'arrow'
          ? { type: 'ndjson', path: resolve(sink.path, '_dead_letter') }
          : sink.type === 's3'
            ? { ...sink, format: 'ndjson', prefix: joinPrefix(sink.prefix, '_dead_letter/') }
            : { type: 'ndjson', path: abs('dead_letter') };

  // The audit log: as configured, else beside the state.
  const auditTarget: AuditConfig =
    c.audit?.type === 's3'
      ? fragment<S3SinkConfig>('sink', 'audit', c.audit)
      : c.audit?.path
        ? { type: 'local', path: abs(c.audit.path) }
        : state.type === 'local'
          ? { type: 'local', path: resolve(state.path, 'audit') }
          : { ...state, prefix: joinPrefix(state.prefix, 'audit/') };

  const ids = new Set<string>();
  const streams = (c.streams as Array<Record<string, any>>).map((s): ResolvedStream => {
    if (ids.has(s.id)) throw invalid(file, [`streams: stream id "${s.id}" is used twice`]);
    ids.add(s.id);
    if (s.after_commit === 'archive' && !(c.source as { archive_to?: string }).archive_to) {
      throw invalid(file, [`streams: stream "${s.id}" has after_commit: archive, but source.archive_to is not set (where to move committed files)`]);
    }
    const sinkCfg = c.sink as { type: string; format?: string };
    const typedSink = sinkCfg.type === 'parquet' || sinkCfg.type === 'arrow' || (sinkCfg.format !== undefined && sinkCfg.format !== 'ndjson');
    if (s.changes && typedSink) {
      throw invalid(file, [`streams: stream "${s.id}" has changes, which only NDJSON outputs carry so far (op and change in each envelope); use an ndjson, stdout or s3 (format: ndjson) sink for it`]);
    }
    const { pattern, patterns, ...rest } = s;
    return { ...rest, patterns: patterns ?? [pattern] } as ResolvedStream;
  });

  return {
    file,
    tenant_id: c.tenant_id,
    connector_id: c.connector_id,
    source,
    streams,
    state,
    schema_registry: schemaRegistry,
    sink,
    dead_letter: deadLetter,
    audit: { target: auditTarget, configured: c.audit !== undefined },
    concurrency: c.concurrency,
    workers: c.workers,
    split_csv_min_bytes: c.split_csv_min_bytes,
    privacy: c.privacy,
    limits: c.limits,
    log_level: c.log_level,
    run: c.run,
  };
}

/** The `type`s each union field accepts, for messages. */
const familyTypes: Record<string, string[]> = {
  source: Object.keys(SOURCES),
  state: Object.keys(STORES),
  schema_registry: Object.keys(STORES),
  sink: Object.keys(SINKS),
};
