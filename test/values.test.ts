import { describe, expect, it } from 'vitest';
import { defaultLimits } from './helpers/index.js';
import { parseAmount, parseBoolean, parseDate, parseDateTime, parseInteger, parseNumber, parseQuantity, parseRate } from '../connector/formats/values.js';
import { BY_PARENT, TAG_TABLE, tagKind } from '../connector/formats/tally/tags.js';
import { EnvelopeWriter } from '../connector/output/envelope.js';
import { CsvReader } from '../connector/formats/csv.js';
import { TallyXmlReader } from '../connector/formats/tally-xml.js';
import { TextDecoderStream8 } from '../connector/formats/decode.js';
import type { RowSink } from '../connector/rows/row-sink.js';

/**
 * Every value parser, as a table: what it accepts (and gives) and what it refuses. A refusal keeps
 * the text as it is, so a value the file does not hold is never made up.
 */

describe('parseAmount', () => {
  const accepts: Array<[string, string]> = [
    ['-12000.00', '-12000.00'],
    ['12000.00', '12000.00'],
    ['250000', '250000'],
    ['0007.50', '7.50'],
    ['20,00,000.00', '2000000.00'],
    ['20,00,000.01', '2000000.01'],
    ['2,000,000.01', '2000000.01'],
    ['1,234', '1234'],
    ['(-)1,234.50', '-1234.50'],
    ['1,234.00 Dr', '-1234.00'],
    ['500 Cr', '500'],
    ['(-)500 Dr', '500'],
    ['₹ 1,000.00', '1000.00'],
    ['₹1,000.00', '1000.00'],
    ['-₹ 252255.82', '-252255.82'],
    ['₹ -12.50', '-12.50'],
    ['INR 500', '500'],
    ['Rs. 10.00', '10.00'],
    ['$ 100.00 @ ₹ 80.00/$ = ₹ 8,000.00', '8000.00'],
    ['-JPY363953.00 @ ₹ 0.6931/JPY = -₹ 252255.82', '-252255.82'],
    ['0.10000000000000000555', '0.10000000000000000555'],
    ['-0.00', '-0.00'],
    ['(-)0.00', '0.00'],
    [' 1.5 ', '1.5'],
  ];
  for (const [text, want] of accepts) it(`accepts ${JSON.stringify(text)} → ${want}`, () => expect(parseAmount(text)).toBe(want));

  const refuses = ['', 'n/a-1', 'INV-2025', 'Total 500', 'abc123', 'abc 100', '12abc', '2025-09-30', '1e5', '12.5.6', '1,00', '1,234,56', '1,2,3', '(5)', '- 5', 'Dr', '₹', 'XYZ 100', '100 Dr Cr', '5 = 10', '$ 100 = ₹ 80', 'ten', '1.', '.5', '--5', '+-5', '100Dr', 'Rs 1,00'];
  for (const text of refuses) it(`refuses ${JSON.stringify(text)}`, () => expect(parseAmount(text)).toBeUndefined());
});

describe('parseQuantity', () => {
  const accepts: Array<[string, { value: string; unit: string | null }]> = [
    [' 19 Nos', { value: '19', unit: 'Nos' }],
    [' 10.00 MTR', { value: '10.00', unit: 'MTR' }],
    [' 50.000 KG', { value: '50.000', unit: 'KG' }],
    ['1345.00 Number', { value: '1345.00', unit: 'Number' }],
    ['1,200 pcs', { value: '1200', unit: 'pcs' }],
    ['-5 kg', { value: '-5', unit: 'kg' }],
    ['(-)2 Box', { value: '-2', unit: 'Box' }],
    [' 2 Box of 10 Nos', { value: '2', unit: 'Box of 10 Nos' }],
    [' 3 Sq.Ft', { value: '3', unit: 'Sq.Ft' }],
    [' 5', { value: '5', unit: null }],
  ];
  for (const [text, want] of accepts) it(`accepts ${JSON.stringify(text)}`, () => expect(parseQuantity(text)).toEqual(want));
  const refuses = ['', 'Nos', '1-Apr-24', ' 4; Not Applicable', '10.00.00', '5 = 10 Nos', '1,2,3', ' 2 Box 5 Nos', '12abc', '2025-09-30', '1e5 kg', 'abc 5'];
  for (const text of refuses) it(`refuses ${JSON.stringify(text)}`, () => expect(parseQuantity(text)).toBeUndefined());
});

describe('parseRate', () => {
  const accepts: Array<[string, { value: string; unit: string | null }]> = [
    ['80.00/Number', { value: '80.00', unit: 'Number' }],
    ['22.00/nos', { value: '22.00', unit: 'nos' }],
    ['1,000.00/kg', { value: '1000.00', unit: 'kg' }],
    ['226575.00/NOS', { value: '226575.00', unit: 'NOS' }],
    ['12.5', { value: '12.5', unit: null }],
    ['$ 200.0000 = ₹ 8500.00/Nos', { value: '8500.00', unit: 'Nos' }],
  ];
  for (const [text, want] of accepts) it(`accepts ${JSON.stringify(text)}`, () => expect(parseRate(text)).toEqual(want));
  const refuses = ['', '/Nos', 'abc/Nos', '12/5', '80.00/', 'n/a', '1-Apr-24', '12.5.6/kg'];
  for (const text of refuses) it(`refuses ${JSON.stringify(text)}`, () => expect(parseRate(text)).toBeUndefined());
});

describe('parseBoolean: Tally Yes/No, the dialect true/false, and 1/0 in CSV only', () => {
  it.each([
    ['Yes', true],
    ['No', false],
    ['true', true],
    ['false', false],
    [' Yes ', true],
  ])('%j → %j', (t, v) => expect(parseBoolean(t)).toBe(v));
  it.each(['yes', 'no', 'YES', 'NO', 'True', 'FALSE', 'Y', 'N', 'on', 'off', '1', '0', 'Yess', ''])('refuses %j', (t) => expect(parseBoolean(t)).toBeUndefined());
  it('1/0 only where allowed (loader CSV)', () => {
    expect(parseBoolean('1', true)).toBe(true);
    expect(parseBoolean('0', true)).toBe(false);
    expect(parseBoolean('2', true)).toBeUndefined();
    expect(parseBoolean('yes', true)).toBeUndefined();
  });
});

describe('dates, date-times, numbers, integers', () => {
  it.each([
    ['20240401', '2024-04-01'],
    ['2009-05-31', '2009-05-31'],
    ['1-Apr-24', '2024-04-01'],
    ['21-Aug-2025', '2025-08-21'],
    ['29-Feb-2024', '2024-02-29'],
  ])('date %j → %j', (t, v) => expect(parseDate(t)).toBe(v));
  it.each(['20240230', '20240431', '30 Days', '2024-13-01', '1-Foo-24', '20250308184234164', '2024/04/01', '240401', '99991231'])('date refuses %j', (t) => expect(parseDate(t)).toBeUndefined());
  it('date-times', () => {
    expect(parseDateTime('20240806155613000')).toBe('2024-08-06T15:56:13.000');
    expect(parseDateTime('20240806255613000')).toBeUndefined();
    expect(parseDateTime('20240806')).toBeUndefined();
  });
  it('numbers and integers (Tally leading space trimmed)', () => {
    expect(parseNumber(' 80.00')).toBe('80.00');
    expect(parseNumber(' 18')).toBe('18');
    expect(parseNumber('18 %')).toBeUndefined();
    expect(parseNumber('1,000')).toBeUndefined();
    expect(parseInteger(' 18')).toBe(18);
    expect(parseInteger('0018')).toBe(18);
    expect(parseInteger('99999999999999999999')).toBe('99999999999999999999');
    expect(parseInteger('1.0')).toBeUndefined();
    expect(parseInteger('18a')).toBeUndefined();
  });
});

describe('the tag table: a tag has one kind, whatever file or shard sees it', () => {
  it('dates everywhere Tally writes dates', () => {
    for (const t of ['DATE', 'REFERENCEDATE', 'STARTINGFROM', 'BILLDATE', 'EFFECTIVEDATE', 'APPLICABLEFROM', 'PANAPPLICABLEFROM', 'PERIODFROM', 'ALTEREDON', 'BOOKSFROM', 'VALIDUPTO', 'SVFROMDATE', 'SVTODATE', 'MFDON', 'INSTRUMENTDATE', 'BANKERSDATE']) expect(tagKind(t), t).toBe('date');
    // Due dates are text (`30 Days` or `1-Apr-26` in the same tag): typing them by value made one
    // shard register a date and another a string.
    for (const t of ['ORDERDUEDATE', 'BILLCREDITPERIOD', 'EXPIRYPERIOD']) expect(tagKind(t), t).toBe('duedate');
  });
  it('by the element they are in, where Tally uses one tag for two things', () => {
    expect(tagKind('OPENINGBALANCE', 'LEDGER')).toBe('amount');
    expect(tagKind('OPENINGBALANCE', 'STOCKITEM')).toBe('quantity');
    expect(tagKind('OPENINGBALANCE', 'BATCHALLOCATIONS.LIST')).toBe('quantity');
    expect(tagKind('EFFECTIVEDATE', 'VOUCHERTYPE')).toBe('logical');
    expect(tagKind('EFFECTIVEDATE', 'VOUCHER')).toBe('date');
    for (const t of Object.keys(BY_PARENT)) for (const k of Object.values(TAG_TABLE)) expect(k.includes(t), t).toBe(false);
  });
  it('names the table does not list fall back to the name rules', () => {
    expect(tagKind('ISNEWFLAG')).toBe('logical');
    expect(tagKind('COMMONNARRATION')).toBe('logical'); // listed: the text rule would say text
    expect(tagKind('SOMENEWDATE')).toBe('date');
    expect(tagKind('EXTRAAMOUNT')).toBe('amount');
    expect(tagKind('VOUCHERNUMBER')).toBe('text');
    expect(tagKind('WIDTHOFNUMBER')).toBe('integer'); // listed: the text rule would say text
    expect(tagKind('ZZUNKNOWN')).toBe('auto');
  });
});

// ---------------------------------------------------------------------------------------------
// The values as they come out of real readers.

const LIMITS = defaultLimits();

function xmlRecords(body: string): Array<{ entity: string; record: Record<string, unknown> }> {
  const text = `<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE>${body}</TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;
  const out: Array<{ entity: string; record: Record<string, unknown> }> = [];
  let entity = '';
  const sink: RowSink = { beginRow: (e) => void (entity = e), columns: () => {}, cells: () => {}, record: (r) => void out.push({ entity, record: JSON.parse(JSON.stringify(r)) }), endRow: () => {} };
  const r = new TallyXmlReader(sink, LIMITS);
  r.feed(Buffer.from(text));
  r.end();
  return out;
}

function csvRecords(text: string): Array<Record<string, unknown>> {
  const bytes = Buffer.from(text);
  const writer = new EnvelopeWriter({ tenant_id: 't', connector_id: 'c', stream_id: 's', run_id: 'r', file_id: 'f0123456789abcdef0123456', format: 'csv', encoding: 'utf-8' }, async () => {}, () => 1);
  const dec = new TextDecoderStream8(bytes);
  const r = new CsvReader(writer, () => {}, { delimiter: 44, maxRowBytes: 1 << 20, maxFields: 100, entityFor: () => 'mst_ledger' });
  r.feed(dec.utf8(bytes));
  r.end();
  return writer.buf.subarray(0, writer.pos).toString().split('\n').filter(Boolean).map((l) => JSON.parse(l).record);
}

describe('values the readers deliver: the file value or its text, never a guess', () => {
  it('an XML amount that is not an amount stays text, with no made-up unit', () => {
    const recs = xmlRecords(
      ['2025-09-30', '1e5', '12.5.6', 'n/a-1', 'Total 500', ' 30 Days'].map((v, i) => `<LEDGER NAME="L${i}"><GUID>g${i}</GUID><OPENINGBALANCE>${v}</OPENINGBALANCE><CREDITLIMIT>20,00,000.01</CREDITLIMIT></LEDGER>`).join(''),
    );
    expect(recs.map((r) => r.record['openingbalance'])).toEqual(['2025-09-30', '1e5', '12.5.6', 'n/a-1', 'Total 500', ' 30 Days']);
    for (const r of recs) {
      expect(r.record['openingbalance_unit']).toBeUndefined();
      expect(r.record['creditlimit']).toBe('2000000.01');
    }
  });
  it('stock quantities split into value and unit; a quantity tag holding no quantity stays text', () => {
    const [item] = xmlRecords('<STOCKITEM NAME="Pipe"><GUID>s1</GUID><OPENINGBALANCE> 10.00 MTR</OPENINGBALANCE><OPENINGRATE>80.00/MTR</OPENINGRATE><OPENINGVALUE>-800.00</OPENINGVALUE></STOCKITEM>');
    expect(item!.record).toMatchObject({ openingbalance: '10.00', openingbalance_unit: 'MTR', openingrate: '80.00', openingrate_unit: 'MTR', openingvalue: '-800.00' });
    const [v] = xmlRecords('<VOUCHER><GUID>v1</GUID><DATE>20250930</DATE><ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>Pipe</STOCKITEMNAME><ACTUALQTY> 4; Not Applicable</ACTUALQTY><BILLEDQTY>1-Apr-24</BILLEDQTY></ALLINVENTORYENTRIES.LIST></VOUCHER>');
    expect(v!.entity).toBe('vouchers');
    const inv = xmlRecords('<VOUCHER><GUID>v1</GUID><DATE>20250930</DATE><ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>Pipe</STOCKITEMNAME><ACTUALQTY> 4; Not Applicable</ACTUALQTY><BILLEDQTY>1-Apr-24</BILLEDQTY></ALLINVENTORYENTRIES.LIST></VOUCHER>').find((r) => r.entity === 'voucher_inventory_entries')!;
    expect(inv.record).toMatchObject({ actualqty: ' 4; Not Applicable', billedqty: '1-Apr-24' });
    expect(inv.record['actualqty_unit']).toBeUndefined();
  });
  it('dates in every date tag become ISO dates; due dates stay text whatever they hold', () => {
    const recs = xmlRecords('<VOUCHER><GUID>v1</GUID><DATE>20250930</DATE><REFERENCEDATE>20250901</REFERENCEDATE><EFFECTIVEDATE>20250930</EFFECTIVEDATE><ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>X</STOCKITEMNAME><BATCHALLOCATIONS.LIST><ORDERDUEDATE JD="46112" P="1-Apr-26">1-Apr-26</ORDERDUEDATE></BATCHALLOCATIONS.LIST></ALLINVENTORYENTRIES.LIST></VOUCHER><VOUCHER><GUID>v2</GUID><DATE>20250930</DATE><ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>X</STOCKITEMNAME><BATCHALLOCATIONS.LIST><ORDERDUEDATE JD="45723" P="7 Days">7 Days</ORDERDUEDATE></BATCHALLOCATIONS.LIST></ALLINVENTORYENTRIES.LIST></VOUCHER>');
    const v = recs.find((r) => r.entity === 'vouchers')!.record;
    expect(v).toMatchObject({ date: '2025-09-30', referencedate: '2025-09-01', effectivedate: '2025-09-30' });
    expect(recs.filter((r) => r.entity === 'voucher_batch_allocations').map((r) => r.record['orderduedate'])).toEqual(['1-Apr-26', '7 Days']);
  });
  it('booleans: Yes/No (and true/false) only; other spellings stay text', () => {
    const [l] = xmlRecords('<LEDGER NAME="L"><GUID>g</GUID><ISBILLWISEON>Yes</ISBILLWISEON><ISCOSTCENTRESON>No</ISCOSTCENTRESON><ISINTERESTON>yes</ISINTERESTON><AFFECTSSTOCK>Y</AFFECTSSTOCK></LEDGER>');
    expect(l!.record).toMatchObject({ isbillwiseon: true, iscostcentreson: false, isintereston: 'yes', affectsstock: 'Y' });
  });
  it('CSV amount columns: only amounts become decimals; the rest stays the text of the cell', () => {
    const recs = csvRecords(
      'guid,name,opening_balance,closing_balance,is_revenue\n' +
        'a,A,"(-)1,234.50","20,00,000.00 Dr",1\n' +
        'b,B,n/a-1,INV-2025,Yes\n' +
        'c,C,Total 500,abc123,yes\n' +
        'd,D,1e5,"1,00",0\n',
    );
    expect(recs.map((r) => [r['opening_balance'], r['closing_balance'], r['is_revenue']])).toEqual([
      ['-1234.50', '-2000000.00', true],
      ['n/a-1', 'INV-2025', true],
      ['Total 500', 'abc123', 'yes'],
      ['1e5', '1,00', false],
    ]);
  });
});
