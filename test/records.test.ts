import { describe, expect, it } from 'vitest';
import { defaultLimits } from './helpers/index.js';
import { put, type Rec } from '../connector/formats/tally/fields.js';
import { toObject } from '../connector/formats/tally/records.js';
import { TallyXmlReader } from '../connector/formats/tally-xml.js';
import type { RowSink } from '../connector/rows/row-sink.js';

/**
 * Records of Tally objects are built in a Map and made into plain objects by a function compiled
 * per sequence of keys (formats/tally/records.ts). What a consumer gets must be exactly the object
 * a plain `{}` given the same fields in the same order would be, whichever path made it.
 */

/** The object the old way: a plain object given each field in turn. */
function plainOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  return o;
}

function mapOf(entries: Array<[string, unknown]>): Rec {
  return new Map(entries);
}

describe('records made from Maps', () => {
  it('the same JSON, keys and values as a plain object, on every call across the compile threshold', () => {
    const entries: Array<[string, unknown]> = [
      ['date', '2025-04-01'],
      ['10', 'ten'],
      ['vouchertypename', 'Sales'],
      ['2', 'two'],
      ['amount', '-1250.50'],
      ['isoptional', false],
      ['alterid', 18],
      ['narration', null],
      ['a"quote\\', 'x\u2028y'],
    ];
    const want = plainOf(entries);
    for (let i = 0; i < 8; i++) {
      const got = toObject(mapOf(entries));
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      expect(Object.keys(got)).toEqual(Object.keys(want)); // integer-like keys first, as in any object
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    }
  });

  it('a field named __proto__ stays a field (its value kept), never the prototype', () => {
    const entries: Array<[string, unknown]> = [
      ['guid', 'g-1'],
      ['__proto__', 'from the file'],
      ['name', 'n'],
    ];
    for (let i = 0; i < 6; i++) {
      const got = toObject(mapOf(entries));
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(true);
      expect(JSON.stringify(got)).toBe('{"guid":"g-1","__proto__":"from the file","name":"n"}');
    }
  });

  it('nested records in lists and in lists of lists are made too, and sequences that differ get their own objects', () => {
    const build = (n: number) => {
      const inner = mapOf([
        ['ledgername', `L${n}`],
        ['amount', `${n}.00`],
      ]);
      const udf = mapOf([['vchnotes', ['a', 'b']]]);
      const m = mapOf([
        ['guid', `g-${n}`],
        ['billallocations.list', [inner, [mapOf([['name', 'deep']])]]],
        ['udf', udf],
      ]);
      if (n % 2) m.set('extra', n);
      return m;
    };
    for (let n = 0; n < 10; n++) {
      const got = toObject(build(n));
      const want: Record<string, unknown> = { guid: `g-${n}`, 'billallocations.list': [{ ledgername: `L${n}`, amount: `${n}.00` }, [{ name: 'deep' }]], udf: { vchnotes: ['a', 'b'] } };
      if (n % 2) want['extra'] = n;
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      expect((got['billallocations.list'] as unknown[])[0]).not.toBeInstanceOf(Map);
    }
  });

  it('a repeated key becomes a list, in the place of its first value', () => {
    const m: Rec = new Map();
    put(m, 'a', 1);
    put(m, 'b', 2);
    put(m, 'a', 3);
    put(m, 'a', 4);
    expect(JSON.stringify(toObject(m))).toBe('{"a":[1,3,4],"b":2}');
  });

  it('a key too long to keep in the tree (made-up tag names) still gives the right object', () => {
    const long = 'x'.repeat(5000);
    for (let i = 0; i < 5; i++) {
      const got = toObject(mapOf([
        ['guid', `g-${i}`],
        [long, i],
        ['name', 'n'],
      ]));
      expect(Object.keys(got)).toEqual(['guid', long, 'name']);
      expect(got[long]).toBe(i);
    }
  });

  it('more distinct sequences than are compiled still give the right objects', () => {
    for (let n = 0; n < 3000; n++) {
      const entries: Array<[string, unknown]> = [
        [`k${n}`, n],
        ['v', 'x'],
      ];
      const r1 = toObject(mapOf(entries));
      const r2 = toObject(mapOf(entries));
      const r3 = toObject(mapOf(entries));
      const r4 = toObject(mapOf(entries));
      for (const r of [r1, r2, r3, r4]) expect(JSON.stringify(r)).toBe(`{"k${n}":${n},"v":"x"}`);
    }
  });
});

describe('the Tally reader through Map records', () => {
  const LIMITS = defaultLimits();
  const rows = (xml: string) => {
    const out: Array<{ entity: string; json: string }> = [];
    let entity = '';
    const sink: RowSink = {
      beginRow: (e) => void (entity = e),
      columns: () => {},
      cells: () => {},
      record: (rec) => void out.push({ entity, json: JSON.stringify(rec) }),
      endRow: () => {},
    };
    const r = new TallyXmlReader(sink, LIMITS);
    r.feed(Buffer.from(xml));
    r.end();
    return out;
  };

  it('repeated tags, a leaf named UDF beside UDF lists, and a tag named __PROTO__ keep every value', () => {
    const v = (n: number) =>
      `<TALLYMESSAGE xmlns:UDF="TallyUDF"><VOUCHER><GUID>g-${n}</GUID><DATE>20250401</DATE><NARRATION>one</NARRATION><NARRATION>two</NARRATION><UDF>plain</UDF>` +
      `<UDF:VCHNOTES.LIST DESC="\`Notes\`" ISLIST="YES" TYPE="String"><UDF:VCHNOTES>&#4; Not Applicable</UDF:VCHNOTES></UDF:VCHNOTES.LIST><__PROTO__>kept</__PROTO__>` +
      `<ALLLEDGERENTRIES.LIST><LEDGERNAME>Cash</LEDGERNAME><AMOUNT>-5.00</AMOUNT></ALLLEDGERENTRIES.LIST><ALLLEDGERENTRIES.LIST><LEDGERNAME>Sales</LEDGERNAME><AMOUNT>5.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE>`;
    const out = rows(`<ENVELOPE><BODY><DATA>${[1, 2, 3, 4, 5].map(v).join('')}</DATA></BODY></ENVELOPE>`);
    const vouchers = out.filter((r) => r.entity === 'vouchers').map((r) => JSON.parse(r.json));
    expect(vouchers).toHaveLength(5);
    for (const [i, x] of vouchers.entries()) {
      expect(x.guid).toBe(`g-${i + 1}`);
      expect(x.narration).toEqual(['one', 'two']);
      expect(x.udf).toEqual(['plain', { vchnotes: ['Not Applicable'] }]);
      expect(x['__proto__']).toBe('kept');
      expect(Object.keys(x)).toEqual(['guid', 'date', 'narration', 'udf', '__proto__', 'voucher_key']);
    }
    // Every voucher's JSON is the same but for its GUID, whether made field by field or compiled.
    expect(new Set(out.filter((r) => r.entity === 'vouchers').map((r) => r.json.replace(/g-\d/g, 'g-N'))).size).toBe(1);
    expect(out.filter((r) => r.entity === 'voucher_ledger_entries')).toHaveLength(10);
  });
});

describe('records where code generation from strings is refused', () => {
  it('a process run with --disallow-code-generation-from-strings makes the same objects, field by field', async () => {
    const { execFileSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const mod = pathToFileURL(join(process.cwd(), 'dist', 'connector', 'formats', 'tally', 'records.js')).href;
    const script = `import { toObject } from ${JSON.stringify(mod)};
      const out = [];
      for (let i = 0; i < 6; i++) out.push(JSON.stringify(toObject(new Map([['guid', 'g-' + i], ['10', i], ['__proto__', 'kept'], ['list', [new Map([['a', 1]])]]]))));
      let refused = false;
      try { new Function('return 1'); } catch { refused = true; }
      process.stdout.write(JSON.stringify({ refused, out }));`;
    const got = JSON.parse(execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' }));
    expect(got.refused).toBe(true);
    expect(got.out).toEqual(Array.from({ length: 6 }, (_, i) => `{"10":${i},"guid":"g-${i}","__proto__":"kept","list":[{"a":1}]}`));
  });
});
