import { fileError } from '../errors.js';

/**
 * A small, tolerant, streaming XML tokenizer for Tally exports, over UTF-8 bytes.
 *
 * Why not a general parser: Tally writes invalid character references (`&#4;`), raw control
 * characters and undeclared `UDF:` prefixes, all of which strict parsers reject; and `sax`/`saxes`
 * measured 3-10x slower than this on the same files (see README, Performance). It handles what Tally
 * and its tools emit: elements, attributes, text, entities, comments, CDATA, processing instructions
 * and a DOCTYPE without an internal subset. Names are taken literally (no namespace processing).
 *
 * It works on bytes (the decoder hands it UTF-8 whatever the file's encoding), and makes a string
 * only for what the consumer keeps: an element name is read once per distinct name (then compared
 * in place and handed out as the same string), a short text once per distinct text in a while
 * (`No`, `Yes`, a ledger's name), and other text once, already whole. Lines are counted as the
 * bytes go by. A close tag is first compared with the element open last, an open tag with the
 * element that came next the time before (Tally writes an object's tags in the same order), names
 * a 4-byte word at a time. On the dense day book the whole run went from 9.7 to about 6 s (one
 * thread, alternating pairs; README, Performance).
 *
 * Well-formedness of nesting is checked by the consumer (which knows the element stack).
 */
export interface XmlHandler<T = undefined> {
  /**
   * `name` is interned: the same string each time the same name is read, and `info` is what the
   * tokenizer's `describe` made of it, once per name. `attrs` is the raw attribute text (may be '');
   * `pos` is the index of `<` in the current buffer.
   */
  open(name: string, info: T, attrs: string, selfClosing: boolean, pos: number): void;
  /** Non-whitespace text between tags, entities still encoded unless `cdata`. */
  text(raw: string, cdata: boolean): void;
  /** `name` is interned as in `open`. */
  close(name: string, pos: number): void;
}

// Raw control characters (which XML 1.0 forbids) are not an error here: U+0004 and U+0005 carry
// meaning for Tally and are mapped by the value cleaner (values.ts cleanTallyText); any other one
// stays in the value as data and is escaped in the JSON output.

/** One interned element name: its bytes, its string, and what `describe` made of it. */
interface NameEntry<T> {
  bytes: Uint8Array;
  /** Its whole 4-byte words (little-endian), to compare a word at a time. */
  words: Int32Array;
  name: string;
  info: T;
  /** The element opened next the last time this one opened, and the last time it closed. */
  afterOpen: NameEntry<T> | undefined;
  afterClose: NameEntry<T> | undefined;
}

/** Buffer's own slicers (what `toString` calls after checking its arguments). */
interface Slicer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Slots of the name cache (direct-mapped): a day book has a few hundred distinct tags. */
const NAME_SLOTS = 4096;
/** Slots of the short-text cache, and the longest text it keeps (bytes). */
const TEXT_SLOTS = 8192;
const TEXT_MAX = 32;
const EMPTY = Buffer.alloc(0);
const COMMENT_OPEN = Buffer.from('<!--');
const COMMENT_CLOSE = Buffer.from('-->');
const CDATA_OPEN = Buffer.from('<![CDATA[');
const CDATA_CLOSE = Buffer.from(']]>');
const PI_CLOSE = Buffer.from('?>');
const SUBSET_CLOSE = Buffer.from(']>');

export class XmlTokenizer<T = undefined> {
  /**
   * Bytes not consumed yet (a token cut at the end of the last chunk) are `work[0, carry)`, a copy
   * of their own; the next chunk is appended there. One buffer reused for the file: a new one per
   * chunk left freed megabytes in the allocator's arenas (peak RSS, measured).
   */
  private work: Buffer = EMPTY;
  private carry = 0;
  /** What the current run reads: the caller's chunk, or `work`. */
  private buf: Buffer = EMPTY;
  /** Absolute byte offset of `buf[0]` in the UTF-8 input. */
  private base = 0;
  /** Line (1-based) of the token being reported; after a run, of `buf[0]`. */
  private line = 1;
  /**
   * An unfinished construct waits for this byte (`>` to end a tag, `<` to end text); chunks
   * without it are only collected. Joining every chunk onto the buffer instead copied a long
   * token once per chunk: a 20 MiB value cost seconds and hundreds of MiB of garbage.
   */
  private need = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Element names seen, by a hash of their bytes (a collision replaces the older name). */
  private readonly names: (NameEntry<T> | undefined)[] = new Array<NameEntry<T> | undefined>(NAME_SLOTS).fill(undefined);
  /**
   * The last element opened or closed: Tally writes an object's tags in the same order every time,
   * so the element that came after it last time is tried first (compared in place, no scan for the
   * name's end, no hash).
   */
  private last: NameEntry<T> | undefined;
  /** `buf` read a 4-byte word at a time (names are compared so). */
  private view: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, 0, 0);
  private lastClosed = false;
  /** Elements open (their names), for the close tag expected next. The consumer checks nesting. */
  private readonly opened: NameEntry<T>[] = [];
  /** Short texts seen: slot i holds `textLen[i]` bytes at `textBytes[i * TEXT_MAX]`, as `textStr[i]`. */
  private readonly textBytes = new Uint8Array(TEXT_SLOTS * TEXT_MAX);
  private readonly textLen = new Int32Array(TEXT_SLOTS);
  private readonly textStr: string[] = new Array<string>(TEXT_SLOTS).fill('');

  constructor(
    private readonly h: XmlHandler<T>,
    private readonly maxTokenBytes: number,
    private readonly describe: (name: string) => T = () => undefined as T,
  ) {}

  /** 1-based line of the token being reported (`pos`, its index in the current buffer, is where it starts). */
  lineAt(_pos: number): number {
    return this.line;
  }

  /** Absolute byte offset of a buffer position. */
  offsetOf(pos: number): number {
    return this.base + pos;
  }

  /** The next UTF-8 bytes. The tokenizer keeps no reference to `chunk` after the call. */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.need !== 0 && chunk.indexOf(this.need) < 0) {
      this.pending.push(Buffer.from(chunk));
      this.pendingBytes += chunk.length;
      if (this.carry + this.pendingBytes > this.maxTokenBytes) this.tooLong();
      return;
    }
    this.take(chunk);
    try {
      this.run(false);
    } catch (e) {
      this.buf = EMPTY; // nothing of the caller's chunk is kept, even by a reader that failed
      throw e;
    }
  }

  end(): void {
    this.take(EMPTY);
    this.run(true);
  }

  private take(chunk: Buffer): void {
    if (this.carry === 0 && this.pending.length === 0) {
      this.buf = chunk;
      return;
    }
    const total = this.carry + this.pendingBytes + chunk.length;
    if (this.work.length < total) {
      const nb = Buffer.allocUnsafeSlow(Math.max(total, this.work.length * 2, 64 * 1024));
      this.work.copy(nb, 0, 0, this.carry);
      this.work = nb;
    }
    let at = this.carry;
    for (const p of this.pending) at += p.copy(this.work, at);
    chunk.copy(this.work, at);
    this.pending = [];
    this.pendingBytes = 0;
    this.buf = this.work.subarray(0, total);
  }

  private tooLong(): never {
    throw fileError('E_LIMIT', `an XML token is longer than ${this.maxTokenBytes} bytes (unterminated tag or comment?)`, { line: this.line });
  }

  /** The interned entry of the name `b[from, to)`, whose bytes hash to `hash`. */
  private nameAt(b: Buffer, from: number, to: number, hash: number): NameEntry<T> {
    const slot = (hash ^ (hash >>> 13)) & (NAME_SLOTS - 1);
    const en = this.names[slot];
    if (en !== undefined) {
      const nb = en.bytes;
      const len = nb.length;
      if (len === to - from && sameName(b, this.view, from, en)) return en;
    }
    const name = (b as unknown as Slicer).utf8Slice(from, to);
    const bytes = Uint8Array.prototype.slice.call(b, from, to);
    const words = new Int32Array(bytes.length >>> 2);
    const wv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < words.length; i++) words[i] = wv.getInt32(i * 4, true);
    const fresh: NameEntry<T> = { bytes, words, name, info: this.describe(name), afterOpen: undefined, afterClose: undefined };
    this.names[slot] = fresh;
    return fresh;
  }

  /** The text `b[from, to)` as a string (`hash` of its bytes, `any` their OR): short ones from the cache. */
  private textAt(b: Buffer, from: number, to: number, hash: number, any: number): string {
    const len = to - from;
    if (len > TEXT_MAX) return any & 0x80 ? (b as unknown as Slicer).utf8Slice(from, to) : (b as unknown as Slicer).latin1Slice(from, to);
    const slot = (hash ^ (hash >>> 15)) & (TEXT_SLOTS - 1);
    const tb = this.textBytes;
    const off = slot * TEXT_MAX;
    if (this.textLen[slot] === len) {
      let k = 0;
      while (k < len && tb[off + k] === b[from + k]) k++;
      if (k === len) return this.textStr[slot]!;
    }
    const str = any & 0x80 ? (b as unknown as Slicer).utf8Slice(from, to) : (b as unknown as Slicer).latin1Slice(from, to);
    for (let k = 0; k < len; k++) tb[off + k] = b[from + k]!;
    this.textLen[slot] = len;
    this.textStr[slot] = str;
    return str;
  }

  private run(final: boolean): void {
    const b = this.buf;
    const n = b.length;
    const view = (this.view = new DataView(b.buffer, b.byteOffset, n));
    const h = this.h;
    let pos = 0;
    let line = this.line;
    for (;;) {
      // Text up to the next '<': hashed (for the cache), checked for non-blank bytes, lines counted.
      let i = pos;
      let hash = 0;
      let any = 0;
      let blank = true;
      let nl = 0;
      while (i < n) {
        const c = b[i]!;
        if (c === 60) break;
        hash = (Math.imul(hash, 31) + c) | 0;
        any |= c;
        if (c > 32) blank = false;
        else if (c === 10) nl++;
        else if (c !== 32 && c !== 13 && c !== 9) blank = false;
        i++;
      }
      if (i >= n) {
        if (final) {
          if (!blank) {
            this.line = line;
            h.text(this.textAt(b, pos, n, hash, any), false);
          }
          line += nl;
          pos = n;
        }
        break;
      }
      const lt = i;
      if (!blank) {
        this.line = line;
        h.text(this.textAt(b, pos, lt, hash, any), false);
      }
      line += nl;
      pos = lt;
      // '<' as the last byte: wait for more.
      if (lt + 1 >= n) break;
      const c = b[lt + 1]!;
      if (c === 47 /* / */) {
        // Most often the element open last: its name, then '>' (no hashing, no lookup).
        const top = this.opened[this.opened.length - 1];
        if (top !== undefined) {
          const nb = top.bytes;
          const len = nb.length;
          const from = lt + 2;
          if (from + len < n && b[from + len] === 62) {
            if (sameName(b, view, from, top)) {
              this.opened.pop();
              this.last = top;
              this.lastClosed = true;
              this.line = line;
              h.close(top.name, lt);
              pos = from + len + 1;
              continue;
            }
          }
        }
        this.opened.pop();
        // The name ends at '>', less trailing whitespace.
        let k = lt + 2;
        let hs = 0;
        let hEnd = 0;
        let e = k;
        let tnl = 0;
        while (k < n) {
          const ch = b[k]!;
          if (ch === 62) break;
          hs = (Math.imul(hs, 31) + ch) | 0;
          if (ch === 10) tnl++;
          else if (ch !== 32 && ch !== 13 && ch !== 9) {
            e = k + 1;
            hEnd = hs;
          }
          k++;
        }
        if (k >= n) {
          if (top !== undefined) this.opened.push(top); // read again with more bytes
          break;
        }
        const closed = this.nameAt(b, lt + 2, e, hEnd);
        this.last = closed;
        this.lastClosed = true;
        this.line = line;
        h.close(closed.name, lt);
        line += tnl;
        pos = k + 1;
      } else if (c === 33 /* ! */) {
        if (startsWith(b, lt, COMMENT_OPEN)) {
          const e = b.indexOf(COMMENT_CLOSE, lt + 4);
          if (e < 0) break;
          line += countLines(b, lt, e);
          pos = e + 3;
        } else if (startsWith(b, lt, CDATA_OPEN)) {
          const e = b.indexOf(CDATA_CLOSE, lt + 9);
          if (e < 0) break;
          if (e > lt + 9) {
            this.line = line;
            h.text((b as unknown as Slicer).utf8Slice(lt + 9, e), true);
          }
          line += countLines(b, lt, e);
          pos = e + 3;
        } else {
          // DOCTYPE or similar declaration: skip, including a bracketed internal subset.
          const br = b.indexOf(91 /* [ */, lt);
          const gt0 = b.indexOf(62, lt);
          if (gt0 < 0) break;
          if (br >= 0 && br < gt0) {
            const e = b.indexOf(SUBSET_CLOSE, br);
            if (e < 0) break;
            line += countLines(b, lt, e);
            pos = e + 2;
          } else {
            line += countLines(b, lt, gt0);
            pos = gt0 + 1;
          }
        }
      } else if (c === 63 /* ? */) {
        const e = b.indexOf(PI_CLOSE, lt + 2);
        if (e < 0) break;
        line += countLines(b, lt, e);
        pos = e + 2;
      } else {
        const from = lt + 1;
        const last = this.last;
        const guess = last === undefined ? undefined : this.lastClosed ? last.afterClose : last.afterOpen;
        let en: NameEntry<T> | undefined;
        let e = from;
        let hs = 0;
        if (guess !== undefined) {
          const nb = guess.bytes;
          const len = nb.length;
          const end = from + len;
          if (len > 0 && end < n) {
            const d = b[end]!;
            if (d === 32 || d === 47 || d === 62 || d === 10 || d === 13 || d === 9) {
              if (sameName(b, view, from, guess)) {
                en = guess;
                e = end;
              }
            }
          }
        }
        if (en === undefined) {
          while (e < n) {
            const ch = b[e]!;
            if (ch === 32 || ch === 47 || ch === 62 || ch === 10 || ch === 13 || ch === 9) break;
            hs = (Math.imul(hs, 31) + ch) | 0;
            e++;
          }
        }
        // The tag ends at the first '>' outside a quoted attribute value.
        let gt = e;
        let q = 0;
        let tnl = 0;
        while (gt < n) {
          const ch = b[gt]!;
          if (q !== 0) {
            if (ch === q) q = 0;
          } else if (ch === 62) break;
          else if (ch === 34 || ch === 39) q = ch;
          if (ch === 10) tnl++;
          gt++;
        }
        if (gt >= n) break;
        if (e === lt + 1) {
          throw fileError('E_XML_SYNTAX', `malformed tag "${excerpt(b, lt, Math.min(gt + 1, lt + 40))}"`, { line });
        }
        const selfClosing = b[gt - 1] === 47;
        let attrs = '';
        if (e < gt) {
          const aEnd = selfClosing ? gt - 1 : gt;
          if (aEnd > e) attrs = (b as unknown as Slicer).utf8Slice(e, aEnd);
        }
        en ??= this.nameAt(b, from, e, hs);
        if (last !== undefined) {
          if (this.lastClosed) last.afterClose = en;
          else last.afterOpen = en;
        }
        this.last = en;
        this.lastClosed = selfClosing;
        this.line = line;
        h.open(en.name, en.info, attrs, selfClosing, lt);
        if (selfClosing) h.close(en.name, lt);
        else this.opened.push(en);
        line += tnl;
        pos = gt + 1;
      }
    }
    this.line = line;
    if (!final) {
      if (n - pos > this.maxTokenBytes) this.tooLong();
      this.compact(b, pos);
      this.need = this.carry === 0 ? 0 : this.work[0] === 60 ? 62 : 60;
    } else if (pos < n) {
      throw fileError('E_XML_TRUNCATED', `the file ends inside a tag ("${excerpt(b, pos, Math.min(n, pos + 40))}"): the export looks truncated`, { line }, { hint: 'land the complete file again; nothing from this file was delivered' });
    } else {
      this.compact(b, pos);
    }
  }

  /** Keep what is left from `pos` as bytes of our own (the caller may reuse its chunk). */
  private compact(b: Buffer, pos: number): void {
    this.base += pos;
    const rest = b.length - pos;
    this.buf = EMPTY;
    this.carry = rest;
    if (rest === 0) return;
    if (b.buffer === this.work.buffer && b.byteOffset === this.work.byteOffset) {
      if (pos > 0) this.work.copyWithin(0, pos, b.length);
    }
    else {
      if (this.work.length < rest) this.work = Buffer.allocUnsafeSlow(Math.max(rest * 2, 64 * 1024));
      b.copy(this.work, 0, pos);
    }
  }
}

/** `b[from, to)` for a message, extended to the end of a character cut at `to`. */
function excerpt(b: Buffer, from: number, to: number): string {
  while (to < b.length && (b[to]! & 0xc0) === 0x80) to++;
  return (b as unknown as Slicer).utf8Slice(from, to);
}

/** Whether `b` holds `en`'s name at `at` (the caller checked that its length fits). */
function sameName(b: Buffer, view: DataView, at: number, en: NameEntry<unknown>): boolean {
  const w = en.words;
  for (let i = 0; i < w.length; i++) if (view.getInt32(at + i * 4, true) !== w[i]) return false;
  const nb = en.bytes;
  for (let k = w.length << 2; k < nb.length; k++) if (nb[k] !== b[at + k]) return false;
  return true;
}

function startsWith(b: Buffer, at: number, what: Buffer): boolean {
  if (at + what.length > b.length) return false;
  for (let k = 0; k < what.length; k++) if (b[at + k] !== what[k]) return false;
  return true;
}

/** Newlines in `b[from, to)`. */
function countLines(b: Buffer, from: number, to: number): number {
  let nl = 0;
  for (let i = from; i < to; i++) if (b[i] === 10) nl++;
  return nl;
}

const ENTITY = /&(#[xX][0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decode entities. Character references to code points XML 1.0 forbids are dropped, except `&#4;`
 * and `&#5;`, which Tally uses and which the value cleaner interprets. Unknown named entities are kept
 * as written.
 */
export function decodeEntities(raw: string): string {
  if (raw.indexOf('&') < 0) return raw;
  return raw.replace(ENTITY, (_m, g: string) => {
    const named = NAMED[g];
    if (named !== undefined) return named;
    const cp = g[1] === 'x' || g[1] === 'X' ? parseInt(g.slice(2), 16) : parseInt(g.slice(1), 10);
    if (cp === 4 || cp === 5) return String.fromCharCode(cp);
    if (cp === 9 || cp === 10 || cp === 13) return String.fromCharCode(cp);
    if (cp < 32 || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff || cp > 0x10ffff) return '';
    return String.fromCodePoint(cp);
  });
}

const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseAttrs(raw: string, max = Infinity): Record<string, string> | null {
  if (!raw) return null;
  let out: Record<string, string> | null = null;
  ATTR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = ATTR.exec(raw))) {
    if (++n > max) throw fileError('E_LIMIT', `an element with more than ${max} attributes (see limits.max_fields)`, {});
    out ??= {};
    out[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}
