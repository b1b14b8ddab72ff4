import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConnectorError, type ErrorCode, type Position } from '../errors.js';
import { KeyCollector, type KeyCollectorData } from '../changes/capture.js';
import { projectRoot } from '../schemas.js';
import type { ExternalStage } from '../sinks/sink.js';
import type { PipelineOutput, PipelineResult, PipelineSpec } from './pipeline.js';

/**
 * Files parsed on every core: a pool of worker threads, each running one file's pipeline
 * (run/pipeline-worker.ts) at a time. The main thread lists, reads, hashes, stages and commits;
 * between the threads go the raw chunks one way and the envelope bytes the other (transferred,
 * not copied twice), never a message per row. A file's records are byte-identical whichever
 * thread parsed it.
 */

/** What ingest-file drives: a pipeline here, or one on a worker thread. */
export interface PipelineHandle {
  readonly rows: number;
  /**
   * Once `feed` has resolved, nothing of the pipeline holds the chunk's memory (it was parsed, or
   * copied): the reader may read into it again (`Source.recycle`).
   */
  readonly releasesChunks?: boolean;
  feed(chunk: Buffer): Promise<void>;
  end(): Promise<PipelineResult>;
  abort(): Promise<void>;
}

/** The compiled worker script (the pool runs the build, also when the caller runs from sources). */
export function workerScript(): string {
  return join(projectRoot(), 'dist', 'connector', 'run', 'pipeline-worker.js');
}

/** `run.workers`: `auto` is the core count. */
export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? Math.max(1, availableParallelism()) : Math.max(1, setting);
}

interface WorkerError {
  connector: boolean;
  code?: ErrorCode;
  message: string;
  retryable?: boolean;
  position?: Position;
  hint?: string;
}

function revive(e: WorkerError): Error {
  if (!e.connector) return new ConnectorError('E_INTERNAL', `a parsing thread failed: ${e.message}`);
  return new ConnectorError(e.code!, e.message, { retryable: e.retryable ?? false, ...(e.position ? { position: e.position } : {}), ...(e.hint ? { hint: e.hint } : {}) });
}

/**
 * A range's output written by its thread into the file's staged file (`path`): `place(size)` gives
 * the offset, once every range before it is sized (-1 or a rejection: write nothing).
 */
export interface RangeStage {
  path: string;
  place(size: number): Promise<number>;
}

/** What a worker sends back for a range of a CSV (WorkerPool.range). */
export interface RangeResult {
  /** Envelope bytes the thread wrote into the staged file. */
  size: number;
  rejects: Array<Parameters<PipelineOutput['reject']>[0]>;
  result: PipelineResult;
}

/**
 * A parsing thread's young generation (V8's default is ~48 MB here). Two XML threads at 24 MB
 * peaked 266 MB instead of 289 MB in the same time (3 runs each; 12 MB was worse, 6 MB 12 % slower).
 */
const YOUNG_MB = 24;

/** Raw chunks in flight to a worker. */
const WINDOW = 4;
/**
 * Chunks go to a thread through shared memory of its own, slots used in turn: a chunk is copied
 * into the next slot (the thread parses it there; nothing of it stays after it is fed), so neither
 * side allocates or frees memory per chunk. Chunks were transferred before: each megabyte was then
 * freed on the thread only when its garbage collector got to it, and the malloc heap it came from
 * on the main thread kept growing (peak RSS, measured). One slot more than the window: the slot
 * written next is always one whose chunk was fed. A larger chunk goes in pieces.
 */
const SLOTS = WINDOW + 1;
const SLOT_BYTES = 1 << 20;

type Msg = { t: string; staged?: number; id?: number; b?: Uint8Array; r?: Parameters<PipelineOutput['reject']>[0]; rows?: number; result?: PipelineResult & { keys?: unknown }; error?: WorkerError };

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: Array<(w: Worker) => void> = [];
  private closed = false;
  /** Ranges parsed and not yet written, per thread (`range`), and the listeners that settle them. */
  private readonly rangeWrites = new WeakMap<Worker, Map<number, { resolve: () => void; reject: (e: Error) => void }>>();
  private readonly lifeListeners = new WeakSet<object>();
  private nextRange = 0;
  /** Each thread's chunk slots (made on its first file, kept for its life). */
  private readonly slots = new WeakMap<Worker, Uint8Array[]>();

  constructor(readonly size: number) {}

  /** Would `pipeline` get a worker now, without waiting? */
  hasFree(): boolean {
    return !this.closed && (this.idle.length > 0 || this.all.size < this.size);
  }

  static available(): boolean {
    return existsSync(workerScript());
  }

  private async acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return w;
    if (this.all.size < this.size) {
      const nw = new Worker(workerScript(), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
      this.all.add(nw);
      nw.on('exit', () => this.all.delete(nw));
      return nw;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker, broken = false): void {
    // A use's listeners go; the thread's own (its ranges' writes) stay.
    for (const l of w.listeners('message')) if (!this.lifeListeners.has(l as never)) w.off('message', l as (...a: unknown[]) => void);
    w.removeAllListeners('error');
    if (broken || this.closed) {
      this.all.delete(w);
      void w.terminate();
      if (this.waiting.length && !this.closed) void this.acquire().then((nw) => this.waiting.shift()?.(nw));
      return;
    }
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /** A pipeline on a free worker (waits for one). */
  async pipeline(spec: PipelineSpec, head: Buffer, out: PipelineOutput, stage?: ExternalStage): Promise<PipelineHandle> {
    const w = await this.acquire();
    let rows = 0;
    let failed: Error | undefined;
    // Chunks sent and not yet parsed: up to WINDOW, so reading the next chunk overlaps parsing this one.
    let unfed = 0;
    const fedWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
    let reply: { want: string; resolve: (m: Msg) => void; reject: (e: Error) => void } | undefined;
    // Envelope bytes are written in the order they were made, one at a time.
    let writes: Promise<void> = Promise.resolve();
    let writeError: unknown;
    const failAll = (e: Error) => {
      failed = e;
      for (const f of fedWaiters.splice(0)) f.reject(e);
      const r = reply;
      reply = undefined;
      r?.reject(e);
    };
    w.on('message', (m: Msg) => {
      switch (m.t) {
        case 'bytes': {
          const buf = Buffer.from(m.b!.buffer, m.b!.byteOffset, m.b!.byteLength);
          const id = m.id!;
          writes = writes.then(() => out.bytes(buf)).then(
            () => w.postMessage({ t: 'wrote', id }),
            (e) => {
              writeError ??= e;
              w.postMessage({ t: 'wrote', id });
            },
          );
          return;
        }
        case 'reject':
          out.reject(m.r!);
          return;
        case 'fed':
          rows = m.rows ?? rows;
          unfed--;
          fedWaiters.shift()?.resolve();
          return;
        case 'error':
          failAll(revive(m.error!));
          return;
        default: {
          const r = reply;
          if (r && r.want === m.t) {
            reply = undefined;
            r.resolve(m);
          }
        }
      }
    });
    w.on('error', (e) => {
      failAll(new ConnectorError('E_INTERNAL', `a parsing thread stopped: ${e.message}`));
      this.release(w, true);
    });
    const ask = (msg: unknown, want: string, transfer: ArrayBuffer[] = []) =>
      new Promise<Msg>((resolve, reject) => {
        if (failed) return reject(failed);
        reply = { want, resolve, reject };
        w.postMessage(msg, transfer);
      });
    const h = new Uint8Array(head.length);
    h.set(head);
    let slots = this.slots.get(w);
    let slotMemory: SharedArrayBuffer | undefined;
    if (!slots) {
      slotMemory = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
      const mem = slotMemory;
      slots = Array.from({ length: SLOTS }, (_, i) => new Uint8Array(mem, i * SLOT_BYTES, SLOT_BYTES));
      this.slots.set(w, slots);
    }
    const slotViews = slots;
    let slotNext = 0;
    try {
      await ask({ t: 'start', spec, head: h, ...(stage ? { stagePath: stage.path } : {}), ...(slotMemory ? { slots: slotMemory, slotBytes: SLOT_BYTES } : {}) }, 'started', [h.buffer]);
    } catch (e) {
      this.release(w);
      throw e;
    }
    let done = false;
    return {
      get rows() {
        return rows;
      },
      releasesChunks: true,
      feed: async (chunk: Buffer) => {
        // A slot's worth at a time (a larger chunk in pieces), each into the next slot: at most
        // SLOTS - 1 are in flight when a piece has been sent, so that slot's piece was fed.
        for (let o = 0; o < chunk.length; o += SLOT_BYTES) {
          if (failed) throw failed;
          if (writeError) throw writeError;
          const piece = chunk.subarray(o, Math.min(chunk.length, o + SLOT_BYTES));
          const slot = slotNext;
          slotNext = (slotNext + 1) % SLOTS;
          slotViews[slot]!.set(piece);
          w.postMessage({ t: 'slot', slot, n: piece.length });
          unfed++;
          if (unfed > WINDOW) await new Promise<void>((resolve, reject) => fedWaiters.push({ resolve, reject }));
        }
      },
      end: async () => {
        const m = await ask({ t: 'end' }, 'done');
        await writes;
        done = true;
        this.release(w);
        if (stage) await stage.finish(m.staged ?? 0);
        if (writeError) throw writeError;
        const { keys, ...result } = m.result!;
        return { ...result, ...(keys ? { keys: KeyCollector.fromData(keys as unknown as KeyCollectorData) } : {}) } as PipelineResult;
      },
      abort: async () => {
        if (done) return;
        done = true;
        if (!this.all.has(w)) return;
        failed = undefined;
        for (const f of fedWaiters.splice(0)) f.resolve();
        await ask({ t: 'abort' }, 'aborted').catch(() => {});
        await writes.catch(() => {});
        this.release(w);
      },
    };
  }

  /**
   * One range of a CSV parsed whole on a free worker (waits for one). Its bytes are a view on shared
   * memory (`data`): the thread copies them into a buffer of its own and says so (`taken`, when the
   * caller may fill that memory again), so input memory is reused rather than allocated per range.
   * The thread writes the envelope bytes into the staged file (`stage`) and sends back the range's
   * rejected rows and its result (a part's: where its reader stopped).
   */
  async range(spec: PipelineSpec, head: Buffer, data: Uint8Array, taken: () => void, headerRow: Buffer | undefined, stage: RangeStage): Promise<RangeResult> {
    const w = await this.acquire();
    const id = this.nextRange++;
    const h = new Uint8Array(head.length);
    h.set(head);
    return new Promise<RangeResult>((resolve0, reject0) => {
      // A thread that exits without an error event (terminated) must not leave the range waiting.
      const onExit = () => {
        taken();
        reject0(new ConnectorError('E_INTERNAL', 'a parsing thread exited while it parsed a range'));
      };
      w.once('exit', onExit);
      const reject = (e: Error) => (w.off('exit', onExit), reject0(e));
      w.on('message', (m: { t: string; id?: number; size?: number; rejects?: RangeResult['rejects']; result?: PipelineResult; error?: WorkerError }) => {
        if (m.t === 'rangeDone' && m.id === id) {
          // Sized: the thread is free for the next range or file, and writes these bytes where the
          // ranges before them end once those are sized (answered on its writes' listener).
          w.off('exit', onExit);
          const done: RangeResult = { size: m.size!, rejects: m.rejects!, result: m.result! };
          this.writesOf(w).set(id, { resolve: () => resolve0(done), reject: reject0 });
          this.release(w);
          stage.place(m.size!).then(
            (offset) => w.postMessage({ t: 'rangeWrite', id, offset }),
            () => w.postMessage({ t: 'rangeWrite', id, offset: -1 }),
          );
        } else if (m.t === 'rangeTaken' && m.id === id) {
          taken();
        } else if (m.t === 'error') {
          taken();
          this.release(w);
          reject(revive(m.error!));
        }
      });
      w.on('error', (e) => {
        taken();
        this.release(w, true);
        reject(new ConnectorError('E_INTERNAL', `a parsing thread stopped: ${e.message}`));
      });
      try {
        w.postMessage({ t: 'range', id, spec, head: h, data, ...(headerRow ? { headerRow } : {}), stagePath: stage.path }, [h.buffer]);
      } catch (e) {
        taken();
        this.release(w);
        reject(e as Error);
      }
    });
  }

  /**
   * Ranges parsed on `w` whose bytes it has still to write, with the listener (on the thread for its
   * life, kept when it is released) that settles them; all rejected if the thread exits.
   */
  private writesOf(w: Worker): Map<number, { resolve: () => void; reject: (e: Error) => void }> {
    const known = this.rangeWrites.get(w);
    if (known) return known;
    const mine = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
    this.rangeWrites.set(w, mine);
    const listener = (m: { t: string; id?: number; error?: WorkerError }) => {
      if (m.t !== 'rangeWritten' && m.t !== 'rangeWriteFailed') return;
      const r = mine.get(m.id!);
      if (!r) return;
      mine.delete(m.id!);
      if (m.t === 'rangeWritten') r.resolve();
      else r.reject(revive(m.error!));
    };
    this.lifeListeners.add(listener);
    w.on('message', listener);
    w.once('exit', () => {
      for (const r of mine.values()) r.reject(new ConnectorError('E_INTERNAL', 'a parsing thread exited before it wrote a range it had parsed'));
      mine.clear();
    });
    return mine;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
