import { fileError } from '../errors.js';
import { Fast, Kind, VClass, classifyTextBytes, columnKind, fastClass, fastTyped, kindCode, normaliseCell, type ColumnKind } from './classify.js';
import { LOADER_TABLES } from './csv-entity.js';
import { fieldKey, type Cells, type FieldKey, type RejectSink, type RowSink } from '../rows/row-sink.js';
import type { RowReader } from './reader.js';

/**
 * CSV (RFC 4180 plus what Tally tools write: BOM, CRLF or LF, quoted fields with doubled quotes and
 * embedded newlines, a quoted or bare header) parsed as UTF-8 bytes. Each cell is classified once
 * (formats/classify.ts) and handed to the row seam as bytes of the input, without building a JS
 * object or string per row. This is the hot path of a backfill; see README "Performance" for why
 * it does not go through csv-parse.
 *
 * A row with the wrong number of fields, or a stray character after a closing quote, goes to the dead
 * letter with its line and the reason; the other rows go on.
 */

export interface CsvOptions {
  delimiter: number;
  maxRowBytes: number;
  maxFields: number;
  /** The entity of the file, from its header (the caller knows the stream's override and the file). */
  entityFor(header: string[]): string;
  resume?: CsvResume;
}

/**
 * A later part of a file split at a row boundary (run/split-csv.ts): the header row is fed first,
 * then the rows from `offset` on, which start at `line` with `ordinal` rows before them.
 */
export interface CsvResume {
  offset: number;
  line: number;
  ordinal: number;
}

/** Where a reader stopped: the state a part's successor must have started from. */
export interface CsvEnd {
  line: number;
  ordinal: number;
  /** Bytes of an incomplete row left when the input ended (0: it ended at a row boundary). */
  carry: number;
}

const Q = 34;
const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);

export class CsvReader implements RowReader {
  private work: Buffer = EMPTY;
  private carryLen = 0;
  /** Per column: classify text values for inference (not needed where the column is declared text). */
  private classify = new Uint8Array(0);
  private header: string[] | undefined;
  private keys: FieldKey[] = [];
  private kinds: ColumnKind[] = [];
  private kindCodes = new Uint8Array(0);
  private entity = '';
  private F: Int32Array;
  private cellsRow!: Cells;
  /** Line (1-based) at the start of the next row. */
  private line = 1;
  /** Absolute byte offset of `carry`/current buffer start. */
  private base = 0;
  ordinal = 0;
  rows = 0;
  rejected = 0;

  constructor(
    private readonly sink: RowSink,
    private readonly reject: RejectSink,
    private readonly opts: CsvOptions,
  ) {
    this.F = new Int32Array(3 * (Math.min(opts.maxFields, 64) + 1));
  }

  get objects(): number {
    return this.ordinal;
  }

  get columns(): string[] | undefined {
    return this.header;
  }

  get columnKinds(): ColumnKind[] {
    return this.kinds;
  }

  get entityName(): string {
    return this.entity;
  }

  feed(chunk: Buffer): void {
    let b: Buffer;
    const carry = this.carryLen;
    if (carry) {
      // Append to the partial row in a reused work buffer (no allocation per chunk).
      const need = carry + chunk.length;
      if (this.work.length < need) {
        const nb = Buffer.allocUnsafe(Math.max(need, this.work.length * 2));
        nb.set(this.work.subarray(0, carry), 0);
        this.work = nb;
      }
      this.work.set(chunk, carry);
      b = this.work.subarray(0, need);
    } else b = chunk;
    const used = this.parse(b, false);
    const rest = b.length - used;
    if (rest > this.opts.maxRowBytes) {
      throw fileError('E_LIMIT', `a CSV row longer than ${this.opts.maxRowBytes} bytes (an unterminated quoted field?)`, { line: this.line, offset: this.base + used });
    }
    if (rest) {
      if (b === this.work) this.work.copyWithin(0, used, b.length);
      else {
        if (this.work.length < rest) this.work = Buffer.allocUnsafe(Math.max(rest * 2, 64 * 1024));
        this.work.set(b.subarray(used), 0);
      }
    }
    this.carryLen = rest;
    this.base += used;
  }

  /** Set by `end`. */
  stopped: CsvEnd | undefined;

  end(): void {
    this.stopped = { line: this.line, ordinal: this.ordinal, carry: this.carryLen };
    const b = this.work.subarray(0, this.carryLen);
    this.carryLen = 0;
    if (b.length) this.parse(b, true);
    if (!this.header) throw fileError('E_FILE_EMPTY', 'the CSV file has no header row', { line: 1 });
  }

  private setHeader(b: Buffer, nf: number): void {
    const F = this.F;
    const seen = new Map<string, number>();
    const names: string[] = [];
    for (let i = 0; i < nf; i++) {
      let name = fieldString(b, F[i * 3]!, F[i * 3 + 1]!, F[i * 3 + 2]!).trim();
      if (name.charCodeAt(0) === 0xfeff) name = name.slice(1);
      if (name === '') name = `column_${i + 1}`;
      const k = seen.get(name) ?? 0;
      seen.set(name, k + 1);
      if (k) name = `${name}_${k + 1}`;
      names.push(name);
    }
    this.header = names;
    this.kinds = names.map(columnKind);
    this.kindCodes = Uint8Array.from(this.kinds.map(kindCode));
    this.keys = names.map((n, i) => fieldKey(n, i));
    this.entity = this.opts.entityFor(names);
    // Text columns of a known loader table are text by declaration (a voucher number made of
    // digits is still text); text columns of other CSVs are classified by their values.
    const declared = this.entity in LOADER_TABLES;
    this.classify = Uint8Array.from(this.kinds.map((k) => (k === 'text' && !declared ? 1 : 0)));
    this.cellsRow = { b: EMPTY, n: 0, F: this.F, cls: new Uint8Array(names.length), norm: new Uint8Array(names.length), values: new Array(names.length), keys: this.keys };
    this.sink.columns(this.entity, this.keys);
  }

  /** Parse complete rows of `b`; returns the number of bytes consumed. */
  private parse(b: Buffer, final: boolean): number {
    const n = b.length;
    const delim = this.opts.delimiter;
    let F = this.F;
    const maxF = this.opts.maxFields;
    let pos = 0;
    outer: while (pos < n) {
      const rowStart = pos;
      let p = pos;
      // Blank lines are not rows.
      let c = b[p]!;
      if (c === LF) {
        pos++;
        this.line++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= n && !final) break;
        pos += b[p + 1] === LF ? 2 : 1;
        this.line++;
        continue;
      }
      let nf = 0;
      let bad: string | undefined;
      let ended = false;
      for (;;) {
        if (p >= n) {
          if (!final) break outer;
          // Final field after a trailing delimiter, or end of data.
          F[nf * 3] = p;
          F[nf * 3 + 1] = p;
          F[nf * 3 + 2] = 0;
          nf++;
          ended = true;
          break;
        }
        if (nf * 3 + 3 > F.length) {
          if (nf >= maxF) throw fileError('E_LIMIT', `a CSV row with more than ${maxF} fields`, { line: this.line, offset: this.base + rowStart });
          const nF = new Int32Array(Math.min(F.length * 2, 3 * (maxF + 1)));
          nF.set(F);
          F = this.F = nF;
        }
        c = b[p]!;
        if (c === Q) {
          const s = p + 1;
          let e = s;
          let dbl = 0;
          for (;;) {
            e = b.indexOf(Q, e);
            if (e < 0) {
              if (!final) break outer;
              // Unterminated quote. With no line end after it, the transfer was cut inside the field.
              if (n > 0 && b[n - 1] !== LF && b[n - 1] !== CR) this.truncated(`a quoted field opened at line ${this.line} is never closed and the file has no final line end`, rowStart);
              // Otherwise the rest of the file is one malformed row.
              this.ordinal++;
              this.rejectRow(b, rowStart, n, `unterminated quoted field (opened at line ${this.line})`);
              pos = n;
              break outer;
            }
            if (e + 1 >= n && !final) break outer;
            if (b[e + 1] === Q) {
              dbl = 1;
              e += 2;
              continue;
            }
            break;
          }
          F[nf * 3] = s;
          F[nf * 3 + 1] = e;
          F[nf * 3 + 2] = 1 + dbl;
          nf++;
          p = e + 1;
          if (p < n) {
            c = b[p]!;
            if (c !== delim && c !== CR && c !== LF) {
              bad = `unexpected character ${JSON.stringify(String.fromCharCode(c))} after the closing quote of field ${nf}`;
              // Resynchronise at the next line end.
              const q = b.indexOf(LF, p);
              if (q < 0) {
                if (!final) break outer;
                p = n;
              } else p = q + 1;
              break;
            }
          }
        } else {
          let e = p;
          while (e < n) {
            c = b[e]!;
            if (c === delim || c === CR || c === LF) break;
            e++;
          }
          if (e >= n && !final) break outer;
          F[nf * 3] = p;
          F[nf * 3 + 1] = e;
          F[nf * 3 + 2] = 0;
          nf++;
          p = e;
        }
        if (p >= n) {
          ended = true;
          break;
        }
        c = b[p]!;
        if (c === delim) {
          p++;
          continue;
        }
        if (c === CR) {
          p++;
          if (p >= n && !final) break outer;
          if (b[p] === LF) p++;
        } else p++; // LF
        break;
      }
      // The last row, ended by the end of the data rather than a line end, with fields missing: a
      // transfer cut short (retried when the bytes change), not a bad row.
      if (ended && this.header && nf < this.header.length) this.truncated(`the last row has ${nf} of the ${this.header.length} fields and no line end`, rowStart);
      pos = p;
      if (!this.header) {
        if (bad) throw fileError('E_CSV_SYNTAX', `the header row is malformed: ${bad}`, { line: this.line, offset: this.base + rowStart });
        this.setHeader(b, nf);
        this.line += countLines(b, rowStart, p);
        const r = this.opts.resume;
        if (r) {
          this.line = r.line;
          this.ordinal = r.ordinal;
          this.base = r.offset - p;
        }
        continue;
      }
      this.ordinal++;
      if (bad) {
        this.rejectRow(b, rowStart, p, bad);
        continue;
      }
      if (nf !== this.header.length) {
        this.rejectRow(b, rowStart, p, `expected ${this.header.length} fields (as in the header), found ${nf}`);
        continue;
      }
      this.emit(b, nf);
      this.line += countLines(b, rowStart, p);
    }
    return pos;
  }

  private truncated(what: string, rowStart: number): never {
    throw fileError('E_CSV_TRUNCATED', `${what}: the file looks cut short`, { line: this.line, offset: this.base + rowStart, ordinal: this.ordinal + 1 }, {
      hint: 'land the complete file again; nothing from this file was delivered',
    });
  }

  private rejectRow(b: Buffer, start: number, end: number, reason: string): void {
    this.rejected++;
    let e = end;
    while (e > start && (b[e - 1] === LF || b[e - 1] === CR)) e--;
    const raw = b.toString('utf8', start, Math.min(e, start + 4096));
    this.reject({ reason, line: this.line, offset: this.base + start, ordinal: this.ordinal, raw });
    this.line += countLines(b, start, end);
  }

  /** One row through the seam: each cell classified once; typed cells not in normal form normalised. */
  private emit(b: Buffer, nf: number): void {
    const row = this.cellsRow;
    const F = this.F;
    const kinds = this.kindCodes;
    const classify = this.classify;
    const cls = row.cls;
    const norm = row.norm;
    for (let i = 0; i < nf; i++) {
      const s = F[i * 3]!;
      const e = F[i * 3 + 1]!;
      const t = F[i * 3 + 2]!;
      const kind = kinds[i]! as Kind;
      norm[i] = 0;
      if (s === e) {
        // Unquoted empty is null; a quoted empty text is "" (a typed column has no empty value).
        cls[i] = t === 0 || kind !== Kind.Text ? VClass.Null : VClass.Text;
        continue;
      }
      if (kind !== Kind.Text) {
        const f = fastTyped(b, s, e, kind);
        if (f === Fast.Slow) {
          // Not in normal form: Indian grouping, Dr/Cr, D-MMM-YY, Yes/No... or not of the column's shape.
          const v = normaliseCell(kind, fieldString(b, s, e, t));
          cls[i] = v.cls;
          norm[i] = 1;
          row.values[i] = v.value;
        } else cls[i] = fastClass(f);
        continue;
      }
      cls[i] = classify[i] === 0 ? VClass.Text : classifyTextBytes(b, s, e);
    }
    row.b = b;
    row.n = nf;
    row.F = F;
    const sink = this.sink;
    sink.beginRow(this.entity, this.ordinal, this.line);
    sink.cells(row);
    sink.endRow();
    this.rows++;
  }
}

/** The text of a field, with doubled quotes undone. */
function fieldString(b: Buffer, s: number, e: number, t: number): string {
  const str = b.toString('utf8', s, e);
  return t === 2 ? str.replace(/""/g, '"') : str;
}

function countLines(b: Buffer, s: number, e: number): number {
  let n = 0;
  let i = b.indexOf(LF, s);
  while (i >= 0 && i < e) {
    n++;
    i = b.indexOf(LF, i + 1);
  }
  if (n === 0 && e > s && b[e - 1] === CR) n = 1; // CR-only line ends
  return n;
}
