import { describe, expect, it } from 'vitest';
import { defaultLimits } from './helpers/index.js';
import { EnvelopeWriter } from '../connector/output/envelope.js';
import type { RowSink } from '../connector/rows/row-sink.js';
import { CsvReader } from '../connector/formats/csv.js';
import { TextDecoderStream8, sniffEncoding } from '../connector/formats/decode.js';
import { TallyXmlReader } from '../connector/formats/tally-xml.js';

/** The limits a config gets by default (from the schema). */
const DEFAULT_LIMITS = defaultLimits();
import { parseAmount, parseDate, parseQuantity, parseRate, parseBoolean, parseInteger, cleanTallyText } from '../connector/formats/values.js';
import { decodeEntities } from '../connector/formats/xml-tokenizer.js';
import { csvEntity } from '../connector/formats/csv-entity.js';

/** Parse CSV bytes fed in chunks of the given sizes; returns records and rejects. */
function csv(input: Buffer | string, chunk = 1 << 20) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const out: Buffer[] = [];
  const writer = new EnvelopeWriter(
    { tenant_id: 't', connector_id: 'c', stream_id: 's', run_id: 'r', file_id: 'f0123456789abcdef0123456', format: 'csv', encoding: 'utf-8' },
    async (b) => {
      out.push(b);
    },
    () => 1,
  );
  const rejects: any[] = [];
  const dec = new TextDecoderStream8(bytes.subarray(0, 16384));
  const r = new CsvReader(writer, (x) => rejects.push(x), { delimiter: 44, maxRowBytes: 1 << 20, maxFields: 100, entityFor: (h) => csvEntity('x.csv', h) });
  for (let i = 0; i < bytes.length; i += chunk) r.feed(dec.utf8(bytes.subarray(i, i + chunk)));
  const tail = dec.endUtf8(); // as the pipeline ends a file
  if (tail.length) r.feed(tail);
  r.end();
  out.push(writer.buf.subarray(0, writer.pos));
  const lines = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { rows: lines.map((l) => l.record), envs: lines, rejects };
}

function xml(input: string | Buffer, chunk = 1 << 20) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const rows: Array<{ entity: string; record: any; line: number }> = [];
  const dec = new TextDecoderStream8(bytes.subarray(0, 16384));
  // A row consumer that keeps whole records (what the Tally XML reader gives).
  let row: { entity: string; line: number } = { entity: '', line: 0 };
  const sink: RowSink = {
    beginRow: (entity, _ordinal, line) => void (row = { entity, line }),
    columns: () => {},
    cells: () => {},
    record: (record) => void rows.push({ ...row, record: JSON.parse(JSON.stringify(record)) }),
    endRow: () => {},
  };
  const r = new TallyXmlReader(sink, DEFAULT_LIMITS);
  for (let i = 0; i < bytes.length; i += chunk) r.feed(dec.utf8(bytes.subarray(i, i + chunk)));
  r.feed(dec.endUtf8());
  r.end();
  return rows;
}

describe('values', () => {
  it('dates', () => {
    expect(parseDate('20240401')).toBe('2024-04-01');
    expect(parseDate('2009-05-31')).toBe('2009-05-31');
    expect(parseDate('1-Apr-24')).toBe('2024-04-01');
    expect(parseDate('21-Aug-2025')).toBe('2025-08-21');
    expect(parseDate('20240230')).toBeUndefined();
    expect(parseDate('30 Days')).toBeUndefined();
  });
  it('amounts as exact decimal strings', () => {
    expect(parseAmount('-12000.00')).toBe('-12000.00');
    expect(parseAmount('20,00,000.00')).toBe('2000000.00');
    expect(parseAmount('(-)1,234.50')).toBe('-1234.50');
    expect(parseAmount('1,234.00 Dr')).toBe('-1234.00');
    expect(parseAmount('500 Cr')).toBe('500');
    expect(parseAmount('₹ 1,000.00')).toBe('1000.00');
    expect(parseAmount('$ 100.00 @ ₹ 80.00/$ = ₹ 8,000.00')).toBe('8000.00');
    expect(parseAmount('0.10000000000000000555')).toBe('0.10000000000000000555');
    expect(parseAmount('12abc')).toBeUndefined();
    expect(parseAmount('1,2,3')).toBeUndefined();
  });
  it('quantities, rates, booleans, integers, Tally text', () => {
    expect(parseQuantity(' 19 Nos')).toEqual({ value: '19', unit: 'Nos' });
    expect(parseQuantity(' 10.00 MTR')).toEqual({ value: '10.00', unit: 'MTR' });
    expect(parseQuantity('1,200 pcs')).toEqual({ value: '1200', unit: 'pcs' });
    expect(parseRate('80.00/Number')).toEqual({ value: '80.00', unit: 'Number' });
    expect(parseBoolean('Yes')).toBe(true);
    expect(parseBoolean('false')).toBe(false);
    expect(parseBoolean('1')).toBeUndefined();
    expect(parseBoolean('1', true)).toBe(true);
    expect(parseInteger(' 18')).toBe(18);
    expect(parseInteger('99999999999999999999')).toBe('99999999999999999999');
    expect(cleanTallyText('\u0004 Not Applicable')).toBe('Not Applicable');
    expect(cleanTallyText('Default\u0005Voucher\u0005Class')).toBe('Default Voucher Class');
    expect(decodeEntities('&#4; Any &amp; &#x41;&#1;&#65;')).toBe('\u0004 Any & AA');
  });
});

describe('encoding detection', () => {
  it('by BOM, by NUL pattern, else 8-bit', () => {
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0x3c, 0]))).toMatchObject({ encoding: 'utf-16le', bom: 2 });
    expect(sniffEncoding(Buffer.from([0xfe, 0xff, 0, 0x3c]))).toMatchObject({ encoding: 'utf-16be', bom: 2 });
    expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x3c]))).toMatchObject({ encoding: 'utf-8', bom: 3 });
    expect(sniffEncoding(Buffer.from('<\0E\0N\0V\0', 'latin1'))).toMatchObject({ encoding: 'utf-16le', bom: 0 });
    expect(sniffEncoding(Buffer.from('\0<\0E\0N\0V', 'latin1'))).toMatchObject({ encoding: 'utf-16be', bom: 0 });
    expect(() => sniffEncoding(Buffer.from([0x41, 0, 0, 0, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47]))).toThrow(/binary/);
  });
  it('decides UTF-8 or Windows-1252 at the first non-ASCII byte, even far into the file', () => {
    const ascii = 'a,b\r\n' + 'x,y\r\n'.repeat(10_000);
    const cp = Buffer.concat([Buffer.from(ascii), Buffer.from('Caf\xe9,1\r\n', 'latin1')]);
    const r = csv(cp, 4096);
    expect(r.rows[r.rows.length - 1]).toEqual({ a: 'Café', b: '1' });
    const u8 = Buffer.concat([Buffer.from(ascii), Buffer.from('Café,1\r\n')]);
    expect(csv(u8, 4096).rows.at(-1)).toEqual({ a: 'Café', b: '1' });
  });
  it('fails clearly on mixed encodings', () => {
    const mixed = Buffer.concat([Buffer.from('a\nCafé\n'), Buffer.from('x'.repeat(20000) + '\n'), Buffer.from('K\xf6ln\n', 'latin1')]);
    expect(() => csv(mixed, 4096)).toThrow(/invalid UTF-8 at byte 20010/);
  });
  it('decodes UTF-16BE and UTF-16LE split at odd byte boundaries', () => {
    const text = 'name,city\r\nराम ट्रेडर्स,पुणे\r\n';
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(csv(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 7).rows).toEqual([{ name: 'राम ट्रेडर्स', city: 'पुणे' }]);
    expect(csv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 3).rows).toEqual([{ name: 'राम ट्रेडर्स', city: 'पुणे' }]);
  });
  it('keeps a surrogate pair cut by a chunk, and fails a lone surrogate rather than deliver U+FFFD', () => {
    const text = 'name\r\nPot 🪴 ltd\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    for (const size of [1, 2, 3, 5, 11]) expect(csv(le, size).rows).toEqual([{ name: 'Pot 🪴 ltd' }]);
    const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\r\nab', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('cd\r\n', 'utf16le')]);
    for (const size of [3, 4096]) expect(() => csv(lone, size)).toThrow(/invalid UTF-16 \(a lone surrogate\)/);
    const u16xml = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<ENVELOPE><X>a', 'utf16le'), Buffer.from([0x00, 0xdc]), Buffer.from('</X></ENVELOPE>', 'utf16le')]);
    expect(() => xml(u16xml)).toThrow(/lone surrogate/);
    // Cut to an odd number of bytes: the last character is incomplete, not silently dropped.
    const odd = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\r\nCafé', 'utf16le')]).subarray(0, -1);
    for (const size of [1, 4096]) expect(() => csv(odd, size)).toThrow(/ends inside a UTF-16 character/);
    const oddBe = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('name\r\nCafé', 'utf16le').swap16()]).subarray(0, -1);
    expect(() => csv(oddBe, 3)).toThrow(/ends inside a UTF-16 character/);
  });
});

describe('CSV', () => {
  const sample =
    '\ufeff"guid","date",amount,is_invoice,"narration"\r\n' +
    '"g1","2024-04-01",1234.50,1,"plain"\r\n' +
    '"g2","20240402","20,00,000.00",0,"with ""quotes"", a comma\r\nand a newline"\r\n' +
    'g3,,(-)5.00,Yes,tab\there \\ back\u0001slash\r\n' +
    '"g4","1-Apr-24",-7,No,""\r\n' +
    '\r\n';

  it('handles BOM, CRLF, quoted fields, doubled quotes, embedded newlines and typed columns', () => {
    const r = csv(sample);
    expect(r.rejects).toEqual([]);
    expect(r.rows).toEqual([
      { guid: 'g1', date: '2024-04-01', amount: '1234.50', is_invoice: true, narration: 'plain' },
      { guid: 'g2', date: '2024-04-02', amount: '2000000.00', is_invoice: false, narration: 'with "quotes", a comma\r\nand a newline' },
      { guid: 'g3', date: null, amount: '-5.00', is_invoice: true, narration: 'tab\there \\ back\u0001slash' },
      { guid: 'g4', date: '2024-04-01', amount: '-7', is_invoice: false, narration: '' },
    ]);
    expect(r.envs.map((e) => e.source.line)).toEqual([2, 3, 5, 6]);
  });

  it('gives the same output whatever the chunk boundaries', () => {
    const whole = csv(sample).envs.map((e) => [e.record_id, e.record]);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) expect(csv(sample, size).envs.map((e) => [e.record_id, e.record])).toEqual(whole);
  });

  it('rejects a row with the wrong field count or a stray quote, and an unterminated quote at the end', () => {
    const r = csv('a,b\n1,2\n3\n4,"x"y\n5,6\n7,"never closed\n8,9\n', 3);
    expect(r.rows).toEqual([
      { a: '1', b: '2' },
      { a: '5', b: '6' },
    ]);
    expect(r.rejects.map((x) => [x.line, x.ordinal, x.reason.slice(0, 30)])).toEqual([
      [3, 2, 'expected 2 fields (as in the h'],
      [4, 3, 'unexpected character "y" after'],
      [6, 5, 'unterminated quoted field (ope'],
    ]);
    expect(r.rejects[2].raw).toContain('never closed\n8,9');
  });

  it('makes unique keys of empty and repeated header names', () => {
    expect(csv('a,,a\n1,2,3\n').rows).toEqual([{ a: '1', column_2: '2', a_2: '3' }]);
  });

  it('names the entity after a loader table, by file name or header', () => {
    expect(csvEntity('csv/trn_voucher.csv', [])).toBe('trn_voucher');
    expect(csvEntity('x/trn_voucher_2025-09-30.csv.gz', [])).toBe('trn_voucher');
    expect(csvEntity('x/trn_inventory_accounting.csv', [])).toBe('trn_inventory_accounting');
    expect(csvEntity('export.csv', ['guid', 'ledger', 'amount', 'amount_forex', 'currency'])).toBe('trn_accounting');
    expect(csvEntity('Sales Register 2025-09.csv', ['a'], true)).toBe('sales_register');
  });

  it('names an unknown table after its header, never after the file name unless clear names are on', () => {
    const header = ['id', 'when', 'amt'];
    const name = csvEntity('acme_customer_pan_abcde1234f.csv', header);
    expect(name).toMatch(/^csv_[0-9a-f]{8}$/);
    expect(name).not.toMatch(/acme|pan|abcde/);
    expect(csvEntity('other-name.csv', header)).toBe(name); // the same table under any file name
    expect(csvEntity('x.csv', ['id', 'when'])).not.toBe(name);
    expect(csvEntity('acme_customer_pan_abcde1234f.csv', header, true)).toBe('acme_customer_pan_abcde1234f');
  });
});

describe('Tally XML', () => {
  const doc = (body: string) => `<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDATA>${body}</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;

  it('survives &#4;, raw control characters and an undeclared UDF: prefix, keeping UDFs', () => {
    const rows = xml(
      doc(`<TALLYMESSAGE><LEDGER NAME="C&apos;s \u0004Capital"><GUID>g</GUID><GSTTYPE>&#4; Not Applicable</GSTTYPE><CLASS>Default\u0005Class</CLASS>
      <UDF:CODE.LIST DESC="\`Code\`" ISLIST="YES" TYPE="String" INDEX="1"><UDF:CODE>A1</UDF:CODE><UDF:CODE>B2</UDF:CODE></UDF:CODE.LIST>
      <UDF:RATE TYPE="Number"> 7</UDF:RATE></LEDGER></TALLYMESSAGE>`),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.record).toMatchObject({ name: "C's Capital", guid: 'g', gsttype: 'Not Applicable', class: 'Default Class', udf: { code: ['A1', 'B2'], rate: 7 } });
  });

  it('gives the same rows whatever the chunk boundaries (UTF-16 too)', () => {
    const text = doc(`<TALLYMESSAGE><VOUCHER><GUID>v</GUID><NARRATION>Ünïcödé &amp; ₹ <![CDATA[<raw> & text]]></NARRATION>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>A</LEDGERNAME><AMOUNT>-1.00</AMOUNT></ALLLEDGERENTRIES.LIST>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>1.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE><!-- a comment -->`);
    const whole = xml(text);
    expect(whole[0]!.record.narration).toBe('Ünïcödé & ₹ <raw> & text');
    for (const size of [1, 2, 5, 11]) expect(xml(text, size)).toEqual(whole);
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    for (const size of [1, 3, 4096]) expect(xml(u16, size)).toEqual(whole);
  });

  it('fails a truncated file and mismatched tags with the line', () => {
    expect(() => xml(doc('<TALLYMESSAGE><VOUCHER><GUID>x</GUID>').replace(/<\/REQUESTDATA>.*/, ''))).toThrow(/ends inside <VOUCHER>/);
    expect(() => xml('<ENVELOPE>\n<BODY>\n<X></Y>\n</BODY></ENVELOPE>')).toThrow(/mismatched/);
    // A '<' as the very last character (of a chunk it only waits for more; of the file it is a cut tag).
    expect(() => xml('<ENVELOPE><BODY></BODY></ENVELOPE>\n<')).toThrow(/ends inside a tag/);
    expect(() => xml('<ENVELOPE><BODY></BODY></ENVELOPE>\n<', 1)).toThrow(/ends inside a tag/);
    try {
      xml('<ENVELOPE>\n<BODY>\n<X></Y>\n</BODY></ENVELOPE>');
    } catch (e: any) {
      expect(e.position.line).toBe(3);
    }
  });

  it('takes ALLLEDGERENTRIES over LEDGERENTRIES and adds inventory accounting allocations', () => {
    const rows = xml(
      doc(`<TALLYMESSAGE><VOUCHER><GUID>v</GUID><ALTERID> 9</ALTERID>
      <LEDGERENTRIES.LIST><LEDGERNAME>dup</LEDGERNAME><AMOUNT>-5.00</AMOUNT></LEDGERENTRIES.LIST>
      <ALLLEDGERENTRIES.LIST><LEDGERNAME>Party</LEDGERNAME><AMOUNT>-5.00</AMOUNT></ALLLEDGERENTRIES.LIST>
      <ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>Item</STOCKITEMNAME><ACTUALQTY> 2 Nos</ACTUALQTY><RATE>2.50/Nos</RATE>
        <BATCHALLOCATIONS.LIST><BATCHNAME>B1</BATCHNAME></BATCHALLOCATIONS.LIST>
        <ACCOUNTINGALLOCATIONS.LIST><LEDGERNAME>Sales</LEDGERNAME><AMOUNT>5.00</AMOUNT></ACCOUNTINGALLOCATIONS.LIST>
      </ALLINVENTORYENTRIES.LIST></VOUCHER></TALLYMESSAGE>`),
    );
    const led = rows.filter((r) => r.entity === 'voucher_ledger_entries').map((r) => r.record);
    expect(led.map((r) => [r.ledgername, r.amount, r.source, r.line_no, r.inventory_line_no])).toEqual([
      ['Party', '-5.00', 'all_ledger_entries', 1, null],
      ['Sales', '5.00', 'inventory_allocation', 2, 1],
    ]);
    const inv = rows.find((r) => r.entity === 'voucher_inventory_entries')!.record;
    expect(inv).toMatchObject({ voucher_guid: 'v', voucher_alterid: 9, actualqty: '2', actualqty_unit: 'Nos', rate: '2.50', rate_unit: 'Nos' });
    expect(rows.find((r) => r.entity === 'voucher_batch_allocations')!.record).toMatchObject({ voucher_guid: 'v', inventory_line_no: 1, batchname: 'B1' });
    expect(rows.find((r) => r.entity === 'vouchers')!.record).not.toHaveProperty('ledgerentries');
  });

  it('reads saved collection responses with typed leaves', () => {
    const rows = xml(`<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DESC><CMPINFO><GROUP>0</GROUP></CMPINFO></DESC><DATA><COLLECTION>
      <VOUCHERTYPE NAME="Contra"><ISACTIVE TYPE="Logical">Yes</ISACTIVE><SORTPOSITION TYPE="Number"> 10</SORTPOSITION><AMT TYPE="Amount">1,000.00 Dr</AMT>
      <QTY TYPE="Quantity"> 5 kg</QTY><WHEN TYPE="Date">20240102</WHEN><NAME.LIST TYPE="String"><NAME>Contra</NAME><NAME>Ctra</NAME></NAME.LIST></VOUCHERTYPE>
      </COLLECTION></DATA></BODY></ENVELOPE>`);
    expect(rows).toEqual([
      { entity: 'voucher_types', line: 2, record: { name: 'Contra', isactive: true, sortposition: 10, amt: '-1000.00', qty: '5', qty_unit: 'kg', when: '2024-01-02', 'name.list': ['Contra', 'Ctra'] } },
    ]);
  });

  it('bounds nesting depth and object size (hostile input)', () => {
    const deep = doc(`<TALLYMESSAGE><LEDGER>${'<A>'.repeat(100)}x${'</A>'.repeat(100)}</LEDGER></TALLYMESSAGE>`);
    expect(() => xml(deep)).toThrow(/nested deeper than 64/);
  });
});
