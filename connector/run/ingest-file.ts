import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Config, Limits, ResolvedStream } from '../config.js';
import { ConnectorError, fileError, isConnectorError } from '../errors.js';
import { isGzip, sniffBinary, TextDecoderStream8 } from '../formats/decode.js';
import type { Logger } from '../log.js';
import { lineRewrite, type LineDecision } from '../output/envelope.js';
import type { DeadLetterRecord } from '../output/dead-letter.js';
import { DeadLetters } from './dead-letters.js';
import type { FieldSample, Shape } from '../drift/types.js';
import { FilePipeline, type PipelineOutput, type PipelineResult, type PipelineSpec } from './pipeline.js';
import type { PipelineHandle, WorkerPool } from './worker-pool.js';
import type { Sink } from '../sinks/sink.js';
import { SplitMismatch, rangeCsvPipeline, splitCsvPipeline, splitKind } from './split-csv.js';
import type { RemoteFile, Source } from '../sources/source.js';
import { ARCHIVE_MESSAGE } from '../sources/match.js';
import { mergeShapes } from '../drift/diff.js';
import { planChanges, type ChangeCounts, type ChangesConfig } from '../changes/capture.js';
import type { ChangeIndex } from '../../state/change-index.js';

export interface IngestContext {
  config: Config;
  /** The limits this file works under (the config's, capped at its share of the memory ceiling). */
  limits: Limits;
  stream: ResolvedStream;
  source: Source;
  sink: Sink;
  /** Folder sink for dead letters (run mode); in read mode dead letters are messages. */
  deadLetterSink: Sink | undefined;
  runId: string;
  runDate: string;
  fileId: string;
  log: Logger;
  /** `read` wraps envelopes as protocol messages. */
  wrap?: { open: string; close: string };
  deadLetterMessage?: (rec: DeadLetterRecord) => string;
  /** Schema versions registered for the stream's entities when the file starts. */
  versions: Record<string, number>;
  signal?: AbortSignal;
  /** Change capture for the stream (its `changes` config and the key index). */
  changes?: { config: ChangesConfig; index: ChangeIndex };
  /** Parsing threads (run.workers); absent: this thread parses. */
  pool?: WorkerPool;
  /** CSV files at least this large are split over the threads (default: never). */
  splitMinBytes?: number;
}

/** A file read to its end, its output staged (invisible) until `deliver`. */
export interface PreparedFile {
  file: RemoteFile;
  file_id: string;
  sha256: string;
  raw_bytes: number;
  rows: number;
  rows_rejected: number;
  entities: Record<string, number>;
  format: 'csv' | 'tally-xml';
  encoding: string;
  warnings: string[];
  /** Why the file yielded no rows at all (absent when it has rows). */
  noRows?: string;
  /** Vouchers whose ledger lines do not balance. */
  unbalanced: number;
  /** The inferred shape of each entity, for the drift gate. */
  shapes: Map<string, Shape>;
  /** The first values of each field and type, for the alerts the gate raises. */
  samples: Map<string, Record<string, FieldSample[]>>;
  /**
   * Apply the decision (versions stamped, rows withheld) and make the output and its dead letters
   * visible. Returns what was delivered.
   */
  deliver(decision: LineDecision): Promise<Delivery>;
  /** Throw the staged output away. */
  abort(): Promise<void>;
}

/** What a file delivered: where, and the counts after the decision. */
export interface Delivery {
  uri: string;
  dead_letter_uri?: string;
  rows: number;
  rows_rejected: number;
  entities: Record<string, number>;
  /** Change capture: what each entity's objects did. */
  changes?: Record<string, ChangeCounts>;
}

const HEAD_BYTES = 16 * 1024;

/**
 * Read one file to the end and stage its envelopes: raw bytes → sha256 (while streaming) →
 * gunzip when gzip → encoding → CSV or Tally XML → envelopes → staged sink output.
 * Throws a ConnectorError for a file that cannot be ingested; nothing is visible then.
 */
export async function ingestFile(ctx: IngestContext, file: RemoteFile): Promise<PreparedFile> {
  if (file.size > ctx.limits.max_file_bytes) {
    throw fileError('E_LIMIT', `the file is ${file.size} bytes, above limits.max_file_bytes (${ctx.limits.max_file_bytes})`);
  }
  for (let split = true; ; split = false) {
    const raw = await ctx.source.open(file, ctx.signal ? { signal: ctx.signal } : {});
    try {
      return await readFile(ctx, file, raw, split);
    } catch (e) {
      // A large CSV cut into parts at a place its parser disagreed with: read it again in one pass.
      if (!(e instanceof SplitMismatch) || !split) throw e;
      ctx.log.info({ event: 'split_refused', stream_id: ctx.stream.id, file_id: ctx.fileId, reason: e.message }, 'reading the file again on one thread');
    } finally {
      // Release the handle (a local descriptor, an SFTP handle) whether the file was read or refused early.
      if (!raw.destroyed) raw.destroy();
    }
  }
}

async function readFile(ctx: IngestContext, file: RemoteFile, raw: Readable, split: boolean): Promise<PreparedFile> {
  const { config, stream, log } = ctx;
  const limits = ctx.limits;
  const hash = createHash('sha256');
  let rawBytes = 0;
  async function* tap(): AsyncGenerator<Buffer> {
    try {
      for await (const c of raw as AsyncIterable<Buffer>) {
        rawBytes += c.length;
        if (rawBytes > limits.max_file_bytes) throw fileError('E_LIMIT', `the file grew past limits.max_file_bytes (${limits.max_file_bytes})`);
        hash.update(c);
        yield c;
      }
    } catch (e) {
      throw toReadError(e);
    }
  }

  let input: AsyncIterator<Buffer> = tap();
  let { head, first } = await readHead(input, HEAD_BYTES);
  if (rawBytes === 0) throw fileError('E_FILE_EMPTY', 'the file is empty (0 bytes)', { offset: 0 }, { hint: 'land the export again once it has content' });
  let compressed = false;
  if (isGzip(head)) {
    compressed = true;
    input = gunzip(input, first, () => rawBytes, limits.max_decompression_ratio);
    ({ head, first } = await readHead(input, HEAD_BYTES));
    if (head.length === 0) throw fileError('E_FILE_EMPTY', 'the gzip file decompresses to nothing', { offset: 0 });
  }
  const bin = sniffBinary(head);
  if (bin) {
    if (bin.kind === 'archive') throw fileError('E_FILE_BACKUP', `${bin.what}: ${ARCHIVE_MESSAGE}`, { offset: 0 });
    throw fileError('E_FILE_BINARY', `${bin.what}, not a CSV or XML export`, { offset: 0 }, { hint: 'land the CSV/XML export itself' });
  }

  const format = ctx.stream.format === 'auto' ? detectFormat(head) : ctx.stream.format === 'xml' ? 'tally-xml' : 'csv';
  const output = await ctx.sink.open({ stream_id: stream.id, file_id: ctx.fileId, date: ctx.runDate });
  const clearPath = config.privacy.clear_names ? file.key : undefined;
  const dl = new DeadLetters(
    () => {
      if (!ctx.deadLetterSink) throw new ConnectorError('E_INTERNAL', 'no dead-letter sink');
      return ctx.deadLetterSink.open({ stream_id: stream.id, file_id: ctx.fileId, date: ctx.runDate });
    },
    ctx.deadLetterMessage,
    ctx.sink,
  );
  // What every envelope and dead letter of this file says about where it came from.
  const origin = {
    tenant_id: config.tenant_id,
    connector_id: config.connector_id,
    stream_id: stream.id,
    run_id: ctx.runId,
    file_id: ctx.fileId,
    ...(clearPath !== undefined ? { path: clearPath } : {}),
  };
  const dlBase = () => ({ dead_letter_version: 1 as const, ...origin, format, rejected_at: new Date().toISOString() });
  const progressEvery = config.run.progress_interval_ms;
  let lastProgress = Date.now();
  const started = lastProgress;
  const progress = (rows: number) => {
    const now = Date.now();
    if (now - lastProgress < progressEvery) return;
    lastProgress = now;
    log.info({ event: 'file_progress', stream_id: stream.id, file_id: ctx.fileId, ...(clearPath ? { path: clearPath } : {}), bytes_read: rawBytes, size: file.size, pct: file.size && !compressed ? Math.round((rawBytes / file.size) * 100) : undefined, rows, elapsed_ms: now - started }, 'reading');
  };

  let result: PipelineResult;
  let pipeline: PipelineHandle | undefined;
  try {
    const spec: PipelineSpec = { format, key: file.key, ...(stream.entity ? { entity: stream.entity } : {}), clearNames: config.privacy.clear_names, delimiter: stream.csv.delimiter, limits, origin: { ...origin, ...(ctx.wrap ? { wrap: ctx.wrap } : {}) }, versions: ctx.versions, rowFormat: ctx.sink.rowFormat ?? 'envelope', ...(ctx.changes ? { collectKeys: true } : {}) };
    const out: PipelineOutput = {
      bytes: (chunk) => output.write(chunk),
      reject: (r) => dl.add({ ...dlBase(), entity: r.entity, code: 'E_CSV_ROW', reason: r.reason, line: r.line, offset: r.offset, ordinal: r.ordinal, raw: r.raw }),
    };
    // On a parsing thread, the thread appends to the staged file itself when the sink allows it.
    // A large CSV is cut into parts parsed on several threads (run/split-csv.ts).
    const kind = split ? splitKind({ format, compressed, size: file.size, head, pool: ctx.pool, collectKeys: spec.collectKeys === true, external: output.external !== undefined, ranges: ctx.source.ranges === true, minBytes: ctx.splitMinBytes ?? Number.POSITIVE_INFINITY, rowlog: spec.rowFormat === 'rowlog' }) : undefined;
    if (kind === 'ranges') pipeline = rangeCsvPipeline(ctx.pool!, spec, head, out, file.size, await output.external!());
    else if (kind === 'parts') {
      const signal = ctx.signal;
      pipeline = await splitCsvPipeline(ctx.pool!, spec, head, out, await output.external!(), file.size, (start) => ctx.source.open(file, { start, ...(signal ? { signal } : {}) }));
    } else pipeline = ctx.pool ? await ctx.pool.pipeline(spec, head, out, output.external ? await output.external() : undefined) : new FilePipeline(spec, head, out);
    // Once fed, a chunk's memory goes back to the source to be read into again (not the first,
    // which is the head the pipeline was built from; not gzip's input, which zlib may still hold).
    const recycle = !compressed && pipeline.releasesChunks === true ? ctx.source.recycle : undefined;
    let chunk: Buffer | undefined = first;
    while (chunk) {
      await pipeline.feed(chunk);
      if (recycle && chunk !== first) recycle(chunk);
      await dl.flush();
      progress(pipeline.rows);
      const n = await input.next();
      chunk = n.done ? undefined : n.value;
    }
    result = await pipeline.end();
    await dl.flush();
    if (result.parts) log.info({ event: 'csv_split', stream_id: stream.id, file_id: ctx.fileId, parts: result.parts }, result.parts > 1 ? `parsed in ${result.parts} parts` : 'parsed in one part (no cut was safe, or no thread was free)');
  } catch (e) {
    await pipeline?.abort();
    await output.abort().catch(() => {});
    await dl.abort().catch(() => {});
    if (isConnectorError(e) || e instanceof SplitMismatch) throw e;
    throw toReadError(e);
  }

  const sha256 = hash.digest('hex');
  const encodingNote = result.encoding.encoding + (compressed ? '+gzip' : '');
  const rowsRejected = dl.count;
  return {
    file,
    file_id: ctx.fileId,
    sha256,
    raw_bytes: rawBytes,
    rows: result.rows,
    rows_rejected: rowsRejected,
    entities: result.entities,
    format,
    encoding: encodingNote,
    warnings: result.warnings,
    ...(result.noRows ? { noRows: result.noRows } : {}),
    unbalanced: result.unbalanced,
    shapes: result.shapes,
    samples: result.samples,
    async deliver(decision) {
      const entities = { ...result.entities };
      let rows = result.rows;
      let skip: Set<number> | undefined;
      if (output.withhold) {
        // A typed sink's row log: withheld rows are found first (to the dead letter), left out on commit.
        const checks = Object.fromEntries(Object.entries(decision.divert).filter(([e]) => result.entities[e] !== undefined));
        if (Object.keys(checks).length) {
          skip = new Set();
          for (const d of await output.withhold(checks)) {
            dl.add({ ...dlBase(), code: 'E_SCHEMA', entity: d.entity, line: d.line, ordinal: d.ordinal, reason: d.reason, raw: d.raw });
            skip.add(d.ordinal);
            rows--;
            entities[d.entity] = (entities[d.entity] ?? 1) - 1;
          }
        }
      }
      const rewrite = output.withhold ? undefined : lineRewrite(decision, result.stamped);
      if (rewrite) {
        await output.rewrite((line) => rewrite.line(line));
        for (const d of rewrite.diverted) {
          dl.add({ ...dlBase(), code: 'E_SCHEMA', entity: d.entity, ...(d.line !== undefined ? { line: d.line } : {}), ...(d.ordinal !== undefined ? { ordinal: d.ordinal } : {}), reason: d.reason, raw: d.raw });
          rows--;
          entities[d.entity] = (entities[d.entity] ?? 1) - 1;
        }
      }
      let changes: Awaited<ReturnType<typeof planChanges>> | undefined;
      if (ctx.changes && result.keys) {
        // Change capture: the file's objects were collected while it was parsed; they are compared
        // with the key index, then the staged envelopes are rewritten with their op (or emptied when
        // nothing survives); the index is written once the output is visible (a crash before the
        // checkpoint replays the same changes).
        const wrap = ctx.wrap;
        const keys = result.keys;
        keys.setStatics(result.statics);
        keys.finish(rewrite ? rewrite.diverted.flatMap((d) => (d.ordinal !== undefined ? [d.ordinal] : [])) : []);
        const source = { file_id: ctx.fileId, ...(clearPath !== undefined ? { path: clearPath } : {}), format, encoding: result.encoding.encoding };
        changes = await planChanges(keys, ctx.changes.config, ctx.changes.index, ctx.stream.id, `${ctx.fileId}.${sha256.slice(0, 16)}`, decision.versions, { tenant_id: config.tenant_id, connector_id: config.connector_id, stream_id: stream.id, run_id: ctx.runId, source });
        const plan = changes;
        if (plan.surviving === 0) await output.rewrite(null);
        else await output.rewriteLines((line, out) => line.length > 0 && plan.line(line, out));
        for (const [e, n] of Object.entries(plan.removed)) {
          rows -= n;
          entities[e] = (entities[e] ?? n) - n;
        }
        if (plan.deletes.length) {
          await output.write(Buffer.from(plan.deletes.map((d) => (wrap ? wrap.open + d.line + wrap.close : d.line) + '\n').join('')));
          for (const d of plan.deletes) {
            rows++;
            entities[d.entity] = (entities[d.entity] ?? 0) + 1;
          }
        }
      }
      const dlUri = await dl.commit(sha256);
      // Typed sinks type each entity's columns by the version its rows carry, widened where this
      // file's values need more (a new field, more decimals), so no value is ever coerced.
      // Rows the decision withheld (alert) are gone: the rest fit the version, which keeps its types
      // (only its decimals may widen), and fields the version lacks are typed from the file.
      const shapes: Record<string, Shape> = {};
      for (const [e, fileShape] of result.shapes) {
        const version = decision.shapes?.[e] ?? {};
        if (!decision.divert[e]) {
          shapes[e] = mergeShapes(version, fileShape);
          continue;
        }
        const s: Shape = { ...fileShape, ...version };
        for (const [p, f] of Object.entries(version)) {
          const g = fileShape[p];
          if (g && f.type === 'decimal' && g.type === 'decimal') s[p] = { ...f, scale: Math.max(f.scale ?? 0, g.scale ?? 0) };
        }
        shapes[e] = s;
      }
      const r = await output.commit(sha256, { shapes, versions: decision.versions, run_id: ctx.runId, ...(skip ? { skip } : {}) });
      if (changes) await changes.save();
      return { uri: r.uri, ...(dlUri ? { dead_letter_uri: dlUri } : {}), rows, rows_rejected: dl.count, entities, ...(changes ? { changes: changes.counts } : {}) };
    },
    async abort() {
      await output.abort();
      await dl.abort();
    },
  };
}

/** First non-blank character decides: `<` is XML, `{`/`[` is JSON (not supported), anything else CSV. */
function detectFormat(head: Buffer): 'csv' | 'tally-xml' {
  let text: string;
  try {
    text = new TextDecoderStream8(head).text(head.subarray(0, Math.min(head.length, 4096)));
  } catch {
    text = head.subarray(0, 4096).toString('latin1');
  }
  const m = /[^\s\ufeff]/.exec(text);
  const c = m ? m[0] : '';
  if (c === '<') return 'tally-xml';
  if (c === '{' || c === '[') {
    throw fileError('E_FILE_FORMAT', 'this looks like JSON; only Tally XML and CSV exports are read', { offset: 0 }, { hint: 'export XML (Data Interchange) or CSV from Tally' });
  }
  if (c === '') throw fileError('E_FILE_EMPTY', 'the file holds only whitespace', { offset: 0 });
  return 'csv';
}

async function readHead(it: AsyncIterator<Buffer>, min: number): Promise<{ head: Buffer; first: Buffer | undefined }> {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < min) {
    const n = await it.next();
    if (n.done) break;
    parts.push(n.value);
    len += n.value.length;
  }
  const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return { head, first: len ? head : undefined };
}

function gunzip(src: AsyncIterator<Buffer>, first: Buffer | undefined, rawBytes: () => number, maxRatio: number): AsyncIterator<Buffer> {
  async function* gen() {
    if (first) yield first;
    for (;;) {
      const n = await src.next();
      if (n.done) return;
      yield n.value;
    }
  }
  const gz = createGunzip({ chunkSize: 1 << 20 });
  let failure: unknown;
  const out = pipeline(Readable.from(gen()), gz, (e) => {
    if (e) failure = e;
  });
  let produced = 0;
  const it = (out as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return {
    async next() {
      try {
        const n = await it.next();
        if (!n.done) {
          produced += n.value.length;
          if (produced > 1_000_000 && produced > rawBytes() * maxRatio) {
            throw fileError('E_LIMIT', `the gzip file expands more than ${maxRatio}x (a decompression bomb?)`, { offset: produced });
          }
        }
        return n;
      } catch (e) {
        if (isConnectorError(e)) throw e;
        if (failure && isConnectorError(failure)) throw failure;
        const code = (e as NodeJS.ErrnoException).code;
        if (code && code.startsWith('Z_')) throw fileError('E_FILE_FORMAT', `corrupt or truncated gzip data (${code})`, { offset: produced });
        throw toReadError(e);
      }
    },
  };
}

/** Errors from a transfer (not from the content) are retryable read errors. */
export function toReadError(e: unknown): ConnectorError {
  if (isConnectorError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new ConnectorError('E_READ', 'the read was aborted', { cause: e, retryable: false });
  return new ConnectorError('E_READ', `reading the file failed: ${err?.message ?? String(e)}`, { cause: e, retryable: true });
}
