import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_ENTITY_NAMES } from '../connector/formats/tally/objects.js';
import { loadSchema, newAjv, validatorFor } from '../connector/schemas.js';
import { CORPUS, HAVE_CORPUS, cli, corpusFiles, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';
import { expectedCounts, readTallyIndependently } from './helpers/independent.js';

/** Sum of decimal strings, exactly (scaled BigInt). */
function exactSum(values: string[]): string {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  let total = 0n;
  for (const v of values) {
    const neg = v.startsWith('-');
    const [i, f = ''] = v.replace('-', '').split('.');
    const n = BigInt(i + f.padEnd(scale, '0'));
    total += neg ? -n : n;
  }
  return total.toString();
}

describe.skipIf(!HAVE_CORPUS)('the real Tally corpus', () => {
  let dir: string;
  let driftAlertsFirstRun = 0;
  let second: Awaited<ReturnType<typeof cli>>;
  const byFile = new Map<string, any[]>();

  beforeAll(async () => {
    dir = tempDir();
    mkdirSync(join(dir, 'landing'));
    for (const f of corpusFiles()) copyFileSync(join(CORPUS, f), join(dir, 'landing', f));
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, 'privacy: { clear_names: true }'));
    const r = await cli(['run', '--config', join(dir, 'c.yaml')]);
    // Only drift alerts (compatible: the files differ in the tags they carry) may be logged.
    for (const line of r.stderr.split('\n').filter(Boolean)) expect(JSON.parse(line).event).toBe('drift_alert');
    expect(r.code).toBe(0);
    expect(r.summary.files_quarantined).toBe(0);
    expect(validatorFor('metrics.schema.json')(r.summary), JSON.stringify(validatorFor('metrics.schema.json').errors)).toBe(true);
    driftAlertsFirstRun = r.summary.drift_alerts;
    second = await cli(['run', '--config', join(dir, 'c.yaml')]);
    expect(r.summary.files_processed).toBe(corpusFiles().length);
    expect(r.summary.files_failed).toBe(0);
    for (const env of readOutputs(join(dir, 'out'))) {
      const p = env.source.path as string;
      if (!byFile.has(p)) byFile.set(p, []);
      byFile.get(p)!.push(env);
    }
  });
  afterAll(() => rmrf(dir));

  it('raises only compatible drift across the corpus, and no alert at all on a second run', async () => {
    expect(driftAlertsFirstRun).toBeGreaterThan(0);
    const list = await cli(['drift', 'list', '--config', join(dir, 'c.yaml'), '--json']);
    expect(list.lines.length).toBe(driftAlertsFirstRun);
    expect(list.lines.every((a) => a.severity === 'compatible' && a.status === 'evolved')).toBe(true);
    expect(second.code).toBe(0);
    expect(second.summary).toMatchObject({ files_processed: 0, files_skipped: corpusFiles().length, drift_alerts: 0, rows_emitted: 0 });
    expect(second.stderr).toBe('');
  });

  it('emits every file', () => {
    expect([...byFile.keys()].sort()).toEqual(corpusFiles());
  });

  for (const f of corpusFiles()) {
    describe(f, () => {
      it('emits each voucher once and each unique master once (counted independently with sax)', () => {
        const exp = expectedCounts(readTallyIndependently(join(CORPUS, f)));
        const envs = byFile.get(f) ?? [];
        const vouchers = envs.filter((e) => e.entity === 'vouchers');
        expect(vouchers.length).toBe(exp.vouchers);
        expect(new Set(vouchers.map((v) => v.record.guid ?? ''))).toEqual(exp.voucherGuids);
        const masters = envs.filter((e) => MASTER_ENTITY_NAMES.has(e.entity));
        expect(masters.length).toBe(exp.masters);
        const emittedGuids = new Set(masters.map((m) => m.record.guid).filter((g) => typeof g === 'string'));
        expect(emittedGuids).toEqual(exp.masterGuids);
      });

      it("balances every voucher: its ledger entries sum to zero", () => {
        const envs = byFile.get(f) ?? [];
        const vouchers = envs.filter((e) => e.entity === 'vouchers');
        const lines = envs.filter((e) => e.entity === 'voucher_ledger_entries');
        for (const v of vouchers) {
          const mine = lines.filter((l) => l.record.voucher_guid === v.record.guid).map((l) => l.record.amount as string);
          expect(mine.length, `voucher ${v.record.guid} has ledger entries`).toBeGreaterThan(0);
          expect(exactSum(mine), `voucher ${v.record.guid}`).toBe('0');
        }
        expect(lines.every((l) => typeof l.record.amount === 'string' && /^-?\d+(\.\d+)?$/.test(l.record.amount))).toBe(true);
      });

      it('writes envelopes that match schemas/envelope.schema.json and records that match schemas/tally-streams.schema.json', () => {
        const validate = validatorFor('envelope.schema.json');
        const ajv = newAjv();
        ajv.addSchema(loadSchema('tally-streams.schema.json'));
        for (const e of byFile.get(f) ?? []) {
          const ok = validate(e);
          expect(ok, JSON.stringify(validate.errors)).toBe(true);
          const entity = ajv.getSchema(`https://tally-connector.local/schemas/tally-streams.schema.json#/definitions/${e.entity}`);
          expect(entity, `a schema for ${e.entity}`).toBeDefined();
          expect(entity!(e.record), `${e.entity}: ${JSON.stringify(entity!.errors)}`).toBe(true);
        }
      });
    });
  }

  it('gives the same records for the UTF-16 and the UTF-8 copy of the same day book', () => {
    const a = (byFile.get('Devinbeater__DayBook.xml') ?? []).map((e) => [e.entity, e.record]);
    const b = (byFile.get('Devinbeater__DayBook-utf8.xml') ?? []).map((e) => [e.entity, e.record]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(byFile.get('Devinbeater__DayBook.xml')![0].source.encoding).toBe('utf-16le');
    expect(byFile.get('Devinbeater__DayBook-utf8.xml')![0].source.encoding).toBe('utf-8');
  });

  it('normalises Tally values', () => {
    const all = [...byFile.values()].flat();
    const v = all.find((e) => e.entity === 'vouchers' && e.source.path === 'Devinbeater__DayBook.xml')!;
    expect(v.record.date).toBe('2025-08-02');
    expect(v.record.alterid).toBe(18);
    expect(v.record.isdeleted).toBe(false);
    expect(v.record.cstformissuetype).toBe('Not Applicable'); // &#4; prefix dropped
    // TallyConnector dialect: AMOUNT/AMOUNT + ISDEBIT becomes the same signed decimal as native exports.
    const sale = all.filter((e) => e.entity === 'voucher_ledger_entries' && e.record.voucher_guid === '52889497-5b6b-403d-8f83-224e3c7759b4-0000105d');
    expect(sale.map((e) => e.record.amount).sort()).toEqual(['-250000', '250000']);
    const inv = all.find((e) => e.entity === 'voucher_inventory_entries' && e.record.voucher_guid === '52889497-5b6b-403d-8f83-224e3c7759b4-0000105d')!;
    expect([inv.record.actualqty, inv.record.actualqty_unit, inv.record.rate, inv.record.rate_unit]).toEqual(['10', 'Nos', '25000.00', 'Nos']);
    // Native quantities and rates: " 11 nos", "22.00/nos".
    const jog = all.filter((e) => e.entity === 'voucher_inventory_entries' && e.source.path === 'jogsaurabh__DayBook.xml');
    expect(jog.some((e) => e.record.actualqty_unit === 'nos' && /^\d+$/.test(e.record.actualqty))).toBe(true);
    expect(jog.some((e) => e.record.rate_unit === 'nos' && e.record.rate === '22.00')).toBe(true);
    // Indian digit grouping.
    const led = all.find((e) => e.entity === 'ledgers' && e.source.path === 'Accounting-Companion__ledger_sample_data.xml' && e.record.creditlimit !== undefined && e.record.creditlimit !== null);
    expect(led?.record.creditlimit).toMatch(/^-?\d+(\.\d+)?$/);
    // Raw U+0005 in system names becomes a space; UDFs are kept.
    const jit = all.filter((e) => e.source.path === 'thejitendrapoddar__DayBook.xml');
    expect(JSON.stringify(jit)).not.toMatch(/\\u0005|\\u0004/);
    expect(jit.some((e) => e.record.udf && Object.keys(e.record.udf).length > 0)).toBe(true);
    // Escaped names keep their exact text.
    expect(all.some((e) => e.entity === 'groups' && e.record.name === 'Duties & Taxes')).toBe(true);
  });

  it('links voucher child rows to their voucher by GUID with line numbers', () => {
    const all = [...byFile.values()].flat();
    const guids = new Set(all.filter((e) => e.entity === 'vouchers').map((e) => e.record.guid));
    const children = all.filter((e) => e.entity.startsWith('voucher_') && e.entity !== 'voucher_types');
    expect(children.length).toBeGreaterThan(100);
    for (const c of children) {
      expect(guids.has(c.record.voucher_guid)).toBe(true);
      expect(Number.isInteger(c.record.line_no)).toBe(true);
    }
    const kinds = new Set(children.map((c) => c.entity));
    for (const k of ['voucher_ledger_entries', 'voucher_inventory_entries', 'voucher_batch_allocations', 'voucher_bill_allocations', 'voucher_cost_centre_allocations']) expect(kinds.has(k)).toBe(true);
  });
});
