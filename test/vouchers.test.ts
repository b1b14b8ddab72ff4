import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSchema, newAjv, validatorFor } from '../connector/schemas.js';
import { cli, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

const wrap = (body: string) => `<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDATA>${body}</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;
const msg = (o: string) => `<TALLYMESSAGE xmlns:UDF="TallyUDF">${o}</TALLYMESSAGE>`;
const line = (ledger: string, amount: string) => `<ALLLEDGERENTRIES.LIST><LEDGERNAME>${ledger}</LEDGERNAME><AMOUNT>${amount}</AMOUNT></ALLLEDGERENTRIES.LIST>`;

describe('vouchers: keys that join lines to their voucher, and whether the lines balance', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(rmrf));
  const run = async (files: Record<string, string>) => {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, 'landing', k), v);
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir));
    const r = await cli(['run', '--config', join(dir, 'c.yaml')]);
    return { r, out: readOutputs(join(dir, 'out')), again: () => cli(['run', '--config', join(dir, 'c.yaml')]) };
  };

  it('a voucher without a GUID gets a stable synthetic key that its lines carry; with a GUID the key is the GUID', async () => {
    const xml = wrap(
      msg(`<VOUCHER VCHTYPE="Journal"><DATE>20250930</DATE>${line('Cash', '-10.00')}${line('Sales', '10.00')}</VOUCHER>`) +
        msg(`<VOUCHER VCHTYPE="Journal"><GUID>g-2</GUID><DATE>20250930</DATE>${line('Cash', '-5.00')}${line('Sales', '5.00')}</VOUCHER>`),
    );
    const { r, out } = await run({ 'day.xml': xml });
    expect(r.code).toBe(0);
    const vouchers = out.filter((e) => e.entity === 'vouchers');
    const lines = out.filter((e) => e.entity === 'voucher_ledger_entries');
    expect(vouchers.map((v) => v.record.voucher_key)).toEqual([`${vouchers[0].source.file_id}.1`, 'g-2']);
    expect(vouchers[0].record.guid).toBeUndefined(); // no value the file does not hold
    expect(lines.map((l) => [l.record.voucher_key, l.record.voucher_guid])).toEqual([
      [vouchers[0].record.voucher_key, null],
      [vouchers[0].record.voucher_key, null],
      ['g-2', 'g-2'],
      ['g-2', 'g-2'],
    ]);
    // The synthetic key is the voucher row's record id without its content hash: stable for the same file.
    expect(vouchers[0].record_id.startsWith(vouchers[0].record.voucher_key + '.')).toBe(true);
    const ajv = newAjv();
    ajv.addSchema(loadSchema('tally-streams.schema.json'));
    for (const e of out) {
      const check = ajv.getSchema(`https://tally-connector.local/schemas/tally-streams.schema.json#/definitions/${e.entity}`)!;
      expect(check(e.record) || check.errors, e.entity).toBe(true);
    }
  });

  it('each voucher envelope says whether its lines balance; the summary counts the ones that do not', async () => {
    const inv = (item: string, amount: string, alloc?: string) =>
      `<ALLINVENTORYENTRIES.LIST><STOCKITEMNAME>${item}</STOCKITEMNAME><AMOUNT>${amount}</AMOUNT>${alloc ? `<ACCOUNTINGALLOCATIONS.LIST><LEDGERNAME>Sales</LEDGERNAME><AMOUNT>${alloc}</AMOUNT></ACCOUNTINGALLOCATIONS.LIST>` : ''}</ALLINVENTORYENTRIES.LIST>`;
    const xml = wrap(
      [
        `<VOUCHER><GUID>ok</GUID>${line('Cash', '-12000.00')}${line('Sales', '12000.00')}</VOUCHER>`,
        `<VOUCHER><GUID>off</GUID>${line('Cash', '-12000.00')}${line('Sales', '11999.99')}</VOUCHER>`,
        // An invoice: the sales ledger sits in the inventory entry's accounting allocation.
        `<VOUCHER><GUID>invoice</GUID>${line('Party', '-590.00')}${inv('Pipe', '590.00', '590.00')}</VOUCHER>`,
        // An inventory voucher without accounting allocations: ledger plus inventory values.
        `<VOUCHER><GUID>stock</GUID>${line('Party', '-100.50')}${inv('Pipe', '100.50')}</VOUCHER>`,
        `<VOUCHER><GUID>text</GUID>${line('Cash', 'n/a')}${line('Sales', '5.00')}</VOUCHER>`,
        `<VOUCHER><GUID>none</GUID><NARRATION>no lines</NARRATION></VOUCHER>`,
      ]
        .map(msg)
        .join(''),
    );
    const { r, out } = await run({ 'day.xml': xml });
    const q = Object.fromEntries(out.filter((e) => e.entity === 'vouchers').map((e) => [e.record.guid, e.quality]));
    expect(q).toEqual({
      ok: { balanced: true },
      off: { balanced: false, difference: '-0.01' },
      invoice: { balanced: true },
      stock: { balanced: true },
      text: { balanced: null },
      none: { balanced: null },
    });
    expect(out.filter((e) => e.entity !== 'vouchers').every((e) => e.quality === undefined)).toBe(true);
    expect(r.summary.streams['file.local.tally.xml']).toMatchObject({ vouchers_unbalanced: 1 });
    const env = validatorFor('envelope.schema.json');
    for (const e of out) expect(env(e) || env.errors).toBe(true);
  });

  it("tool counters (TallyConnector's TC_TOTALCOUNT) and report display lines are not master rows", async () => {
    const tc = `<ENVELOPE><VOUCHER><GUID>v1</GUID><DATE>2025-09-30</DATE>${line('Cash', '-1')}${line('Bank', '1')}</VOUCHER><TC_TOTALCOUNT>1</TC_TOTALCOUNT></ENVELOPE>`;
    const { r, out } = await run({ 'tc.xml': tc });
    expect(r.code).toBe(0);
    expect(out.map((e) => e.entity).sort()).toEqual(['voucher_ledger_entries', 'voucher_ledger_entries', 'vouchers']);
  });
});
