import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Writing a large output with O_DIRECT where the file system allows it: the bytes go to the disk
 * without passing through the page cache. On this project's virtual machine a buffered write of a
 * new file costs about 2.5 s of system time per GB (new page-cache pages), a direct one about 0.1 s
 * (dd, 2 GB: 5.1 s against 0.21 s of system time), which is CPU a backfill on every core parses
 * with instead. Outputs are read again only to rewrite lines or to upload them.
 *
 * O_DIRECT needs the memory, the length and the offset of every write aligned to ALIGN. The bytes go
 * through a few aligned areas (WebAssembly memory is page aligned), a tail shorter than ALIGN waits for
 * the next write, and the last tail is written through the file's ordinary handle by the caller
 * (`end` returns it). Where O_DIRECT is refused (tmpfs, some network file systems), `open` returns
 * undefined and the caller goes on buffered.
 */
export const DIRECT_AFTER = 8 << 20;
export const ALIGN = 4096;
/**
 * The aligned areas bytes are staged in; a write larger than a writer's area goes in pieces (an area
 * less a block, for the tail carried over). The main thread's staged files take a 4 MiB flush at
 * once (in 1 MiB pieces, each awaited, a CSV on one thread had taken 1.20x the wall, 5 alternating
 * pairs), three areas: two writes in flight. A parsing thread's writer has smaller areas
 * (THREAD_AREA_BYTES, four of them): at the peak of a backfill on two threads, two 5 MiB areas each
 * had been 18 MB of its resident memory.
 */
const AREA_BYTES = 5 << 20;
const AREAS = 3;
export const THREAD_AREA_BYTES = 1 << 20;
export const THREAD_AREAS = 4;
const O_DIRECT = fsConstants.O_DIRECT ?? 0;

/** Page-aligned memory (the project's TypeScript libraries do not declare WebAssembly). */
declare const WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } };

/** Aligned areas of writers that ended, for the next writer on this thread. */
const freeAreas: Buffer[] = [];

/** Page-aligned memory of at least `bytes` (zeroed): the writers' areas, and `writeAligned`'s callers'. */
export function alignedBuffer(bytes: number): Buffer {
  return Buffer.from(new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) }).buffer);
}

function alignedArea(min: number): Buffer {
  const i = freeAreas.findIndex((a) => a.length >= min);
  if (i >= 0) return freeAreas.splice(i, 1)[0]!;
  return alignedBuffer(min);
}

function returnArea(a: Buffer): void {
  if (freeAreas.length < 4) freeAreas.push(a);
}

/** Of `n` bytes to write at `offset`, how many go through the ordinary handle before an aligned offset. */
export function leadToAlign(offset: number, n: number): number {
  return Math.min(n, (ALIGN - (offset % ALIGN)) % ALIGN);
}

/** Can this process write directly at all (a Linux build of Node)? */
export const directAvailable = O_DIRECT !== 0;

/**
 * The bytes of a file from an aligned offset on, written directly, with writes pipelined: `write`
 * copies the bytes into the next free area and starts its write without waiting for it, so the
 * caller parses on while up to `areas - 1` writes are in flight; it waits only when every area is
 * still being written. A durable staged file is synced in the background as it grows, and a direct
 * write that extends the file waits for that sync's journal commit: one write at a time (each
 * awaited), a CSV on one thread spent 0.7-0.9 s of a 3.5 s run waiting for its previous 4 MiB
 * write (median 8.5 ms, p90 30 ms; 4 ms without the background syncs).
 * A write that fails is reported by the next `write` or by `end`.
 */
export class DirectWriter {
  private readonly areas: Buffer[];
  /** Each area's write in flight (never the current area's). */
  private readonly busy: Array<Promise<void> | undefined>;
  /** The most bytes staged at once. */
  private readonly piece: number;
  private cur = 0;
  /** Bytes at the start of the current area, not yet written (fewer than ALIGN). */
  private rem = 0;
  private failed: { e: unknown } | undefined;

  private constructor(
    private readonly fh: FileHandle,
    /** File offset of the current area's first byte. */
    private pos: number,
    areaBytes: number,
    count: number,
  ) {
    this.areas = [];
    for (let i = 0; i < count; i++) this.areas.push(alignedArea(areaBytes));
    this.busy = this.areas.map(() => undefined);
    this.piece = areaBytes - ALIGN;
  }

  /**
   * A direct writer of `path` from `at` (a multiple of ALIGN) through `count` areas of `areaBytes`,
   * or undefined where O_DIRECT is refused.
   */
  static async open(path: string, at: number, areaBytes = AREA_BYTES, count = AREAS): Promise<DirectWriter | undefined> {
    if (!directAvailable || at % ALIGN !== 0) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(path, fsConstants.O_WRONLY | O_DIRECT);
    } catch {
      return undefined;
    }
    try {
      return new DirectWriter(fh, at, Math.max(areaBytes, 2 * ALIGN), Math.max(2, count));
    } catch {
      // No aligned memory to be had (the areas reserve address space): write buffered instead.
      await fh.close().catch(() => {});
      return undefined;
    }
  }

  /**
   * Stage `chunk` (at most `piece` bytes: with the tail carried over, fewer than ALIGN, it fits an
   * area) in the current area, the part past the last whole block carried into the next area (which
   * is free); returns the aligned bytes to write now and where.
   */
  private stage(chunk: Buffer): { a: Buffer; n: number; at: number } {
    const a = this.areas[this.cur]!;
    const total = this.rem + chunk.length;
    a.set(chunk, this.rem);
    const n = total - (total % ALIGN);
    const rest = total - n;
    const next = (this.cur + 1) % this.areas.length;
    this.areas[next]!.set(a.subarray(n, total), 0);
    const at = this.pos;
    this.pos += n;
    this.rem = rest;
    this.cur = next;
    return { a, n, at };
  }

  private check(): void {
    if (this.failed) throw this.failed.e;
  }

  /** A write of `a[0, n)` at `at`, to completion; a failure is kept for the next call. */
  private async put(a: Buffer, n: number, at: number): Promise<void> {
    try {
      for (let off = 0; off < n; ) off += (await this.fh.write(a, off, n - off, at + off)).bytesWritten;
    } catch (e) {
      this.failed ??= { e };
    }
  }

  async write(chunk: Buffer): Promise<void> {
    let p = 0;
    do {
      this.check();
      // The next area takes this piece's tail: its write must be over.
      const next = (this.cur + 1) % this.areas.length;
      const b = this.busy[next];
      if (b) {
        await b;
        this.busy[next] = undefined;
        this.check();
      }
      const from = this.cur;
      const { a, n, at } = this.stage(chunk.subarray(p, p + this.piece));
      if (n > 0) this.busy[from] = this.put(a, n, at);
      p += this.piece;
    } while (p < chunk.length);
  }

  /** Wait for every write in flight, then close the handle. */
  private async close(): Promise<void> {
    await Promise.all(this.busy);
    this.busy.fill(undefined);
    await this.fh.close().catch(() => {});
  }

  /** Every write over (a failed one thrown); close; returns the tail still to write through the ordinary handle, and its offset (a copy). */
  async end(): Promise<{ tail: Buffer; at: number }> {
    await this.close();
    this.check();
    return this.take();
  }

  /** Stop: wait for the writes in flight (their failures no longer matter) and close. */
  async abort(): Promise<void> {
    await this.close();
    for (const a of this.areas) returnArea(a);
  }

  private take(): { tail: Buffer; at: number } {
    const tail = Buffer.from(this.areas[this.cur]!.subarray(0, this.rem));
    for (const a of this.areas) returnArea(a);
    this.rem = 0;
    return { tail, at: this.pos };
  }
}

/**
 * The bytes `mem[0, len)` into the file at `offset` (not aligned): from `directAfter` bytes on, the
 * aligned middle goes with O_DIRECT straight from `mem` and the partial blocks at either end through
 * the page cache, so that no direct write covers a block a neighbour's bytes share (ranges of a split
 * CSV written side by side by their threads). `mem` must be page-aligned (`alignedBuffer`) with
 * ALIGN bytes to spare: the bytes are first moved up by `offset % ALIGN` so that memory and file
 * agree on where blocks start (no copy into other memory). Returns the bytes written directly (0
 * where O_DIRECT is refused or the write is short). The writes run on libuv's threads.
 */
export async function writeAligned(path: string, mem: Buffer, len: number, offset: number, directAfter: number): Promise<number> {
  const lead = leadToAlign(offset, len);
  const body = len - lead - ((len - lead) % ALIGN);
  const fh = await open(path, 'r+');
  try {
    let direct: FileHandle | undefined;
    if (directAvailable && body > 0 && body >= directAfter && mem.byteOffset % ALIGN === 0 && mem.length >= len + ALIGN) {
      direct = await open(path, fsConstants.O_WRONLY | O_DIRECT).catch(() => undefined);
    }
    const shift = direct ? offset % ALIGN : 0;
    if (shift) mem.copyWithin(shift, 0, len);
    const put = async (h: FileHandle, from: number, to: number) => {
      for (let off = from; off < to; ) off += (await h.write(mem, shift + off, to - off, offset + off)).bytesWritten;
    };
    if (!direct) {
      await put(fh, 0, len);
      return 0;
    }
    try {
      await put(fh, 0, lead);
      await put(direct, lead, lead + body);
    } finally {
      await direct.close().catch(() => {});
    }
    await put(fh, lead + body, len);
    return body;
  } finally {
    await fh.close();
  }
}
