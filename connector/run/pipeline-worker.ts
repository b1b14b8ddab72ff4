import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { ALIGN, alignedBuffer, DIRECT_AFTER, DirectWriter, leadToAlign, THREAD_AREA_BYTES, THREAD_AREAS, writeAligned } from '../sinks/_direct.js';
import { parentPort } from 'node:worker_threads';
import { isConnectorError } from '../errors.js';
import { FilePipeline, type PipelineSpec } from './pipeline.js';

/**
 * A parsing thread of the worker pool (run/worker-pool.ts): one file at a time, bytes in, envelope
 * bytes out; no per-row messages. Messages from the main thread:
 *   { t: 'start', spec, head }   a file begins (its pipeline is built from plain data)
 *   { t: 'slot', slot, n }       raw (decompressed) bytes in the shared slot `slot` (given with the
 *                                thread's first 'start': { slots, slotBytes }); answered { t: 'fed', rows },
 *                                after which nothing of them is held here and the slot is written again
 *   { t: 'end' }                 answered { t: 'done', result } or { t: 'error', error }
 *   { t: 'wrote', id }           the main thread wrote bytes chunk `id` (backpressure)
 * and to it: { t: 'bytes', id, b }, { t: 'reject', r }.
 */

const port = parentPort!;
let pipeline: FilePipeline | undefined;
let nextId = 0;
/** Envelope chunks posted and not yet written by the main thread; the writer waits beyond WINDOW. */
const WINDOW = 4;
let inFlight = 0;
const waiting: Array<() => void> = [];
/** Chunks are fed one after the other, whatever the order their messages arrive in. */
let chain: Promise<unknown> = Promise.resolve();
/** The staged file this thread appends to itself (when the sink hands it over), and what it wrote. */
let stageFd: number | undefined;
let staged = 0;
/** Where the staged file stood when it was handed over, and, past DIRECT_AFTER bytes, its direct writer. */
let stageBase = 0;
let stagePath = '';
let stageDirect: DirectWriter | undefined;
let directTried = false;
/** The shared chunk slots (worker-pool.ts SLOTS), as Buffers. */
let slotBufs: Buffer[] = [];

function appendAll(fd: number, b: Buffer): void {
  for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
}

/**
 * Into the staged file: up to DIRECT_AFTER bytes appended, then with O_DIRECT where allowed
 * (sinks/_direct.ts), its writes in flight while the thread parses on. Called one write at a time
 * (the envelope writer awaits each before it hands over the next).
 */
async function stageWrite(fd: number, chunk: Buffer): Promise<void> {
  const n = chunk.length;
  if (!stageDirect && !directTried && staged + n >= DIRECT_AFTER) {
    const lead = leadToAlign(stageBase + staged, n);
    if (lead) {
      appendAll(fd, chunk.subarray(0, lead));
      staged += lead;
      chunk = chunk.subarray(lead);
    }
    if ((stageBase + staged) % ALIGN === 0) {
      directTried = true;
      stageDirect = await DirectWriter.open(stagePath, stageBase + staged, THREAD_AREA_BYTES, THREAD_AREAS);
    }
  }
  if (stageDirect) await stageDirect.write(chunk);
  else appendAll(fd, chunk);
  staged += chunk.length;
}

/** The staged file handed back: its direct writes over, the last tail appended (not when aborted). */
async function closeStage(aborted: boolean): Promise<void> {
  const fd = stageFd;
  stageFd = undefined;
  if (fd === undefined) return;
  const d = stageDirect;
  stageDirect = undefined;
  try {
    // The direct writer's tail goes at the end of the file, through the appending descriptor.
    if (d && aborted) await d.abort();
    else if (d) appendAll(fd, (await d.end()).tail);
  } finally {
    closeSync(fd);
  }
}

function errorData(e: unknown) {
  return isConnectorError(e)
    ? { connector: true, code: e.code, message: e.message, retryable: e.retryable, position: e.position, hint: e.hint }
    : { connector: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

function fail(e: unknown): void {
  const err = errorData(e);
  // The file fails for the error above; its staged output is removed by the main thread.
  void closeStage(true).catch(() => {});
  port.postMessage({ t: 'error', error: err });
  pipeline = undefined;
}

/**
 * One range of a CSV cut at row boundaries (run/split-csv.ts `rangeCsvPipeline`), parsed whole. Its
 * envelope bytes are kept in one of this thread's output buffers (reused from range to range) and
 * written into the staged file at the offset the main thread gives once the ranges before it are
 * sized: { t: 'range', id } → { t: 'rangeDone', id, size, rejects, result } (the thread is free for
 * the next range or file from here) → { t: 'rangeWrite', id, offset } → { t: 'rangeWritten', id }
 * or { t: 'rangeWriteFailed', id, error }. The write runs on libuv's threads while this one parses.
 */
let rangeIn = Buffer.alloc(0);
/** The range is fed in pieces, so that the writer flushes as it goes (its buffer stays small). */
const RANGE_PIECE = 1 << 20;
/**
 * A range's output is written with O_DIRECT (its aligned middle) from this size on: buffered, the
 * split CSV's 1 GB of output cost 2-3 s of system time (new page-cache pages, sinks/_direct.ts).
 */
const RANGE_DIRECT_AFTER = 1 << 20;
/**
 * Output buffers a thread keeps: ranges' bytes waiting for their offset or being written while the
 * next range is parsed. Four against two: 0.93x and 0.94x the wall of the split CSV in two sets of
 * 4 alternating pairs (a noisy hour), peak RSS 198 MB against 182 MB (writes waiting on the disk, not
 * the parse, had held threads back).
 */
const RANGE_OUTS = 4;
/** Page-aligned (written with O_DIRECT from where they are), with ALIGN bytes to spare. */
const freeOuts: Buffer[] = [];
const EMPTY = Buffer.alloc(0);
let outsMade = 0;
const outWaiters: Array<() => void> = [];
/** Ranges parsed whose bytes wait for their offset. */
const unplaced = new Map<number, { out: Buffer; len: number; path: string }>();

async function takeOut(): Promise<Buffer> {
  for (;;) {
    const b = freeOuts.pop();
    if (b) return b;
    if (outsMade < RANGE_OUTS) {
      outsMade++;
      return EMPTY;
    }
    await new Promise<void>((resolve) => outWaiters.push(resolve));
  }
}

function giveOut(b: Buffer): void {
  freeOuts.push(b);
  outWaiters.shift()?.();
}

async function parseRange(m: { id: number; spec: PipelineSpec; head: Uint8Array; data: Uint8Array; headerRow?: Uint8Array; stagePath: string }): Promise<void> {
  // The bytes are shared memory the main thread fills again: take a copy, into memory reused from range to range.
  const n = m.data.byteLength;
  if (rangeIn.length < n) rangeIn = Buffer.allocUnsafe(Math.max(n, rangeIn.length * 2));
  rangeIn.set(m.data, 0);
  port.postMessage({ t: 'rangeTaken', id: m.id });
  let out = await takeOut();
  let len = 0;
  const rejects: unknown[] = [];
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  let result: Awaited<ReturnType<FilePipeline['end']>>;
  try {
    const p = new FilePipeline(m.spec, buf(m.head), {
      bytes: (chunk) => {
        if (len + chunk.length + ALIGN > out.length) {
          // A quarter more than needed: ranges of one file are about the same size.
          const nb = alignedBuffer(len + chunk.length + ((len + chunk.length) >> 2) + ALIGN);
          nb.set(out.subarray(0, len), 0);
          out = nb;
        }
        out.set(chunk, len);
        len += chunk.length;
        return Promise.resolve();
      },
      reject: (r) => void rejects.push(r),
    });
    if (m.headerRow) await p.feed(buf(m.headerRow));
    for (let o = 0; o < n; o += RANGE_PIECE) await p.feed(rangeIn.subarray(o, Math.min(n, o + RANGE_PIECE)));
    result = await p.end();
    // Its bytes are copied out: the next range reuses the writer's buffers.
    p.recycle();
  } catch (e) {
    giveOut(out);
    throw e;
  }
  const { keys: _keys, ...rest } = result;
  unplaced.set(m.id, { out, len, path: m.stagePath });
  port.postMessage({ t: 'rangeDone', id: m.id, size: len, rejects, result: rest });
}

/** The offset of a range parsed here has come (-1: write nothing). */
function placeRange(id: number, offset: number): void {
  const r = unplaced.get(id);
  if (!r) return;
  unplaced.delete(id);
  const write = offset >= 0 && r.len > 0 ? writeAligned(r.path, r.out, r.len, offset, RANGE_DIRECT_AFTER) : Promise.resolve(0);
  write.then(
    () => {
      giveOut(r.out);
      port.postMessage({ t: 'rangeWritten', id });
    },
    (e: unknown) => {
      giveOut(r.out);
      port.postMessage({ t: 'rangeWriteFailed', id, error: errorData(e) });
    },
  );
}

port.on('message', (m: { t: string; spec?: PipelineSpec; head?: Uint8Array; id?: number; offset?: number; stagePath?: string; data?: Uint8Array; headerRow?: Uint8Array; slots?: SharedArrayBuffer; slotBytes?: number; slot?: number; n?: number }) => {
  switch (m.t) {
    case 'range':
      chain = chain.then(() =>
        parseRange(m as Parameters<typeof parseRange>[0]).catch((e: unknown) => {
          fail(e);
        }),
      );
      return;
    case 'rangeWrite':
      placeRange(m.id!, m.offset ?? -1);
      return;

    case 'start':
      if (m.slots) {
        const mem = m.slots;
        const size = m.slotBytes!;
        slotBufs = Array.from({ length: mem.byteLength / size }, (_, i) => Buffer.from(mem, i * size, size));
      }
      inFlight = 0;
      waiting.length = 0;
      staged = 0;
      stageDirect = undefined;
      directTried = false;
      try {
        stageFd = m.stagePath ? openSync(m.stagePath, 'a') : undefined;
        stagePath = m.stagePath ?? '';
        stageBase = stageFd !== undefined ? fstatSync(stageFd).size : 0;
        pipeline = new FilePipeline(m.spec!, Buffer.from(m.head!.buffer, m.head!.byteOffset, m.head!.byteLength), {
          bytes: (chunk) => {
            // Straight into the staged file: the main thread never sees these bytes.
            if (stageFd !== undefined) return stageWrite(stageFd, chunk);
            const id = nextId++;
            // A copy the main thread owns: the writer reuses its buffers.
            const copy = new Uint8Array(chunk.length);
            copy.set(chunk);
            port.postMessage({ t: 'bytes', id, b: copy }, [copy.buffer]);
            inFlight++;
            return inFlight <= WINDOW ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
          },
          reject: (r) => port.postMessage({ t: 'reject', r }),
        });
        port.postMessage({ t: 'started' });
      } catch (e) {
        fail(e);
      }
      return;
    case 'slot': {
      // A slot is read only while its chunk is fed: the pipeline keeps nothing of a chunk after feed.
      const b = slotBufs[m.slot!]!.subarray(0, m.n!);
      chain = chain.then(async () => {
        const p = pipeline;
        if (!p) return;
        try {
          await p.feed(b);
          port.postMessage({ t: 'fed', rows: p.rows });
        } catch (e) {
          fail(e);
        }
      });
      return;
    }
    case 'end': {
      chain = chain.then(async () => {
        const p = pipeline;
        if (!p) return;
        try {
          const result = await p.end();
          pipeline = undefined;
          await closeStage(false);
          const { keys, ...rest } = result;
          port.postMessage({ t: 'done', staged, result: { ...rest, ...(keys ? { keys: keys.toData() } : {}) } });
        } catch (e) {
          fail(e);
        }
      });
      return;
    }
    case 'wrote': {
      inFlight--;
      waiting.shift()?.();
      return;
    }
    case 'abort': {
      chain = chain.then(async () => {
        const p = pipeline;
        pipeline = undefined;
        inFlight = 0;
        for (const r of waiting.splice(0)) r();
        if (p) await p.abort().catch(() => {});
        await closeStage(true).catch(() => {});
        port.postMessage({ t: 'aborted' });
      });
      return;
    }
  }
});
