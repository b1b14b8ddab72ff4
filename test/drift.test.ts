import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../connector/cli.js';
import { diffShapes, mergeShapes } from '../connector/drift/diff.js';
import { validatorFor } from '../connector/schemas.js';
import { CORPUS, HAVE_CORPUS, cli, listFiles, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

const VOUCHER_HEADER = '"guid","date","voucher_type","voucher_number","narration",amount,is_invoice\r\n';
const vouchers = (n: number, from = 0, extra?: (i: number) => string) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return `"g-${i}","2025-09-${String(1 + (i % 28)).padStart(2, '0')}","Sales","${i}","Sale ${i}",${(i * 10.25).toFixed(2)},1${extra ? ',' + extra(i) : ''}\r\n`;
  }).join('');

describe('schema registry and drift', () => {
  let dir: string;
  let cfg: string;
  const landing = (...p: string[]) => join(dir, 'landing', ...p);
  const run = () => cli(['run', '--config', cfg]);
  const drift = (...args: string[]) => cli(['drift', ...args, '--config', cfg]);
  const envelopes = () => readOutputs(join(dir, 'out')).filter((e) => e.envelope_version);
  const setPolicy = (compatible: string, breaking: string) =>
    writeFileSync(
      cfg,
      yamlConfig(
        dir,
        'privacy: { clear_names: true }',
        `  - { id: file.local.tally.xml, pattern: "**/*.xml", drift: { compatible: ${compatible}, breaking: ${breaking} } }
  - { id: file.local.tally.csv, pattern: "**/*.csv", drift: { compatible: ${compatible}, breaking: ${breaking} } }`,
      ),
    );

  beforeEach(() => {
    dir = tempDir();
    mkdirSync(landing(), { recursive: true });
    cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { clear_names: true }'));
  });
  afterEach(() => rmrf(dir));

  it('registers version 1 from the first file, readable JSON Schema that validates the rows', async () => {
    writeFileSync(landing('trn_voucher.csv'), VOUCHER_HEADER + vouchers(5));
    const r = await run();
    expect(r.summary.drift_alerts).toBe(0);
    const vdoc = JSON.parse(readFileSync(listFiles(join(dir, 'state', 'schemas')).find((f) => f.endsWith('/v/000001.json'))!, 'utf8'));
    expect(vdoc).toMatchObject({ version: 1, entity: 'trn_voucher', stream_id: 'file.local.tally.csv', reason: 'first_file' });
    expect(vdoc.shape['/amount']).toMatchObject({ type: 'decimal', scale: 2, required: true });
    expect(vdoc.shape['/voucher_number']).toMatchObject({ type: 'string' }); // declared text in a loader table
    expect(vdoc.shape['/date']).toMatchObject({ type: 'date' });
    expect(vdoc.shape['/is_invoice']).toMatchObject({ type: 'boolean' });
    const { newAjv } = await import('../connector/schemas.js');
    const v = newAjv().compile(vdoc.json_schema);
    for (const e of envelopes()) {
      expect(e.schema_version).toBe(1);
      expect(v(e.record), JSON.stringify(v.errors)).toBe(true);
    }
  });

  it('a loader CSV that gains a column: compatible, a new version, envelopes carry it', async () => {
    writeFileSync(landing('trn_voucher_2025-09-01.csv'), VOUCHER_HEADER + vouchers(3));
    await run();
    writeFileSync(landing('trn_voucher_2025-09-02.csv'), VOUCHER_HEADER.replace('\r\n', ',"place_of_supply"\r\n') + vouchers(4, 3, () => '"Karnataka"'));
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 1, drift_alerts: 1, files_quarantined: 0, rows_emitted: 4 });
    const [alert] = (await drift('list', '--json')).lines;
    expect(alert).toMatchObject({ kind: 'schema_changed', entity: 'trn_voucher', severity: 'compatible', status: 'evolved', action: 'evolve', base_version: 1, resolved_version: 2 });
    expect(alert.changes).toEqual([expect.objectContaining({ kind: 'added', field: 'place_of_supply', severity: 'compatible' })]);
    // A new field's alert carries its first values, in row order, at most three.
    expect(alert.changes[0].samples).toEqual([1, 2, 3].map((row) => ({ value: 'Karnataka', type: 'string', line: row + 1, row })));
    expect(validatorFor('drift-alert.schema.json')(alert)).toBe(true);
    const byFile = (p: string) => envelopes().filter((e) => e.source.path === p);
    expect(byFile('trn_voucher_2025-09-01.csv').every((e) => e.schema_version === 1)).toBe(true);
    expect(byFile('trn_voucher_2025-09-02.csv').map((e) => e.schema_version)).toEqual([2, 2, 2, 2]);
    // The alert is also a structured log line.
    expect(r.stderr).toMatch(/"event":"drift_alert"/);
    // The file's checkpoint records the versions its rows carry.
    const entries = listFiles(join(dir, 'state', 't1')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(entries.find((e) => e.path === 'trn_voucher_2025-09-02.csv').schema_versions).toEqual({ trn_voucher: 2 });
  });

  it('the loader renaming trn_inventory_accounting to trn_inventory_additional_cost shows in the alert list', async () => {
    writeFileSync(landing('trn_inventory_accounting.csv'), 'guid,ledger,amount,additional_allocation_type\ng1,Freight,100.00,Addl. Cost\n');
    await run();
    writeFileSync(landing('trn_inventory_additional_cost.csv'), 'guid,ledger,amount,additional_allocation_type,rate_of_invoice_tax\ng2,Freight,50.00,Addl. Cost,18.00\n');
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, drift_alerts: 1, rows_emitted: 1 });
    const list = await drift('list');
    expect(list.stdout).toMatch(/\+trn_inventory_additional_cost/);
    const alert = (await drift('list', '--json')).lines[0];
    expect(alert).toMatchObject({ kind: 'entity_added', entity: 'trn_inventory_additional_cost', severity: 'compatible', renamed_from: { entity: 'trn_inventory_accounting', shared_fields: 4, of: 4 } });
    expect(alert.message).toMatch(/rename of trn_inventory_accounting.*trn_inventory_accounting stops and trn_inventory_additional_cost starts/);
  });

  it('a column that turns from number to text: breaking, quarantined whole, then accepted and delivered exactly once', async () => {
    writeFileSync(landing('sales_register_1.csv'), 'invoice,qty,value\nA-1,5,10.00\nA-2,7,12.50\n');
    await run();
    const bad = 'invoice,qty,value\n' + Array.from({ length: 50 }, (_, i) => `B-${i},${i === 49 ? 'five' : i},${i}.00`).join('\n') + '\n';
    writeFileSync(landing('sales_register_2.csv'), bad);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 0, files_quarantined: 1, drift_alerts: 1, rows_emitted: 0 });
    expect(r.summary.files[0]).toMatchObject({ status: 'quarantined', path: 'sales_register_2.csv' });
    // Not one row of the file reached the sink.
    expect(envelopes().filter((e) => e.source.path === 'sales_register_2.csv')).toHaveLength(0);
    const [alert] = (await drift('list', '--status', 'open', '--json')).lines;
    expect(alert).toMatchObject({ severity: 'breaking', status: 'open', action: 'quarantine', entity: 'sales_register' });
    expect(alert.changes).toEqual([expect.objectContaining({ kind: 'type_changed', field: 'qty', severity: 'breaking' })]);
    const show = await drift('show', alert.id);
    expect(show.stdout).toMatch(/~ type +qty +integer \(as text\), required +→ string, required +breaking/);
    expect(show.stdout).toMatch(/drift accept a-/);
    // The value that broke it, with its position: row 50 begins on line 51 (the header is line 1).
    expect(alert.changes[0].samples).toEqual([{ value: 'five', type: 'string', line: 51, row: 50 }]);
    expect(validatorFor('drift-alert.schema.json')(alert)).toBe(true);
    expect(show.stdout).toMatch(/offending values: "five" \(line 51, row 50\)/);
    expect(show.stdout).not.toMatch(/\u001b\[/); // no colour when not a terminal
    // Held on the next run until the alert is resolved.
    const held = await run();
    expect(held.summary).toMatchObject({ files_processed: 0, files_quarantined: 0, drift_alerts: 0 });
    expect(held.summary.files[0]).toMatchObject({ status: 'held' });
    const acc = await drift('accept', alert.id);
    expect(acc.code).toBe(0);
    expect(acc.stdout).toMatch(/registered file.local.tally.csv \/ sales_register version 2/);
    const after = await run();
    expect(after.summary).toMatchObject({ files_processed: 1, rows_emitted: 50, drift_alerts: 0 });
    const delivered = envelopes().filter((e) => e.source.path === 'sales_register_2.csv');
    expect(delivered).toHaveLength(50);
    expect(new Set(delivered.map((e) => e.record_id)).size).toBe(50);
    expect(delivered.every((e) => e.schema_version === 2)).toBe(true);
    const again = await run();
    expect(again.summary).toMatchObject({ files_processed: 0, rows_emitted: 0 });
    expect((await drift('list', '--json')).lines[0]).toMatchObject({ status: 'accepted', resolved_version: 2 });
  });

  it('a rejected alert keeps the file refused until its bytes change', async () => {
    writeFileSync(landing('r.csv'), 'a,b\n1,2\n');
    await run();
    writeFileSync(landing('r2.csv'), 'a\n1\n'); // column b removed: breaking
    const r = await run();
    expect(r.summary.files_quarantined).toBe(1);
    const [alert] = (await drift('list', '--json')).lines;
    expect(alert.changes[0]).toMatchObject({ kind: 'removed', field: 'b', severity: 'breaking' });
    expect((await drift('reject', alert.id)).code).toBe(0);
    const held = await run();
    expect(held.summary.files[0]).toMatchObject({ status: 'held', reason: expect.stringMatching(/rejected/) });
    writeFileSync(landing('r2.csv'), 'a,b\n1,3\n');
    const fixed = await run();
    expect(fixed.summary).toMatchObject({ files_processed: 1, rows_emitted: 1, drift_alerts: 0 });
    expect((await drift('accept', alert.id)).code).toBe(2); // already rejected
  });

  it('policy alert: the file is delivered, rows that do not fit the registered schema go to the dead letter', async () => {
    setPolicy('evolve', 'alert');
    writeFileSync(landing('m_1.csv'), 'id,qty\n1,5\n2,6\n');
    await run();
    writeFileSync(landing('m_2.csv'), 'id,qty\n3,7\n4,many\n5,8\n');
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 2, rows_rejected: 1, drift_alerts: 1 });
    const rows = envelopes().filter((e) => e.source.path === 'm_2.csv');
    expect(rows.map((e) => e.record.id)).toEqual(['3', '5']);
    expect(rows.every((e) => e.schema_version === 1)).toBe(true);
    const dead = readOutputs(join(dir, 'out', '_dead_letter'));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ code: 'E_SCHEMA', entity: 'm', line: 3, ordinal: 2 });
    expect(dead[0].reason).toMatch(/does not match schema version 1: qty must match pattern/);
    expect(JSON.parse(dead[0].raw)).toEqual({ id: '4', qty: 'many' });
    expect((await drift('list', '--json')).lines[0]).toMatchObject({ status: 'open', action: 'alert' });
  });

  it('policy fail stops the run with exit code 3', async () => {
    setPolicy('evolve', 'fail');
    writeFileSync(landing('f_1.csv'), 'id,qty\n1,5\n');
    await run();
    writeFileSync(landing('f_2.csv'), 'id,qty\n1,x\n');
    const r = await run();
    expect(r.code).toBe(3);
    expect(r.summary).toMatchObject({ status: 'drift_failed', rows_emitted: 0 });
  });

  it('policy quarantine for compatible changes holds the file too', async () => {
    setPolicy('quarantine', 'quarantine');
    writeFileSync(landing('q_1.csv'), 'id\n1\n');
    await run();
    writeFileSync(landing('q_2.csv'), 'id,extra\n1,2\n');
    const r = await run();
    expect(r.summary).toMatchObject({ files_quarantined: 1, rows_emitted: 0 });
  });

  it.skipIf(!HAVE_CORPUS)('an XML day book followed by another with extra tags: compatible, evolves', async () => {
    copyFileSync(join(CORPUS, 'khushaal-nandwani__Transactions.xml'), landing('daybook-1.xml'));
    await run();
    copyFileSync(join(CORPUS, 'Devinbeater__DayBook.xml'), landing('daybook-2.xml'));
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, files_quarantined: 0 });
    const alerts = (await drift('list', '--json')).lines;
    const v = alerts.find((a) => a.entity === 'vouchers');
    expect(v).toMatchObject({ kind: 'schema_changed', severity: 'compatible', status: 'evolved' });
    expect(v.changes.length).toBeGreaterThan(0);
    expect(v.changes.every((c: any) => c.kind === 'added')).toBe(true);
    expect(envelopes().filter((e) => e.source.path === 'daybook-2.xml' && e.entity === 'vouchers').every((e) => e.schema_version === v.resolved_version)).toBe(true);
  });

  it('UDF additions stay compatible even when a changed type of theirs would otherwise break', async () => {
    setPolicy('evolve', 'quarantine');
    const doc = (udfs: string) => `<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE><VOUCHER><GUID>v1</GUID><NARRATION>x</NARRATION>${udfs}
<ALLLEDGERENTRIES.LIST><LEDGERNAME>A</LEDGERNAME><AMOUNT>-1.00</AMOUNT></ALLLEDGERENTRIES.LIST><ALLLEDGERENTRIES.LIST><LEDGERNAME>B</LEDGERNAME><AMOUNT>1.00</AMOUNT></ALLLEDGERENTRIES.LIST>
</VOUCHER></TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;
    writeFileSync(landing('d1.xml'), doc('<UDF:PKT.LIST ISLIST="YES" TYPE="Number"><UDF:PKT> 1</UDF:PKT></UDF:PKT.LIST>'));
    await run();
    writeFileSync(landing('d2.xml'), doc('<UDF:PKT.LIST ISLIST="YES" TYPE="Number"><UDF:PKT>one</UDF:PKT></UDF:PKT.LIST><UDF:REMARK>hi</UDF:REMARK>'));
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, files_quarantined: 0, drift_alerts: 1 });
    const [a] = (await drift('list', '--json')).lines;
    expect(a.severity).toBe('compatible');
    expect(a.changes.map((c: any) => [c.kind, c.field])).toEqual(
      expect.arrayContaining([
        ['type_changed', 'udf.pkt[]'],
        ['added', 'udf.remark'],
      ]),
    );
  });

  it('read mode emits drift alerts as messages and writes no registry', async () => {
    writeFileSync(landing('x_1.csv'), 'id\n1\n');
    // Clear names: the unknown table is named after its files (x_1, x_2 → x), so both are one entity.
    writeFileSync(cfg, yamlConfig(dir, 'schema_registry: { type: local, path: ' + join(dir, 'reg') + ' }\nprivacy: { clear_names: true }'));
    await run();
    writeFileSync(landing('x_2.csv'), 'id,more\n2,3\n');
    const before = listFiles(join(dir, 'reg')).length;
    const r = await cli(['read', '--config', cfg]);
    const alerts = r.lines.filter((l) => l.type === 'DRIFT_ALERT');
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.find((a) => a.alert.entity === 'x').alert).toMatchObject({ severity: 'compatible', status: 'evolved', resolved_version: 2 });
    const rec = r.lines.find((l) => l.type === 'RECORD' && l.record.source.file_id && l.record.record.more === '3');
    expect(rec.record.schema_version).toBe(2);
    expect(listFiles(join(dir, 'reg')).length).toBe(before);
  });

  it('colours drift show on a terminal', async () => {
    writeFileSync(landing('c_1.csv'), 'id\n1\n');
    await run();
    writeFileSync(landing('c_2.csv'), 'id,more\n2,3\n');
    await run();
    const [a] = (await drift('list', '--json')).lines;
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const code = await main(['drift', 'show', a.id, '--config', cfg], { stdout: out, stderr: new PassThrough(), env: {}, color: true });
    expect(code).toBe(0);
    expect(text).toMatch(/\u001b\[32m\+ added/);
  });
});

describe('diff rules', () => {
  const f = (type: any, extra: any = {}) => ({ type, required: false, nullable: false, ...extra });
  it('classifies widening as compatible and incompatible changes as breaking', () => {
    const reg = { '/a': f('integer', { repr: 'string' }), '/b': f('decimal', { scale: 2 }), '/c': f('date'), '/k': f('string', { required: true }), '/s': f('string') };
    const file = { '/a': f('decimal', { scale: 2 }), '/b': f('integer', { repr: 'string' }), '/c': f('string'), '/s': f('integer', { repr: 'string' }), '/n': f('boolean') };
    const d = diffShapes(reg as any, file as any);
    expect(d.map((c) => [c.kind, c.field, c.severity])).toEqual([
      ['type_changed', 'a', 'compatible'],
      ['type_changed', 'c', 'breaking'],
      ['added', 'n', 'compatible'],
      ['removed', 'k', 'breaking'],
    ]);
    const m = mergeShapes(reg as any, file as any);
    expect(m['/a']).toMatchObject({ type: 'decimal', scale: 2 });
    expect(m['/c']).toMatchObject({ type: 'string' });
    expect(m['/n']).toMatchObject({ type: 'boolean', required: false });
    expect(m['/k']).toMatchObject({ required: false });
  });
});
