import { closeSync, openSync, readSync } from 'node:fs';
import { FNV_OFFSET, FNV_PRIME } from '../hashing.js';
import { VClass } from '../formats/classify.js';
import type { Cells, FieldKey, RowNote, RowSink } from '../rows/row-sink.js';
import type { EnvelopeContext } from './envelope.js';
import { DoubleBuffer, type ByteSink } from './byte-buffer.js';

/**
 * The row log: how typed sinks (Parquet, Arrow) stage a file's rows while it is read, in place of
 * envelope lines. A consumer of the row seam, like the envelope writer, and like it the owner of its
 * format: it writes each row's cells as the reader's bytes (no JSON, no escaping) with their kind,
 * so the conversion after the drift decision copies text straight into column pages. Record ids
 * are computed exactly as the envelope writer computes them (the same bytes hashed the same way), so
 * a file gives the same ids whatever its sink.
 *
 * Framing: every entry is `u32 length` + `u8 kind` + payload, little-endian.
 *   kind 0 file:    JSON { tenant_id, connector_id, stream_id, run_id, file_id, emitted_at }
 *   kind 1 entity:  u16 index, UTF-8 name
 *   kind 2 columns: u16 entity, u16 n, n × (u16 length, UTF-8 name)   (the keys of the cells rows that follow)
 *   kind 3 cells:   u16 entity, u32 ordinal, u32 line, u32 hash, u32 quality length + JSON, u16 n,
 *                   n × (u8 tag, [u32 length, bytes])   tag: 0 null, 1 true, 2 false, 3 text, 4 JSON value
 *   kind 4 record:  u16 entity, u32 ordinal, u32 line, u32 hash, u32 quality length + JSON, u32 length + JSON record
 */

export const TAG_NULL = 0;
export const TAG_TRUE = 1;
export const TAG_FALSE = 2;
export const TAG_TEXT = 3;
export const TAG_JSON = 4;

const K_FILE = 0;
const K_ENTITY = 1;
const K_COLUMNS = 2;
const K_CELLS = 3;
const K_RECORD = 4;

export class RowLogWriter extends DoubleBuffer implements RowSink {
  rows = 0;
  /** Not used by typed sinks (their versions come with the decision); kept for the pipeline's result. */
  readonly stamped = new Map<string, number>();
  private readonly entityIndex = new Map<string, number>();
  private cellKeys: readonly FieldKey[] | undefined;
  private cellEntity = -1;
  private rowStart = 0;
  private entity = 0;

  constructor(
    readonly ctx: EnvelopeContext,
    sink: ByteSink,
  ) {
    super(sink);
    const head = Buffer.from(JSON.stringify({ tenant_id: ctx.tenant_id, connector_id: ctx.connector_id, stream_id: ctx.stream_id, run_id: ctx.run_id, file_id: ctx.file_id, emitted_at: new Date().toISOString() }));
    this.entry(K_FILE, head.length);
    this.buf.set(head, this.pos);
    this.pos += head.length;
  }

  tick(): void {}
  invalidate(): void {}

  /** Start an entry of `payload` bytes (when known now). */
  private entry(kind: number, payload: number): void {
    this.ensure(5 + payload);
    this.buf.writeUInt32LE(payload + 1, this.pos);
    this.buf[this.pos + 4] = kind;
    this.pos += 5;
  }

  private entityOf(name: string): number {
    let i = this.entityIndex.get(name);
    if (i === undefined) {
      i = this.entityIndex.size;
      this.entityIndex.set(name, i);
      const b = Buffer.from(name);
      this.entry(K_ENTITY, 2 + b.length);
      this.buf.writeUInt16LE(i, this.pos);
      this.buf.set(b, this.pos + 2);
      this.pos += 2 + b.length;
    }
    return i;
  }

  columns(entity: string, keys: readonly FieldKey[]): void {
    const e = this.entityOf(entity);
    this.writeColumns(e, keys);
  }

  private writeColumns(e: number, keys: readonly FieldKey[]): void {
    const names = keys.map((k) => Buffer.from(k.name));
    const size = 4 + names.reduce((a, n) => a + 2 + n.length, 0);
    this.entry(K_COLUMNS, size);
    const b = this.buf;
    let o = this.pos;
    b.writeUInt16LE(e, o);
    b.writeUInt16LE(keys.length, o + 2);
    o += 4;
    for (const n of names) {
      b.writeUInt16LE(n.length, o);
      b.set(n, o + 2);
      o += 2 + n.length;
    }
    this.pos = o;
    this.cellKeys = keys;
    this.cellEntity = e;
  }

  private ordinal = 0;
  private line = 0;
  private note: RowNote | undefined;

  beginRow(entity: string, ordinal: number, line: number, note?: RowNote): void {
    this.entity = this.entityOf(entity);
    this.ordinal = ordinal;
    this.line = line;
    this.note = note;
  }

  /** The fixed part of a row entry, up to its cells or record; returns where the hash goes. */
  private rowHead(kind: number): number {
    const q = this.note?.quality ? Buffer.from(JSON.stringify(this.note.quality)) : undefined;
    this.ensure(5 + 18 + (q ? q.length : 0) + 8);
    const b = this.buf;
    this.rowStart = this.pos;
    b[this.pos + 4] = kind;
    let o = this.pos + 5;
    b.writeUInt16LE(this.entity, o);
    b.writeUInt32LE(this.ordinal, o + 2);
    b.writeUInt32LE(this.line >>> 0, o + 6);
    const hashAt = o + 10;
    o += 14;
    b.writeUInt32LE(q ? q.length : 0, o);
    o += 4;
    if (q) {
      b.set(q, o);
      o += q.length;
    }
    this.pos = o;
    return hashAt;
  }

  private hashAt = 0;

  cells(row: Cells): void {
    const { b, n, F, cls, norm, values, keys } = row;
    if (keys !== this.cellKeys || this.cellEntity !== this.entity) this.writeColumns(this.entity, keys);
    this.hashAt = this.rowHead(K_CELLS);
    const rowBytes = F[(n - 1) * 3 + 1]! - F[0]!;
    this.ensure(2 + n * 5 + rowBytes + 16);
    let out = this.buf;
    let o = this.pos;
    out.writeUInt16LE(n, o);
    o += 2;
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ 0xff, FNV_PRIME);
      const c = cls[i]!;
      if (norm[i] === 1) {
        // A normalised value: its JSON, hashed as the envelope writer hashes it.
        const json = JSON.stringify(values[i]);
        this.pos = o;
        this.ensure(5 + json.length * 3 + (rowBytes - (F[i * 3]! - F[0]!)) + (n - i) * 5 + 16);
        out = this.buf;
        out[o] = TAG_JSON;
        const w = out.write(json, o + 5, 'utf8');
        out.writeUInt32LE(w, o + 1);
        for (let j = o + 5; j < o + 5 + w; j++) h = Math.imul(h ^ (out[j] as number), FNV_PRIME);
        o += 5 + w;
        continue;
      }
      if (c === VClass.Null) {
        out[o++] = TAG_NULL;
        continue;
      }
      const s = F[i * 3]!;
      const e = F[i * 3 + 1]!;
      if (c === VClass.Bool) {
        const t = b[s] === 49;
        out[o++] = t ? TAG_TRUE : TAG_FALSE;
        h = Math.imul(h ^ (t ? 1 : 2), FNV_PRIME);
        continue;
      }
      out[o] = TAG_TEXT;
      const start = o + 5;
      let p = start;
      if (F[i * 3 + 2] === 2) {
        // Doubled quotes undone, as the value is.
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          out[p++] = ch;
          if (ch === 34) j++;
        }
      } else {
        // Hashed and copied in one pass (Buffer#copy costs more than the loop for cells this small).
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          out[p++] = ch;
        }
      }
      out.writeUInt32LE(p - start, o + 1);
      o = p;
    }
    this.pos = o;
    this.h = h;
  }

  private h = FNV_OFFSET;
  private whole = false;

  record(rec: Record<string, unknown>): void {
    this.hashAt = this.rowHead(K_RECORD);
    const json = JSON.stringify(rec);
    this.ensure(4 + json.length * 3);
    const w = this.buf.write(json, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(w, this.pos);
    let h = FNV_OFFSET;
    for (let j = this.pos + 4; j < this.pos + 4 + w; j++) h = Math.imul(h ^ (this.buf[j] as number), FNV_PRIME);
    this.h = h;
    this.pos += 4 + w;
    this.whole = true;
  }

  endRow(): void {
    const b = this.buf;
    b.writeUInt32LE(this.h >>> 0, this.hashAt);
    b.writeUInt32LE(this.pos - this.rowStart - 4, this.rowStart);
    this.rows++;
    this.whole = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface LogFile {
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  run_id: string;
  file_id: string;
  emitted_at: string;
}

/** One row of the log, valid until the next: cells over `b`, or a whole record's JSON. */
export interface LogRow {
  entity: string;
  ordinal: number;
  line: number;
  hash: number;
  /** Quality JSON bytes [qs, qe) in b (qe === qs: none). */
  qs: number;
  qe: number;
  b: Buffer;
  /** For cells rows: the entity's column names, and per cell its tag and [s, e). */
  keys: string[] | undefined;
  n: number;
  tag: Uint8Array;
  S: Int32Array;
  E: Int32Array;
  /** For record rows: the record's JSON [rs, re). */
  rs: number;
  re: number;
}

/** The log's rows in order (the file entry first, in `file`). */
export function* readRowLog(path: string, onFile: (f: LogFile) => void, range?: { from: number; to: number }): Generator<LogRow> {
  const fd = openSync(path, 'r');
  // A range: only the rows whose entries start in [from, to); the declarations before `from` are read.
  const from = range?.from ?? 0;
  const to = range?.to ?? Number.POSITIVE_INFINITY;
  try {
    let buf = Buffer.allocUnsafe(1 << 20);
    let len = 0;
    let off = 0;
    /** The file offset of buf[0]. */
    let base = 0;
    let eof = false;
    const fill = (need: number) => {
      // Make [off, off + need) available.
      if (off + need <= len) return true;
      if (off > 0) {
        buf.copy(buf, 0, off, len);
        len -= off;
        base += off;
        off = 0;
      }
      if (need > buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
        buf.copy(nb, 0, 0, len);
        buf = nb;
      }
      while (len < need && !eof) {
        const n = readSync(fd, buf, len, buf.length - len, null);
        if (n === 0) eof = true;
        len += n;
      }
      return len >= need;
    };
    const entities: string[] = [];
    const columns = new Map<number, string[]>();
    const row: LogRow = { entity: '', ordinal: 0, line: 0, hash: 0, qs: 0, qe: 0, b: buf, keys: undefined, n: 0, tag: new Uint8Array(64), S: new Int32Array(64), E: new Int32Array(64), rs: 0, re: 0 };
    for (;;) {
      if (base + off >= to) break;
      if (!fill(4)) break;
      const size = u32(buf, off);
      if (!fill(4 + size)) throw new Error('the row log ends inside an entry');
      const b = buf;
      let o = off + 4;
      const kind = b[o++]!;
      const end = off + 4 + size;
      if (base + off < from && (kind === K_CELLS || kind === K_RECORD)) {
        off = end;
        continue;
      }
      switch (kind) {
        case K_FILE:
          onFile(JSON.parse(b.toString('utf8', o, end)) as LogFile);
          break;
        case K_ENTITY:
          entities[u16(b, o)] = b.toString('utf8', o + 2, end);
          break;
        case K_COLUMNS: {
          const e = u16(b, o);
          const n = u16(b, o + 2);
          o += 4;
          const names: string[] = [];
          for (let i = 0; i < n; i++) {
            const l = u16(b, o);
            names.push(b.toString('utf8', o + 2, o + 2 + l));
            o += 2 + l;
          }
          columns.set(e, names);
          break;
        }
        case K_CELLS:
        case K_RECORD: {
          const e = u16(b, o);
          row.b = b;
          row.entity = entities[e]!;
          row.ordinal = u32(b, o + 2);
          row.line = u32(b, o + 6);
          row.hash = u32(b, o + 10);
          const ql = u32(b, o + 14);
          row.qs = o + 18;
          row.qe = o + 18 + ql;
          o = row.qe;
          if (kind === K_RECORD) {
            const l = u32(b, o);
            row.keys = undefined;
            row.n = 0;
            row.rs = o + 4;
            row.re = o + 4 + l;
          } else {
            row.keys = columns.get(e);
            const n = u16(b, o);
            o += 2;
            if (n > row.tag.length) {
              row.tag = new Uint8Array(n * 2);
              row.S = new Int32Array(n * 2);
              row.E = new Int32Array(n * 2);
            }
            row.n = n;
            const { tag, S, E } = row;
            for (let i = 0; i < n; i++) {
              const t = b[o++]!;
              tag[i] = t;
              if (t >= TAG_TEXT) {
                const l = u32(b, o);
                S[i] = o + 4;
                E[i] = o + 4 + l;
                o += 4 + l;
              }
            }
            row.rs = row.re = 0;
          }
          yield row;
          break;
        }
        default:
          throw new Error(`unknown row log entry ${kind}`);
      }
      off = end;
    }
  } finally {
    closeSync(fd);
  }
}

const u16 = (b: Buffer, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Buffer, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 16777216;

const HEX = '0123456789abcdef';

/** `<file id>.<ordinal>.<8 hex>`, as the envelope writer makes record ids. */
export function recordId(fileId: string, ordinal: number, hash: number): string {
  let h = hash >>> 0;
  let s = '';
  for (let k = 0; k < 8; k++) {
    s = HEX[h & 15]! + s;
    h >>>= 4;
  }
  return `${fileId}.${ordinal}.${s}`;
}

/** The value of cell `i` as the envelope's record holds it. */
export function cellValue(r: LogRow, i: number): unknown {
  switch (r.tag[i]) {
    case TAG_NULL:
      return null;
    case TAG_TRUE:
      return true;
    case TAG_FALSE:
      return false;
    case TAG_TEXT:
      return r.b.toString('utf8', r.S[i]!, r.E[i]!);
    default:
      return JSON.parse(r.b.toString('utf8', r.S[i]!, r.E[i]!));
  }
}

/** The row's record as an object (what the envelope's `record` holds). */
export function rowRecord(r: LogRow): Record<string, unknown> {
  if (!r.keys) return JSON.parse(r.b.toString('utf8', r.rs, r.re)) as Record<string, unknown>;
  const rec: Record<string, unknown> = {};
  for (let i = 0; i < r.n; i++) rec[r.keys[i]!] = cellValue(r, i);
  return rec;
}
