import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Config, ResolvedStream } from '../config.js';
import { ConnectorError, fileError, isConnectorError } from '../errors.js';
import { EnvelopeWriter } from '../envelope.js';
import { CsvReader, type ColumnKind } from '../formats/csv.js';
import { isGzip, sniffBinary, TextDecoderStream8 } from '../formats/decode.js';
import { TallyXmlReader } from '../formats/tally-xml.js';
import type { Logger } from '../log.js';
import type { Sink } from '../sinks/sink.js';
import type { RemoteFile, Source } from '../sources/source.js';
import { ARCHIVE_MESSAGE } from '../sources/match.js';
import { DeadLetters, type DeadLetterRecord } from './dead-letter.js';
import { LOADER_TABLES, csvEntity } from './entity.js';

/** How records of one file are checked against, and feed, the schema registry (see drift/). */
export interface SchemaSession {
  /** Schema version an envelope of `entity` carries when it is written (the registered one). */
  version(entity: string): number;
  /** Observe one XML record. */
  observe(entity: string, record: Record<string, unknown>): void;
  /** The value classes the CSV parser collected for the file (once, at the end). */
  csv(entity: string, columns: string[], kinds: ColumnKind[], masks: Uint32Array, scales: Uint8Array): void;
}

export interface IngestContext {
  config: Config;
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
  schemas?: (format: 'csv' | 'tally-xml') => SchemaSession;
  signal?: AbortSignal;
}

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
  schema: SchemaSession | undefined;
  /** Pass the staged envelope lines through `fn` (null drops a line). */
  rewrite(fn: (line: string) => string | null): Promise<void>;
  /** Add a dead letter for a row withheld after the fact (a row failing its schema). */
  deadLetter(rec: Pick<DeadLetterRecord, 'entity' | 'line' | 'ordinal' | 'reason' | 'raw'>): void;
  /** Make the staged output (and dead letters) visible. */
  commit(): Promise<{ uri: string; dead_letter_uri?: string }>;
  /** Throw the staged output away. */
  abort(): Promise<void>;
}

const HEAD_BYTES = 16 * 1024;
const XML_PIECE = 32 * 1024;

/**
 * Read one file to the end and stage its envelopes: raw bytes → sha256 (while streaming) →
 * gunzip when gzip → encoding → CSV or Tally XML → envelopes → staged sink output.
 * Throws a ConnectorError for a file that cannot be ingested; nothing is visible then.
 */
export async function ingestFile(ctx: IngestContext, file: RemoteFile): Promise<PreparedFile> {
  if (file.size > ctx.config.limits.max_file_bytes) {
    throw fileError('E_LIMIT', `the file is ${file.size} bytes, above limits.max_file_bytes (${ctx.config.limits.max_file_bytes})`);
  }
  const raw = await ctx.source.open(file, ctx.signal ? { signal: ctx.signal } : {});
  try {
    return await readFile(ctx, file, raw);
  } finally {
    // Release the handle (a local descriptor, an SFTP handle) whether the file was read or refused early.
    if (!raw.destroyed) raw.destroy();
  }
}

async function readFile(ctx: IngestContext, file: RemoteFile, raw: Readable): Promise<PreparedFile> {
  const { config, stream, log } = ctx;
  const limits = config.limits;
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

  const decoder = new TextDecoderStream8(head);
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
  const schema = ctx.schemas?.(format);
  const entities: Record<string, number> = {};
  const warnings: string[] = [];
  let writer: EnvelopeWriter | undefined;
  // What every envelope and dead letter of this file says about where it came from.
  const origin = {
    tenant_id: config.tenant_id,
    connector_id: config.connector_id,
    stream_id: stream.id,
    run_id: ctx.runId,
    file_id: ctx.fileId,
    ...(clearPath !== undefined ? { path: clearPath } : {}),
  };
  const makeWriter = () =>
    new EnvelopeWriter(
      { ...origin, format, encoding: decoder.decision.encoding, ...(ctx.wrap ? { wrap: ctx.wrap } : {}) },
      (chunk) => output.write(chunk),
      (entity) => schema?.version(entity) ?? 1,
    );
  const dlBase = () => ({ dead_letter_version: 1 as const, ...origin, format, rejected_at: new Date().toISOString() });

  // 8-bit text is labelled UTF-8 until its first non-ASCII byte decides (ASCII is the same in both).
  const syncEncoding = (w: EnvelopeWriter) => {
    if (w.ctx.encoding !== decoder.decision.encoding) {
      w.ctx.encoding = decoder.decision.encoding;
      w.invalidate();
    }
  };
  const progressEvery = config.run.progress_interval_ms;
  let lastProgress = Date.now();
  const started = lastProgress;
  const progress = (rows: number) => {
    const now = Date.now();
    if (now - lastProgress < progressEvery) return;
    lastProgress = now;
    log.info({ event: 'file_progress', stream_id: stream.id, file_id: ctx.fileId, ...(clearPath ? { path: clearPath } : {}), bytes_read: rawBytes, size: file.size, pct: file.size && !compressed ? Math.round((rawBytes / file.size) * 100) : undefined, rows, elapsed_ms: now - started }, 'reading');
  };

  try {
    if (format === 'csv') {
      let entity = '';
      const csv = new CsvReader(
        {
          get writer() {
            return writer!;
          },
          entityFor: (header) => (entity = stream.entity ?? csvEntity(file.key, header)),
          declaredText: (e) => e in LOADER_TABLES,
          reject: (r) => dl.add({ ...dlBase(), entity, code: 'E_CSV_ROW', reason: r.reason, line: r.line, offset: r.offset, ordinal: r.ordinal, raw: r.raw }),
        },
        { delimiter: (stream.csv?.delimiter ?? ',').charCodeAt(0), maxRowBytes: limits.max_row_bytes, maxFields: limits.max_fields },
      );
      writer = makeWriter();
      let chunk: Buffer | undefined = first;
      while (chunk) {
        csv.feed(decoder.utf8(chunk));
        syncEncoding(writer);
        writer.tick();
        if (writer.full) await writer.flush();
        await dl.flush();
        progress(csv.rows);
        const n = await input.next();
        chunk = n.done ? undefined : n.value;
      }
      const tail = decoder.endUtf8();
      if (tail.length) csv.feed(tail);
      csv.end();
      if (entity) {
        entities[entity] = csv.rows;
        schema?.csv(entity, csv.columns ?? [], csv.columnKinds, csv.masks, csv.scales);
      }
    } else {
      writer = makeWriter();
      let ordinal = 0;
      const w = writer;
      const xml = new TallyXmlReader(
        {
          row(entity, record, line) {
            ordinal++;
            entities[entity] = (entities[entity] ?? 0) + 1;
            schema?.observe(entity, record);
            w.writeJson(entity, line, ordinal, JSON.stringify(record));
          },
        },
        limits,
      );
      let chunk: Buffer | undefined = first;
      while (chunk) {
        // Decode in pieces well under V8's large-object size: a megabyte string would live in the
        // large-object space until a full collection, and peak memory would follow (measured).
        for (let i = 0; i < chunk.length; i += XML_PIECE) xml.feed(decoder.text(chunk.subarray(i, i + XML_PIECE)));
        syncEncoding(writer);
        writer.tick();
        if (writer.full) await writer.flush();
        progress(w.rows);
        const n = await input.next();
        chunk = n.done ? undefined : n.value;
      }
      const tail = decoder.endText();
      if (tail) xml.feed(tail);
      xml.end();
      if (xml.objects.size === 0) warnings.push('no Tally objects found (not an Import Data envelope, a collection response or a TallyConnector export?)');
    }
    await writer.drain();
    await dl.flush();
  } catch (e) {
    await writer?.drain().catch(() => {});
    await output.abort().catch(() => {});
    await dl.abort().catch(() => {});
    if (isConnectorError(e)) throw e;
    throw toReadError(e);
  }

  const sha256 = hash.digest('hex');
  const encodingNote = decoder.decision.encoding + (compressed ? '+gzip' : '');
  return {
    file,
    file_id: ctx.fileId,
    sha256,
    raw_bytes: rawBytes,
    rows: writer?.rows ?? 0,
    rows_rejected: dl.count,
    entities,
    format,
    encoding: encodingNote,
    warnings,
    schema,
    rewrite: (fn) => output.rewrite(fn),
    deadLetter(rec) {
      dl.add({ ...dlBase(), code: 'E_SCHEMA', ...rec });
    },
    async commit() {
      const dlUri = await dl.commit(sha256);
      const r = await output.commit(sha256);
      return { uri: r.uri, ...(dlUri ? { dead_letter_uri: dlUri } : {}) };
    },
    async abort() {
      await output.abort();
      await dl.abort();
    },
  };
}

/** First non-blank character decides: `<` is XML, `{`/`[` is JSON (not supported), anything else CSV. */
export function detectFormat(head: Buffer): 'csv' | 'tally-xml' {
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
