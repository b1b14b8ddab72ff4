import { isAscii, isUtf8, transcode } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { fileError } from '../errors.js';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingDecision {
  encoding: Encoding;
  /** True when a byte-order mark was present (and stripped). */
  bom: boolean;
  /** How the decision was made: 'bom', 'nul-pattern', 'utf8-valid', 'invalid-utf8', 'ascii-only'. */
  how: 'bom' | 'nul-pattern' | 'utf8-valid' | 'invalid-utf8' | 'ascii-only';
  /** For 8-bit text: the byte offset of the first non-ASCII byte, which decided UTF-8 vs Windows-1252. */
  decided_at?: number;
}

/** Magic numbers of things that are not text exports. */
export function sniffBinary(head: Buffer): { kind: 'archive' | 'binary'; what: string } | undefined {
  const b = head;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7)) return { kind: 'archive', what: 'a zip archive' };
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))) return { kind: 'archive', what: 'a 7z archive' };
  if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === 'Rar!') return { kind: 'archive', what: 'a rar archive' };
  if (b.length >= 4 && b.subarray(0, 4).toString('latin1') === '%PDF') return { kind: 'binary', what: 'a PDF document' };
  if (b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) return { kind: 'binary', what: 'an OLE2 file (old Excel/Word)' };
  if (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return { kind: 'archive', what: 'a tar archive' };
  return undefined;
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decide the encoding from the first bytes (at least a few KiB when the file has them).
 * BOM first; else UTF-16 by the NUL pattern of ASCII text; else 8-bit text, where UTF-8 versus
 * Windows-1252 is decided lazily at the first non-ASCII byte (see Utf8OrCp1252Decoder).
 * Throws E_FILE_BINARY for NUL bytes that do not look like UTF-16.
 */
export function sniffEncoding(head: Buffer): { encoding: Encoding | '8bit'; bom: number; how: EncodingDecision['how'] } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3, how: 'bom' };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    if (head.length >= 4 && head[2] === 0 && head[3] === 0) {
      throw fileError('E_FILE_ENCODING', 'UTF-32 text is not supported', { offset: 0 }, { hint: 're-export from Tally (UTF-16) or save as UTF-8' });
    }
    return { encoding: 'utf-16le', bom: 2, how: 'bom' };
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2, how: 'bom' };
  const n = Math.min(head.length, 8192);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i++) {
    if (head[i] === 0) {
      if (i & 1) oddZero++;
      else evenZero++;
    }
  }
  if (evenZero + oddZero > 0) {
    const half = n / 2;
    if (oddZero > half * 0.3 && evenZero < oddZero / 10) return { encoding: 'utf-16le', bom: 0, how: 'nul-pattern' };
    if (evenZero > half * 0.3 && oddZero < evenZero / 10) return { encoding: 'utf-16be', bom: 0, how: 'nul-pattern' };
    const first = head.indexOf(0);
    throw fileError('E_FILE_BINARY', 'binary content (NUL bytes) in what should be a CSV or XML export', { offset: first }, {
      hint: 'land the CSV/XML export itself, not a binary file',
    });
  }
  return { encoding: '8bit', bom: 0, how: 'ascii-only' };
}

/**
 * Streaming decoder. `utf8()` yields UTF-8 bytes (what both readers parse: UTF-8 passes through,
 * validated; UTF-16 and Windows-1252 are transcoded); `text()` yields JS strings. Both track the
 * absolute byte offset of the input for error messages.
 *
 * The encoding is decided once and never revised: by the BOM, by the NUL pattern of UTF-16, or for
 * 8-bit text at its first non-ASCII character (a valid UTF-8 sequence: UTF-8; anything else:
 * Windows-1252). Text that contradicts the decision later fails the file with E_FILE_ENCODING: it
 * is never delivered decoded the other way (mojibake). A NUL byte anywhere in 8-bit text fails it
 * as binary.
 */
export class TextDecoderStream8 {
  decision: EncodingDecision;
  private mode: Encoding | 'undecided';
  private sd: StringDecoder | undefined;
  private td: TextDecoder | undefined;
  private carry: Buffer | undefined; // UTF-8 validation carry / UTF-16BE odd byte
  /** Undecided 8-bit text: a first non-ASCII character cut at the end of a chunk, held for the next. */
  private held: Buffer | undefined;
  /** Transcoded UTF-8 (toUtf8), one buffer for the file. */
  private out: Buffer = Buffer.alloc(0);
  /** Windows-1252 text: bytes at the end of the last piece that could start a UTF-8 character. */
  private tail8: Buffer | undefined;
  private offset = 0; // bytes consumed (after any BOM)
  /** UTF-16: a high surrogate at the end of the last piece, waiting for its pair. */
  private highSurrogate = '';
  /** UTF-16 through utf8(): an odd byte and/or a high surrogate at the end of the last piece. */
  private pend: Buffer | undefined;
  /** UTF-16BE through utf8(): the piece with its bytes swapped (reused). */
  private swapped: Buffer = Buffer.alloc(0);
  private readonly bomLen: number;
  private bomSkipped = 0;

  constructor(head: Buffer) {
    const s = sniffEncoding(head);
    this.bomLen = s.bom;
    if (s.encoding === '8bit') {
      this.mode = 'undecided';
      this.decision = { encoding: 'utf-8', bom: false, how: 'ascii-only' };
    } else {
      this.mode = s.encoding;
      this.decision = { encoding: s.encoding, bom: s.bom > 0, how: s.how };
    }
  }

  private skipBom(chunk: Buffer): Buffer {
    if (this.bomSkipped >= this.bomLen) return chunk;
    const n = Math.min(this.bomLen - this.bomSkipped, chunk.length);
    this.bomSkipped += n;
    this.offset += n;
    return chunk.subarray(n);
  }

  /** Bytes consumed so far (raw offset after decompression, BOM included). */
  get bytes(): number {
    return this.offset;
  }

  /** UTF-16, either byte order. */
  private get wide(): boolean {
    return this.mode === 'utf-16le' || this.mode === 'utf-16be';
  }

  private get eightBit(): boolean {
    return this.mode === 'undecided' || this.mode === 'utf-8' || this.mode === 'windows-1252';
  }

  /**
   * The next piece of input, with held bytes in front; `this.offset` is its absolute offset while
   * it is decoded. For 8-bit text: NUL bytes fail it, and an undecided text is decided.
   */
  private take(input: Buffer): Buffer {
    let chunk = this.skipBom(input);
    if (this.held) {
      // Held bytes were not counted yet: `this.offset` is where they start.
      chunk = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    if (!this.eightBit) return chunk;
    const z = chunk.indexOf(0);
    if (z >= 0) {
      throw fileError('E_FILE_BINARY', `a NUL byte at byte ${this.offset + z} in what should be ${this.mode === 'undecided' ? 'a' : `a ${this.mode}`} text export: binary content`, { offset: this.offset + z }, {
        hint: 'land the CSV/XML export itself; a NUL byte is never part of Tally text',
      });
    }
    if (this.mode !== 'undecided' || isAscii(chunk)) return chunk;
    let i = 0;
    while ((chunk[i] as number) < 0x80) i++;
    const len = utf8SequenceAt(chunk, i);
    if (len === 0) {
      // The first non-ASCII character is cut at the end of this piece: decide with the next one.
      this.held = Buffer.from(chunk.subarray(i));
      return chunk.subarray(0, i);
    }
    this.decide(len > 0 ? 'utf-8' : 'windows-1252', this.offset + i);
    return chunk;
  }

  private decide(mode: 'utf-8' | 'windows-1252', at: number): void {
    this.mode = mode;
    this.decision = { encoding: mode, bom: false, how: mode === 'utf-8' ? 'utf8-valid' : 'invalid-utf8', decided_at: at };
  }

  /** After decoding `chunk` (returned by take): the offset moves past it, held bytes excepted. */
  private done(chunk: Buffer): void {
    this.offset += chunk.length;
  }

  /** Validate committed UTF-8 across chunk boundaries; throws E_FILE_ENCODING at the first bad byte. */
  private checkUtf8(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
    }
    const tail = incompleteUtf8Tail(data);
    const body = tail ? data.subarray(0, data.length - tail) : data;
    if (!isAscii(body) && !isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      const at = this.offset - (this.carry?.length ?? 0) + bad;
      throw fileError('E_FILE_ENCODING', `invalid UTF-8 at byte ${at} in a file detected as UTF-8${this.decision.decided_at !== undefined ? ` (decided at byte ${this.decision.decided_at})` : ''}: mixed encodings`, { offset: at }, {
        hint: 're-export the file in one encoding (Tally writes UTF-16; UTF-8 and Windows-1252 are also read)',
      });
    }
    this.carry = tail ? Buffer.from(data.subarray(data.length - tail)) : undefined;
  }

  /**
   * Windows-1252 text that holds a UTF-8 multi-byte character is mixed: one encoding must be chosen.
   * A possible sequence cut at the end of a piece is looked at again with the next (`tail8`).
   */
  private checkNotUtf8(chunk: Buffer): void {
    const back = this.tail8?.length ?? 0;
    const data = back ? Buffer.concat([this.tail8!, chunk]) : chunk;
    this.tail8 = undefined;
    if (isAscii(data)) return;
    for (let i = 0; i < data.length; i++) {
      if ((data[i] as number) < 0xc2) continue;
      const n = utf8SequenceAt(data, i);
      if (n === 0) {
        this.tail8 = Buffer.from(data.subarray(i));
        return;
      }
      if (n > 1) {
        const at = this.offset - back + i;
        throw fileError('E_FILE_ENCODING', `a UTF-8 character at byte ${at} in a file detected as Windows-1252 (decided at byte ${this.decision.decided_at}): mixed encodings`, { offset: at }, {
          hint: 're-export the file in one encoding (Tally writes UTF-16; UTF-8 and Windows-1252 are also read)',
        });
      }
    }
  }

  /** Decode to a JS string. */
  text(input: Buffer): string {
    const chunk = this.take(input);
    try {
      return this.decodeString(chunk);
    } finally {
      this.done(chunk);
    }
  }

  /**
   * Decode to UTF-8 bytes (pass-through for UTF-8 and ASCII input; transcoded text is valid until
   * the next call, in a buffer of the decoder's for Windows-1252). A decoder is read either through
   * utf8()/endUtf8() or through text()/endText(), never both.
   */
  utf8(input: Buffer): Buffer {
    const chunk = this.take(input);
    try {
      if (this.mode === 'undecided') return chunk; // ASCII so far: the same bytes in either encoding
      if (this.mode === 'utf-8') {
        this.checkUtf8(chunk);
        return chunk;
      }
      if (this.wide) return this.utf16(chunk);
      return this.toUtf8(this.decodeString(chunk));
    } finally {
      this.done(chunk);
    }
  }

  /**
   * UTF-16 as UTF-8 without a JS string in between (ICU's transcoder: 1.15 GB in about 0.5 s, where
   * a string decoder and a UTF-8 write took 3.6 s, most of it the kernel mapping fresh string
   * memory). Whole code units and whole surrogate pairs only: an odd byte or a high surrogate at the
   * end waits for the next piece. ICU refuses a lone surrogate; the file then fails as below, at the
   * surrogate's offset.
   */
  private utf16(chunk: Buffer): Buffer {
    const back = this.pend?.length ?? 0;
    const data = back ? Buffer.concat([this.pend!, chunk]) : chunk;
    let cut = data.length & ~1;
    const le = this.mode === 'utf-16le';
    if (cut >= 2 && ((data[le ? cut - 1 : cut - 2] as number) & 0xfc) === 0xd8) cut -= 2;
    this.pend = cut < data.length ? Buffer.from(data.subarray(cut)) : undefined;
    let body = data.subarray(0, cut);
    if (!le) {
      if (this.swapped.length < cut) this.swapped = Buffer.allocUnsafeSlow(Math.max(cut, 64 * 1024));
      body = this.swapped.subarray(0, body.copy(this.swapped)).swap16();
    }
    try {
      return transcode(body, 'utf16le', 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code !== 'U_INVALID_CHAR_FOUND') throw e;
      this.loneSurrogateAt(this.offset - back + 2 * loneSurrogate(body.toString('utf16le')));
    }
  }

  /** The end of UTF-16 read through utf8(): a byte or a high surrogate left over is an error. */
  private endUtf16(): Buffer {
    if (this.offset % 2 === 1) this.oddEnd();
    if (this.pend?.length) this.loneSurrogateAt(this.offset - this.pend.length);
    return Buffer.alloc(0);
  }

  private loneSurrogateAt(at: number): never {
    throw fileError('E_FILE_ENCODING', `invalid UTF-16 (a lone surrogate) at about byte ${at} in a file detected as ${this.mode}`, { offset: at }, {
      hint: 're-export the file: the text is damaged at that point (Tally writes well-formed UTF-16)',
    });
  }

  private oddEnd(): never {
    // An odd number of bytes: the last character is cut (a string decoder would drop its byte).
    throw fileError('E_FILE_ENCODING', `the file ends inside a UTF-16 character (an odd number of bytes: ${this.offset})`, { offset: this.offset }, {
      hint: 'the file looks truncated; land it again once it is complete',
    });
  }

  /**
   * Decoded UTF-16 or Windows-1252 text as UTF-8. A lone surrogate (invalid UTF-16) has no UTF-8
   * form: it would come out as U+FFFD, a character the file does not hold, so the file fails as
   * invalid UTF-8 does. (A pair cut at the end of a chunk is held by the decoder, never lone here.)
   */
  private toUtf8(text: string): Buffer {
    if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) this.loneSurrogateAt(this.offset + 2 * loneSurrogate(text));
    // Into one buffer reused for the file (the pipeline parses what utf8() returns before it calls
    // again): a new buffer per chunk was freed only by a later garbage collection, and the malloc
    // heap of a thread reading UTF-16 kept what it freed (peak RSS).
    const max = text.length * 3;
    if (this.out.length < max) this.out = Buffer.allocUnsafeSlow(Math.max(max, 64 * 1024));
    return this.out.subarray(0, this.out.write(text, 0, 'utf8'));
  }

  /** `this.offset` is the absolute offset of `chunk` while this runs. */
  private decodeString(chunk: Buffer): string {
    switch (this.mode) {
      case 'undecided':
        return chunk.toString('latin1'); // ASCII
      case 'utf-8':
        this.checkUtf8(chunk);
        this.sd ??= new StringDecoder('utf8');
        return this.sd.write(chunk);
      case 'utf-16le':
        this.sd ??= new StringDecoder('utf16le');
        return this.paired(this.sd.write(chunk));
      case 'utf-16be':
        this.sd ??= new StringDecoder('utf16le');
        return this.paired(this.sd.write(this.swap(chunk)));
      case 'windows-1252':
        this.checkNotUtf8(chunk);
        this.td ??= new TextDecoder('windows-1252');
        return this.td.decode(chunk, { stream: true });
    }
  }

  /**
   * UTF-16 text with a surrogate pair whole: the string decoder hands out the two halves of a pair
   * cut at an odd byte separately, so a high surrogate at the end is held for the next piece.
   */
  private paired(text: string): string {
    if (this.highSurrogate) {
      text = this.highSurrogate + text;
      this.highSurrogate = '';
    }
    const n = text.length;
    if (n > 0 && (text.charCodeAt(n - 1) & 0xfc00) === 0xd800) {
      this.highSurrogate = text.slice(n - 1);
      return text.slice(0, n - 1);
    }
    return text;
  }

  /** A character held back at the very end of 8-bit text is not UTF-8 (it is incomplete): Windows-1252. */
  private flushHeld(): Buffer | undefined {
    const h = this.held;
    if (!h) return undefined;
    this.held = undefined;
    this.decide('windows-1252', this.offset);
    return h;
  }

  /** Flush: throws when the file ends inside a multi-byte character. */
  endText(): string {
    const h = this.flushHeld();
    const head = h ? this.decodeString(h) : '';
    if (this.mode === 'utf-8' && this.carry?.length) this.truncatedChar();
    if (this.wide && this.offset % 2 === 1) this.oddEnd();
    if (this.sd) {
      const rest = this.paired(this.sd.end()) + this.highSurrogate; // a high surrogate left at the end is lone
      this.highSurrogate = '';
      return head + rest;
    }
    if (this.td) return head + this.td.decode();
    return head;
  }

  endUtf8(): Buffer {
    const h = this.flushHeld();
    if (h) return this.toUtf8(this.decodeString(h) + (this.td?.decode() ?? ''));
    if (this.mode === 'utf-8' || this.mode === 'undecided') {
      if (this.carry?.length) this.truncatedChar();
      return Buffer.alloc(0);
    }
    if (this.wide) return this.endUtf16();
    return this.toUtf8(this.endText());
  }

  private truncatedChar(): never {
    throw fileError('E_FILE_ENCODING', `the file ends inside a multi-byte UTF-8 character (byte ${this.offset - (this.carry?.length ?? 0)})`, { offset: this.offset }, {
      hint: 'the file looks truncated; land it again once it is complete',
    });
  }

  private swap(chunk: Buffer): Buffer {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk);
    if (data.length & 1) {
      this.carry = Buffer.from(data.subarray(data.length - 1));
      data = data.subarray(0, data.length - 1);
    } else {
      this.carry = undefined;
    }
    return data.swap16();
  }
}

/** Index of the first unpaired surrogate in `s` (which has one). */
function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return s.length;
}

/**
 * The UTF-8 sequence at `b[i]` (a non-ASCII byte): its length when valid, 0 when `b` ends before it
 * is complete but what there is could be valid, -1 when it is not UTF-8.
 */
function utf8SequenceAt(b: Buffer, i: number): number {
  const c = b[i] as number;
  const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
  if (need < 0) return -1;
  for (let k = 1; k <= need; k++) {
    const d = b[i + k];
    if (d === undefined) return 0;
    if ((d & 0xc0) !== 0x80) return -1;
  }
  // Overlong and surrogate forms are not UTF-8.
  const d1 = b[i + 1] as number;
  if (c === 0xe0 && d1 < 0xa0) return -1;
  if (c === 0xed && d1 > 0x9f) return -1;
  if (c === 0xf0 && d1 < 0x90) return -1;
  if (c === 0xf4 && d1 > 0x8f) return -1;
  return need + 1;
}

/** Bytes at the end of `b` that start a UTF-8 sequence which the chunk does not complete. */
function incompleteUtf8Tail(b: Buffer): number {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k] as number;
    if (c < 0x80) return 0; // ASCII: nothing pending
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > k ? k : 0;
    }
    // continuation byte: keep looking back
  }
  return 0;
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return n;
}
