import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cli, listFiles, rmrf, tempDir } from './helpers/index.js';
import { duck } from './helpers/columnar.js';

/**
 * Change capture: successive exports in, a change stream out. The stream is applied to tables in
 * DuckDB with the rule the README gives a consumer (per file, in order: every row of an object
 * whose key appears is replaced by the rows delivered with it; a delete removes the object's rows),
 * and the tables must equal a fresh load of the latest state, row for row.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach(rmrf));

interface Ledger {
  guid: string;
  name: string;
  parent: string;
  alterid: number;
  opening?: string;
}
interface Voucher {
  guid: string;
  action?: string;
  noKey?: boolean;
  date: string; // YYYYMMDD
  alterid: number;
  number: string;
  lines: Array<{ ledger: string; amount: string }>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function envelope(company: string, body: string, statics = ''): string {
  return `<ENVELOPE>
 <HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER>
 <BODY>
  <IMPORTDATA>
   <REQUESTDESC>
    <REPORTNAME>All Masters</REPORTNAME>
    <STATICVARIABLES><SVCURRENTCOMPANY>${esc(company)}</SVCURRENTCOMPANY>${statics}</STATICVARIABLES>
   </REQUESTDESC>
   <REQUESTDATA>
${body}
   </REQUESTDATA>
  </IMPORTDATA>
 </BODY>
</ENVELOPE>
`;
}

function masters(company: string, ledgers: Ledger[]): string {
  return envelope(
    company,
    ledgers
      .map(
        (l) => `    <TALLYMESSAGE xmlns:UDF="TallyUDF">
     <LEDGER NAME="${esc(l.name)}" RESERVEDNAME="">
      <GUID>${l.guid}</GUID>
      <PARENT>${esc(l.parent)}</PARENT>
      <OPENINGBALANCE>${l.opening ?? '0.00'}</OPENINGBALANCE>
      <ALTERID> ${l.alterid}</ALTERID>
     </LEDGER>
    </TALLYMESSAGE>`,
      )
      .join('\n'),
  );
}

function daybook(company: string, vouchers: Voucher[], range?: [string, string]): string {
  return envelope(
    company,
    vouchers
      .map(
        (v) => `    <TALLYMESSAGE xmlns:UDF="TallyUDF">
     <VOUCHER${v.noKey ? '' : ` REMOTEID="${v.guid}"`} VCHTYPE="Journal" ACTION="${v.action ?? 'Create'}">
      <DATE>${v.date}</DATE>
${v.noKey ? '' : `      <GUID>${v.guid}</GUID>\n`}
      <VOUCHERTYPENAME>Journal</VOUCHERTYPENAME>
      <VOUCHERNUMBER>${v.number}</VOUCHERNUMBER>
      <ALTERID> ${v.alterid}</ALTERID>
${v.lines
  .map(
    (l) => `      <ALLLEDGERENTRIES.LIST>
       <LEDGERNAME>${esc(l.ledger)}</LEDGERNAME>
       <ISDEEMEDPOSITIVE>${l.amount.startsWith('-') ? 'Yes' : 'No'}</ISDEEMEDPOSITIVE>
       <AMOUNT>${l.amount}</AMOUNT>
      </ALLLEDGERENTRIES.LIST>`,
  )
  .join('\n')}
     </VOUCHER>
    </TALLYMESSAGE>`,
      )
      .join('\n'),
    range ? `<SVFROMDATE>${range[0]}</SVFROMDATE><SVTODATE>${range[1]}</SVTODATE>` : '',
  );
}

const G = (n: number) => `0b6f1d2e-1111-4c2a-9e55-5a1f3c7d9e01-${String(n).padStart(8, '0')}`;

function setup(streams: string): { dir: string; cfg: string } {
  const dir = tempDir('tc-changes-');
  dirs.push(dir);
  mkdirSync(join(dir, 'landing'), { recursive: true });
  const cfg = join(dir, 'c.yaml');
  writeFileSync(
    cfg,
    `tenant_id: t1
connector_id: cdc
source: { type: local, path: ./landing }
streams:
${streams}
state: { type: local, path: ./state }
sink: { type: ndjson, path: ./out }
`,
  );
  return { dir, cfg };
}

function land(dir: string, rel: string, text: string): void {
  const p = join(dir, 'landing', rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

/** Run once; the envelopes of the outputs this run added, in file order. */
async function runNew(dir: string, cfg: string, seen: Set<string>): Promise<{ summary: any; envelopes: any[][] }> {
  const r = await cli(['run', '--config', cfg]);
  expect(r.code, r.stderr).toBe(0);
  const files = listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter') && !seen.has(f));
  files.forEach((f) => seen.add(f));
  const envelopes = files.map((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  return { summary: r.summary, envelopes };
}

/** The merge rule of the README, in DuckDB: per delivered file, replace or remove each object's rows by key. */
async function applyChanges(batches: any[][]): Promise<Array<{ entity: string; rec: string }>> {
  const con = await duck();
  await con.run('CREATE OR REPLACE TABLE cur (entity VARCHAR, k VARCHAR, rec VARCHAR)');
  await con.run('CREATE OR REPLACE TABLE batch (entity VARCHAR, k VARCHAR, op VARCHAR, rec VARCHAR)');
  for (const envs of batches) {
    await con.run('DELETE FROM batch');
    for (const e of envs) {
      expect(['insert', 'update', 'delete']).toContain(e.op);
      await con.run('INSERT INTO batch VALUES ($1, $2, $3, $4)', [e.entity, e.change?.key ?? e.record_id, e.op, JSON.stringify(e.record)]);
    }
    await con.run('DELETE FROM cur WHERE k IN (SELECT k FROM batch)');
    await con.run("INSERT INTO cur SELECT entity, k, rec FROM batch WHERE op IN ('insert', 'update')");
  }
  return (await con.runAndReadAll('SELECT entity, rec FROM cur ORDER BY entity, rec')).getRowObjects() as Array<{ entity: string; rec: string }>;
}

/** A fresh load (no change capture) of one export: its rows as (entity, record). */
async function freshLoad(rel: string, text: string): Promise<Array<{ entity: string; rec: string }>> {
  const { dir, cfg } = setup('  - { id: s, pattern: "**/*" }');
  land(dir, rel, text);
  const { envelopes } = await runNew(dir, cfg, new Set());
  return envelopes
    .flat()
    .map((e) => ({ entity: e.entity as string, rec: JSON.stringify(e.record) }))
    .sort((a, b) => (a.entity + a.rec < b.entity + b.rec ? -1 : a.entity + a.rec > b.entity + b.rec ? 1 : 0));
}

const sortRows = (rows: Array<{ entity: string; rec: string }>) => [...rows].sort((a, b) => (a.entity + a.rec < b.entity + b.rec ? -1 : a.entity + a.rec > b.entity + b.rec ? 1 : 0));

describe('change capture: masters snapshots (deletes: full)', () => {
  it('inserts, updates and deletes replay to the latest snapshot; an unchanged re-export and an old export landing last emit nothing', async () => {
    const { dir, cfg } = setup('  - { id: masters, pattern: "masters/**/*.xml", changes: { deletes: full } }');
    const A = { guid: G(1), name: 'Acme Retail', parent: 'Sundry Debtors', alterid: 1 };
    const B = { guid: G(2), name: 'Bharat Steel', parent: 'Sundry Creditors', alterid: 2 };
    const C = { guid: G(3), name: 'Cash', parent: 'Cash-in-Hand', alterid: 3 };
    const D = { guid: G(4), name: 'Delta Traders', parent: 'Sundry Debtors', alterid: 11 };
    const B2 = { ...B, parent: 'Loans (Liability)', opening: '-5000.00', alterid: 10 };
    const snaps = [masters('Example Traders', [A, B, C]), masters('Example Traders', [A, B2, D]), masters('Example Traders', [A, B2, D])];
    const seen = new Set<string>();
    const batches: any[][] = [];
    const sums: any[] = [];
    for (const [i, text] of snaps.entries()) {
      land(dir, `masters/2025-09-${String(i + 1).padStart(2, '0')}.xml`, text);
      const r = await runNew(dir, cfg, seen);
      batches.push(...r.envelopes);
      sums.push(r.summary.streams.masters?.changes?.ledgers);
    }
    expect(sums[0]).toMatchObject({ inserts: 3, updates: 0, deletes: 0 });
    expect(sums[1]).toMatchObject({ inserts: 1, updates: 1, deletes: 1, unchanged: 1 });
    expect(sums[2]).toMatchObject({ inserts: 0, updates: 0, deletes: 0, unchanged: 3 });
    // The unchanged re-export is delivered as an empty output (its checkpoint still commits).
    expect(batches[2]?.length ?? 0).toBe(0);
    const upd = batches[1]!.find((e) => e.op === 'update');
    expect(upd.change).toEqual({ key: B.guid, alterid: 10, previous_alterid: 2, previous_record_id: batches[0]!.find((e) => e.change?.key === B.guid).record_id });
    const del = batches[1]!.find((e) => e.op === 'delete');
    expect(del).toMatchObject({ entity: 'ledgers', op: 'delete', change: { key: C.guid, alterid: 3 }, record: { guid: C.guid } });

    // The first snapshot again, landing last under a later name: older than the index, so stale.
    land(dir, 'masters/2025-09-09-late.xml', snaps[0]!);
    const late = await runNew(dir, cfg, seen);
    expect(late.summary.streams.masters.changes.ledgers).toMatchObject({ inserts: 0, updates: 0, deletes: 0, stale: 2 });
    batches.push(...late.envelopes);

    const merged = await applyChanges(batches);
    expect(sortRows(merged)).toEqual(await freshLoad('m.xml', snaps[2]!));

    // An operator looks a key up: its ALTERIDs over time, and which files (by id) changed it.
    const k = await cli(['state', 'key', '--config', cfg, '--stream', 'masters', '--key', B.guid]);
    expect(k.code, k.stderr).toBe(0);
    const [entry] = JSON.parse(k.stdout);
    expect(entry).toMatchObject({ entity: 'ledgers', alterid: 10, deleted: false });
    expect(entry.history.map((h: any) => h.alterid)).toEqual([2, 10]);
    expect(entry.history[1].file_id).toBe(upd.source.file_id);
    const c = await cli(['state', 'key', '--config', cfg, '--stream', 'masters', '--key', C.guid]);
    expect(JSON.parse(c.stdout)[0]).toMatchObject({ alterid: 3, deleted: true });
    expect((await cli(['state', 'key', '--config', cfg, '--stream', 'masters', '--key', 'no-such-guid'])).code).toBe(2);
  }, 120_000);

  it('one company never deletes another company\'s objects', async () => {
    const { dir, cfg } = setup('  - { id: masters, pattern: "masters/**/*.xml", changes: { deletes: full } }');
    const seen = new Set<string>();
    land(dir, 'masters/a.xml', masters('Alpha Ltd', [{ guid: G(10), name: 'L1', parent: 'Sundry Debtors', alterid: 5 }]));
    await runNew(dir, cfg, seen);
    land(dir, 'masters/b.xml', masters('Beta Ltd', [{ guid: G(20), name: 'L2', parent: 'Sundry Debtors', alterid: 9 }]));
    const r = await runNew(dir, cfg, seen);
    expect(r.summary.streams.masters.changes.ledgers).toMatchObject({ inserts: 1, deletes: 0 });
  }, 60_000);
});

describe('change capture: overlapping day books (deletes: period)', () => {
  it('a voucher and its lines replay to the latest state; deletes only inside the export\'s range', async () => {
    const { dir, cfg } = setup('  - { id: daybook, pattern: "daybook/**/*.xml", changes: { deletes: period } }');
    const V1: Voucher = { guid: G(101), date: '20250902', alterid: 100, number: 'J1', lines: [{ ledger: 'Cash', amount: '-100.00' }, { ledger: 'Sales', amount: '100.00' }] };
    const V2: Voucher = { guid: G(102), date: '20250905', alterid: 101, number: 'J2', lines: [{ ledger: 'Cash', amount: '-200.00' }, { ledger: 'Sales', amount: '200.00' }] };
    const V3: Voucher = { guid: G(103), date: '20250906', alterid: 102, number: 'J3', lines: [{ ledger: 'Bank', amount: '-300.00' }, { ledger: 'Sales', amount: '300.00' }] };
    const V2b: Voucher = { ...V2, alterid: 150, lines: [{ ledger: 'Cash', amount: '-250.00' }, { ledger: 'Sales', amount: '200.00' }, { ledger: 'Output GST', amount: '50.00' }] };
    const V4: Voucher = { guid: G(104), date: '20250912', alterid: 151, number: 'J4', lines: [{ ledger: 'Bank', amount: '-400.00' }, { ledger: 'Sales', amount: '400.00' }] };
    const files: Array<[string, string]> = [
      ['daybook/01.xml', daybook('Example Traders', [V1, V2, V3], ['20250901', '20250910'])],
      // Sep 5-15: V2 altered, V3 gone (inside the range), V4 new; V1 (Sep 2) is outside and stays.
      ['daybook/02.xml', daybook('Example Traders', [V2b, V4], ['20250905', '20250915'])],
      ['daybook/03.xml', daybook('Example Traders', [V1, V2b, V4], ['20250901', '20250915'])],
      // The first export again, landing last: V2 and V3 are older than what the index holds.
      ['daybook/04-late.xml', daybook('Example Traders', [V1, V2, V3], ['20250901', '20250910'])],
    ];
    const seen = new Set<string>();
    const batches: any[][] = [];
    const sums: any[] = [];
    for (const [rel, text] of files) {
      land(dir, rel, text);
      const r = await runNew(dir, cfg, seen);
      batches.push(...r.envelopes);
      sums.push(r.summary.streams.daybook.changes?.vouchers);
    }
    expect(sums[0]).toMatchObject({ inserts: 3 });
    expect(sums[1]).toMatchObject({ inserts: 1, updates: 1, deletes: 1 });
    expect(sums[2]).toMatchObject({ inserts: 0, updates: 0, deletes: 0, unchanged: 3 });
    expect(sums[3]).toMatchObject({ inserts: 0, updates: 0, deletes: 0, stale: 2, unchanged: 1 });
    // An updated voucher comes with all its lines, each carrying the voucher's change.
    const lines = batches[1]!.filter((e) => e.entity === 'voucher_ledger_entries' && e.change.key === V2.guid);
    expect(lines.map((e) => e.op)).toEqual(['update', 'update', 'update']);
    const merged = await applyChanges(batches);
    expect(sortRows(merged)).toEqual(await freshLoad('d.xml', daybook('Example Traders', [V1, V2b, V4], ['20250901', '20250915'])));
  }, 120_000);

  it('a voucher marked deleted in the export is a delete; the same ALTERID with other content is a flagged update; a voucher without a key is an insert, counted', async () => {
    const { dir, cfg } = setup('  - { id: daybook, pattern: "daybook/**/*.xml", changes: { deletes: none } }');
    const seen = new Set<string>();
    const V: Voucher = { guid: G(301), date: '20250903', alterid: 40, number: 'J1', lines: [{ ledger: 'Cash', amount: '-5.00' }, { ledger: 'Sales', amount: '5.00' }] };
    const W: Voucher = { guid: G(302), date: '20250904', alterid: 41, number: 'J2', lines: [{ ledger: 'Cash', amount: '-6.00' }, { ledger: 'Sales', amount: '6.00' }] };
    const N: Voucher = { guid: 'none', noKey: true, date: '20250904', alterid: 42, number: 'J3', lines: [{ ledger: 'Cash', amount: '-7.00' }, { ledger: 'Sales', amount: '7.00' }] };
    land(dir, 'daybook/1.xml', daybook('T', [V, W, N]));
    const a = await runNew(dir, cfg, seen);
    expect(a.summary.streams.daybook.changes.vouchers).toMatchObject({ inserts: 2, unkeyed: 1 });
    expect(a.envelopes.flat().filter((e) => e.entity === 'vouchers').map((e) => e.op)).toEqual(['insert', 'insert', 'insert']);
    land(dir, 'daybook/2.xml', daybook('T', [{ ...V, action: 'Delete', alterid: 43 }, { ...W, number: 'J2-edited' }]));
    const b = await runNew(dir, cfg, seen);
    expect(b.summary.streams.daybook.changes.vouchers).toMatchObject({ deletes: 1, updates: 1 });
    const envs = b.envelopes.flat();
    expect(envs.filter((e) => e.change?.key === V.guid).map((e) => [e.op, e.entity])).toEqual([['delete', 'vouchers']]);
    expect(envs.find((e) => e.entity === 'vouchers' && e.change?.key === W.guid).change).toMatchObject({ alterid: 41, previous_alterid: 41, flag: 'same_alterid_different_content' });
  }, 60_000);

  it('the same sequence of files always gives the same change stream, with the same record ids', async () => {
    const V: Voucher = { guid: G(201), date: '20250903', alterid: 7, number: 'J9', lines: [{ ledger: 'Cash', amount: '-1.00' }, { ledger: 'Sales', amount: '1.00' }] };
    const streams: string[][] = [];
    const { dir, cfg } = setup('  - { id: daybook, pattern: "daybook/**/*.xml", changes: { deletes: period } }');
    for (let k = 0; k < 2; k++) {
      // The same landing from scratch: a fresh state and output, the same files landed in turn.
      for (const d of ['state', 'out', 'landing']) rmrf(join(dir, d));
      const seen = new Set<string>();
      const ids: string[] = [];
      land(dir, 'daybook/1.xml', daybook('X', [V]));
      ids.push(...(await runNew(dir, cfg, seen)).envelopes.flat().map((e) => `${e.op}:${e.record_id}`));
      land(dir, 'daybook/2.xml', daybook('X', [{ ...V, alterid: 8, number: 'J9a' }]));
      ids.push(...(await runNew(dir, cfg, seen)).envelopes.flat().map((e) => `${e.op}:${e.record_id}`));
      streams.push(ids);
    }
    expect(streams[0]!.length).toBeGreaterThan(3);
    expect(streams[1]).toEqual(streams[0]);
  }, 60_000);
});

describe('change capture: loader CSV tables', () => {
  it('mst_ledger and trn_voucher snapshots (guid, alterid) replay to the latest snapshot', async () => {
    const { dir, cfg } = setup('  - { id: loader, pattern: "csv/**/*.csv", changes: { deletes: full } }');
    const ledgers = (rows: string[][]) => ['guid,name,parent,alterid', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
    const vouchers = (rows: string[][]) => ['guid,alterid,date,voucher_type,voucher_number,narration', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
    const snaps = [
      { l: ledgers([[G(1), 'Cash', 'Cash-in-Hand', '1'], [G(2), 'Sales', 'Sales Accounts', '2']]), v: vouchers([[G(50), '10', '2025-09-01', 'Sales', 'S1', 'first'], [G(51), '11', '2025-09-02', 'Sales', 'S2', 'second']]) },
      { l: ledgers([[G(1), 'Cash', 'Cash-in-Hand', '1'], [G(3), 'Bank', 'Bank Accounts', '12']]), v: vouchers([[G(50), '13', '2025-09-01', 'Sales', 'S1', '"first, corrected"'], [G(52), '14', '2025-09-03', 'Sales', 'S3', 'third']]) },
      { l: ledgers([[G(1), 'Cash', 'Cash-in-Hand', '1'], [G(3), 'Bank', 'Bank Accounts', '12']]), v: vouchers([[G(50), '13', '2025-09-01', 'Sales', 'S1', '"first, corrected"'], [G(52), '14', '2025-09-03', 'Sales', 'S3', 'third']]) },
    ];
    const seen = new Set<string>();
    const batches: any[][] = [];
    for (const [i, s] of snaps.entries()) {
      land(dir, `csv/${i}/mst_ledger.csv`, s.l);
      land(dir, `csv/${i}/trn_voucher.csv`, s.v);
      const r = await runNew(dir, cfg, seen);
      batches.push(...r.envelopes);
      if (i === 1) {
        expect(r.summary.streams.loader.changes.mst_ledger).toMatchObject({ inserts: 1, deletes: 1, unchanged: 1 });
        expect(r.summary.streams.loader.changes.trn_voucher).toMatchObject({ inserts: 1, updates: 1, deletes: 1 });
      }
      if (i === 2) expect(r.summary.rows_emitted).toBe(0);
    }
    const merged = await applyChanges(batches);
    const fresh = [...(await freshLoad('x/mst_ledger.csv', snaps[2]!.l)), ...(await freshLoad('x/trn_voucher.csv', snaps[2]!.v))];
    expect(sortRows(merged)).toEqual(sortRows(fresh));
  }, 120_000);
});

describe('change capture: crash safety', () => {
  it('a run cut short after its index was written and before its checkpoint replays the same changes with the same ids', async () => {
    const { dir, cfg } = setup('  - { id: masters, pattern: "masters/**/*.xml", changes: { deletes: full } }');
    const seen = new Set<string>();
    const L = (n: number, a: number, parent = 'Sundry Debtors') => ({ guid: G(n), name: `L${n}`, parent, alterid: a });
    land(dir, 'masters/1.xml', masters('Example Traders', [L(1, 1), L(2, 2), L(3, 3)]));
    await runNew(dir, cfg, seen);
    // Keep the registry as it is before the second file, then deliver it to the end.
    const before = new Map(listFiles(join(dir, 'state')).filter((f) => f.includes('/files/')).map((f) => [f, readFileSync(f)]));
    land(dir, 'masters/2.xml', masters('Example Traders', [L(1, 1), L(2, 9, 'Sundry Creditors'), L(4, 10)]));
    const first = await runNew(dir, cfg, seen);
    const out = listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter'));
    // What a consumer keys on: record ids, ops, changes and records (run_id and emitted_at are the run's).
    const content = () => out.map((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((e) => [e.record_id, e.op, e.change, e.record]));
    const delivered = content();
    // The checkpoint is lost (as if the process died after the index write), the index is kept.
    for (const f of listFiles(join(dir, 'state')).filter((f) => f.includes('/files/'))) if (!before.has(f)) rmrf(f);
    for (const [f, b] of before) writeFileSync(f, b);
    const again = await cli(['run', '--config', cfg]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary.files_processed).toBe(1);
    expect(again.summary.streams.masters.changes.ledgers).toEqual(first.summary.streams.masters.changes.ledgers);
    expect(content()).toEqual(delivered);
    expect(first.summary.streams.masters.changes.ledgers).toMatchObject({ inserts: 1, updates: 1, deletes: 1, unchanged: 1 });
  }, 60_000);

  it('SIGKILL at random moments over a sequence of day books, then run to completion: the de-duplicated change stream gives the same tables', async () => {
    const { spawn } = await import('node:child_process');
    const BIN = join(ROOT, 'bin', 'tally-connector.mjs');
    const { dir, cfg } = setup('  - { id: daybook, pattern: "daybook/**/*.xml", changes: { deletes: period } }');
    const day = (i: number) => `202509${String((i % 28) + 1).padStart(2, '0')}`;
    const v = (i: number, a: number, amt: number): Voucher => ({ guid: G(1000 + i), date: day(i), alterid: a, number: `J${i}`, lines: [{ ledger: 'Cash', amount: `-${amt}.00` }, { ledger: 'Sales', amount: `${amt}.00` }] });
    const f1 = Array.from({ length: 1200 }, (_, i) => v(i, 1000 + i, 100 + i));
    const f2 = [...f1.filter((_, i) => i % 20 !== 3).map((x, i) => (i % 10 === 0 ? { ...x, alterid: x.alterid + 5000, lines: [...x.lines, { ledger: 'Round Off', amount: '0.00' }] } : x)), ...Array.from({ length: 150 }, (_, i) => v(1200 + i, 7000 + i, 50))];
    const files: Array<[string, string]> = [
      ['daybook/1.xml', daybook('T', f1, ['20250901', '20250930'])],
      ['daybook/2.xml', daybook('T', f2, ['20250901', '20250930'])],
      ['daybook/3.xml', daybook('T', f2, ['20250901', '20250930'])],
      ['daybook/4-late.xml', daybook('T', f1, ['20250901', '20250930'])],
    ];
    let s = 20261202;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const runKilled = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'run', '--config', cfg], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } });
        let killed = false;
        const t = setTimeout(() => (killed = child.kill('SIGKILL')), ms);
        child.on('exit', (code) => {
          clearTimeout(t);
          resolve(killed && code === null);
        });
      });
    let kills = 0;
    const order: string[] = [];
    for (const [rel, text] of files) {
      land(dir, rel, text);
      for (let k = 0; k < 6; k++) if (await runKilled(60 + Math.floor(rand() * 700))) kills++;
      const r = await cli(['run', '--config', cfg]);
      expect(r.code, r.stderr).toBe(0);
      for (const f of listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter')).sort()) if (!order.includes(f)) order.push(f);
    }
    console.log(`change capture crash suite: ${kills} kills over ${files.length} files`);
    expect(kills).toBeGreaterThanOrEqual(10);
    // Outputs in the order their files were applied; an envelope delivered twice counts once.
    const ids = new Set<string>();
    const batches = order.map((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((e) => !ids.has(e.record_id) && ids.add(e.record_id)),
    );
    const merged = await applyChanges(batches);
    expect(sortRows(merged)).toEqual(await freshLoad('d.xml', files[1]![1]));
  }, 300_000);
});

describe('change capture: config', () => {
  it('a stream with changes and a Parquet sink is refused at config load, saying why', async () => {
    const dir = tempDir('tc-changes-cfg-');
    dirs.push(dir);
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, 'tenant_id: t1\nconnector_id: c\nsource: { type: local, path: ./l }\nstreams:\n  - { id: m, pattern: "*.xml", changes: { deletes: full } }\nstate: { type: local, path: ./s }\nsink: { type: parquet, path: ./o }\n');
    const r = await cli(['check', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stream "m" has changes, which only NDJSON outputs carry/);
    writeFileSync(cfg, 'tenant_id: t1\nconnector_id: c\nsource: { type: local, path: ./l }\nstreams:\n  - { id: m, pattern: "*.xml", changes: { deletes: sometimes } }\nstate: { type: local, path: ./s }\nsink: { type: ndjson, path: ./o }\n');
    const bad = await cli(['check', '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/streams\[0\]\.changes\.deletes/);
  });
});

describe('change capture: the key index partition (columnar)', () => {
  it('reads the object-per-key layout of earlier versions, keeps baselines and history as they were, and writes columns', async () => {
    const { Partition } = await import('../state/change-index.js');
    const v1 = {
      v: 1 as const,
      keys: {
        'g-1': { a: 7, h: '0000abcd', r: 'f1.2.0000abcd', dt: '2025-04-01', g: 'fA.s1', p: { a: 5, h: '00000001', r: 'f0.2.00000001' }, hist: [['f0.s0', 5, 'upsert'], ['fA.s1', 7, 'upsert']] as Array<[string, number | null, string]> },
        'g-2': { a: null, h: 'ffffffff', r: 'f1.3.ffffffff', d: true as const, g: 'fB.s2', p: null, hist: [['fB.s2', null, 'delete']] as Array<[string, number | null, string]> },
      },
    };
    const part = Partition.from(v1);
    expect(part.size).toBe(2);
    expect(part.entry(part.find('g-1'))).toEqual({ ...v1.keys['g-1'] });
    expect(part.entry(part.find('g-2'))).toEqual({ a: null, h: 'ffffffff', r: 'f1.3.ffffffff', d: true, g: 'fB.s2', p: null, hist: [['fB.s2', null, 'delete']] });
    // The generation that wrote an entry compares with what was there before it; any other with the entry.
    expect(part.baseline(part.find('g-1'), 'fA.s1')).toEqual({ a: 5, h: '00000001', r: 'f0.2.00000001' });
    expect(part.baseline(part.find('g-1'), 'fC.s3')).toEqual({ a: 7, h: '0000abcd', r: 'f1.2.0000abcd', dt: '2025-04-01' });
    expect(part.baseline(part.find('nope'), 'fC.s3')).toBeUndefined();

    // A new generation: the old entry becomes its baseline, its step joins the history.
    part.write('g-1', 'fC.s3', { a: 9, h: '12345678', r: 'f2.2.12345678', dt: '2025-04-02' });
    // The same generation again (a replay after a crash): its own step is replaced, the baseline kept.
    part.write('g-1', 'fC.s3', { a: 9, h: '12345679', r: 'f2.2.12345679', dt: '2025-04-02' });
    part.write('g-3', 'fC.s3', { a: 1, h: '00000003', r: 'f2.9.00000003' });
    const doc = part.toDoc();
    expect(doc.v).toBe(2);
    expect([...doc.gens].sort()).toEqual(['f0.s0', 'fA.s1', 'fB.s2', 'fC.s3']);
    const again = Partition.from(JSON.parse(JSON.stringify(doc)));
    expect(again.entry(again.find('g-1'))).toEqual({ a: 9, h: '12345679', r: 'f2.2.12345679', dt: '2025-04-02', g: 'fC.s3', p: { a: 7, h: '0000abcd', r: 'f1.2.0000abcd', dt: '2025-04-01' }, hist: [['f0.s0', 5, 'upsert'], ['fA.s1', 7, 'upsert'], ['fC.s3', 9, 'upsert']] });
    expect(again.entry(again.find('g-3'))).toMatchObject({ a: 1, g: 'fC.s3', p: null, hist: [['fC.s3', 1, 'upsert']] });
    expect(again.baseline(again.find('g-3'), 'fC.s3')).toBeUndefined();
    // The history is bounded.
    for (let i = 0; i < 30; i++) again.write('g-3', `fX.s${i}`, { a: 10 + i, h: '00000003', r: 'r' });
    const hist = again.entry(again.find('g-3')).hist!;
    expect(hist).toHaveLength(20);
    expect(hist[19]).toEqual(['fX.s29', 39, 'upsert']);
    // Generations no entry or history refers to any more are not kept.
    const gens = again.toDoc().gens;
    expect(gens).not.toContain('fX.s9');
    expect(gens).toContain('fX.s10');
  });
});
