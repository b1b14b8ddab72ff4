import { isAscii, isUtf8 } from 'node:buffer';
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
 * Streaming decoder. `text()` yields JS strings (for XML); `utf8()` yields UTF-8 bytes (for CSV, which
 * is parsed as bytes). Both track the absolute byte offset of the input for error messages.
 */
export class TextDecoderStream8 {
  decision: EncodingDecision;
  private mode: Encoding | 'undecided';
  private sd: StringDecoder | undefined;
  private td: TextDecoder | undefined;
  private carry: Buffer | undefined; // UTF-8 validation carry / UTF-16BE odd byte
  private offset = 0; // bytes consumed (after any BOM)
  private readonly bomLen: number;
  private bomSkipped = 0;

  constructor(head: Buffer) {
    const s = sniffEncoding(head);
    this.bomLen = s.bom;
    if (s.encoding === '8bit') {
      this.mode = 'undecided';
      this.decision = { encoding: 'utf-8', bom: false, how: 'ascii-only' };
      // Decide now when the head already shows a non-ASCII byte (the head is also the first chunk).
      this.decide8(head);
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

  /** Decide UTF-8 vs Windows-1252 at the first non-ASCII byte of 8-bit text. */
  private decide8(chunk: Buffer): void {
    if (isAscii(chunk)) return;
    let i = 0;
    while (i < chunk.length && (chunk[i] as number) < 0x80) i++;
    // Validate from the first non-ASCII byte, ignoring an incomplete sequence at the very end.
    const body = chunk.subarray(i, chunk.length - incompleteUtf8Tail(chunk));
    if (body.length === 0 || isUtf8(body)) {
      this.mode = 'utf-8';
      this.decision = { encoding: 'utf-8', bom: false, how: 'utf8-valid', decided_at: this.offset + i };
    } else {
      this.mode = 'windows-1252';
      this.decision = { encoding: 'windows-1252', bom: false, how: 'invalid-utf8', decided_at: this.offset + i };
    }
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

  /** Decode to a JS string. */
  text(input: Buffer): string {
    const chunk = this.skipBom(input);
    try {
      return this.decodeString(chunk);
    } finally {
      this.offset += chunk.length;
    }
  }

  /** Decode to UTF-8 bytes (pass-through for UTF-8 and ASCII input). */
  utf8(input: Buffer): Buffer {
    const chunk = this.skipBom(input);
    try {
      if (this.mode === 'undecided') this.decide8(chunk);
      if (this.mode === 'undecided') return chunk;
      if (this.mode === 'utf-8') {
        this.checkUtf8(chunk);
        return chunk;
      }
      return Buffer.from(this.decodeString(chunk), 'utf8');
    } finally {
      this.offset += chunk.length;
    }
  }

  /** `this.offset` is the absolute offset of `chunk` while this runs. */
  private decodeString(chunk: Buffer): string {
    if (this.mode === 'undecided') {
      this.decide8(chunk);
      if (this.mode === 'undecided') return chunk.toString('latin1');
    }
    switch (this.mode) {
      case 'utf-8':
        this.checkUtf8(chunk);
        this.sd ??= new StringDecoder('utf8');
        return this.sd.write(chunk);
      case 'utf-16le':
        this.sd ??= new StringDecoder('utf16le');
        return this.sd.write(chunk);
      case 'utf-16be':
        this.sd ??= new StringDecoder('utf16le');
        return this.sd.write(this.swap(chunk));
      case 'windows-1252':
        this.td ??= new TextDecoder('windows-1252');
        return this.td.decode(chunk, { stream: true });
    }
  }

  /** Flush: throws when the file ends inside a multi-byte character. */
  endText(): string {
    if (this.mode === 'utf-8' && this.carry?.length) this.truncatedChar();
    if (this.sd) return this.sd.end();
    if (this.td) return this.td.decode();
    return '';
  }

  endUtf8(): Buffer {
    if (this.mode === 'utf-8' || this.mode === 'undecided') {
      if (this.carry?.length) this.truncatedChar();
      return Buffer.alloc(0);
    }
    return Buffer.from(this.endText(), 'utf8');
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
