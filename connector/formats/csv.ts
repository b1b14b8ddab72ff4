import { fileError } from '../errors.js';
import type { EnvelopeWriter } from '../envelope.js';
import { FNV_OFFSET, FNV_PRIME } from '../hashing.js';
import { parseAmount, parseBoolean, parseDate } from './values.js';

/**
 * CSV (RFC 4180 plus what Tally tools write: BOM, CRLF or LF, quoted fields with doubled quotes and
 * embedded newlines, a quoted or bare header) parsed as UTF-8 bytes and written straight into
 * envelope bytes, without building a JS object per row. This is the hot path of a backfill; see
 * README "Performance" for why it does not go through csv-parse.
 *
 * A row with the wrong number of fields, or a stray character after a closing quote, goes to the dead
 * letter with its line and the reason; the other rows go on.
 */

export type ColumnKind = 'text' | 'bool' | 'date' | 'decimal';

export interface CsvHooks {
  writer: EnvelopeWriter;
  /** Decide the entity from the header (and the file name, which the caller knows). */
  entityFor(header: string[]): string;
  reject(r: { reason: string; line: number; offset: number; ordinal: number; raw: string }): void;
  /** True when the entity's text columns are declared text (a known loader table): no need to classify them. */
  declaredText?(entity: string): boolean;
}

/** Classes of values, collected per column as a bit mask for schema inference (see drift/infer.ts). */
export const enum ValueClass {
  Null = 0,
  Bool = 1,
  Integer = 2,
  Decimal = 3,
  Date = 4,
  Text = 5,
}

const Q = 34;
const CR = 13;
const LF = 10;
const HEX = Buffer.from('0123456789abcdef');
const EMPTY = Buffer.alloc(0);
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');
// 1 where a byte needs escaping inside a JSON string.
const ESC = new Uint8Array(256);
for (let i = 0; i < 32; i++) ESC[i] = 1;
ESC[34] = 1;
ESC[92] = 1;

/** Column kind from a loader-style column name: is_* → bool, *date* → date, amounts → decimal. */
export function columnKind(name: string): ColumnKind {
  const n = name.toLowerCase();
  if (/^(is|has|affects|allow|use|for)_/.test(n)) return 'bool';
  if (/(^|_)date($|_)|^applicable_from$|_on$/.test(n)) return 'date';
  if (/(^|_)(amount|balance|value|rate|quantity|qty|price|discount|debit|credit|total)($|_)/.test(n)) return 'decimal';
  return 'text';
}

export class CsvReader {
  private work: Buffer = EMPTY;
  private carryLen = 0;
  /** Per column: classify text values for inference (not needed where the column is declared text). */
  private classify = new Uint8Array(0);
  /** Per column: bit (1 << ValueClass) for every class of value seen in emitted rows. */
  masks = new Uint32Array(0);
  /** Per column: the largest number of decimals seen. */
  scales = new Uint8Array(0);
  private header: string[] | undefined;
  private keys: Buffer[] = [];
  private kinds: ColumnKind[] = [];
  private kindCodes = new Uint8Array(0);
  private entity = '';
  private F: Int32Array;
  /** Line (1-based) at the start of the next row. */
  private line = 1;
  /** Absolute byte offset of `carry`/current buffer start. */
  private base = 0;
  ordinal = 0;
  rows = 0;
  rejected = 0;

  constructor(
    private readonly hooks: CsvHooks,
    private readonly opts: { delimiter: number; maxRowBytes: number; maxFields: number },
  ) {
    this.F = new Int32Array(3 * (Math.min(opts.maxFields, 64) + 1));
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

  end(): void {
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
    this.kindCodes = Uint8Array.from(this.kinds.map((k) => (k === 'text' ? 0 : k === 'bool' ? 1 : k === 'date' ? 2 : 3)));
    this.keys = names.map((n, i) => Buffer.from((i ? ',' : '{') + JSON.stringify(n) + ':'));
    this.entity = this.hooks.entityFor(names);
    this.masks = new Uint32Array(names.length);
    this.scales = new Uint8Array(names.length);
    const declared = this.hooks.declaredText?.(this.entity) ?? false;
    this.classify = Uint8Array.from(this.kinds.map((k) => (k === 'text' && declared ? 0 : 1)));
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
              // Unterminated quote: the rest of the file is one malformed row.
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
      void ended;
      pos = p;
      if (!this.header) {
        if (bad) throw fileError('E_CSV_SYNTAX', `the header row is malformed: ${bad}`, { line: this.line, offset: this.base + rowStart });
        this.setHeader(b, nf);
        this.line += countLines(b, rowStart, p);
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

  private rejectRow(b: Buffer, start: number, end: number, reason: string): void {
    this.rejected++;
    let e = end;
    while (e > start && (b[e - 1] === LF || b[e - 1] === CR)) e--;
    const raw = b.toString('utf8', start, Math.min(e, start + 4096));
    this.hooks.reject({ reason, line: this.line, offset: this.base + start, ordinal: this.ordinal, raw });
    this.line += countLines(b, start, end);
  }

  /** Write one envelope: prefix, then the record built field by field from the input bytes. */
  private emit(b: Buffer, nf: number): void {
    const w = this.hooks.writer;
    const F = this.F;
    const keys = this.keys;
    const kinds = this.kindCodes;
    const masks = this.masks;
    const scales = this.scales;
    const classify = this.classify;
    const hashAt = w.beginRow(this.entity, this.line, this.ordinal);
    // Worst case: every byte escaped as \u00XX (6x), plus keys.
    const rowBytes = F[(nf - 1) * 3 + 1]! - F[0]!;
    w.ensure(rowBytes * 6 + nf * 8 + 64 + this.keyBytes());
    let out = w.buf;
    let o = w.pos;
    const recStart = o;
    let h = FNV_OFFSET;
    for (let i = 0; i < nf; i++) {
      const k = keys[i]!;
      out.set(k, o);
      o += k.length;
      const s = F[i * 3]!;
      const e = F[i * 3 + 1]!;
      const t = F[i * 3 + 2]!;
      const kind = kinds[i]!;
      h = Math.imul(h ^ 0xff, FNV_PRIME);
      if (s === e) {
        if (t === 0 || kind !== 0) {
          out[o] = 110; // null
          out[o + 1] = 117;
          out[o + 2] = 108;
          out[o + 3] = 108;
          o += 4;
          masks[i]! |= 1 << ValueClass.Null;
        } else {
          out[o++] = Q;
          out[o++] = Q;
          masks[i]! |= 1 << ValueClass.Text;
        }
        continue;
      }
      if (kind !== 0) {
        const fast = fastTyped(b, s, e, kind);
        if (fast === 0) {
          // Slow path: normalise the text (Indian grouping, Dr/Cr, D-MMM-YY, Yes/No...).
          const str = fieldString(b, s, e, t);
          const v = normalise(kind, str);
          const json = JSON.stringify(v.value);
          w.pos = o;
          w.ensure(json.length * 3 + 16);
          out = w.buf;
          const n = out.write(json, o, 'utf8');
          for (let j = o; j < o + n; j++) h = Math.imul(h ^ (out[j] as number), FNV_PRIME);
          o += n;
          masks[i]! |= 1 << v.cls;
          if (v.cls === ValueClass.Decimal) {
            const sc = scaleOfString(v.value as string);
            if (sc > scales[i]!) scales[i] = sc;
          }
          continue;
        }
        if (fast === 1 || fast === 2) {
          // booleans
          const src = fast === 1 ? TRUE_BYTES : FALSE_BYTES;
          out.set(src, o);
          o += src.length;
          h = Math.imul(h ^ fast, FNV_PRIME);
          masks[i]! |= 1 << ValueClass.Bool;
          continue;
        }
        // fast === 3 (date) or 4 (decimal) or 5 (integer): copy as a JSON string.
        out[o++] = Q;
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          out[o++] = ch;
        }
        out[o++] = Q;
        if (fast === 4) {
          masks[i]! |= 1 << ValueClass.Decimal;
          const sc = scaleOfBytes(b, s, e);
          if (sc > scales[i]!) scales[i] = sc;
        } else masks[i]! |= 1 << (fast === 3 ? ValueClass.Date : ValueClass.Integer);
        continue;
      }
      // Text: copy with JSON escaping (and, for undeclared columns, classify for inference).
      out[o++] = Q;
      if (classify[i] === 0) {
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          if (ESC[ch] === 0) out[o++] = ch;
          else {
            o = escapeByte(out, o, ch);
            if (ch === Q && t === 2) j++; // the second quote of a doubled pair
          }
        }
        out[o++] = Q;
        masks[i]! |= 1 << ValueClass.Text;
        continue;
      }
      let digits = 0;
      let other = 0;
      for (let j = s; j < e; j++) {
        const ch = b[j]!;
        h = Math.imul(h ^ ch, FNV_PRIME);
        if (ESC[ch] === 0) {
          out[o++] = ch;
          if (ch >= 48 && ch <= 57) digits++;
          else other++;
          continue;
        }
        other++;
        o = escapeByte(out, o, ch);
        if (ch === Q && t === 2) j++;
      }
      out[o++] = Q;
      if (other === 0) masks[i]! |= 1 << ValueClass.Integer;
      else {
        const c = classifyText(b, s, e, digits);
        masks[i]! |= 1 << c;
        if (c === ValueClass.Decimal) {
          const sc = scaleOfBytes(b, s, e);
          if (sc > scales[i]!) scales[i] = sc;
        }
      }
    }
    out[o++] = 0x7d; // }
    w.pos = o;
    w.endRow(hashAt, recStart, h);
    this.rows++;
  }

  private keyLen = -1;
  private keyBytes(): number {
    if (this.keyLen < 0) this.keyLen = this.keys.reduce((a, k) => a + k.length, 0);
    return this.keyLen;
  }
}

/** Write the JSON escape of byte `ch` at `o`; returns the new offset. */
function escapeByte(out: Buffer, o: number, ch: number): number {
  out[o++] = 92;
  switch (ch) {
    case Q:
      out[o++] = Q;
      return o;
    case 92:
      out[o++] = 92;
      return o;
    case LF:
      out[o++] = 110;
      return o;
    case CR:
      out[o++] = 114;
      return o;
    case 9:
      out[o++] = 116;
      return o;
    default:
      out[o++] = 117;
      out[o++] = 48;
      out[o++] = 48;
      out[o++] = HEX[ch >> 4]!;
      out[o++] = HEX[ch & 15]!;
      return o;
  }
}

/** 0 = needs the slow path; 1 true; 2 false; 3 ISO date; 4 plain decimal; 5 plain integer. */
function fastTyped(b: Buffer, s: number, e: number, kind: number): number {
  const len = e - s;
  if (kind === 1) {
    if (len === 1) {
      const c = b[s];
      if (c === 49) return 1;
      if (c === 48) return 2;
    }
    return 0;
  }
  if (kind === 2) {
    if (len === 10 && b[s + 4] === 45 && b[s + 7] === 45 && isDigits(b, s, s + 4) && isDigits(b, s + 5, s + 7) && isDigits(b, s + 8, e)) {
      const m = (b[s + 5]! - 48) * 10 + (b[s + 6]! - 48);
      const d = (b[s + 8]! - 48) * 10 + (b[s + 9]! - 48);
      if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return 3;
    }
    return 0;
  }
  // decimal: -?(0|[1-9][0-9]*)(\.[0-9]+)?
  let i = s;
  if (b[i] === 45) i++;
  if (i >= e) return 0;
  if (b[i] === 48) {
    i++;
  } else {
    const st = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === st) return 0;
  }
  if (i === e) return 5;
  if (b[i] !== 46) return 0;
  i++;
  const st = i;
  while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
  return i === e && i > st ? 4 : 0;
}

function isDigits(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Class of a text value that has a non-digit: decimal, date, boolean or text (for schema inference). */
function classifyText(b: Buffer, s: number, e: number, digits: number): ValueClass {
  const len = e - s;
  if (digits === 0) {
    if (len <= 5) {
      const t = b.toString('latin1', s, e).toLowerCase();
      if (t === 'yes' || t === 'no' || t === 'true' || t === 'false') return ValueClass.Bool;
    }
    return ValueClass.Text;
  }
  const f = fastTyped(b, s, e, 3);
  if (f === 4 || f === 5) return f === 5 ? ValueClass.Integer : ValueClass.Decimal;
  if (len === 10 && fastTyped(b, s, e, 2) === 3) return ValueClass.Date;
  return ValueClass.Text;
}

function normalise(kind: number, str: string): { value: unknown; cls: ValueClass } {
  if (kind === 1) {
    const v = parseBoolean(str, true);
    return v === undefined ? { value: str, cls: ValueClass.Text } : { value: v, cls: ValueClass.Bool };
  }
  if (kind === 2) {
    if (str.trim() === '' || str === '\u00f1') return { value: null, cls: ValueClass.Null }; // the loader's empty-date marker
    const v = parseDate(str);
    return v === undefined ? { value: str, cls: ValueClass.Text } : { value: v, cls: ValueClass.Date };
  }
  if (str.trim() === '') return { value: null, cls: ValueClass.Null };
  const v = parseAmount(str);
  return v === undefined ? { value: str, cls: ValueClass.Text } : { value: v, cls: v.includes('.') ? ValueClass.Decimal : ValueClass.Integer };
}

function scaleOfBytes(b: Buffer, s: number, e: number): number {
  for (let i = e - 1; i >= s; i--) if (b[i] === 46) return Math.min(255, e - i - 1);
  return 0;
}

function scaleOfString(v: string): number {
  const i = v.indexOf('.');
  return i < 0 ? 0 : Math.min(255, v.length - i - 1);
}

/** The text of a field, with doubled quotes undone. */
export function fieldString(b: Buffer, s: number, e: number, t: number): string {
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
