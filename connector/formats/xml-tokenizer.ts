import { fileError } from '../errors.js';

/**
 * A small, tolerant, streaming XML tokenizer for Tally exports.
 *
 * Why not a general parser: Tally writes invalid character references (`&#4;`), raw control
 * characters and undeclared `UDF:` prefixes, all of which strict parsers reject; and `sax`/`saxes`
 * measured 3-10x slower than this on the same files (see README, Performance). It handles what Tally
 * and its tools emit: elements, attributes, text, entities, comments, CDATA, processing instructions
 * and a DOCTYPE without an internal subset. Names are taken literally (no namespace processing).
 *
 * Well-formedness of nesting is checked by the consumer (which knows the element stack).
 */
export interface XmlHandler {
  /** `attrs` is the raw attribute text (may be ''); `pos` is the index of `<` in the current buffer. */
  open(name: string, attrs: string, selfClosing: boolean, pos: number): void;
  /** Non-whitespace text between tags, entities still encoded unless `cdata`. */
  text(raw: string, cdata: boolean): void;
  close(name: string, pos: number): void;
}

// Raw control characters (which XML 1.0 forbids) are not an error here: U+0004 and U+0005 carry
// meaning for Tally and are mapped by the value cleaner (values.ts cleanTallyText); any other one
// stays in the value as data and is escaped in the JSON output.

export class XmlTokenizer {
  private buf = '';
  /** Absolute character offset of `buf[0]` in the decoded text. */
  private base = 0;
  /** Line number (1-based) at `lineScan` in `buf`. */
  private line = 1;
  private lineScan = 0;
  /**
   * An unfinished construct waits for this character (`>` to end a tag, `<` to end text); chunks
   * without it are only collected. Joining every chunk onto the buffer instead copied a long
   * token once per chunk: a 20 MiB value cost seconds and hundreds of MiB of garbage.
   */
  private need: '<' | '>' | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  constructor(
    private readonly h: XmlHandler,
    private readonly maxTokenChars: number,
  ) {}

  /** 1-based line of a position in the current buffer (positions must not go backwards by much). */
  lineAt(pos: number): number {
    if (pos < this.lineScan) {
      // rare: count back
      let l = this.line;
      let i = this.buf.lastIndexOf('\n', this.lineScan - 1);
      while (i >= pos) {
        l--;
        i = i > 0 ? this.buf.lastIndexOf('\n', i - 1) : -1;
      }
      return l;
    }
    const s = this.buf;
    let i = s.indexOf('\n', this.lineScan);
    while (i >= 0 && i < pos) {
      this.line++;
      i = s.indexOf('\n', i + 1);
    }
    this.lineScan = pos;
    return this.line;
  }

  /** Absolute character offset of a buffer position. */
  offsetOf(pos: number): number {
    return this.base + pos;
  }

  feed(chunk: string): void {
    if (this.need !== undefined && chunk.indexOf(this.need) < 0) {
      this.pending.push(chunk);
      this.pendingChars += chunk.length;
      if (this.buf.length + this.pendingChars > this.maxTokenChars) this.tooLong(0);
      return;
    }
    this.takePending(chunk);
    this.run(false);
  }

  end(): void {
    this.takePending('');
    this.run(true);
  }

  private takePending(chunk: string): void {
    if (this.pending.length) {
      this.pending.push(chunk);
      chunk = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
    }
    this.buf = this.buf.length ? this.buf + chunk : chunk;
  }

  private tooLong(pos: number): never {
    throw fileError('E_LIMIT', `an XML token is longer than ${this.maxTokenChars} characters (unterminated tag or comment?)`, { line: this.lineAt(pos) });
  }

  private compact(pos: number): void {
    if (pos === 0) return;
    this.lineAt(pos);
    this.buf = this.buf.slice(pos);
    this.base += pos;
    this.lineScan = 0;
  }

  private run(final: boolean): void {
    const s = this.buf;
    const n = s.length;
    const h = this.h;
    let pos = 0;
    for (;;) {
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        if (final) {
          if (!isBlank(s, pos, n)) h.text(s.slice(pos), false);
          pos = n;
        }
        break;
      }
      if (lt > pos && !isBlank(s, pos, lt)) h.text(s.slice(pos, lt), false);
      pos = lt;
      // '<' as the last character: wait for more. Checked before reading past the end, which would
      // deoptimise this loop (V8 "out of bounds"), and at times leave it in code about 2× slower.
      if (lt + 1 >= n) break;
      const c = s.charCodeAt(lt + 1);
      if (c === 47 /* / */) {
        const gt = s.indexOf('>', lt + 2);
        if (gt < 0) break;
        let e = gt;
        while (e > lt + 2 && isWs(s.charCodeAt(e - 1))) e--;
        h.close(s.slice(lt + 2, e), lt);
        pos = gt + 1;
      } else if (c === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) {
          const e = s.indexOf('-->', lt + 4);
          if (e < 0) break;
          pos = e + 3;
        } else if (s.startsWith('<![CDATA[', lt)) {
          const e = s.indexOf(']]>', lt + 9);
          if (e < 0) break;
          if (e > lt + 9) h.text(s.slice(lt + 9, e), true);
          pos = e + 3;
        } else {
          // DOCTYPE or similar declaration: skip, including a bracketed internal subset.
          const br = s.indexOf('[', lt);
          const gt0 = s.indexOf('>', lt);
          if (gt0 < 0) break;
          if (br >= 0 && br < gt0) {
            const e = s.indexOf(']>', br);
            if (e < 0) break;
            pos = e + 2;
          } else pos = gt0 + 1;
        }
      } else if (c === 63 /* ? */) {
        const e = s.indexOf('?>', lt + 2);
        if (e < 0) break;
        pos = e + 2;
      } else {
        let gt = s.indexOf('>', lt + 1);
        if (gt < 0) break;
        let e = lt + 1;
        while (e < gt) {
          const ch = s.charCodeAt(e);
          if (ch === 32 || ch === 47 || ch === 10 || ch === 13 || ch === 9) break;
          e++;
        }
        // A '>' inside a quoted attribute value does not end the tag (only tags with attributes).
        if (e < gt && hasQuote(s, e, gt)) {
          gt = tagEnd(s, e);
          if (gt < 0) break;
        }
        const name = s.slice(lt + 1, e);
        if (name.length === 0) {
          throw fileError('E_XML_SYNTAX', `malformed tag "${s.slice(lt, Math.min(gt + 1, lt + 40))}"`, { line: this.lineAt(lt) });
        }
        const selfClosing = s.charCodeAt(gt - 1) === 47;
        let attrs = '';
        if (e < gt) {
          const aEnd = selfClosing ? gt - 1 : gt;
          if (aEnd > e) attrs = s.slice(e, aEnd);
        }
        h.open(name, attrs, selfClosing, lt);
        if (selfClosing) h.close(name, lt);
        pos = gt + 1;
      }
    }
    if (!final) {
      if (n - pos > this.maxTokenChars) this.tooLong(pos);
      this.compact(pos);
      this.need = this.buf.length === 0 ? undefined : this.buf.charCodeAt(0) === 60 ? '>' : '<';
    } else if (pos < n) {
      throw fileError('E_XML_TRUNCATED', `the file ends inside a tag ("${s.slice(pos, pos + 40)}"): the export looks truncated`, { line: this.lineAt(pos) }, { hint: 'land the complete file again; nothing from this file was delivered' });
    } else {
      this.compact(pos);
    }
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

function hasQuote(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) return true;
  }
  return false;
}

function tagEnd(s: string, from: number): number {
  let q = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (q) {
      if (c === q) q = 0;
    } else if (c === 34 || c === 39) q = c;
    else if (c === 62) return i;
  }
  return -1;
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
