import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Compression } from './parquet.js';

const require = createRequire(import.meta.url);

/**
 * Page compression on another core: one worker thread per process, started on first use, and
 * holding the process open only while pages are in flight. Pages go over as transferred copies and come back
 * compressed; the writer awaits a row group's pages only when the next one is flushed, so
 * compressing one row group overlaps encoding the next (measured: zstd on the main thread took
 * ~0.5 s of every 1.25 M rows).
 *
 * The worker is evaluated from source text, so the same code runs from dist/ and under the test
 * runner's TypeScript loader; it loads the codec packages by their resolved paths.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const codecs = {};
const ready = (async () => {
  const z = require(workerData.zstd);
  await z.isLoaded;
  codecs.zstd = (b) => z.compress(b, 1);
  const s = require(workerData.snappy);
  codecs.snappy = (b) => s.compress(b);
})();
ready.then(() => {
  parentPort.on('message', ({ id, codec, buf }) => {
    try {
      const out = codecs[codec](new Uint8Array(buf));
      const copy = new Uint8Array(out.length);
      copy.set(out);
      parentPort.postMessage({ id, buf: copy.buffer }, [copy.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: String(e && e.message || e) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ fatal: String(e && e.message || e) }));
`;

interface Pool {
  worker: Worker;
  ready: Promise<void>;
  next: number;
  pending: Map<number, { resolve(b: Uint8Array): void; reject(e: Error): void }>;
}

let pool: Pool | undefined;

/**
 * Bytes sent for compression and not yet back. Pages are sent as they are cut, so without a bound a
 * fast reader would queue whole row groups, uncompressed, on the worker: `compressionDrained` is the
 * backpressure the writer's caller awaits.
 */
let inflight = 0;
let waiters: { below: number; resolve(): void }[] = [];

function settle(n: number): void {
  inflight -= n;
  if (!waiters.length) return;
  const still: typeof waiters = [];
  for (const w of waiters) (inflight <= w.below ? w.resolve() : still.push(w));
  waiters = still;
}

export function compressionBacklog(): number {
  return inflight;
}

/** Resolves once at most `below` bytes are still being compressed. */
export function compressionDrained(below: number): Promise<void> {
  if (inflight <= below) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ below, resolve }));
}

function start(): Pool {
  const worker = new Worker(WORKER, { eval: true, workerData: { zstd: require.resolve('@foxglove/wasm-zstd'), snappy: require.resolve('snappyjs') } });
  const p: Pool = { worker, next: 0, pending: new Map(), ready: Promise.resolve() };
  p.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; fatal?: string; id?: number; buf?: ArrayBuffer; error?: string }) => {
      if (m.ready) {
        worker.unref();
        return resolve();
      }
      if (m.fatal) return reject(new Error(`the compression worker failed to start: ${m.fatal}`));
      const w = p.pending.get(m.id!);
      if (!w) return;
      p.pending.delete(m.id!);
      if (p.pending.size === 0) worker.unref(); // idle: never what keeps the process alive
      if (m.error) w.reject(new Error(`compression failed: ${m.error}`));
      else w.resolve(new Uint8Array(m.buf!));
    });
    worker.on('error', (e) => {
      reject(e);
      for (const w of p.pending.values()) w.reject(e);
      p.pending.clear();
      if (pool === p) pool = undefined;
    });
  });
  return p;
}

/** A compressor that runs on the worker thread. */
export function asyncCompressor(codec: Exclude<Compression, 'none'>): (b: Uint8Array) => Promise<Uint8Array> {
  return async (b) => {
    pool ??= start();
    const p = pool;
    const n = b.length;
    inflight += n;
    // The caller reuses b as soon as this returns: copy it before the first await.
    const copy = new Uint8Array(n);
    copy.set(b);
    try {
      await p.ready;
      const id = p.next++;
      return await new Promise<Uint8Array>((resolve, reject) => {
        if (p.pending.size === 0) p.worker.ref();
        p.pending.set(id, { resolve, reject });
        p.worker.postMessage({ id, codec, buf: copy.buffer }, [copy.buffer]);
      });
    } finally {
      settle(n);
    }
  };
}
