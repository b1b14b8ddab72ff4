/** Where a writer's bytes go; it awaits so that a slow sink slows the parser (backpressure). */
export type ByteSink = (chunk: Buffer) => Promise<void>;

/** Bytes buffered before the writer asks to be flushed (`full`). */
const FLUSH_AT = 4 << 20;

/**
 * Buffers of writers that finished (drained), kept for the next writer on the same thread: a thread
 * that parses one range or file after another reuses their memory instead of growing new buffers
 * (fresh pages cost more than their bytes on some virtual machines; measured on ranges of a CSV).
 */
const FREE: Buffer[] = [];
const FREE_MAX = 4;

function take(): Buffer {
  return FREE.pop() ?? Buffer.allocUnsafe(64 * 1024);
}

/**
 * The byte buffer under the envelope writer and the row log: a writer appends at `pos` (after
 * `ensure`), and `flush` hands what it wrote to the sink. Double-buffered: the sink writes one
 * buffer while the parser fills the other, so parsing and I/O overlap; a flush waits for the
 * previous write only. Starts small (most files are small) and grows to about FLUSH_AT for big ones.
 */
export abstract class DoubleBuffer {
  buf: Buffer = take();
  pos = 0;
  /** Bytes handed to the sink so far. */
  bytesOut = 0;
  private spare: Buffer | undefined;
  private pending: Promise<void> | undefined;

  constructor(private readonly sink: ByteSink) {}

  /** Room for `n` more bytes at `pos`. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Doubling up to FLUSH_AT; past it (a writer that flushes at FLUSH_AT needs only a little more) by what is needed.
    const want = this.buf.length < FLUSH_AT ? Math.max(this.buf.length * 2, this.pos + n + 64 * 1024) : this.pos + n + (1 << 20);
    const nb = Buffer.allocUnsafe(want);
    nb.set(this.buf.subarray(0, this.pos), 0);
    this.buf = nb;
  }

  /** True when enough bytes are buffered that the caller should await `flush()`. */
  get full(): boolean {
    return this.pos >= FLUSH_AT;
  }

  /** Hand the buffered bytes to the sink (waiting for the previous write first). */
  async flush(): Promise<void> {
    if (this.pending) await this.pending;
    this.pending = undefined;
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.bytesOut += this.pos;
    const spare = this.spare;
    this.spare = this.buf;
    this.buf = spare && spare.length >= this.spare.length ? spare : Buffer.allocUnsafe(this.spare.length);
    this.pos = 0;
    const p = this.sink(out);
    p.catch(() => {}); // observed by the next flush/drain; never an unhandled rejection
    this.pending = p;
  }

  /** Flush and wait until every byte has reached the sink. */
  async drain(): Promise<void> {
    await this.flush();
    if (this.pending) await this.pending;
    this.pending = undefined;
  }

  /**
   * The writer is done (drained, and its bytes no longer needed): its buffers go to the next writer
   * on this thread. Only the owner calls it, and uses the writer no more.
   */
  recycle(): void {
    for (const b of [this.buf, this.spare]) if (b && b.length > 64 * 1024 && FREE.length < FREE_MAX) FREE.push(b);
    this.buf = Buffer.alloc(0);
    this.spare = undefined;
    this.pos = 0;
  }
}
