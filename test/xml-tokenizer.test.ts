import { describe, expect, it } from 'vitest';
import { XmlTokenizer, type XmlHandler } from '../connector/formats/xml-tokenizer.js';

type Event = [kind: 'open' | 'close' | 'text' | 'cdata', name: string, detail: string | boolean, line: number];

/** The events of `input` fed in pieces of `chunk` bytes; each piece's buffer is overwritten after the call. */
function events(input: string | Buffer, chunk = 1 << 20, maxTokenBytes = 1 << 20): { events: Event[]; described: string[] } {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const out: Event[] = [];
  const described: string[] = [];
  let tok: XmlTokenizer<string>;
  const h: XmlHandler<string> = {
    open: (name, info, attrs, selfClosing, pos) => {
      expect(info).toBe(`info:${name}`);
      out.push(['open', name, `${attrs}${selfClosing ? ' /' : ''}`, tok.lineAt(pos)]);
    },
    text: (raw, cdata) => out.push([cdata ? 'cdata' : 'text', '', raw, -1]),
    close: (name, pos) => out.push(['close', name, false, tok.lineAt(pos)]),
  };
  tok = new XmlTokenizer(h, maxTokenBytes, (name) => (described.push(name), `info:${name}`));
  for (let i = 0; i < bytes.length; i += chunk) {
    // A copy the caller reuses: the tokenizer must not keep looking at it after the call.
    const piece = Buffer.from(bytes.subarray(i, i + chunk));
    tok.feed(piece);
    piece.fill(0x3c);
  }
  tok.end();
  return { events: out, described };
}

/** Line of each '<' that opens an element, counted the plain way. */
function openLines(text: string): number[] {
  const lines: number[] = [];
  const re = /<([A-Za-z_:\u00c0-\uffff][^\s/>]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const before = text.slice(0, m.index);
    if (/<!--(?:(?!-->)[\s\S])*$/.test(before) || /<!\[CDATA\[(?:(?!\]\]>)[\s\S])*$/.test(before)) continue; // inside a comment or CDATA
    lines.push(before.split('\n').length);
  }
  return lines;
}

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE ENVELOPE>
<ENVELOPE>
  <!-- a comment with <TAGS> and
       a second line -->
  <LEDGER NAME="A &gt; B" ALIAS='x>y'
     RESERVED="">
    <NAME>Durga Textiles</NAME>
    <ISDELETED>No</ISDELETED><ISBILLWISEON>Yes</ISBILLWISEON>
    <NARRATION>Ünïcödé &amp; ₹ <![CDATA[<raw>
 & text]]> tail</NARRATION>
    <GSTTYPE>&#4; Not Applicable</GSTTYPE>
    <EMPTY/><EMPTYSPACED />
    <PARTYNAMÉ>Café</PARTYNAMÉ>
    <AMOUNT> -1,234.50</AMOUNT>
  </LEDGER
  >
  <?pi some
  instruction?>
</ENVELOPE>
`;

describe('XML tokenizer (bytes)', () => {
  it('reports elements, attributes, text, CDATA and lines the same whatever the chunk boundaries', () => {
    const whole = events(DOC);
    const opens = whole.events.filter((e) => e[0] === 'open');
    expect(opens.map((e) => e[1])).toEqual(['ENVELOPE', 'LEDGER', 'NAME', 'ISDELETED', 'ISBILLWISEON', 'NARRATION', 'GSTTYPE', 'EMPTY', 'EMPTYSPACED', 'PARTYNAMÉ', 'AMOUNT']);
    expect(opens.map((e) => e[3])).toEqual(openLines(DOC));
    expect(opens[1]![2]).toBe(` NAME="A &gt; B" ALIAS='x>y'\n     RESERVED=""`);
    expect(opens.find((e) => e[1] === 'EMPTY')![2]).toBe(' /');
    expect(opens.find((e) => e[1] === 'EMPTYSPACED')![2]).toBe('  /');
    const texts = whole.events.filter((e) => e[0] !== 'open' && e[0] !== 'close').map((e) => [e[0], e[2]]);
    expect(texts).toEqual([
      ['text', 'Durga Textiles'],
      ['text', 'No'],
      ['text', 'Yes'],
      ['text', 'Ünïcödé &amp; ₹ '],
      ['cdata', '<raw>\n & text'],
      ['text', ' tail'],
      ['text', '&#4; Not Applicable'],
      ['text', 'Café'],
      ['text', ' -1,234.50'],
    ]);
    // A close tag with whitespace before its '>' is the element's name; lines of closes too.
    const closeLedger = whole.events.find((e) => e[0] === 'close' && e[1] === 'LEDGER')!;
    expect(closeLedger[3]).toBe(DOC.slice(0, DOC.indexOf('</LEDGER')).split('\n').length);
    // `describe` runs once per distinct name (EMPTY closes with the same name object it opened with).
    expect(whole.described.sort()).toEqual([...new Set(opens.map((e) => e[1]))].sort());
    for (const size of [1, 2, 3, 5, 7, 13, 64]) expect(events(DOC, size).events, `chunks of ${size}`).toEqual(whole.events);
  });

  it('reads each name whole when the element expected next (the one that came after last time) differs', () => {
    // After </B> the tokenizer first tries the name that followed last time: a longer, a shorter, another name.
    const doc = '<R><A><B>1</B><C>2</C></A><A><B>1</B><CD>2</CD></A><A><B>1</B><C/></A><A><B>1</B><C x="1">3</C><B>4</B></A></R>';
    const opens = (size: number) => events(doc, size).events.filter((e) => e[0] !== 'text').map((e) => `${e[0] === 'open' ? '' : '/'}${e[1]}${e[0] === 'open' && e[2] ? `[${e[2]}]` : ''}`);
    const want = ['R', 'A', 'B', '/B', 'C', '/C', '/A', 'A', 'B', '/B', 'CD', '/CD', '/A', 'A', 'B', '/B', 'C[ /]', '/C', '/A', 'A', 'B', '/B', 'C[ x="1"]', '/C', 'B', '/B', '/A', '/R'];
    for (const size of [1, 3, 1 << 20]) expect(opens(size)).toEqual(want);
  });

  it('tells apart names that differ in any one byte, within a 4-byte word or in the tail', () => {
    const base = 'ABCDEFGHIJ';
    const names: string[] = [];
    for (let len = 1; len <= base.length; len++) for (let at = 0; at < len; at++) names.push(base.slice(0, at) + 'x' + base.slice(at + 1, len), base.slice(0, len));
    // Twice in one order, then reversed: the element expected next is wrong at every byte position.
    const order = [...names, ...names, ...[...names].reverse()];
    const doc = `<R>${order.map((n) => `<${n}>v</${n}>`).join('')}</R>`;
    const got = events(doc, 7).events.filter((e) => e[0] === 'open').map((e) => e[1]);
    expect(got).toEqual(['R', ...order]);
    expect(events(doc).events.filter((e) => e[0] === 'close').map((e) => e[1])).toEqual([...order, 'R']);
  });

  it('gives every short text its own bytes when the text cache evicts (many distinct values)', () => {
    const values: string[] = [];
    for (let i = 0; i < 30_000; i++) values.push(i % 3 === 0 ? `${(i * 7919) % 100000}.00` : i % 3 === 1 ? `Ledger ${i}` : 'No');
    const doc = `<A>${values.map((v) => `<V>${v}</V>`).join('\n')}</A>`;
    const got = events(doc, 4096).events.filter((e) => e[0] === 'text').map((e) => e[2]);
    expect(got).toEqual(values);
  });

  it('names a malformed tag, a cut tag, and a token over the limit with the line', () => {
    expect(() => events('<A>\n\n< B>x</B></A>')).toThrow(/malformed tag "< B>"/);
    try {
      events('<A>\n\n<>x</A>');
      expect.unreachable();
    } catch (e: any) {
      expect(e.code).toBe('E_XML_SYNTAX');
      expect(e.position.line).toBe(3);
    }
    expect(() => events('<A><B x="1"')).toThrow(/ends inside a tag/);
    // An excerpt in a message ends at a character's end, never inside it.
    expect(() => events(`<A><B x="${'é'.repeat(30)}`)).toThrow(new RegExp(`ends inside a tag \\("<B x="${'é'.repeat(17)}"\\)`));
    expect(() => events('<A><!-- never closed', 4)).toThrow(/ends inside a tag/);
    expect(() => events(`<A>${'x'.repeat(5000)}</A>`, 512, 1000)).toThrow(/longer than 1000 bytes/);
    // Under the limit, a long value spread over many chunks is one text.
    const long = events(`<A>${'y'.repeat(5000)}</A>`, 512, 8000).events.filter((e) => e[0] === 'text');
    expect(long).toEqual([['text', '', 'y'.repeat(5000), -1]]);
  });
});
