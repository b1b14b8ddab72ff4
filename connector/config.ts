import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConnectorError } from './errors.js';
import { formatAjvErrors, loadSchema, validatorFor } from './schemas.js';

export type DriftAction = 'evolve' | 'alert' | 'quarantine' | 'fail';

/** Where in S3 (or an S3-compatible store), and how requests are made: shared by every S3 component. */
interface S3Place {
  type: 's3';
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  force_path_style?: boolean;
  allow_http_for_local_development?: boolean;
  max_attempts?: number;
  retry_mode?: 'standard' | 'adaptive';
}

export interface LocalSourceConfig { type: 'local'; path: string; settle_seconds?: number }
export interface S3SourceConfig extends S3Place {
  page_size?: number;
  settle_seconds?: number;
}
export interface SftpSourceConfig {
  type: 'sftp';
  host: string;
  port?: number;
  username: string;
  private_key_file?: string;
  private_key_env?: string;
  passphrase_env?: string;
  password_file?: string;
  password_env?: string;
  root: string;
  host_key_sha256: string;
  settle_seconds?: number;
  read_chunk_bytes?: number;
  max_attempts?: number;
  connect_timeout_ms?: number;
}
export type SourceConfig = LocalSourceConfig | S3SourceConfig | SftpSourceConfig;

export interface LocalStoreConfig { type: 'local'; path: string }
export interface S3StoreConfig extends S3Place {
  kms_key_id?: string;
}
export type StoreConfig = LocalStoreConfig | S3StoreConfig;

export interface StreamConfig {
  id: string;
  pattern?: string;
  patterns?: string[];
  format?: 'auto' | 'xml' | 'csv';
  entity?: string;
  csv?: { delimiter?: string };
  drift?: { compatible?: DriftAction; breaking?: DriftAction };
}

/** NDJSON objects in a bucket, uploaded when each input file is complete (sinks/s3.ts). */
export interface S3SinkConfig extends S3Place {
  kms_key_id?: string;
}
export type SinkConfig = { type: 'ndjson'; path: string } | { type: 'stdout' } | S3SinkConfig;
/** Where rejected rows go: a local folder (`{ path }` in the config) or a bucket and prefix. */
export type DeadLetterConfig = { type: 'local'; path: string } | S3SinkConfig;

export interface Limits {
  max_file_bytes: number;
  max_row_bytes: number;
  max_xml_depth: number;
  max_fields: number;
  max_buffered_master_bytes: number;
  max_decompression_ratio: number;
}

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
  concurrency: number;
  privacy: { clear_names: boolean; hash_key_env?: string };
  limits: Limits;
  log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  run: { progress_interval_ms: number; fail_fast: boolean };
}

export interface ResolvedStream extends StreamConfig {
  patterns: string[];
  format: 'auto' | 'xml' | 'csv';
  drift: { compatible: DriftAction; breaking: DriftAction };
}

export const DEFAULT_LIMITS: Limits = {
  max_file_bytes: Number.MAX_SAFE_INTEGER,
  max_row_bytes: 16 * 1024 * 1024,
  max_xml_depth: 64,
  max_fields: 4096,
  max_buffered_master_bytes: 256 * 1024 * 1024,
  max_decompression_ratio: 200,
};

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

/** Validate an already-parsed config object. `file` anchors relative paths. */
export function resolveConfig(raw: unknown, file: string): Config {
  const validate = validatorFor('config.schema.json');
  if (!validate(raw)) {
    const lines = formatAjvErrors(validate.errors, raw);
    throw new ConnectorError('E_CONFIG', `${file}: invalid config:\n  - ${lines.join('\n  - ')}`, {
      hint: 'the full list of fields is in schemas/config.schema.json; `tally-connector spec` prints it',
    });
  }
  const c = raw as Record<string, any>;
  const base = file === '<inline>' ? process.cwd() : dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  const source: SourceConfig = { ...c.source };
  if (source.type === 'local') source.path = abs(source.path);
  if (source.type === 'sftp') {
    if (source.private_key_file) source.private_key_file = abs(source.private_key_file);
    if (source.password_file) source.password_file = abs(source.password_file);
    if (!source.private_key_file && !source.private_key_env && !source.password_file && !source.password_env) {
      throw new ConnectorError('E_CONFIG', `${file}: invalid config:\n  - source: an SFTP source needs one of private_key_file, private_key_env, password_file, password_env`);
    }
  }
  const state: StoreConfig = { ...c.state };
  if (state.type === 'local') state.path = abs(state.path);
  let schemaRegistry: StoreConfig;
  if (c.schema_registry) {
    schemaRegistry = { ...c.schema_registry };
    if (schemaRegistry.type === 'local') schemaRegistry.path = abs(schemaRegistry.path);
  } else if (state.type === 'local') {
    schemaRegistry = { type: 'local', path: resolve(state.path, 'schemas') };
  } else {
    schemaRegistry = { ...state, prefix: joinPrefix(state.prefix ?? '', 'schemas') };
  }
  const sink: SinkConfig =
    c.sink.type === 'ndjson' ? { type: 'ndjson', path: abs(c.sink.path) } : c.sink.type === 's3' ? { ...c.sink } : { type: 'stdout' };
  // Dead letters: as configured (a folder, or `type: s3`), else beside the output: `<sink>/_dead_letter`
  // for a folder, `<prefix>_dead_letter/` in the sink's bucket, `./dead_letter` for stdout.
  const deadLetter: DeadLetterConfig =
    c.dead_letter?.type === 's3'
      ? { ...c.dead_letter }
      : c.dead_letter?.path
        ? { type: 'local', path: abs(c.dead_letter.path) }
        : sink.type === 'ndjson'
          ? { type: 'local', path: resolve(sink.path, '_dead_letter') }
          : sink.type === 's3'
            ? { ...sink, prefix: joinPrefix(sink.prefix ?? '', '_dead_letter/') }
            : { type: 'local', path: abs('dead_letter') };

  const ids = new Set<string>();
  const streams = (c.streams as StreamConfig[]).map((s): ResolvedStream => {
    if (ids.has(s.id)) throw new ConnectorError('E_CONFIG', `${file}: invalid config:\n  - streams: stream id "${s.id}" is used twice`);
    ids.add(s.id);
    return {
      ...s,
      patterns: s.patterns ?? [s.pattern as string],
      format: s.format ?? 'auto',
      drift: { compatible: s.drift?.compatible ?? 'evolve', breaking: s.drift?.breaking ?? 'quarantine' },
    };
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
    concurrency: c.concurrency ?? 4,
    privacy: { clear_names: c.privacy?.clear_names ?? false, ...(c.privacy?.hash_key_env ? { hash_key_env: c.privacy.hash_key_env } : {}) },
    limits: { ...DEFAULT_LIMITS, ...(c.limits ?? {}) },
    log_level: c.log_level ?? 'info',
    run: { progress_interval_ms: c.run?.progress_interval_ms ?? 5000, fail_fast: c.run?.fail_fast ?? false },
  };
}

function joinPrefix(a: string, b: string): string {
  if (!a) return b;
  return a.endsWith('/') ? a + b : a + '/' + b;
}

/** The config JSON Schema (what `spec` prints). */
export function configSchema(): Record<string, unknown> {
  return loadSchema('config.schema.json');
}
