import { closeSync, openSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { mergeInference, samplesOf, shapesOf, type FileInference } from '../drift/infer.js';
import type { Readable } from 'node:stream';
import { ConnectorError } from '../errors.js';
import type { CsvEnd, CsvResume } from '../formats/csv.js';
import type { RejectedRow } from '../rows/row-sink.js';
import type { ExternalStage } from '../sinks/sink.js';
import { csvNoRows, type PipelineOutput, type PipelineResult, type PipelineSpec } from './pipeline.js';
import type { PipelineHandle, RangeResult, RangeStage, WorkerPool } from './worker-pool.js';

/**
 * One large CSV parsed on several threads: the file is cut into parts at row boundaries while it
 * is read, each part is parsed by its own worker, and the parts' outputs are joined in order, with
 * the same record ids, ordinals, lines and offsets as one pass would give.
 *
 * The main thread reads the file as always (one sequential read, hashed as it goes). Up to each
 * cut it scans the bytes for what a part's successor must start from: the quote state (a cut is
 * only made at a line end outside quotes), the line number and the number of rows before it. The
 * next part is fed the header row, then the rows from the cut, and starts from those numbers.
 *
 * The scan is a prediction; the parser is the judge. When a part ends, its reader reports where it
 * stopped; if that is not exactly where its successor started (the cut fell inside a row the scan
 * misread: a malformed quote, a resynchronised bad row), the split is refused (SplitMismatch) and
 * the file is read again in one pass. Nothing of a refused split is delivered.
 *
 * Only files whose encoding is decided by their first bytes (a UTF-8 byte order mark) are split:
 * without one, the label of 8-bit text is decided by its first non-ASCII byte, wherever it is.
 */

/** A part is at least this large (a file is cut into at most size / this parts, and at least 2). */
const MIN_PART_BYTES = 16 << 20;
/** Rejected rows of later parts held until the parts before them are done; past this, one pass. */
const MAX_HELD_REJECTS = 10_000;
/** A header row longer than this is not split on. */
const MAX_HEADER_BYTES = 1 << 20;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

const Q = 34;
const CR = 13;
const LF = 10;

/** Did the part or range before stop anywhere but where the next one started (`from`)? */
function stoppedElsewhere(end: CsvEnd, from: CsvResume): boolean {
  return end.carry !== 0 || end.line !== from.line || end.ordinal !== from.ordinal;
}

/** The split was refused: read the file again in one pass. */
export class SplitMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplitMismatch';
  }
}

/**
 * How a CSV is split, if it is: in ranges handed to free threads and written in order as they come
 * back (`rangeCsvPipeline`, envelope output), or in one part per thread, each reading its own
 * range of the file into a staged file of its own (`splitCsvPipeline`, the typed sinks' row log).
 */
export function splitKind(o: Parameters<typeof canSplit>[0] & { rowlog: boolean }): 'ranges' | 'parts' | undefined {
  if (!o.rowlog) return canSplit({ ...o, ranges: true }) ? 'ranges' : undefined;
  return canSplit(o) ? 'parts' : undefined;
}

/** Is this file worth splitting, and can it be split safely? */
export function canSplit(o: {
  format: string;
  compressed: boolean;
  size: number;
  head: Buffer;
  pool: WorkerPool | undefined;
  collectKeys: boolean;
  /** The sink lets a thread append to its staged output (`external`). */
  external: boolean;
  /** The source reads a file from an offset (`Source.ranges`). */
  ranges: boolean;
  /** `split_csv_min_bytes` (Infinity: never). */
  minBytes: number;
}): boolean {
  return (
    o.format === 'csv' &&
    !o.compressed &&
    !o.collectKeys &&
    o.external &&
    o.ranges &&
    o.pool !== undefined &&
    o.pool.size >= 2 &&
    o.size >= o.minBytes &&
    o.head.length >= 3 &&
    o.head[0] === UTF8_BOM[0] &&
    o.head[1] === UTF8_BOM[1] &&
    o.head[2] === UTF8_BOM[2]
  );
}

interface Part {
  handle: PipelineHandle;
  /** Where the part's output goes: the staged file (part 0) or a side file joined after. */
  path: string;
  bytes: number;
  /** The file's bytes [start, limit) are this part's; `limit` is known once the next cut is found. */
  start: number;
  limit: number;
  /** Bytes of the file fed to the part so far. */
  fed: number;
  /** The state the part starts from (parts after the first). */
  from?: CsvResume;
  rejects: Array<RejectedRow & { entity: string }>;
  /** Reading the part's bytes and feeding them (done when its range is fed). */
  pump?: Promise<void>;
  stream?: Readable;
  end?: Promise<PipelineResult>;
}

/** Opens the file's bytes from `start` on. */
export type OpenRange = (start: number) => Promise<Readable>;

/**
 * The pipeline of a CSV cut into parts. What is fed to it is the file read once in order (hashed
 * by the caller): it is only scanned, for the cuts. Each part reads its own range of the file
 * (`openRange`) and feeds it to its thread, so the parts run side by side.
 */
export async function splitCsvPipeline(pool: WorkerPool, spec: PipelineSpec, head: Buffer, out: PipelineOutput, stage: ExternalStage, size: number, openRange: OpenRange): Promise<PipelineHandle> {
  const maxParts = Math.max(2, Math.min(pool.size, Math.floor(size / MIN_PART_BYTES)));
  const parts: Part[] = [];
  let held = 0;
  let failed: Error | undefined;
  let closed = false;
  let attached = false;

  const startPart = async (at: number, from: Part['from']): Promise<Part> => {
    const i = parts.length;
    const path = i === 0 ? stage.path : `${stage.path}.part${i}`;
    if (i > 0) closeSync(openSync(path, 'w', 0o600));
    const part: Part = { handle: undefined as unknown as PipelineHandle, path, bytes: 0, start: at, limit: Number.POSITIVE_INFINITY, fed: 0, ...(from ? { from } : {}), rejects: [] };
    const partOut: PipelineOutput = {
      bytes: () => Promise.reject(new Error('a part writes its staged file itself')),
      reject: (r) => {
        if (i === 0) return out.reject(r);
        if (++held > MAX_HELD_REJECTS) failed ??= new SplitMismatch(`more than ${MAX_HELD_REJECTS} rejected rows in later parts`);
        else part.rejects.push(r);
      },
    };
    part.handle = await pool.pipeline({ ...spec, part: from ? { resume: from } : {} }, head, partOut, { path, finish: async (n) => void (part.bytes = n) });
    parts.push(part);
    part.pump = pump(part, i > 0 ? scanner.headerRow() : undefined);
    part.pump.catch(() => {});
    return part;
  };

  /** Read the part's range and feed it (after the header row, for parts after the first). */
  const pump = async (part: Part, headerRow: Buffer | undefined) => {
    if (headerRow) await part.handle.feed(headerRow);
    const stream = (part.stream = await openRange(part.start));
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        if (closed) return;
        const room = part.limit - (part.start + part.fed);
        if (room <= 0) break;
        const b = c.length > room ? c.subarray(0, room) : c;
        part.fed += b.length;
        await part.handle.feed(b);
        if (b.length < c.length) break;
      }
    } finally {
      stream.destroy();
    }
  };

  const scanner = new CutScanner();
  // The current part ends where what is left of the file, from where it has got to, is shared
  // evenly between it and the parts still to start (a part that starts later gets less), and
  // never before what it was already fed.
  const scan = (b: Buffer): number => {
    const last = parts[parts.length - 1]!;
    const at = last.start + last.fed;
    return scanner.scan(b, Math.max(at + Math.floor((size - at) / (maxParts - parts.length + 1)), at) - scanner.seen);
  };

  /** Part `i` must have started exactly where part `i - 1` stopped. */
  const checkBoundary = (i: number, results: PipelineResult[]) => {
    const end = results[i - 1]!.part!.end;
    const from = parts[i]!.from!;
    if (stoppedElsewhere(end, from)) {
      throw new SplitMismatch(`part ${i} stopped at line ${end.line}, row ${end.ordinal} (${end.carry} bytes into a row); part ${i + 1} started at line ${from.line}, row ${from.ordinal}`);
    }
  };

  await startPart(0, undefined);

  const handle: PipelineHandle = {
    get rows() {
      let n = 0;
      for (const p of parts) n += p.handle.rows;
      return n;
    },
    async feed(chunk: Buffer) {
      if (failed) throw failed;
      let b = chunk;
      while (scanner.scanning && b.length) {
        const cut = scan(b);
        if (cut < 0) break;
        scanner.seen += cut;
        b = b.subarray(cut);
        if (parts.length >= maxParts || !pool.hasFree()) {
          scanner.scanning = false;
          break;
        }
        // The current part ends here; the next one starts from the scan's numbers.
        parts[parts.length - 1]!.limit = scanner.seen;
        await startPart(scanner.seen, scanner.resume());
        if (parts.length >= maxParts) scanner.scanning = false;
      }
      scanner.seen += b.length;
    },
    async end() {
      try {
        // Every part's range read and fed, then each part ended, then judged in order.
        const fed: Array<unknown> = [];
        for (const p of parts) fed.push(await p.pump!.then(() => undefined, (e: unknown) => e ?? new Error('a part failed')));
        for (let i = 0; i < parts.length; i++) {
          const p = parts[i]!;
          p.end = fed[i] === undefined ? p.handle.end() : Promise.reject(fed[i]);
          p.end.catch(() => {});
        }
        const results: PipelineResult[] = [];
        for (let i = 0; i < parts.length; i++) {
          try {
            results.push(await parts[i]!.end!);
          } catch (e) {
            // A part that started where it should fails for the file's reasons (part 0 always
            // does); one that started inside a row fails for its own: read the file again.
            if (i > 0) checkBoundary(i, results);
            throw e;
          }
          if (i > 0) checkBoundary(i, results);
        }
        if (failed) throw failed;
        const total = parts.reduce((a, p) => a + p.fed, 0);
        if (total !== scanner.seen) throw new ConnectorError('E_READ', `the file changed while it was read (${scanner.seen} bytes in order, ${total} in parts)`, { retryable: true });
        for (const p of parts.slice(1)) for (const r of p.rejects) out.reject(r);
        if (stage.attach && parts.length > 1) {
          // The sink reads the parts in order (a row log): they are handed over, not copied.
          stage.attach(parts.slice(1).map((p) => p.path));
          attached = true;
          await stage.finish(parts.reduce((a, p) => a + p.bytes, 0));
        } else await stage.finish(await joinParts(parts));
        return joinResults(results);
      } finally {
        closed = true;
        if (!attached) await removeSides(parts);
      }
    },
    async abort() {
      closed = true;
      for (const p of parts) p.stream?.destroy();
      await Promise.all(parts.map((p) => p.handle.abort().catch(() => {})));
      await removeSides(parts);
    },
  };
  return handle;
}

/**
 * A range of a CSV is about this large (less for smaller files, so that every thread gets several).
 * A thread holds up to four ranges' output (about 4.5x the input each, pipeline-worker.ts RANGE_OUTS)
 * and the main thread a few ranges of input. With two output buffers a thread,
 * on the bench's 256 MB CSV over 2 threads, 1 MiB ranges peaked at 181 MB, 2 MiB at 272 MB and 4 MiB
 * at 304 MB, in the same time within noise (3 alternating pairs each); with four, 1 MiB ranges 198 MB.
 */
const RANGE_BYTES = 1 << 20;
const MIN_RANGE_BYTES = 32 << 10;

/**
 * The pipeline of a CSV cut into ranges as it is read: the main thread reads the file once in order
 * (hashed by the caller), scans it for cuts (CutScanner), and hands each range, with the header row
 * and the numbers it resumes from, to a free thread; the ranges' envelope bytes are written by the threads
 * into the file's staged output, each where the ranges before it end, and its rejected rows are
 * passed on in file order, so nothing is copied after. At most one range per thread and one more are in flight (memory stays bounded).
 *
 * Each range is judged when its turn to be written comes: it must have started exactly where the
 * one before it stopped. A range that did not, or a range that failed while more of the file
 * followed it (its cut may be what made it fail), refuses the split (SplitMismatch): the caller
 * discards what was staged and reads the file again in one pass. The last range failing at a
 * boundary that holds fails the file, as one pass would.
 */
export function rangeCsvPipeline(pool: WorkerPool, spec: PipelineSpec, fileHead: Buffer, out: PipelineOutput, size: number, stage: ExternalStage): PipelineHandle {
  // The head is the first chunk read, which is the source's to reuse once the file is done.
  const head = Buffer.from(fileHead);
  const target = Math.max(MIN_RANGE_BYTES, Math.min(RANGE_BYTES, Math.ceil(size / (pool.size * 4))));
  // Ranges dispatched and not yet written: a thread is free again once its range is parsed (its
  // bytes wait for their offset in one of its output buffers, pipeline-worker.ts RANGE_OUTS).
  const maxInFlight = pool.size * 4 + 1;
  // Slots hold ranges until a thread takes them: one a thread, one being filled, one waiting.
  const maxSlots = pool.size + 2;
  const scanner = new CutScanner();
  // The range being read: shared memory the threads copy from, a few slots reused over the file.
  const slotBytes = target + (2 << 20);
  const freeSlots: Buffer[] = [];
  let slots = 0;
  const slotWaiters: Array<() => void> = [];
  let cur: Buffer | undefined;
  let rangeBytes = 0;
  const release = (slot: Buffer) => {
    if (slot.length !== slotBytes) return; // a one-off, for a range longer than a slot
    freeSlots.push(slot);
    slotWaiters.shift()?.();
  };
  const append = async (piece: Buffer) => {
    if (!cur) {
      while (!freeSlots.length && slots >= maxSlots) await new Promise<void>((resolve) => slotWaiters.push(resolve));
      if (freeSlots.length) cur = freeSlots.pop()!;
      else {
        slots++;
        cur = Buffer.from(new SharedArrayBuffer(slotBytes));
      }
    }
    if (rangeBytes + piece.length > cur.length) {
      // A range past its slot (a long last row before the cut): one larger piece of shared memory for it.
      const big = Buffer.from(new SharedArrayBuffer(Math.max(cur.length * 2, rangeBytes + piece.length)));
      big.set(cur.subarray(0, rangeBytes), 0);
      release(cur);
      cur = big;
    }
    cur.set(piece, rangeBytes);
    rangeBytes += piece.length;
  };
  let from: CsvResume | undefined;
  let dispatched = 0;
  let rowsWritten = 0;
  let closed = false;
  const results: PipelineResult[] = [];
  /** Ranges dispatched and not yet written, oldest first. */
  const queue: Array<Promise<void>> = [];
  let writes: Promise<void> = Promise.resolve();
  let failure: { i: number; e: unknown } | undefined;
  // A staged file the threads write into: each range at the offset where those before it end (the
  // stage syncs it in the background as it grows, `wrote`).
  const base = statSync(stage.path).size;
  let offsets: Promise<number> = Promise.resolve(base);
  let written = 0;

  const dispatch = () => {
    if (!cur || rangeBytes === 0) return;
    const slot = cur;
    const data = slot.subarray(0, rangeBytes);
    const i = dispatched++;
    const start = from;
    let sized!: (n: number) => void;
    const at = offsets;
    const size = new Promise<number>((resolve) => (sized = resolve));
    offsets = at.then((o) => size.then((n) => o + n));
    const where: RangeStage = { path: stage.path, place: (n) => (sized(n), closed || failure ? Promise.resolve(-1) : at) };
    let freed = false;
    const p = pool.range({ ...spec, part: start ? { resume: start } : {} }, head, data, () => void (freed || ((freed = true), release(slot))), start ? scanner.headerRow() : undefined, where);
    // A range that failed is sized 0, so that those after it are not left waiting (the file is refused or failed).
    p.catch(() => sized(0));
    cur = undefined;
    rangeBytes = 0;
    const done = writes.then(async () => {
      if (failure || closed) return;
      let r: RangeResult;
      try {
        r = await p;
      } catch (e) {
        // A range that started inside a row (the scan misread a quote) may fail for that alone: judge its start first.
        const before = start ? results[i - 1]?.part?.end : undefined;
        if (start && before && stoppedElsewhere(before, start)) {
          failure = { i, e: new SplitMismatch(`range ${i} stopped at line ${before.line}, row ${before.ordinal} (${before.carry} bytes into a row); range ${i + 1} started at line ${start.line}, row ${start.ordinal} and failed`) };
        } else failure = { i, e };
        return;
      }
      if (start) {
        const end = results[i - 1]!.part!.end;
        if (stoppedElsewhere(end, start)) {
          failure = { i, e: new SplitMismatch(`range ${i} stopped at line ${end.line}, row ${end.ordinal} (${end.carry} bytes into a row); range ${i + 1} started at line ${start.line}, row ${start.ordinal}`) };
          return;
        }
      }
      if (closed) return;
      for (const rej of r.rejects) out.reject(rej);
      results.push(r.result);
      rowsWritten += r.result.rows;
      written += r.size;
      stage.wrote?.(r.size);
    });
    writes = done.catch((e: unknown) => void (failure ??= { i, e }));
    queue.push(writes);
  };

  /** A range failed or was misjudged; more of the file followed it. */
  const refuse = (f: { i: number; e: unknown }): never => {
    if (f.e instanceof SplitMismatch) throw f.e;
    throw new SplitMismatch(`range ${f.i + 1} of ${dispatched} failed (${f.e instanceof Error ? f.e.message : String(f.e)}) with more of the file after it`);
  };

  return {
    get rows() {
      return rowsWritten;
    },
    // A chunk's bytes are copied into a slot (and the header row, the scanner's, copied too).
    releasesChunks: true,
    async feed(chunk: Buffer) {
      if (failure) refuse(failure);
      let b = chunk;
      while (b.length) {
        const cut = scanner.scan(b, Math.max(0, target - rangeBytes));
        if (!scanner.scanning) throw new SplitMismatch('the file cannot be cut safely (a line end of CR alone, or a header row past 1 MiB)');
        if (cut < 0) break;
        scanner.seen += cut;
        await append(b.subarray(0, cut));
        b = b.subarray(cut);
        const next = scanner.resume();
        dispatch();
        from = next;
        while (queue.length > maxInFlight) await queue.shift();
        if (failure) refuse(failure);
      }
      scanner.seen += b.length;
      if (b.length) await append(b);
    },
    async end() {
      if (failure) refuse(failure);
      dispatch();
      await writes;
      if (failure) {
        // The last range, started where it should: it fails for the file's reasons.
        if (failure.i === dispatched - 1 && !(failure.e instanceof SplitMismatch)) throw failure.e;
        refuse(failure);
      }
      await stage.finish(written);
      return joinResults(results);
    },
    async abort() {
      closed = true;
      await writes.catch(() => {});
    },
  };
}

/**
 * The scan of a CSV read in order, for where it may be cut: a line end outside quotes, with the
 * line number and the count of rows before it (what the part that starts there resumes from). It
 * gives up (`scanning` false) at a line end of CR alone or a header row past MAX_HEADER_BYTES.
 */
export class CutScanner {
  /** Bytes of the file before the buffer being scanned (the caller advances it). */
  seen = 0;
  scanning = true;
  private quoted = 0;
  private lfs = 0;
  /** Non-blank rows, the header included. */
  private rows = 0;
  private atRowStart = true;
  private crPending = false;
  private readonly header: Buffer[] = [];
  private headerBytes = 0;
  private headerDone = false;

  /** Scan `b` (the next bytes of the file); returns where to cut it (after a line end at or past `wantAt`), or -1. */
  scan(b: Buffer, wantAt: number): number {
    let q = this.quoted;
    let n = this.lfs;
    let r = this.rows;
    let start = this.atRowStart;
    let cr = this.crPending;
    let cut = -1;
    let headerEnd = -1;
    const len = b.length;
    // Four bytes at a time where none of them matters (no quote, no byte up to CR): most of a CSV.
    // The word test is exact for "any byte below 14" and "any byte equal to a quote"; bytes of
    // multi-byte characters (0x80 and up) never match it. A word with one goes byte by byte.
    const base = b.byteOffset;
    const w0 = base >> 2;
    const words = new Int32Array(b.buffer, w0 << 2, ((base + len) >> 2) - w0);
    const wEnd = words.length;
    for (let i = 0; i < len; i++) {
      if (((base + i) & 3) === 0 && !cr) {
        const from = ((base + i) >> 2) - w0;
        let w = from;
        while (w < wEnd) {
          const x = words[w]!;
          const y = x ^ 0x22222222;
          if ((((x - 0x0e0e0e0e) | 0) & ~x & 0x80808080) !== 0 || (((y - 0x01010101) | 0) & ~y & 0x80808080) !== 0) break;
          w++;
        }
        if (w !== from) {
          start = false;
          i += (w - from) << 2;
          if (i >= len) break;
        }
      }
      const c = b[i]!;
      if (cr) {
        cr = false;
        if (c !== LF) {
          // A line end of CR alone: the parser counts such lines its own way; do not split.
          this.scanning = false;
          break;
        }
      }
      if (c > CR && c !== Q) {
        // Most bytes: text, digits, spaces, the delimiter (one predictable branch for all of them).
        start = false;
        continue;
      }
      if (c === LF) {
        n++;
        if (q === 0) {
          if (!start) {
            r++;
            if (r === 1) headerEnd = i + 1;
          }
          start = true;
          if (i + 1 >= wantAt && r >= 2) {
            cut = i + 1;
            break;
          }
        }
        continue;
      }
      if (c === CR) {
        if (q === 0) cr = true;
        continue;
      }
      if (c === Q) q ^= 1;
      start = false;
    }
    this.quoted = q;
    this.lfs = n;
    this.rows = r;
    this.atRowStart = start;
    this.crPending = cr;
    if (!this.headerDone) {
      const upTo = headerEnd >= 0 ? headerEnd : cut >= 0 ? cut : b.length;
      this.header.push(Buffer.from(b.subarray(0, upTo)));
      this.headerBytes += upTo;
      if (headerEnd >= 0 || r >= 1) this.headerDone = true;
      else if (this.headerBytes > MAX_HEADER_BYTES) this.scanning = false;
    }
    return this.scanning ? cut : -1;
  }

  /** What a part starting at the last cut (at `seen`) resumes from. */
  resume(): CsvResume {
    return { offset: this.seen - UTF8_BOM.length, line: 1 + this.lfs, ordinal: this.rows - 1 };
  }

  /** The header row as read (the byte order mark included), fed to every part after the first. */
  headerRow(): Buffer {
    return Buffer.concat(this.header);
  }
}

/** Append the side files to the staged file; returns the bytes the parts wrote in all. */
async function joinParts(parts: Part[]): Promise<number> {
  let total = parts[0]!.bytes;
  if (parts.length === 1) return total;
  const dst = await open(parts[0]!.path, 'a', 0o600);
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (const p of parts.slice(1)) {
      const src = await open(p.path, 'r');
      try {
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          let off = 0;
          while (off < bytesRead) off += (await dst.write(buf, off, bytesRead - off)).bytesWritten;
        }
      } finally {
        await src.close();
      }
      total += p.bytes;
    }
  } finally {
    await dst.close();
  }
  return total;
}

async function removeSides(parts: Part[]): Promise<void> {
  await Promise.all(parts.slice(1).map((p) => rm(p.path, { force: true })));
}

/** The result of one pass, from those of its parts. */
export function joinResults(results: PipelineResult[]): PipelineResult {
  let inference: FileInference = {};
  let rows = 0;
  let rejected = 0;
  let firstReject: string | undefined;
  const entities: Record<string, number> = {};
  const warnings: string[] = [];
  for (const r of results) {
    inference = mergeInference(inference, r.part!.inference);
    rows += r.rows;
    rejected += r.part!.rejected;
    firstReject ??= r.part!.firstReject;
    for (const [e, n] of Object.entries(r.entities)) entities[e] = (entities[e] ?? 0) + n;
    for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);
  }
  const r0 = results[0]!;
  let noRows: string | undefined;
  if (rows === 0) {
    noRows = csvNoRows(rejected, firstReject);
    warnings.push(noRows);
  }
  return { rows, entities, shapes: shapesOf(inference), samples: samplesOf(inference), stamped: r0.stamped, encoding: r0.encoding, warnings, ...(noRows ? { noRows } : {}), unbalanced: 0, parts: results.length };
}
