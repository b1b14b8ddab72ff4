import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { rm } from 'node:fs/promises';
import type { Shape } from '../../../state/types.js';
import { ConnectorError, errorMessage, type ErrorCode } from '../../errors.js';
import type { ArrowWriter as ArrowWriterT } from './arrow.js';
import { compressorFor } from './codecs.js';
import { asyncCompressor, compressionBacklog, compressionDrained } from './compress-pool.js';
import { columnsFor, type ColumnSink, type ColumnSpec } from './columns.js';
import { readRowLog, recordId, rowRecord, type LogFile, type LogRow } from '../row-log.js';
import { ParquetWriter, assembleParquet, type Compression, type Compressor, type SegmentMeta } from './parquet.js';

/**
 * The typed outputs of one input file: its staged envelopes (the NDJSON the row seam wrote, after
 * the drift decision) read once, each entity's rows into its own Parquet or Arrow file, typed by
 * the entity's registered shape. Row groups (record batches) are flushed as they fill and a budget
 * across entities bounds what is buffered, so memory does not grow with the input.
 */

export type ColumnarFormat = 'parquet' | 'arrow';

export interface ColumnarOptions {
  format: ColumnarFormat;
  compression: Compression;
  rowGroupRows: number;
  /** Least scale of decimal columns. */
  decimalScale: number;
  /** Rows staged in at least twice this many bytes are converted on several threads (Parquet). */
  parallelMinBytes?: number;
  /** At most this many threads convert (the run's `workers`; default: the cores). */
  threads?: number;
}

export interface EntityOutput {
  entity: string;
  /** The local file written (still private: the sink makes it visible). */
  tmp: string;
  rows: number;
  bytes: number;
  columns: number;
}

/**
 * Bytes buffered across all entities of a file before the largest row group is flushed early.
 * Halving these from 32 and 16 MiB took about 25 MB off the peak RSS of the bench's CSV and XML
 * Parquet runs at the same speed (3 pairs each, 2026-12-03): the row groups are still megabytes.
 */
const BUDGET_BYTES = 16 << 20;
/** Uncompressed page bytes waiting for the compression thread before the reader waits for it. */
const BACKLOG_BYTES = 16 << 20;
const PER_WRITER_BYTES = 8 << 20;
/**
 * A conversion thread's young generation: V8's default (48 MB here) only holds more short-lived
 * garbage before a scavenge, and the thread's cells live briefly. With 24 the XML Parquet run's peak
 * RSS fell from about 306 to 275 MB at the same speed (with the halved budget above).
 */
const CONVERT_YOUNG_MB = 24;

interface Writer {
  /** Promises (async compression) are the writer's backpressure: await them. */
  append(e: unknown): unknown;
  readonly sinks: readonly ColumnSink[];
  beginRow(): void;
  endRow(): unknown;
  buffered(): number;
  readonly rowCount: number;
  close(): number | Promise<number>;
  discard(): void;
  flushRowGroup(): unknown;
}

export const EXTENSION: Record<ColumnarFormat, string> = { parquet: '.parquet', arrow: '.arrow' };

/** Where each cell of an entity's rows goes: the column of its key, and the record columns it leaves null. */
interface CellPlan {
  keys: string[];
  map: Int32Array;
  nulls: number[];
}

function planFor(columns: ColumnSpec[], keys: string[]): CellPlan {
  const byKey = new Map<string, number>();
  columns.forEach((c, j) => {
    if (c.key !== undefined) byKey.set(c.key, j);
  });
  const map = new Int32Array(keys.length);
  const covered = new Set<number>();
  keys.forEach((k, i) => {
    const j = byKey.get(k);
    if (j === undefined) throw new Error(`no column for field ${k}`);
    map[i] = j;
    covered.add(j);
  });
  const nulls: number[] = [];
  columns.forEach((c, j) => {
    if (c.key !== undefined && !covered.has(j)) nulls.push(j);
  });
  return { keys, map, nulls };
}

/** Metadata column positions (columns.ts META order); `quality` follows them when present. */
const M = { tenant: 0, connector: 1, stream: 2, entity: 3, record_id: 4, file_id: 5, ordinal: 6, line: 7, version: 8, run: 9, emitted: 10, quality: 11 } as const;

/**
 * The typed outputs of a file staged as a row log (output/row-log.ts): the same outputs as from
 * envelopes, without JSON in between. `skip` names the ordinals withheld by the drift decision.
 */
export async function convertRowLog(
  logs: string[],
  meta: DecidedMeta,
  o: ColumnarOptions,
  tmpFor: (i: number) => string,
  fsync: boolean,
  skip?: ReadonlySet<number>,
): Promise<EntityOutput[]> {
  const threads = Math.min(o.threads ?? availableParallelism(), MAX_THREADS);
  if (o.format === 'parquet' && threads >= 2) {
    // A large log: its rows converted in ranges side by side, the files assembled in order.
    const total = logs.reduce((a, f) => a + statSync(f).size, 0);
    const n = Math.min(threads, Math.floor(total / (o.parallelMinBytes ?? PARALLEL_MIN_BYTES)));
    if (n >= 2) {
      const done = await convertParts(logs, total, n, meta, o, tmpFor, fsync, skip);
      if (done) return done;
    }
  }
  return convertLogs(logs, meta, o, tmpFor, fsync, skip);
}

/** A row log at least twice this large is converted on several threads, each range at least this large. */
export const PARALLEL_MIN_BYTES = 16 << 20;
const MAX_THREADS = 8;
/** The range the main thread converts is this much smaller: the other threads start their modules first. */
const HEAD_START = 0.9;

export interface DecidedMeta {
  shapes: Record<string, Shape>;
  versions: Record<string, number>;
}

/** One entity's segment of a part (convert-worker.ts). */
export interface PartOutput extends EntityOutput {
  spec: string;
  segment: SegmentMeta;
}

/**
 * Ranges of the log converted side by side: the first here, the others on worker threads, each
 * into Parquet segments (row groups), then each entity's file assembled from its segments in
 * order: the same rows in the same order as one pass, in row groups also cut where a range ends.
 * Undefined when the ranges typed an entity's columns differently (then one pass does it).
 */
async function convertParts(logs: string[], total: number, n: number, meta: DecidedMeta, o: ColumnarOptions, tmpFor: (i: number) => string, fsync: boolean, skip: ReadonlySet<number> | undefined): Promise<EntityOutput[] | undefined> {
  const script = convertWorkerScript();
  if (!existsSync(script)) return undefined;
  // Range boundaries over the logs taken end to end (the first range a little smaller).
  const share = total / (n - 1 + HEAD_START);
  const cuts = [0, ...Array.from({ length: n - 1 }, (_, k) => Math.floor(share * (HEAD_START + k))), total];
  const skipList = skip ? [...skip] : [];
  const jobs: Array<Promise<PartOutput[]>> = [];
  for (let k = 0; k < n; k++) {
    const job: SegmentJob = { logs, range: { from: cuts[k]!, to: cuts[k + 1]! }, threads: n, meta, o, prefix: tmpFor(10000 * (k + 1)).replace(/\.tmp$/, ''), skip: skipList };
    // The workers are started in this loop; this thread's range begins after it (a microtask).
    jobs.push(k === 0 ? Promise.resolve().then(() => convertSegments(job)) : inWorker(script, job));
  }
  const settled = await Promise.allSettled(jobs);
  const all = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  const cleanup = () => Promise.all(all.map((x) => rm(x.tmp, { force: true })));
  try {
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const order: string[] = [];
    const byEntity = new Map<string, PartOutput[]>();
    for (const r of settled as Array<PromiseFulfilledResult<PartOutput[]>>) {
      for (const x of r.value) {
        if (!byEntity.has(x.entity)) (order.push(x.entity), byEntity.set(x.entity, []));
        byEntity.get(x.entity)!.push(x);
      }
    }
    for (const segs of byEntity.values()) if (segs.some((x) => x.spec !== segs[0]!.spec)) return undefined;
    const out: EntityOutput[] = [];
    order.forEach((entity, j) => {
      const segs = byEntity.get(entity)!;
      const columns = JSON.parse(segs[0]!.spec) as ColumnSpec[];
      const tmp = tmpFor(j);
      const bytes = assembleParquet(tmp, columns, segs.map((x) => ({ path: x.tmp, meta: x.segment })), { 'tally.entity': entity }, fsync);
      out.push({ entity, tmp, rows: segs.reduce((a, x) => a + x.rows, 0), bytes, columns: columns.length });
    });
    return out;
  } catch (err) {
    throw writeFailed(o.format, err, '');
  } finally {
    await cleanup();
  }
}

/** The compiled worker script (dist/), also when the caller runs from sources. */
function convertWorkerScript(): string {
  // This file is connector/output/columnar/convert.{ts,js} in the sources or in dist/.
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${sep}dist${sep}`) ? join(here, '..', '..', '..', '..') : join(here, '..', '..', '..');
  return join(root, 'dist', 'connector', 'output', 'columnar', 'convert-worker.js');
}

function inWorker(script: string, job: SegmentJob): Promise<PartOutput[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: CONVERT_YOUNG_MB } });
    let done = false;
    w.once('message', (m: { ok: boolean; outs?: PartOutput[]; error?: string; connector?: { code: ErrorCode; hint?: string } }) => {
      done = true;
      if (m.ok) resolve(m.outs!);
      else reject(m.connector ? new ConnectorError(m.connector.code, m.error!, { retryable: true, ...(m.connector.hint ? { hint: m.connector.hint } : {}) }) : new Error(m.error));
      void w.terminate();
    });
    w.once('error', (e) => {
      if (!done) reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`the conversion thread exited with code ${code}`));
    });
  });
}

export interface SegmentJob {
  logs: string[];
  /** Bytes of the logs taken end to end: the rows whose entries start in [from, to). */
  range: { from: number; to: number };
  /** Threads converting side by side (each keeps its share of the row-group memory). */
  threads: number;
  meta: DecidedMeta;
  o: ColumnarOptions;
  prefix: string;
  skip: number[];
}

/** One range of the log as Parquet segments, one per entity, compressed on this thread. */
export async function convertSegments(job: SegmentJob): Promise<PartOutput[]> {
  const { logs, meta, o, prefix, skip } = job;
  const compress = await compressorFor(o.compression);
  const outs = await convertLogs(logs, meta, o, (i) => `${prefix}-${i}.seg.tmp`, false, skip.length ? new Set(skip) : undefined, { segment: true, range: job.range, threads: job.threads, ...(compress ? { compress } : {}) });
  return outs.map((x) => ({ ...x, spec: JSON.stringify(x.spec), segment: x.segment! }));
}

/** The outputs of one pass over the logs (`seg`: as segments, compressed on this thread). */
async function convertLogs(
  logs: string[],
  meta: DecidedMeta,
  o: ColumnarOptions,
  tmpFor: (i: number) => string,
  fsync: boolean,
  skip: ReadonlySet<number> | undefined,
  seg?: { segment: true; range: { from: number; to: number }; threads: number; compress?: Compressor },
): Promise<Array<EntityOutput & { spec?: ColumnSpec[]; segment?: SegmentMeta }>> {
  // Threads converting side by side share the memory one would use.
  const share = seg?.threads ?? 1;
  const budget = Math.floor(BUDGET_BYTES / share);
  const perWriter = Math.floor(PER_WRITER_BYTES / share);
  // apache-arrow is loaded only for Arrow outputs (a conversion thread starts faster without it).
  const ArrowWriter: typeof ArrowWriterT | undefined = o.format === 'arrow' ? (await import('./arrow.js')).ArrowWriter : undefined;
  // Pages are compressed on the worker thread (the other core) when there is something to compress.
  const compressAsync = !seg && o.format === 'parquet' && o.compression !== 'none' ? asyncCompressor(o.compression) : undefined;
  interface Open {
    w: Writer;
    tmp: string;
    columns: ColumnSpec[];
    quality: boolean;
    plan: CellPlan | undefined;
    version: number;
    entity: string;
  }
  const writers = new Map<string, Open>();
  let file: LogFile | undefined;
  const open = (r: LogRow): Open => {
    const shape = meta.shapes[r.entity];
    if (!shape) throw new Error(`no schema was decided for entity ${r.entity}`);
    const quality = r.entity === 'vouchers' || r.qe > r.qs;
    const columns = columnsFor(shape, { quality, decimalScale: o.decimalScale });
    const tmp = tmpFor(writers.size);
    const w: Writer =
      o.format === 'parquet'
        ? new ParquetWriter(tmp, columns, { compression: o.compression, ...(compressAsync ? { compressAsync } : {}), ...(seg?.compress ? { compress: seg.compress } : {}), ...(seg ? { segment: true } : {}), rowGroupRows: o.rowGroupRows, rowGroupBytes: perWriter, fsync, kv: { 'tally.entity': r.entity } })
        : new ArrowWriter!(tmp, columns, { batchRows: o.rowGroupRows, batchBytes: PER_WRITER_BYTES, fsync });
    const x: Open = { w, tmp, columns, quality, plan: undefined, version: meta.versions[r.entity] ?? 1, entity: r.entity };
    writers.set(r.entity, x);
    return x;
  };
  let entity = '';
  let ordinal = 0;
  let n = 0;
  try {
    let cur: Open | undefined;
    let idHead: Buffer | undefined;
    for (const r of readRowLogs(
      logs,
      (f) => {
        file = f;
        idHead = Buffer.from(`${f.file_id}.`);
      },
      seg?.range,
    )) {
      if (skip?.has(r.ordinal)) continue;
      entity = r.entity;
      ordinal = r.ordinal;
      if (!cur || cur.entity !== entity) cur = writers.get(entity) ?? open(r);
      const f = file!;
      if (r.keys) {
        let plan = cur.plan;
        if (!plan || plan.keys !== r.keys) plan = cur.plan = planFor(cur.columns, r.keys);
        const w = cur.w;
        w.beginRow();
        const c = w.sinks;
        c[M.tenant]!.set(f.tenant_id);
        c[M.connector]!.set(f.connector_id);
        c[M.stream]!.set(f.stream_id);
        c[M.entity]!.set(entity);
        const rid = c[M.record_id]!;
        if (rid.recordId) rid.recordId(idHead!, r.ordinal, r.hash);
        else rid.set(recordId(f.file_id, r.ordinal, r.hash));
        c[M.file_id]!.set(f.file_id);
        c[M.ordinal]!.set(r.ordinal);
        c[M.line]!.set(r.line);
        c[M.version]!.set(cur.version);
        c[M.run]!.set(f.run_id);
        c[M.emitted]!.set(f.emitted_at);
        if (cur.quality) {
          if (r.qe > r.qs) c[M.quality]!.fromJson(r.b, r.qs, r.qe);
          else c[M.quality]!.set(null);
        }
        const map = plan.map;
        for (let i = 0; i < r.n; i++) c[map[i]!]!.fromCell(r, i);
        for (const j of plan.nulls) c[j]!.set(null);
        const p = w.endRow();
        if (p) await p;
      } else {
        const p = cur.w.append({
          tenant_id: f.tenant_id,
          connector_id: f.connector_id,
          stream_id: f.stream_id,
          entity,
          record_id: recordId(f.file_id, r.ordinal, r.hash),
          source: { file_id: f.file_id, ordinal: r.ordinal, line: r.line },
          schema_version: cur.version,
          run_id: f.run_id,
          emitted_at: f.emitted_at,
          quality: r.qe > r.qs ? JSON.parse(r.b.toString('utf8', r.qs, r.qe)) : undefined,
          record: rowRecord(r),
        });
        if (p) await p;
      }
      if (compressAsync && (n & 255) === 0 && compressionBacklog() > BACKLOG_BYTES) await compressionDrained(BACKLOG_BYTES >> 1);
      if ((++n & 4095) === 0 && writers.size > 1) {
        let total = 0;
        let big: Writer | undefined;
        for (const x of writers.values()) {
          const b = x.w.buffered();
          total += b;
          if (!big || b > big.buffered()) big = x.w;
        }
        if (total > budget) await big?.flushRowGroup();
      }
    }
    const out: Array<EntityOutput & { spec?: ColumnSpec[]; segment?: SegmentMeta }> = [];
    for (const [ent, x] of writers) {
      const rows = x.w.rowCount;
      const bytes = await x.w.close();
      out.push({ entity: ent, tmp: x.tmp, rows, bytes, columns: x.columns.length, ...(seg ? { spec: x.columns, segment: (x.w as unknown as ParquetWriter).segmentMeta() } : {}) });
    }
    return out;
  } catch (err) {
    for (const x of writers.values()) x.w.discard();
    await Promise.all([...writers.values()].map((x) => rm(x.tmp, { force: true })));
    throw writeFailed(o.format, err, ` (${entity || 'row'} row ${ordinal || n + 1})`);
  }
}

/** A typed output that could not be written (`at`: where, when known), as the run reports it. */
function writeFailed(format: ColumnarFormat, err: unknown, at: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  return new ConnectorError('E_SINK', `the ${format} output could not be written${at}: ${errorMessage(err)}`, {
    cause: err,
    retryable: true,
    hint: 'nothing of this file was delivered. A decimal beyond DECIMAL(38, s) needs a smaller sink.decimal_scale; anything else is a bug (report it with the row)',
  });
}

/** The rows of a row log staged in parts (run/split-csv.ts), in order. */
function* readRowLogs(logs: string[], onFile: (f: LogFile) => void, range?: { from: number; to: number }): Generator<LogRow> {
  let base = 0;
  for (const f of logs) {
    if (!range) {
      yield* readRowLog(f, onFile);
      continue;
    }
    const size = statSync(f).size;
    // The part of the range in this file, in its own offsets.
    const from = Math.max(0, range.from - base);
    const to = Math.min(size, range.to - base);
    if (from < to) yield* readRowLog(f, onFile, { from, to });
    base += size;
    if (base >= range.to) break;
  }
}

export interface DivertedLogRow {
  entity: string;
  ordinal: number;
  line: number;
  reason: string;
  raw: string;
}

/** Rows of a row log that the drift decision withholds (checked against their registered version). */
export function divertRowLog(logs: string[], checks: Record<string, (record: unknown) => string | undefined>): DivertedLogRow[] {
  const out: DivertedLogRow[] = [];
  for (const r of readRowLogs(logs, () => {})) {
    const check = checks[r.entity];
    if (!check) continue;
    const rec = rowRecord(r);
    const reason = check(rec);
    if (reason !== undefined) out.push({ entity: r.entity, ordinal: r.ordinal, line: r.line, reason, raw: JSON.stringify(rec).slice(0, 4096) });
  }
  return out;
}
