import { FNV_OFFSET, FNV_PRIME } from './hashing.js';

export const ENVELOPE_VERSION = 1;

/** Per-file facts that every envelope of the file repeats. Serialised once per file (and entity). */
export interface EnvelopeContext {
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  run_id: string;
  file_id: string;
  /** Clear path, only when the config allows clear names. */
  path?: string;
  format: 'tally-xml' | 'csv';
  encoding: string;
  /** Bytes written before/after each envelope on its line (used by `read` to wrap messages). */
  wrap?: { open: string; close: string };
}

/** Where the writer's bytes go; it awaits so that a slow sink slows the parser (backpressure). */
export type ByteSink = (chunk: Buffer) => Promise<void>;

const HEX = Buffer.from('0123456789abcdef');
const FLUSH_AT = 4 << 20;

/**
 * Builds NDJSON envelope lines straight into a byte buffer, pino-style: the constant part of a line
 * (tenant, connector, stream, entity, run, time, schema version, file) is serialised once and copied;
 * each row appends only its ordinal, line, record id and record. Record ids are deterministic:
 * `<file id>.<ordinal>.<fnv1a-32 of the record bytes>`, so the same bytes give the same ids.
 */
export class EnvelopeWriter {
  /** Starts small (most files are small) and grows to about FLUSH_AT for big ones. */
  buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  pos = 0;
  rows = 0;
  bytesOut = 0;
  private readonly prefixes = new Map<string, Buffer>();
  private emittedAt = '';
  private lastTick = 0;
  private readonly idHead: Buffer;
  private spare: Buffer | undefined;
  private pending: Promise<void> | undefined;
  private readonly mid: Buffer;
  private readonly close: Buffer;

  constructor(
    readonly ctx: EnvelopeContext,
    private readonly sink: ByteSink,
    private readonly schemaVersion: (entity: string) => number,
  ) {
    this.idHead = Buffer.from(`,"record_id":"${ctx.file_id}.`);
    this.mid = Buffer.from('","record":');
    this.close = Buffer.from('}' + (ctx.wrap?.close ?? '') + '\n');
    this.tick(true);
  }

  /** Refresh `emitted_at` (called once per input chunk; the time has millisecond precision). */
  tick(force = false): void {
    const now = Date.now();
    if (!force && now === this.lastTick) return;
    this.lastTick = now;
    this.emittedAt = new Date(now).toISOString();
    this.prefixes.clear();
  }

  /** Forget cached prefixes, e.g. after the schema version of an entity changed. */
  invalidate(): void {
    this.prefixes.clear();
  }

  private prefix(entity: string): Buffer {
    let p = this.prefixes.get(entity);
    if (!p) {
      const c = this.ctx;
      const src = `"source":{"file_id":${JSON.stringify(c.file_id)},${c.path !== undefined ? `"path":${JSON.stringify(c.path)},` : ''}"format":"${c.format}","encoding":"${c.encoding}","ordinal":`;
      p = Buffer.from(
        (c.wrap?.open ?? '') +
          `{"envelope_version":${ENVELOPE_VERSION},"tenant_id":${JSON.stringify(c.tenant_id)},"connector_id":${JSON.stringify(c.connector_id)},"stream_id":${JSON.stringify(c.stream_id)},"entity":${JSON.stringify(entity)},"run_id":${JSON.stringify(c.run_id)},"emitted_at":"${this.emittedAt}","schema_version":${this.schemaVersion(entity)},` +
          src,
      );
      this.prefixes.set(entity, p);
    }
    return p;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + 64 * 1024));
    nb.set(this.buf.subarray(0, this.pos), 0);
    this.buf = nb;
  }

  /**
   * Start a row: writes everything up to `"record":`. Returns the offset of the 8 hex digits of the
   * record id's content hash, to be filled by `endRow`. The caller then writes the record JSON at
   * `this.pos` (after `ensure`).
   */
  beginRow(entity: string, line: number | undefined, ordinal: number): number {
    const p = this.prefix(entity);
    this.ensure(p.length + 96);
    const b = this.buf;
    let o = this.pos;
    b.set(p, o);
    o += p.length;
    o = writeUint(b, o, ordinal);
    if (line !== undefined) {
      b.set(LINE_KEY, o);
      o += LINE_KEY.length;
      o = writeUint(b, o, line);
    }
    b[o++] = 0x7d; // }
    b.set(this.idHead, o);
    o += this.idHead.length;
    o = writeUint(b, o, ordinal);
    b[o++] = 0x2e; // .
    const hashAt = o;
    o += 8;
    b.set(this.mid, o);
    o += this.mid.length;
    this.pos = o;
    return hashAt;
  }

  /** Finish a row whose record bytes start at `recordStart`; `hash` is FNV-1a over them if known. */
  endRow(hashAt: number, recordStart: number, hash?: number): void {
    const b = this.buf;
    let h = hash;
    if (h === undefined) {
      h = FNV_OFFSET;
      for (let i = recordStart; i < this.pos; i++) h = Math.imul(h ^ (b[i] as number), FNV_PRIME);
    }
    h >>>= 0;
    for (let k = 7; k >= 0; k--) {
      b[hashAt + k] = HEX[h & 15] as number;
      h >>>= 4;
    }
    this.ensure(this.close.length);
    this.buf.set(this.close, this.pos);
    this.pos += this.close.length;
    this.rows++;
  }

  /** One row from an already-serialised record (XML objects). */
  writeJson(entity: string, line: number | undefined, ordinal: number, recordJson: string): void {
    const hashAt = this.beginRow(entity, line, ordinal);
    this.ensure(recordJson.length * 3 + 16);
    const start = this.pos;
    this.pos += this.buf.write(recordJson, start, 'utf8');
    this.endRow(hashAt, start);
  }

  /** True when enough bytes are buffered that the caller should await `flush()`. */
  get full(): boolean {
    return this.pos >= FLUSH_AT;
  }

  /**
   * Hand the buffered bytes to the sink. Double-buffered: the sink writes one buffer while the
   * parser fills the other, so parsing and I/O overlap; a flush waits for the previous write only.
   */
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
}

const LINE_KEY = Buffer.from(',"line":');

/** Decimal digits of a non-negative integer, written in place (no string allocation). */
function writeUint(b: Buffer, o: number, n: number): number {
  if (n < 10) {
    b[o] = 48 + n;
    return o + 1;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  let i = o + digits - 1;
  for (let t = n; i >= o; i--) {
    b[i] = 48 + (t % 10);
    t = Math.floor(t / 10);
  }
  return o + digits;
}
