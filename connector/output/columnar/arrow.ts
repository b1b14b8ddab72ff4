import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import {
  AsyncByteQueue,
  Bool,
  DateDay,
  Decimal,
  Field,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  makeData,
  type DataType,
} from 'apache-arrow';
import { makeFeeder, textOf, type ColumnSink, type ColumnSpec } from './columns.js';
import { dateToDays, decimalUnscaled, timestampMs } from './values.js';
import { TAG_JSON, TAG_TEXT, cellValue, type LogRow } from '../row-log.js';

/**
 * Arrow IPC files (the file format, `.arrow`) written with apache-arrow: record batches of
 * `batchRows` rows built straight into typed arrays (no arrow Builders, no object per value) and
 * streamed to disk as each batch fills. Decimals are Decimal128(38, scale), dates DateDay, JSON
 * text columns Utf8 with the `arrow.json` extension name.
 */

const TWO32 = 4294967296;

/** Buffer#utf8Write: Node's direct UTF-8 encoder (what Buffer#write calls after checking its arguments). */
type Utf8Buf = Buffer & { utf8Write(s: string, offset: number): number };

function arrowType(c: ColumnSpec): DataType {
  switch (c.kind) {
    case 'string':
    case 'json':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'bool':
      return new Bool();
    case 'int64':
      return new Int64();
    case 'int32':
      return new Int32();
    case 'timestamp':
      return new TimestampMillisecond('UTC');
    case 'decimal':
      // apache-arrow's order is (scale, precision, bitWidth).
      return new Decimal(c.scale ?? 0, 38, 128);
  }
}

export function arrowSchema(columns: ColumnSpec[]): Schema {
  return new Schema(
    columns.map((c) => new Field(c.name, arrowType(c), c.nullable, c.kind === 'json' ? new Map([['ARROW:extension:name', 'arrow.json'], ['ARROW:extension:metadata', '']]) : undefined)),
  );
}

abstract class Col {
  readonly type: DataType;
  protected readonly valid: Uint8Array | null;
  protected nulls = 0;
  k = 0;
  constructor(
    protected readonly c: ColumnSpec,
    protected readonly cap: number,
  ) {
    this.type = arrowType(c);
    this.valid = c.nullable ? new Uint8Array((cap + 7) >> 3) : null;
  }
  reset(): void {
    this.valid?.fill(0);
    this.nulls = 0;
  }
  /** True (and the null recorded) when `v` is null. */
  protected isNull(v: unknown): boolean {
    const k = this.k;
    if (v !== null && v !== undefined) {
      if (this.valid !== null) this.valid[k >> 3]! |= 1 << (k & 7);
      return false;
    }
    if (this.valid === null) throw new TypeError(`a null in the required column ${this.c.name}`);
    this.nulls++;
    return true;
  }
  protected base(n: number) {
    return { type: this.type, offset: 0, length: n, nullCount: this.nulls, ...(this.nulls > 0 ? { nullBitmap: this.valid!.subarray(0, (n + 7) >> 3) } : {}) };
  }
  abstract set(v: unknown): void;
  fromCell(r: LogRow, i: number): void {
    this.set(cellValue(r, i));
  }
  fromJson(b: Buffer, s: number, e: number): void {
    this.set(JSON.parse(b.toString('utf8', s, e)));
  }
  abstract data(n: number): ReturnType<typeof makeData>;
  abstract get bytes(): number;
}

class Utf8Col extends Col {
  private readonly offsets: Int32Array;
  private buf: Buffer;
  private pos = 0;
  constructor(c: ColumnSpec, cap: number) {
    super(c, cap);
    this.offsets = new Int32Array(cap + 1);
    this.buf = Buffer.allocUnsafe(Math.max(1024, cap * 16));
  }
  override reset(): void {
    super.reset();
    this.pos = 0;
  }
  set(v: unknown): void {
    if (!this.isNull(v)) {
      if (typeof v !== 'string') throw new TypeError(`${this.c.name}: expected text, got ${typeof v}`);
      const need = this.pos + v.length * 3;
      if (need > this.buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
        this.buf.copy(nb, 0, 0, this.pos);
        this.buf = nb;
      }
      this.pos += (this.buf as Utf8Buf).utf8Write(v, this.pos);
      if (this.pos > 0x7fffffff) throw new RangeError(`${this.c.name}: more than 2 GiB of text in one batch`);
    }
    this.offsets[this.k + 1] = this.pos;
  }
  /** UTF-8 bytes b[s, e) as a value, copied. */
  private putBytes(b: Buffer, s: number, e: number): void {
    this.isNull(true);
    const n = e - s;
    if (this.pos + n > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(this.pos + n, this.buf.length * 2));
      this.buf.copy(nb, 0, 0, this.pos);
      this.buf = nb;
    }
    b.copy(this.buf, this.pos, s, e);
    this.pos += n;
    this.offsets[this.k + 1] = this.pos;
  }
  override fromCell(r: LogRow, i: number): void {
    const t = r.tag[i];
    const json = this.c.kind === 'json';
    if (t === TAG_TEXT && !json) return this.putBytes(r.b, r.S[i]!, r.E[i]!);
    if (t === TAG_JSON && json) return this.putBytes(r.b, r.S[i]!, r.E[i]!);
    const v = cellValue(r, i);
    this.set(v === null ? null : json ? JSON.stringify(v) : textOf(v));
  }
  override fromJson(b: Buffer, s: number, e: number): void {
    if (this.c.kind === 'json') this.putBytes(b, s, e);
    else super.fromJson(b, s, e);
  }
  data(n: number) {
    return makeData({ ...this.base(n), type: this.type as Utf8, valueOffsets: this.offsets.subarray(0, n + 1), data: new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos) });
  }
  get bytes(): number {
    return this.pos + this.k * 4;
  }
}

class Int32Col extends Col {
  protected readonly i32: Int32Array;
  constructor(c: ColumnSpec, cap: number) {
    super(c, cap);
    this.i32 = new Int32Array(cap);
  }
  set(v: unknown): void {
    if (this.isNull(v)) {
      this.i32[this.k] = 0;
      return;
    }
    if (typeof v !== 'number' || (v | 0) !== v) throw new RangeError(`${this.c.name}: ${String(v)} is not a 32-bit integer`);
    this.i32[this.k] = v;
  }
  data(n: number) {
    return makeData({ ...this.base(n), type: this.type as Int32, data: this.i32.subarray(0, n) });
  }
  get bytes(): number {
    return this.k * 4;
  }
}

/** DateDay: an Int32 column of days since 1970-01-01, from ISO dates. */
class DateCol extends Int32Col {
  override set(v: unknown): void {
    if (this.isNull(v)) {
      this.i32[this.k] = 0;
      return;
    }
    if (typeof v !== 'string') throw new TypeError(`${this.c.name}: expected an ISO date`);
    this.i32[this.k] = dateToDays(v, this.c.name);
  }
}

class BoolCol extends Col {
  private readonly bits: Uint8Array;
  constructor(c: ColumnSpec, cap: number) {
    super(c, cap);
    this.bits = new Uint8Array((cap + 7) >> 3);
  }
  override reset(): void {
    super.reset();
    this.bits.fill(0);
  }
  set(v: unknown): void {
    if (this.isNull(v)) return;
    if (v === true) this.bits[this.k >> 3]! |= 1 << (this.k & 7);
    else if (v !== false) throw new TypeError(`${this.c.name}: expected a boolean, got ${JSON.stringify(v)}`);
  }
  data(n: number) {
    return makeData({ ...this.base(n), type: this.type as Bool, data: this.bits.subarray(0, (n + 7) >> 3) });
  }
  get bytes(): number {
    return this.k >> 3;
  }
}

class Int64Col extends Col {
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;
  private last = '';
  private lastMs = 0;
  constructor(c: ColumnSpec, cap: number) {
    super(c, cap);
    const ab = new ArrayBuffer(cap * 8);
    this.i32 = new Int32Array(ab);
    this.i64 = new BigInt64Array(ab);
  }
  set(v: unknown): void {
    const k = this.k;
    if (this.isNull(v)) {
      this.i64[k] = 0n;
      return;
    }
    let n: number;
    if (typeof v === 'string' && this.c.kind === 'timestamp') {
      if (v !== this.last) {
        this.lastMs = timestampMs(v, this.c.name);
        this.last = v;
      }
      n = this.lastMs;
    } else if (typeof v === 'bigint') {
      if (BigInt.asIntN(64, v) !== v) throw new RangeError(`${this.c.name}: ${v} does not fit a 64-bit integer`);
      this.i64[k] = v;
      return;
    } else if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
    else throw new RangeError(`${this.c.name}: ${String(v)} is not a 64-bit integer`);
    this.i32[2 * k] = n >>> 0;
    this.i32[2 * k + 1] = Math.floor(n / TWO32);
  }
  data(n: number) {
    return makeData({ ...this.base(n), type: this.type as Int64, data: this.i64.subarray(0, n) });
  }
  get bytes(): number {
    return this.k * 8;
  }
}

class DecimalCol extends Col {
  private readonly i32: Int32Array;
  private readonly u32: Uint32Array;
  private readonly i64: BigInt64Array;
  constructor(c: ColumnSpec, cap: number) {
    super(c, cap);
    const ab = new ArrayBuffer(cap * 16);
    this.i32 = new Int32Array(ab);
    this.u32 = new Uint32Array(ab);
    this.i64 = new BigInt64Array(ab);
  }
  set(v: unknown): void {
    const o = 4 * this.k;
    if (this.isNull(v)) {
      this.i32.fill(0, o, o + 4);
      return;
    }
    // Decimal128: 16-byte little-endian two's complement of the unscaled value.
    const u = decimalUnscaled(typeof v === 'number' ? String(v) : (v as string), this.c.scale ?? 0, 38, this.c.name);
    if (typeof u === 'number') {
      this.i32[o] = u >>> 0;
      this.i32[o + 1] = Math.floor(u / TWO32);
      const sign = u < 0 ? -1 : 0;
      this.i32[o + 2] = sign;
      this.i32[o + 3] = sign;
    } else {
      this.i64[2 * this.k] = BigInt.asIntN(64, u);
      this.i64[2 * this.k + 1] = BigInt.asIntN(64, u >> 64n);
    }
  }
  data(n: number) {
    return makeData({ ...this.base(n), type: this.type as Decimal, data: this.u32.subarray(0, 4 * n) });
  }
  get bytes(): number {
    return this.k * 16;
  }
}

function makeCol(c: ColumnSpec, cap: number): Col {
  switch (c.kind) {
    case 'string':
    case 'json':
      return new Utf8Col(c, cap);
    case 'date':
      return new DateCol(c, cap);
    case 'bool':
      return new BoolCol(c, cap);
    case 'int32':
      return new Int32Col(c, cap);
    case 'int64':
    case 'timestamp':
      return new Int64Col(c, cap);
    case 'decimal':
      return new DecimalCol(c, cap);
  }
}

/** Passes every buffer the IPC writer produces straight to a file descriptor. */
class FileSink extends AsyncByteQueue {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;
  size = 0;
  constructor(
    path: string,
    private readonly fsync: boolean,
  ) {
    super();
    this.fd = openSync(path, 'w', 0o600);
  }
  override write(chunk: ArrayBufferView | ArrayBuffer | ArrayBufferLike): void {
    const u8 = chunk instanceof Uint8Array ? chunk : ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : new Uint8Array(chunk);
    if (u8.byteLength >= 65536) {
      this.drain();
      writeAll(this.fd, u8);
    } else {
      if (this.len + u8.byteLength > this.buf.length) this.drain();
      this.buf.set(u8, this.len);
      this.len += u8.byteLength;
    }
    this.size += u8.byteLength;
  }
  private drain(): void {
    if (this.len) {
      writeAll(this.fd, this.buf.subarray(0, this.len));
      this.len = 0;
    }
  }
  // The IPC writer closes its sink when it finishes; so may we: only the first close counts.
  override close(): void {
    if (this.fd < 0) return;
    this.drain();
    if (this.fsync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
  override abort(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}

export interface ArrowWriterOptions {
  batchRows: number;
  batchBytes: number;
  fsync?: boolean;
}

/** One Arrow IPC file, written batch by batch; `close` writes the footer. */
export class ArrowWriter {
  private readonly schema: Schema;
  private readonly cols: Col[];
  private readonly feed: (e: unknown) => void;
  private readonly sink: FileSink;
  private readonly writer: RecordBatchFileWriter;
  private n = 0;
  private total = 0;

  constructor(
    path: string,
    columns: ColumnSpec[],
    private readonly o: ArrowWriterOptions,
  ) {
    this.schema = arrowSchema(columns);
    this.cols = columns.map((c) => makeCol(c, o.batchRows));
    this.feed = makeFeeder(columns, this.cols);
    this.sink = new FileSink(path, o.fsync ?? false);
    this.writer = new RecordBatchFileWriter();
    this.writer.reset(this.sink as never, this.schema);
  }

  get sinks(): readonly ColumnSink[] {
    return this.cols;
  }

  beginRow(): void {
    for (const c of this.cols) c.k = this.n;
  }

  append(e: unknown): boolean {
    this.beginRow();
    this.feed(e);
    return this.endRow();
  }

  endRow(): boolean {
    this.n++;
    if (this.n === this.o.batchRows || ((this.n & 1023) === 0 && this.buffered() > this.o.batchBytes)) {
      this.flushRowGroup();
      return true;
    }
    return false;
  }

  buffered(): number {
    let b = 0;
    for (const c of this.cols) b += c.bytes;
    return b;
  }

  get rowCount(): number {
    return this.total + this.n;
  }

  flushRowGroup(): void {
    const n = this.n;
    if (n === 0) return;
    const children = this.cols.map((c) => c.data(n));
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length: n, nullCount: 0, children }));
    this.writer.write(batch);
    for (const c of this.cols) {
      c.reset();
      c.k = 0;
    }
    this.total += n;
    this.n = 0;
  }

  /** Write the last batch and the footer; returns the file's size. */
  close(): number {
    this.flushRowGroup();
    this.writer.finish();
    this.sink.close();
    return this.sink.size;
  }

  discard(): void {
    this.sink.abort();
  }
}
