import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { makeFeeder, textOf, writeRecordId, type ColumnSink, type ColumnSpec } from './columns.js';
import { dateToDays, dateToDaysBytes, decimalUnscaled, decimalUnscaledBytes, timestampMs } from './values.js';
import { TAG_FALSE, TAG_JSON, TAG_NULL, TAG_TEXT, TAG_TRUE, cellValue, type LogRow } from '../row-log.js';

/**
 * A streaming Parquet writer for flat schemas, the project's own (see README, Performance: the
 * libraries measured 0.1-0.25 M rows/s and 600-900 MB; this writes about 0.6 M rows/s in ~140 MB).
 *
 * Data page v1, PLAIN values, RLE_DICTIONARY for low-cardinality strings (falling back to PLAIN for
 * the rest of the chunk past 4,096 entries or 1 MiB, as parquet-mr does), RLE/bit-packed
 * definition levels, statistics (null counts; min/max for integers, dates and timestamps), Thrift
 * compact footer. Rows go into a row group that is flushed when it holds `rowGroupRows` rows or
 * `rowGroupBytes` bytes, so memory is one row group whatever the input's size.
 *
 * Types: string → BYTE_ARRAY UTF8; json → BYTE_ARRAY JSON; date → INT32 DATE; bool → BOOLEAN;
 * int32/int64 → INT32/INT64; timestamp → INT64 TIMESTAMP(MILLIS, UTC); decimal → FIXED_LEN_BYTE_ARRAY(16)
 * DECIMAL(38, scale): every decimal column has precision 38, so files of one entity union by name
 * whatever their values, and no value Tally writes overflows it. Values are converted exactly
 * (values.ts): a decimal with more digits than its scale, or a malformed one, throws; nothing rounds.
 */

if (endianness() !== 'LE') throw new Error('the Parquet writer assumes a little-endian host');

export type Compression = 'zstd' | 'snappy' | 'none';
export type Compressor = (b: Uint8Array) => Uint8Array;

const TWO32 = 4294967296;
const T = { BOOLEAN: 0, INT32: 1, INT64: 2, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;
const ENC = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const CODEC: Record<Compression, number> = { none: 0, snappy: 1, zstd: 6 };
const DICT_MAX_ENTRIES = 4096;
const DICT_MAX_BYTES = 1 << 20;
/** What a column's value buffers start at; they double as needed, up to a page. */
const INITIAL_VALUES = 1024;
const INITIAL_BYTES = 16 << 10;

/** `a` with twice the room (at most `cap` entries), its values kept. */
function grown<T extends Int32Array | BigInt64Array | Uint8Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.min(cap, a.length * 2));
  b.set(a as never);
  return b;
}

/** Buffer#utf8Write: Node's direct UTF-8 encoder (what Buffer#write calls after checking its arguments). */
type Utf8Buf = Buffer & { utf8Write(s: string, offset: number): number };

// ---------- Thrift compact protocol: what the page headers and the footer need

type TField =
  | [number, 'i32' | 'i64' | 'i8', number | undefined]
  | [number, 'bool', boolean | undefined]
  | [number, 'bin', string | Uint8Array | undefined]
  | [number, 'struct', TField[] | undefined]
  | [number, 'list<i32>', number[] | undefined]
  | [number, 'list<bin>', Array<string | Uint8Array> | undefined]
  | [number, 'list<struct>', TField[][] | undefined];

const CT: Record<string, number> = { i8: 3, i32: 5, i64: 6, bin: 8, struct: 12 };
const LT: Record<string, number> = { 'list<i32>': 5, 'list<bin>': 8, 'list<struct>': 12 };

class Thrift {
  private b = Buffer.allocUnsafe(1 << 16);
  private p = 0;
  private ensure(n: number): void {
    if (this.p + n > this.b.length) {
      const nb = Buffer.allocUnsafe((this.p + n) * 2);
      this.b.copy(nb, 0, 0, this.p);
      this.b = nb;
    }
  }
  private byte(x: number): void {
    this.ensure(1);
    this.b[this.p++] = x;
  }
  private varint(n: number): void {
    this.ensure(10);
    while (n >= 128) {
      this.b[this.p++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.b[this.p++] = n;
  }
  private zz(n: number): void {
    this.varint(n >= 0 ? 2 * n : -2 * n - 1);
  }
  private bin(s: string | Uint8Array): void {
    const u = typeof s === 'string' ? Buffer.from(s) : s;
    this.varint(u.length);
    this.ensure(u.length);
    this.b.set(u, this.p);
    this.p += u.length;
  }
  struct(fields: TField[]): void {
    let last = 0;
    for (const f of fields) {
      const [id, type, v] = f;
      if (v === undefined || v === null) continue;
      const ct = type === 'bool' ? (v ? 1 : 2) : (CT[type] ?? 9);
      if (id - last > 0 && id - last <= 15) this.byte(((id - last) << 4) | ct);
      else {
        this.byte(ct);
        this.zz(id);
      }
      last = id;
      switch (f[1]) {
        case 'i8':
          this.byte((f[2] as number) & 255);
          break;
        case 'i32':
        case 'i64':
          this.zz(f[2] as number);
          break;
        case 'bin':
          this.bin(f[2] as string | Uint8Array);
          break;
        case 'struct':
          this.struct(f[2] as TField[]);
          break;
        case 'bool':
          break;
        default: {
          const list = f[2] as unknown[];
          const et = LT[f[1]]!;
          if (list.length < 15) this.byte((list.length << 4) | et);
          else {
            this.byte(0xf0 | et);
            this.varint(list.length);
          }
          for (const e of list) {
            if (et === 5) this.zz(e as number);
            else if (et === 8) this.bin(e as string | Uint8Array);
            else this.struct(e as TField[]);
          }
        }
      }
    }
    this.byte(0);
  }
  take(): Buffer {
    const out = Buffer.from(this.b.subarray(0, this.p));
    this.p = 0;
    return out;
  }
}

// ---------- RLE / bit-packed hybrid

function varintTo(out: number[], n: number): void {
  while (n >= 128) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
}

/** idx[0..n) at bit width w: runs of 8 or more equal values as RLE runs, the rest bit-packed. */
function hybrid(idx: Int32Array, n: number, w: number): number[] {
  const out: number[] = [];
  const vb = (w + 7) >> 3;
  const bitPacked = (s: number, e: number) => {
    const groups = Math.ceil((e - s) / 8);
    varintTo(out, (groups << 1) | 1);
    let acc = 0;
    let bits = 0;
    for (let k = s, end = s + groups * 8; k < end; k++) {
      acc |= (k < e ? idx[k]! : 0) << bits;
      bits += w;
      while (bits >= 8) {
        out.push(acc & 255);
        acc >>>= 8;
        bits -= 8;
      }
    }
  };
  let i = 0;
  let lit = 0;
  while (i < n) {
    const v = idx[i]!;
    let j = i + 1;
    while (j < n && idx[j] === v) j++;
    if (j - i >= 8) {
      const pad = (8 - ((i - lit) % 8)) % 8;
      if (i > lit) {
        if (j - i - pad < 8) {
          i = j;
          continue;
        }
        bitPacked(lit, i + pad);
        i += pad;
      }
      varintTo(out, (j - i) << 1);
      for (let b = 0; b < vb; b++) out.push((v >>> (8 * b)) & 255);
      lit = i = j;
    } else i = j;
  }
  if (lit < n) bitPacked(lit, n);
  return out;
}

// ---------- columns

interface Page {
  header: Buffer;
  data: Uint8Array;
  usize: number;
  /** Compression on the worker: header and data are set when this settles. */
  ready?: Promise<void>;
}

interface Chunk {
  pages: Page[];
  dictPage: Page | null;
  rows: number;
  encodings: number[];
  stats: TField[];
}

interface WriterCore {
  readonly rowCap: number;
  readonly pageSize: number;
  page(type: number, body: Uint8Array, subHeader: TField): Page;
}

abstract class Col {
  protected rows = 0;
  protected nn = 0;
  protected pages: Page[] = [];
  protected dictPage: Page | null = null;
  protected chunkRows = 0;
  protected nulls = 0;
  protected encodings = new Set<number>([ENC.RLE]);
  protected readonly valid: Uint8Array;
  protected readonly rowCap: number;
  /** Bytes of values buffered in the current row group (pages included), for the byte threshold. */
  bytes = 0;

  constructor(
    readonly c: ColumnSpec,
    protected readonly w: WriterCore,
    rowCap = w.rowCap,
  ) {
    this.rowCap = rowCap;
    this.valid = new Uint8Array((rowCap + 7) >> 3);
  }

  abstract set(v: unknown): void;
  /** Cell `i` of a row-log row (the value its envelope would hold). Columns with a byte path override it. */
  fromCell(r: LogRow, i: number): void {
    this.set(cellValue(r, i));
  }
  /** A JSON value given as its text b[s, e). */
  fromJson(b: Buffer, s: number, e: number): void {
    this.set(JSON.parse(b.toString('utf8', s, e)));
  }
  protected abstract values(): { enc: number; bytes: Uint8Array };
  protected resetValues(): void {}
  protected stats(): TField[] {
    return [[3, 'i64', this.nulls]];
  }

  protected null(): void {
    if (!this.c.nullable) throw new TypeError(`a null in the required column ${this.c.name}`);
    this.nulls++;
    if (++this.rows === this.rowCap) this.cut();
  }

  protected present(): void {
    if (this.c.nullable) this.valid[this.rows >> 3]! |= 1 << (this.rows & 7);
  }

  private defLevels(): Buffer | null {
    if (!this.c.nullable) return null;
    const out: number[] = [];
    if (this.nn === this.rows) {
      varintTo(out, this.rows << 1);
      out.push(1);
    } else {
      const g = (this.rows + 7) >> 3;
      varintTo(out, (g << 1) | 1);
      for (let k = 0; k < g; k++) out.push(this.valid[k]!);
    }
    const b = Buffer.allocUnsafe(4 + out.length);
    b.writeInt32LE(out.length, 0);
    b.set(out, 4);
    return b;
  }

  /** Finish the current data page. */
  protected cut(): void {
    if (this.rows === 0) return;
    const { enc, bytes } = this.values();
    this.encodings.add(enc);
    const def = this.defLevels();
    const body = def ? Buffer.concat([def, bytes]) : bytes;
    const page = this.w.page(0, body, [5, 'struct', [[1, 'i32', this.rows], [2, 'i32', enc], [3, 'i32', ENC.RLE], [4, 'i32', ENC.RLE]]]);
    this.pages.push(page);
    this.bytes += page.data.length || page.usize; // async: still compressing, count it whole
    this.chunkRows += this.rows;
    if (this.c.nullable) this.valid.fill(0, 0, (this.rows + 7) >> 3);
    this.rows = 0;
    this.nn = 0;
    this.resetValues();
  }

  endChunk(): Chunk {
    this.cut();
    const out: Chunk = { pages: this.pages, dictPage: this.dictPage, rows: this.chunkRows, encodings: [...this.encodings], stats: this.stats() };
    this.pages = [];
    this.dictPage = null;
    this.chunkRows = 0;
    this.nulls = 0;
    this.bytes = 0;
    this.encodings = new Set([ENC.RLE]);
    this.startChunk();
    return out;
  }

  protected startChunk(): void {}
}

/** UTF-8 strings (text and JSON text), dictionary-encoded while the dictionary stays small. */
class StrCol extends Col {
  private buf: Buffer;
  private pos = 0;
  private useDict = true;
  private dict: Map<string, number> | null = null;
  private dictBuf: Buffer | null = null;
  private dictPos = 0;
  private dictCount = 0;
  private lastV: string | undefined;
  private lastI = -1;
  private idx: Int32Array;
  /** The dictionary by FNV-1a of its entries' UTF-8 bytes, so that text given as bytes needs no string. */
  private byHash = new Map<number, number>();
  private entryAt: number[] = [];

  constructor(c: ColumnSpec, w: WriterCore) {
    super(c, w);
    // Buffers start small and grow to what the data needs (a page at most): a wide entity has
    // dozens of columns, most of them short flags, and several entities are open at once.
    this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    this.idx = new Int32Array(Math.min(this.rowCap, INITIAL_VALUES));
    this.startChunk();
  }

  protected override startChunk(): void {
    this.dict = this.useDict ? new Map() : null;
    this.dictBuf = this.useDict ? Buffer.allocUnsafe(65536) : null;
    this.dictPos = 0;
    this.lastV = undefined;
    this.lastI = -1;
    this.byHash = new Map();
    this.entryAt = [];
  }

  set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v !== 'string') throw new TypeError(`${this.c.name}: expected text, got ${typeof v}`);
    if (this.dict !== null) {
      let i = this.lastI;
      if (v !== this.lastV) {
        const known = this.dict.get(v);
        i = known ?? this.addDict(v);
        if (i < 0) return this.set(v); // the dictionary overflowed: PLAIN from now on
        this.lastV = v;
        this.lastI = i;
      }
      if (this.nn === this.idx.length) this.idx = grown(this.idx, this.rowCap);
      this.idx[this.nn++] = i;
    } else {
      const max = this.pos + 4 + v.length * 3;
      if (max > this.buf.length) this.grow(max);
      const b = this.buf;
      const p = this.pos;
      const n = (b as Utf8Buf).utf8Write(v, p + 4);
      b[p] = n & 255;
      b[p + 1] = (n >>> 8) & 255;
      b[p + 2] = (n >>> 16) & 255;
      b[p + 3] = n >>> 24;
      this.pos = p + 4 + n;
      this.nn++;
    }
    this.present();
    if (++this.rows === this.rowCap || this.pos >= this.w.pageSize) this.cut();
  }

  private grow(need: number): void {
    const nb = Buffer.allocUnsafe(need * 2);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }

  /** UTF-8 text b[s, e) as a value: copied straight into the page once the column is PLAIN. */
  private putBytes(b: Buffer, s: number, e: number): void {
    if (this.dict !== null) {
      let h = 0x811c9dc5;
      for (let j = s; j < e; j++) h = Math.imul(h ^ b[j]!, 0x01000193);
      const i = this.byHash.get(h);
      if (i !== undefined && this.entryIs(i, b, s, e)) {
        if (this.nn === this.idx.length) this.idx = grown(this.idx, this.rowCap);
        this.idx[this.nn++] = i;
        this.present();
        if (++this.rows === this.rowCap) this.cut();
        return;
      }
      return this.set(b.toString('utf8', s, e));
    }
    const n = e - s;
    if (this.pos + 4 + n > this.buf.length) this.grow(this.pos + 4 + n);
    const d = this.buf;
    const p = this.pos;
    d[p] = n & 255;
    d[p + 1] = (n >>> 8) & 255;
    d[p + 2] = (n >>> 16) & 255;
    d[p + 3] = n >>> 24;
    if (n < 64) for (let i = 0; i < n; i++) d[p + 4 + i] = b[s + i]!;
    else b.copy(d, p + 4, s, e);
    this.pos = p + 4 + n;
    this.nn++;
    this.present();
    if (++this.rows === this.rowCap || this.pos >= this.w.pageSize) this.cut();
  }

  override fromCell(r: LogRow, i: number): void {
    const t = r.tag[i]!;
    const json = this.c.kind === 'json';
    if (t === TAG_TEXT) return json ? this.set(JSON.stringify(r.b.toString('utf8', r.S[i]!, r.E[i]!))) : this.putBytes(r.b, r.S[i]!, r.E[i]!);
    if (t === TAG_JSON) return json ? this.putBytes(r.b, r.S[i]!, r.E[i]!) : this.set(textOf(JSON.parse(r.b.toString('utf8', r.S[i]!, r.E[i]!))));
    if (t === TAG_NULL) return this.null();
    this.set(t === TAG_TRUE ? 'true' : t === TAG_FALSE ? 'false' : undefined);
  }

  override fromJson(b: Buffer, s: number, e: number): void {
    if (this.c.kind === 'json') this.putBytes(b, s, e);
    else super.fromJson(b, s, e);
  }

  recordId(head: Buffer, ordinal: number, hash: number): void {
    if (this.dict !== null) {
      const tmp = Buffer.allocUnsafe(head.length + 24);
      return this.set(tmp.toString('latin1', 0, writeRecordId(tmp, 0, head, ordinal, hash)));
    }
    if (this.pos + 4 + head.length + 24 > this.buf.length) this.grow(this.pos + 4 + head.length + 24);
    const p = this.pos;
    const end = writeRecordId(this.buf, p + 4, head, ordinal, hash);
    this.buf.writeUInt32LE(end - p - 4, p);
    this.pos = end;
    this.nn++;
    this.present();
    if (++this.rows === this.rowCap || this.pos >= this.w.pageSize) this.cut();
  }

  /** Is dictionary entry `i` the bytes b[s, e)? */
  private entryIs(i: number, b: Buffer, s: number, e: number): boolean {
    const d = this.dictBuf!;
    const at = this.entryAt[i]!;
    const n = e - s;
    if (d.readInt32LE(at) !== n) return false;
    for (let k = 0; k < n; k++) if (d[at + 4 + k] !== b[s + k]) return false;
    return true;
  }

  private addDict(v: string): number {
    const need = this.dictPos + 4 + v.length * 3;
    if (this.dict!.size >= DICT_MAX_ENTRIES || need > DICT_MAX_BYTES) {
      this.cut();
      this.useDict = false;
      this.dictCount = this.dict!.size;
      this.dict = null;
      this.lastV = undefined;
      return -1;
    }
    if (need > this.dictBuf!.length) {
      const nb = Buffer.allocUnsafe(need * 2);
      this.dictBuf!.copy(nb, 0, 0, this.dictPos);
      this.dictBuf = nb;
    }
    const d = this.dictBuf as Utf8Buf;
    const at = this.dictPos;
    const n = d.utf8Write(v, at + 4);
    d.writeInt32LE(n, at);
    this.dictPos += 4 + n;
    const i = this.dict!.size;
    this.dict!.set(v, i);
    let h = 0x811c9dc5;
    for (let j = at + 4; j < at + 4 + n; j++) h = Math.imul(h ^ d[j]!, 0x01000193);
    if (!this.byHash.has(h)) this.byHash.set(h, i);
    this.entryAt.push(at);
    return i;
  }

  protected values(): { enc: number; bytes: Uint8Array } {
    // Only nulls so far in this chunk: no dictionary to point into, so PLAIN (and no values).
    if (this.dict !== null && this.dict.size > 0) {
      const w = Math.max(1, Math.ceil(Math.log2(Math.max(2, this.dict.size))));
      const h = hybrid(this.idx, this.nn, w);
      const b = Buffer.allocUnsafe(1 + h.length);
      b[0] = w;
      b.set(h, 1);
      return { enc: ENC.RLE_DICTIONARY, bytes: b };
    }
    return { enc: ENC.PLAIN, bytes: this.buf.subarray(0, this.pos) };
  }

  protected override resetValues(): void {
    this.pos = 0;
  }


  override endChunk(): Chunk {
    this.cut();
    if (this.dictPos > 0) {
      const page = this.w.page(2, this.dictBuf!.subarray(0, this.dictPos), [7, 'struct', [[1, 'i32', this.dict ? this.dict.size : this.dictCount], [2, 'i32', ENC.PLAIN]]]);
      this.dictPage = page;
      this.bytes += page.data.length || page.usize; // async: still compressing, count it whole
    }
    return super.endChunk();
  }

  /** Bytes buffered now (values of the open page, plus what was cut). */
  get buffered(): number {
    return this.bytes + this.pos + this.dictPos + this.nn * 4;
  }
}

class Int32Col extends Col {
  protected i32: Int32Array;
  private min: number | null = null;
  private max = 0;
  constructor(c: ColumnSpec, w: WriterCore) {
    super(c, w, Math.min(w.rowCap, w.pageSize >> 2));
    this.i32 = new Int32Array(Math.min(this.rowCap, INITIAL_VALUES));
  }
  set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v !== 'number' || (v | 0) !== v) throw new RangeError(`${this.c.name}: ${String(v)} is not a 32-bit integer`);
    this.put(v);
  }
  protected put(x: number): void {
    if (this.nn === this.i32.length) this.i32 = grown(this.i32, this.rowCap);
    this.i32[this.nn++] = x;
    if (this.min === null) this.min = this.max = x;
    else if (x < this.min) this.min = x;
    else if (x > this.max) this.max = x;
    this.present();
    if (++this.rows === this.rowCap) this.cut();
  }
  protected values() {
    return { enc: ENC.PLAIN, bytes: new Uint8Array(this.i32.buffer, 0, this.nn * 4) };
  }
  protected override stats(): TField[] {
    const s: TField[] = [[3, 'i64', this.nulls]];
    if (this.min !== null) {
      const mx = Buffer.allocUnsafe(4);
      mx.writeInt32LE(this.max);
      const mn = Buffer.allocUnsafe(4);
      mn.writeInt32LE(this.min);
      s.push([5, 'bin', mx], [6, 'bin', mn]);
    }
    this.min = null;
    return s;
  }
  get buffered(): number {
    return this.bytes + this.nn * 4;
  }
}

/** DATE: days since 1970-01-01, from an ISO date. */
class DateCol extends Int32Col {
  override set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v !== 'string') throw new TypeError(`${this.c.name}: expected an ISO date, got ${typeof v}`);
    this.put(dateToDays(v, this.c.name));
  }
  override fromCell(r: LogRow, i: number): void {
    if (r.tag[i] === TAG_TEXT) this.put(dateToDaysBytes(r.b, r.S[i]!, r.E[i]!, this.c.name));
    else super.fromCell(r, i);
  }
}

/** INT64 from safe integers (or BigInt); TIMESTAMP from ISO text or epoch ms. */
class Int64Col extends Col {
  protected i32: Int32Array;
  private i64: BigInt64Array;
  private min: number | null = null;
  private max = 0;
  private bmin: bigint | null = null;
  private bmax: bigint | null = null;
  constructor(c: ColumnSpec, w: WriterCore) {
    super(c, w, Math.min(w.rowCap, w.pageSize >> 3));
    this.i64 = new BigInt64Array(Math.min(this.rowCap, INITIAL_VALUES));
    this.i32 = new Int32Array(this.i64.buffer);
  }
  private room(): void {
    if (this.nn < this.i64.length) return;
    this.i64 = grown(this.i64, this.rowCap);
    this.i32 = new Int32Array(this.i64.buffer);
  }
  set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v === 'bigint') return this.putBig(v);
    if (typeof v === 'string' && /^-?(0|[1-9][0-9]{0,18})$/.test(v)) return this.putBig(BigInt(v));
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new RangeError(`${this.c.name}: ${String(v)} is not a 64-bit integer`);
    this.put(v);
  }
  protected put(x: number): void {
    this.room();
    const k = this.nn++;
    this.i32[2 * k] = x >>> 0;
    this.i32[2 * k + 1] = Math.floor(x / TWO32);
    if (this.min === null) this.min = this.max = x;
    else if (x < this.min) this.min = x;
    else if (x > this.max) this.max = x;
    this.present();
    if (++this.rows === this.rowCap) this.cut();
  }
  private putBig(x: bigint): void {
    if (BigInt.asIntN(64, x) !== x) throw new RangeError(`${this.c.name}: ${x} does not fit a 64-bit integer`);
    this.room();
    this.i64[this.nn++] = x;
    if (this.bmin === null || x < this.bmin) this.bmin = x;
    if (this.bmax === null || x > this.bmax) this.bmax = x;
    this.present();
    if (++this.rows === this.rowCap) this.cut();
  }
  protected values() {
    return { enc: ENC.PLAIN, bytes: new Uint8Array(this.i32.buffer, 0, this.nn * 8) };
  }
  protected override stats(): TField[] {
    let mn: bigint | number | null = this.min;
    let mx: bigint | number | null = this.min === null ? null : this.max;
    if (this.bmin !== null) {
      mn = mn === null || this.bmin < BigInt(mn) ? this.bmin : mn;
      mx = mx === null || this.bmax! > BigInt(mx) ? this.bmax! : mx;
    }
    const s: TField[] = [[3, 'i64', this.nulls]];
    if (mn !== null && mx !== null) {
      const a = Buffer.allocUnsafe(8);
      a.writeBigInt64LE(BigInt(mx));
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64LE(BigInt(mn));
      s.push([5, 'bin', a], [6, 'bin', b]);
    }
    this.min = null;
    this.bmin = this.bmax = null;
    return s;
  }
  get buffered(): number {
    return this.bytes + this.nn * 8;
  }
}

class TimestampCol extends Int64Col {
  private last = '';
  private lastMs = 0;
  override set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v === 'string') {
      if (v !== this.last) {
        this.lastMs = timestampMs(v);
        this.last = v;
      }
      return this.put(this.lastMs);
    }
    super.set(v);
  }
}

/** DECIMAL(38, s) as 16-byte big-endian two's complement of the unscaled value. */
class DecimalCol extends Col {
  private u8: Uint8Array;
  private dv: DataView;
  constructor(c: ColumnSpec, w: WriterCore) {
    super(c, w, Math.min(w.rowCap, w.pageSize >> 4));
    this.u8 = new Uint8Array(Math.min(this.rowCap, INITIAL_VALUES) * 16);
    this.dv = new DataView(this.u8.buffer);
  }
  set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    this.put(decimalUnscaled(typeof v === 'number' ? numberText(v, this.c.name) : (v as string), this.c.scale ?? 0, 38, this.c.name));
  }
  override fromCell(r: LogRow, i: number): void {
    if (r.tag[i] === TAG_TEXT) this.put(decimalUnscaledBytes(r.b, r.S[i]!, r.E[i]!, this.c.scale ?? 0, 38, this.c.name));
    else super.fromCell(r, i);
  }
  private put(u: number | bigint): void {
    if (16 * this.nn === this.u8.length) {
      this.u8 = grown(this.u8, this.rowCap * 16);
      this.dv = new DataView(this.u8.buffer);
    }
    const o = 16 * this.nn++;
    const dv = this.dv;
    if (typeof u === 'number') {
      const sign = u < 0 ? -1 : 0;
      dv.setInt32(o, sign);
      dv.setInt32(o + 4, sign);
      dv.setInt32(o + 8, Math.floor(u / TWO32));
      dv.setUint32(o + 12, u >>> 0);
    } else {
      dv.setBigInt64(o, BigInt.asIntN(64, u >> 64n));
      dv.setBigUint64(o + 8, BigInt.asUintN(64, u));
    }
    this.present();
    if (++this.rows === this.rowCap) this.cut();
  }
  protected values() {
    return { enc: ENC.PLAIN, bytes: this.u8.subarray(0, this.nn * 16) };
  }
  get buffered(): number {
    return this.bytes + this.nn * 16;
  }
}

class BoolCol extends Col {
  private readonly bits: Uint8Array;
  constructor(c: ColumnSpec, w: WriterCore) {
    super(c, w);
    this.bits = new Uint8Array((this.rowCap + 7) >> 3);
  }
  set(v: unknown): void {
    if (v === null || v === undefined) return this.null();
    if (v !== true && v !== false) throw new TypeError(`${this.c.name}: expected a boolean, got ${JSON.stringify(v)}`);
    if (v) this.bits[this.nn >> 3]! |= 1 << (this.nn & 7);
    this.nn++;
    this.present();
    if (++this.rows === this.rowCap) this.cut();
  }
  protected values() {
    return { enc: ENC.PLAIN, bytes: this.bits.subarray(0, (this.nn + 7) >> 3) };
  }
  protected override resetValues(): void {
    this.bits.fill(0);
  }
  get buffered(): number {
    return this.bytes + (this.nn >> 3);
  }
}

function numberText(v: number, name: string): string {
  if (!Number.isFinite(v)) throw new RangeError(`${name}: ${v} is not a decimal`);
  return Number.isInteger(v) ? String(v) : String(v);
}

type AnyCol = StrCol | Int32Col | Int64Col | DecimalCol | BoolCol;

function makeCol(c: ColumnSpec, w: WriterCore): AnyCol {
  switch (c.kind) {
    case 'string':
    case 'json':
      return new StrCol(c, w);
    case 'date':
      return new DateCol(c, w);
    case 'int32':
      return new Int32Col(c, w);
    case 'int64':
      return new Int64Col(c, w);
    case 'timestamp':
      return new TimestampCol(c, w);
    case 'decimal':
      return new DecimalCol(c, w);
    case 'bool':
      return new BoolCol(c, w);
  }
}

function schemaElement(c: ColumnSpec): TField[] {
  const e: TField[] = [[3, 'i32', c.nullable ? 1 : 0], [4, 'bin', c.name]];
  switch (c.kind) {
    case 'string':
      return [[1, 'i32', T.BYTE_ARRAY], ...e, [6, 'i32', 0], [10, 'struct', [[1, 'struct', []]]]];
    case 'json':
      return [[1, 'i32', T.BYTE_ARRAY], ...e, [6, 'i32', 19], [10, 'struct', [[12, 'struct', []]]]];
    case 'date':
      return [[1, 'i32', T.INT32], ...e, [6, 'i32', 6], [10, 'struct', [[6, 'struct', []]]]];
    case 'int32':
      return [[1, 'i32', T.INT32], ...e];
    case 'int64':
      return [[1, 'i32', T.INT64], ...e];
    case 'bool':
      return [[1, 'i32', T.BOOLEAN], ...e];
    case 'timestamp':
      return [[1, 'i32', T.INT64], ...e, [6, 'i32', 9], [10, 'struct', [[8, 'struct', [[1, 'bool', true], [2, 'struct', [[1, 'struct', []]]]]]]]];
    case 'decimal': {
      const s = c.scale ?? 0;
      return [[1, 'i32', T.FIXED_LEN_BYTE_ARRAY], [2, 'i32', 16], ...e, [6, 'i32', 5], [7, 'i32', s], [8, 'i32', 38], [10, 'struct', [[5, 'struct', [[1, 'i32', s], [2, 'i32', 38]]]]]];
    }
  }
}

export interface ParquetWriterOptions {
  compression: Compression;
  /** Needed for zstd and snappy (codecs.ts), unless `compressAsync` is given. */
  compress?: Compressor;
  /** Compress on another thread (compress-pool.ts): row groups are written as their pages come back. */
  compressAsync?: (b: Uint8Array) => Promise<Uint8Array>;
  rowGroupRows: number;
  /** Flush the row group early when its buffered values pass this many bytes. */
  rowGroupBytes: number;
  pageSize?: number;
  /** Key-value metadata in the footer. */
  kv?: Record<string, string>;
  /** fsync the file before closing it (a local output that is renamed into place must be durable). */
  fsync?: boolean;
  /**
   * Write a segment: row groups only (no magic, no footer), offsets from the segment's start; a
   * file is assembled from segments in order by `assembleParquet` (a file converted in parts).
   */
  segment?: boolean;
}

/** Row groups written to a segment (see ParquetWriterOptions.segment), as the footer lists them. */
export interface SegmentMeta {
  rowGroups: TField[][];
  rows: number;
  bytes: number;
}

/** `rg` (a row group's footer entry) with its file offsets moved by `delta`. */
function shiftRowGroup(rg: TField[], delta: number): TField[] {
  return rg.map((f): TField => {
    if (f[0] === 1 && f[1] === 'list<struct>') {
      const metas = (f[2] as TField[][]).map((m) =>
        m.map((g): TField => {
          if (g[0] === 2 && g[1] === 'i64') return [2, 'i64', (g[2] as number) + delta];
          if (g[0] === 3 && g[1] === 'struct')
            return [3, 'struct', (g[2] as TField[]).map((h): TField => ((h[0] === 9 || h[0] === 11) && h[1] === 'i64' && h[2] !== undefined ? [h[0], 'i64', (h[2] as number) + delta] : h))];
          return g;
        }),
      );
      return [1, 'list<struct>', metas];
    }
    if (f[0] === 5 && f[1] === 'i64') return [5, 'i64', (f[2] as number) + delta];
    return f;
  });
}

function footerBytes(columns: ColumnSpec[], rowGroups: TField[][], totalRows: number, kv: Record<string, string> | undefined): Buffer {
  const th = new Thrift();
  const schema: TField[][] = [[[4, 'bin', 'schema'], [5, 'i32', columns.length]], ...columns.map(schemaElement)];
  const kvs = kv ? Object.entries(kv).map(([k, v]): TField[] => [[1, 'bin', k], [2, 'bin', v]]) : undefined;
  th.struct([
    [1, 'i32', 2],
    [2, 'list<struct>', schema],
    [3, 'i64', totalRows],
    [4, 'list<struct>', rowGroups],
    [5, 'list<struct>', kvs],
    [6, 'bin', 'tally-connector'],
  ]);
  const footer = th.take();
  const tail = Buffer.allocUnsafe(8);
  tail.writeInt32LE(footer.length, 0);
  tail.write('PAR1', 4);
  return Buffer.concat([footer, tail]);
}

/**
 * One Parquet file from segments written in order (each a file of row groups): the magic, each
 * segment's bytes, then the footer listing every row group at its place in the file. Returns the size.
 */
export function assembleParquet(path: string, columns: ColumnSpec[], segments: Array<{ path: string; meta: SegmentMeta }>, kv: Record<string, string> | undefined, fsync: boolean): number {
  const fd = openSync(path, 'w', 0o600);
  try {
    let offset = 0;
    const write = (b: Uint8Array) => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
      offset += b.length;
    };
    write(Buffer.from('PAR1'));
    const rowGroups: TField[][] = [];
    let rows = 0;
    const buf = Buffer.allocUnsafe(4 << 20);
    for (const seg of segments) {
      const base = offset;
      const src = openSync(seg.path, 'r');
      try {
        for (;;) {
          const n = readSync(src, buf, 0, buf.length, null);
          if (n === 0) break;
          write(buf.subarray(0, n));
        }
      } finally {
        closeSync(src);
      }
      if (offset - base !== seg.meta.bytes) throw new Error(`a Parquet segment has ${offset - base} bytes, ${seg.meta.bytes} were written`);
      for (const rg of seg.meta.rowGroups) rowGroups.push(shiftRowGroup(rg, base));
      rows += seg.meta.rows;
    }
    write(footerBytes(columns, rowGroups, rows, kv));
    if (fsync) fsyncSync(fd);
    return offset;
  } finally {
    closeSync(fd);
  }
}

/** One Parquet file, written as rows come; `close` writes the footer. */
export class ParquetWriter implements WriterCore {
  readonly rowCap: number;
  readonly pageSize: number;
  private readonly fd: number;
  private offset = 0;
  private readonly th = new Thrift();
  private readonly cols: AnyCol[];
  private rows = 0;
  private totalRows = 0;
  private readonly rowGroups: TField[][] = [];
  private readonly setRow: (e: unknown) => void;
  private readonly compress: Compressor;
  private readonly async: boolean;
  /** Async mode: the row groups written so far (each after its pages came back). */
  private tail: Promise<void> = Promise.resolve();
  private discarded = false;

  constructor(
    path: string,
    private readonly columns: ColumnSpec[],
    private readonly o: ParquetWriterOptions,
  ) {
    this.rowCap = o.rowGroupRows;
    this.pageSize = o.pageSize ?? 1 << 20;
    if (o.compression !== 'none' && !o.compress && !o.compressAsync) throw new Error(`a compressor is needed for ${o.compression}`);
    this.async = o.compression !== 'none' && o.compressAsync !== undefined;
    this.compress = o.compression === 'none' ? (b) => b : o.compress!;
    this.fd = openSync(path, 'w', 0o600);
    if (!o.segment) this.write(Buffer.from('PAR1'));
    this.cols = columns.map((c) => makeCol(c, this));
    this.setRow = makeFeeder(columns, this.cols);
  }

  private write(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.offset += b.length;
  }

  page(type: number, body: Uint8Array, subHeader: TField): Page {
    if (this.async) {
      // The body's buffer is reused by the next page: compressAsync sends a copy.
      const pg = { header: Buffer.alloc(0), data: new Uint8Array(0), usize: body.length } as Page;
      pg.ready = this.o.compressAsync!(body).then((data) => {
        pg.data = data;
        const th = new Thrift();
        th.struct([[1, 'i32', type], [2, 'i32', body.length], [3, 'i32', data.length], subHeader]);
        pg.header = th.take();
      });
      pg.ready.catch(() => {});
      return pg;
    }
    const data = this.compress(body);
    // The compressor may return a view into its own memory (wasm): copy what is kept.
    const kept = data === body ? Buffer.from(body) : Buffer.from(data);
    this.th.struct([[1, 'i32', type], [2, 'i32', body.length], [3, 'i32', kept.length], subHeader]);
    return { header: this.th.take(), data: kept, usize: body.length };
  }

  /** The columns, for a caller that sets a row's values itself, then calls `endRow`. */
  get sinks(): readonly ColumnSink[] {
    return this.cols;
  }

  beginRow(): void {}

  /** Append one row (a parsed envelope). A promise when a row group was flushed in async mode: await it. */
  append(e: unknown): Promise<void> | undefined {
    this.setRow(e);
    return this.endRow();
  }

  /** The row whose values were set is complete. A promise when a row group was flushed in async mode: await it. */
  endRow(): Promise<void> | undefined {
    if (++this.rows === this.rowCap || ((this.rows & 1023) === 0 && this.buffered() > this.o.rowGroupBytes)) return this.flushRowGroup();
    return undefined;
  }

  /** Bytes buffered in the open row group. */
  buffered(): number {
    let n = 0;
    for (const c of this.cols) n += c.buffered;
    return n;
  }

  get rowCount(): number {
    return this.totalRows + this.rows;
  }

  /**
   * Close the open row group. In async mode its pages are still being compressed: it is written when
   * they are back, and the promise returned is the previous row group's (one in flight at a time).
   */
  flushRowGroup(): Promise<void> | undefined {
    if (this.rows === 0) return undefined;
    const chunks = this.cols.map((col) => col.endChunk());
    const rows = this.rows;
    this.totalRows += rows;
    this.rows = 0;
    if (!this.async) {
      this.writeRowGroup(chunks, rows);
      return undefined;
    }
    const prev = this.tail;
    const waits = chunks.flatMap((ch) => [...(ch.dictPage?.ready ? [ch.dictPage.ready] : []), ...ch.pages.map((p) => p.ready!)]);
    this.tail = prev.then(() => Promise.all(waits)).then(() => {
      if (!this.discarded) this.writeRowGroup(chunks, rows);
    });
    this.tail.catch(() => {});
    return prev;
  }

  private writeRowGroup(chunks: Chunk[], rows: number): void {
    const metas: TField[][] = [];
    let total = 0;
    const start = this.offset;
    for (let j = 0; j < chunks.length; j++) {
      const c = this.columns[j]!;
      const ch = chunks[j]!;
      const first = this.offset;
      let dictOff: number | undefined;
      let usize = 0;
      if (ch.dictPage) {
        dictOff = this.offset;
        this.write(ch.dictPage.header);
        this.write(ch.dictPage.data);
        usize += ch.dictPage.header.length + ch.dictPage.usize;
      }
      const dataOff = this.offset;
      for (const p of ch.pages) {
        this.write(p.header);
        this.write(p.data);
        usize += p.header.length + p.usize;
      }
      total += usize;
      const type = (schemaElement(c)[0] as [number, 'i32', number])[2];
      const encodings = ch.dictPage ? [...new Set([ENC.PLAIN, ...ch.encodings])] : ch.encodings;
      metas.push([
        [2, 'i64', first],
        [
          3,
          'struct',
          [
            [1, 'i32', type],
            [2, 'list<i32>', encodings],
            [3, 'list<bin>', [c.name]],
            [4, 'i32', CODEC[this.o.compression]],
            [5, 'i64', ch.rows],
            [6, 'i64', usize],
            [7, 'i64', this.offset - first],
            [9, 'i64', dataOff],
            [11, 'i64', dictOff],
            [12, 'struct', ch.stats],
          ],
        ],
      ]);
    }
    this.rowGroups.push([
      [1, 'list<struct>', metas],
      [2, 'i64', total],
      [3, 'i64', rows],
      [5, 'i64', start],
      [6, 'i64', this.offset - start],
    ]);
  }

  /** Flush the last row group and write the footer. Returns the file's size. */
  close(): number | Promise<number> {
    if (this.async) {
      this.flushRowGroup();
      return this.tail.then(
        () => this.finish(),
        (e) => {
          this.discard();
          throw e;
        },
      );
    }
    this.flushRowGroup();
    return this.finish();
  }

  private finish(): number {
    try {
      if (!this.o.segment) this.write(footerBytes(this.columns, this.rowGroups, this.totalRows, this.o.kv));
      if (this.o.fsync) fsyncSync(this.fd);
      return this.offset;
    } finally {
      closeSync(this.fd);
    }
  }

  /** A segment's row groups (after `close`). */
  segmentMeta(): SegmentMeta {
    return { rowGroups: this.rowGroups, rows: this.totalRows, bytes: this.offset };
  }

  /** Close the file without a footer (the output is being thrown away). */
  discard(): void {
    this.discarded = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
