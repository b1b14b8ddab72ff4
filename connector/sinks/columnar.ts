import { open as openFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownerTag, sweep } from '../../state/debris.js';
import { ConnectorError, errorMessage } from '../errors.js';
import { convertRowLog, divertRowLog, EXTENSION, type ColumnarFormat, type ColumnarOptions, type EntityOutput } from '../output/columnar/convert.js';
import type { Compression } from '../output/columnar/parquet.js';
import { STAGED_NAME, inDir, stageFile } from './_staged.js';
import type { CommitMeta, OutputTarget, Sink, SinkComponent } from './sink.js';

/**
 * Typed columnar outputs: Parquet or Arrow IPC files, one per input file and entity, in Hive-style
 * partitions that engines discover without configuration:
 *   tenant=<t>/stream=<s>/entity=<e>/run_date=<YYYY-MM-DD>/<file id>.<sha256:16>.parquet (or .arrow)
 * and beside them one manifest per input file, written last:
 *   tenant=<t>/stream=<s>/_manifests/run_date=<YYYY-MM-DD>/<file id>.<sha256:16>.json
 * (`run_date`, not `date`: engines that discover Hive partitions let a partition key shadow the data
 * column of the same name, and Tally's vouchers have a `date`.)
 * (schemas/manifest.schema.json: which outputs, rows per entity, the input's sha256): a reader
 * that sees the manifest knows the set is complete. Dead letters stay NDJSON.
 */

export interface ColumnarSinkFields {
  compression: Compression;
  row_group_rows: number;
  decimal_scale: number;
  parallel_min_bytes: number;
}

export const COLUMNAR_PROPERTIES = {
  compression: { enum: ['zstd', 'snappy', 'none'], default: 'zstd', description: 'Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed.' },
  row_group_rows: { type: 'integer', minimum: 1024, maximum: 1048576, default: 65536, description: 'Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB).' },
  parallel_min_bytes: {
    type: 'integer',
    minimum: 4096,
    default: 16777216,
    description: 'A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity\'s file assembled from the ranges\' row groups in order (the same rows in the same order). Default 16 MiB.',
  },
  decimal_scale: {
    type: 'integer',
    minimum: 0,
    maximum: 18,
    default: 6,
    description:
      'Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity\'s files of one type, which matters to readers that union files by name and take the first file\'s type.',
  },
} as const;

export function columnarPath(tenantId: string, t: OutputTarget, entity: string, sha256: string, format: ColumnarFormat): string {
  return `tenant=${tenantId}/stream=${t.stream_id}/entity=${entity}/run_date=${t.date}/${t.file_id}.${sha256.slice(0, 16)}${EXTENSION[format]}`;
}

export function manifestPath(tenantId: string, t: OutputTarget, sha256: string): string {
  return `tenant=${tenantId}/stream=${t.stream_id}/_manifests/run_date=${t.date}/${t.file_id}.${sha256.slice(0, 16)}.json`;
}

export interface Manifest {
  manifest_version: 1;
  tenant_id: string;
  stream_id: string;
  file_id: string;
  input_sha256: string;
  run_id: string;
  format: ColumnarFormat;
  compression: Compression | 'none';
  created_at: string;
  rows: number;
  outputs: Array<{ entity: string; uri: string; rows: number; bytes: number; columns: number; schema_version: number }>;
}

export function manifestOf(tenantId: string, t: OutputTarget, sha256: string, meta: CommitMeta, fmt: ColumnarOptions, outs: Array<EntityOutput & { uri: string }>): Manifest {
  return {
    manifest_version: 1,
    tenant_id: tenantId,
    stream_id: t.stream_id,
    file_id: t.file_id,
    input_sha256: sha256,
    run_id: meta.run_id,
    format: fmt.format,
    compression: fmt.format === 'parquet' ? fmt.compression : 'none',
    created_at: new Date().toISOString(),
    rows: outs.reduce((a, o) => a + o.rows, 0),
    outputs: outs.map((o) => ({ entity: o.entity, uri: o.uri, rows: o.rows, bytes: o.bytes, columns: o.columns, schema_version: meta.versions[o.entity] ?? 0 })),
  };
}

export function requireMeta(meta: CommitMeta | undefined): CommitMeta {
  if (!meta) throw new ConnectorError('E_INTERNAL', 'a typed sink was committed without the schemas of its entities');
  return meta;
}

/** Where a typed delivery makes its files visible: a folder (rename) or a bucket (upload). */
export interface TypedPlacement {
  /** Make the staged file `tmp` visible at `rel` below the sink's root; returns its URI. */
  place(tmp: string, rel: string, contentType: string): Promise<string>;
  /** Remove what `place` made visible at `rel` (a delivery that failed midway). */
  unplace(rel: string): Promise<void>;
  /** How a failure to place is reported (default: as it was thrown). */
  placeError?(e: unknown): Error;
}

const CONTENT_TYPE: Record<ColumnarFormat, string> = { parquet: 'application/vnd.apache.parquet', arrow: 'application/vnd.apache.arrow.file' };

/**
 * One input file's typed delivery, the same for every place: the staged row log converted into one
 * file per entity (in `staging`), each placed, then the manifest, last. A failure removes what was
 * already placed (no object, no manifest, no checkpoint) and every temp file, then rethrows.
 */
export async function deliverTyped(
  staged: string[],
  meta: CommitMeta,
  fmt: ColumnarOptions,
  tenantId: string,
  t: OutputTarget,
  sha256: string,
  staging: string,
  fsync: boolean,
  where: TypedPlacement,
): Promise<{ uri: string; bytes: number }> {
  const tag = ownerTag();
  let outs: EntityOutput[];
  try {
    outs = await convertRowLog(staged, meta, fmt, (i) => join(staging, `${tag}-${i}.tmp`), fsync, meta.skip);
  } finally {
    await Promise.all(staged.map((f) => rm(f, { force: true })));
  }
  const mtmp = join(staging, `${tag}-m.tmp`);
  const placed: string[] = [];
  try {
    const done: Array<EntityOutput & { uri: string }> = [];
    for (const o of outs) {
      const rel = columnarPath(tenantId, t, o.entity, sha256, fmt.format);
      const uri = await where.place(o.tmp, rel, CONTENT_TYPE[fmt.format]);
      placed.push(rel);
      done.push({ ...o, uri });
    }
    const fh = await openFile(mtmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(manifestOf(tenantId, t, sha256, meta, fmt, done), null, 1) + '\n');
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    const uri = await where.place(mtmp, manifestPath(tenantId, t, sha256), 'application/json');
    return { uri, bytes: outs.reduce((a, o) => a + o.bytes, 0) };
  } catch (e) {
    await Promise.all(placed.map((rel) => where.unplace(rel).catch(() => {})));
    throw where.placeError ? where.placeError(e) : e;
  } finally {
    await Promise.all([...outs.map((o) => rm(o.tmp, { force: true })), rm(mtmp, { force: true })]);
  }
}

export interface FolderColumnarConfig extends ColumnarSinkFields {
  type: 'parquet' | 'arrow';
  path: string;
}

function folderComponent(type: 'parquet' | 'arrow'): SinkComponent<FolderColumnarConfig> {
  return {
    type,
    schema: {
      required: ['path'],
      description:
        type === 'parquet'
          ? 'Parquet files in a local folder, one per input file and entity: tenant=<t>/stream=<s>/entity=<e>/run_date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.parquet, typed from the schema registry (DECIMAL(38,s), DATE, BOOLEAN, BIGINT, UTF8, JSON), with a manifest per input file under _manifests/.'
          : 'Arrow IPC files (.arrow) in a local folder, one per input file and entity, in the Parquet layout, typed from the schema registry (Decimal128(38,s), DateDay, Bool, Int64, Utf8), with a manifest per input file under _manifests/.',
      properties: {
        path: { type: 'string', minLength: 1, description: 'Folder.' },
        ...COLUMNAR_PROPERTIES,
      },
    },
    paths: ['path'],
    async create(cfg, ctx) {
      return createFolderColumnarSink(cfg, ctx.tenantId, ctx.threads);
    },
  };
}

export const parquetSink = folderComponent('parquet');
export const arrowSink = folderComponent('arrow');

/**
 * The folder variant: the file's rows staged as a row log in `<root>/.staging`, converted on commit
 * into staged typed files, fsynced, renamed into place, then the manifest. If anything
 * fails, whatever was already renamed is removed again: no partial set stays visible (a crash in
 * between leaves the file `delivering`, and its next delivery overwrites the same names).
 */
function createFolderColumnarSink(cfg: FolderColumnarConfig, tenantId: string, threads: number | undefined): Sink {
  const root = cfg.path;
  const staging = join(root, '.staging');
  const fmt: ColumnarOptions = { format: cfg.type, compression: cfg.compression, rowGroupRows: cfg.row_group_rows, decimalScale: cfg.decimal_scale, parallelMinBytes: cfg.parallel_min_bytes, ...(threads ? { threads } : {}) };
  return {
    kind: cfg.type,
    rowFormat: 'rowlog',
    async open(t) {
      return stageFile(
        staging,
        async (tmp, _bytes, sha, m, parts) => {
          return deliverTyped([tmp, ...parts], requireMeta(m), fmt, tenantId, t, sha, staging, true, {
            async place(src, rel) {
              const dest = join(root, rel);
              await inDir(join(dest, '..'), () => rename(src, dest));
              return pathToFileURL(dest).href;
            },
            async unplace(rel) {
              await rm(join(root, rel), { force: true });
            },
            placeError: (e) => new ConnectorError('E_SINK', `the ${fmt.format} outputs could not be placed: ${errorMessage(e)}`, { cause: e, retryable: true }),
          });
        },
        // The staged row log is an intermediate; the typed files are fsynced before they are renamed.
        { fsync: false, parts: true, withhold: async (tmp, checks, parts) => divertRowLog([tmp, ...parts], checks) },
      );
    },
    async sweep(maxAgeMs: number) {
      return sweep(staging, STAGED_NAME, maxAgeMs);
    },
    async close() {},
  };
}
