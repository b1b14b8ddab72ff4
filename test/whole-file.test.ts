import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

/** Whole-file truths: what only the end of a file can tell (cut short, every row bad, no rows). */
describe('whole-file truths', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(rmrf));
  const setup = (files: Record<string, string | Buffer>) => {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, 'landing', k), v);
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, 'privacy: { clear_names: true }'));
    return { dir, run: () => cli(['run', '--config', join(dir, 'c.yaml')]), put: (k: string, v: string) => writeFileSync(join(dir, 'landing', k), v) };
  };

  it('a CSV whose last row is cut short without a line end is a truncated transfer: failed, nothing delivered, read again once it changes', async () => {
    const t = setup({ 'trn_accounting.csv': 'guid,ledger,amount,amount_forex,currency\nv1,Cash,-100.00,,INR\nv1,Sales,100.', 'ok.csv': 'a,b\n1,2' });
    const r = await t.run();
    expect(r.code).toBe(4);
    expect(r.summary).toMatchObject({ files_processed: 1, files_failed: 1, rows_emitted: 1, rows_rejected: 0 });
    expect(r.summary.files).toEqual([expect.objectContaining({ path: 'trn_accounting.csv', status: 'failed', code: 'E_CSV_TRUNCATED', line: 3 })]);
    expect(r.summary.files[0].message).toMatch(/the last row has 3 of the 5 fields and no line end: the file looks cut short/);
    // A row with all its fields but no final line end is complete (ok.csv was delivered).
    expect(readOutputs(join(t.dir, 'out')).map((e) => e.record)).toEqual([{ a: '1', b: '2' }]);
    // The same bytes are not read again; the complete file is.
    expect((await t.run()).summary).toMatchObject({ files_processed: 0, files_skipped: 2 });
    t.put('trn_accounting.csv', 'guid,ledger,amount,amount_forex,currency\nv1,Cash,-100.00,,INR\nv1,Sales,100.00,,INR\n');
    const again = await t.run();
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ files_processed: 1, rows_emitted: 2 });
  });

  it('a quoted field cut short at the end of the file is a truncated transfer too; with a final line end it is one bad row', async () => {
    const t = setup({ 'cut.csv': 'a,b\n1,2\n3,"half a na', 'bad.csv': 'a,b\n1,2\n3,"never closed\n' });
    const r = await t.run();
    const byPath = Object.fromEntries(r.summary.files.map((f: any) => [f.path, f.code]));
    expect(byPath).toEqual({ 'cut.csv': 'E_CSV_TRUNCATED' });
    expect(r.summary).toMatchObject({ files_processed: 1, files_failed: 1, rows_emitted: 1, rows_rejected: 1 });
  });

  it('a file whose every row is rejected fails with E_CSV_REJECTED and exit 4, not status ok', async () => {
    const t = setup({ 'semicolons.csv': 'a;b;c\n1;2;3\n4;5;6\n'.replace('a;b;c', 'a,b,c') });
    const r = await t.run();
    expect(r.code).toBe(4);
    expect(r.summary.status).toBe('partial');
    expect(r.summary.files).toEqual([expect.objectContaining({ status: 'failed', code: 'E_CSV_REJECTED' })]);
    expect(r.summary.files[0].message).toMatch(/every one of its 2 rows was rejected \(the first: expected 3 fields \(as in the header\), found 1\)/);
    expect(readOutputs(join(t.dir, 'out'))).toEqual([]);
  });

  it('a file that yields no rows says why, in the summary', async () => {
    const t = setup({ 'header-only.csv': 'guid,name\n', 'report.xml': '<ENVELOPE><DSPACCNAME><DSPDISPNAME>Cash</DSPDISPNAME></DSPACCNAME></ENVELOPE>' });
    const r = await t.run();
    expect(r.code).toBe(0);
    const reasons = Object.fromEntries(r.summary.files.map((f: any) => [f.path, [f.status, f.code, f.reason]]));
    expect(reasons['header-only.csv']).toEqual(['committed', 'W_NO_ROWS', 'no rows: the CSV has a header and no rows']);
    expect(reasons['report.xml'][2]).toMatch(/^no rows: /);
  });
});
