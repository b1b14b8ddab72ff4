import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatorFor } from '../connector/schemas.js';
import { CORPUS, HAVE_CORPUS, cli, listFiles, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

const XML_A = `<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDATA>
<TALLYMESSAGE><VOUCHER VCHTYPE="Payment"><GUID>g-1</GUID><ALTERID> 5</ALTERID><DATE>20250401</DATE>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Rent</LEDGERNAME><AMOUNT>-100.00</AMOUNT></ALLLEDGERENTRIES.LIST>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Cash</LEDGERNAME><AMOUNT>100.00</AMOUNT></ALLLEDGERENTRIES.LIST>
</VOUCHER></TALLYMESSAGE>
<TALLYMESSAGE><LEDGER NAME="Rent"><GUID>m-1</GUID><ALTERID> 2</ALTERID><PARENT>Indirect Expenses</PARENT></LEDGER></TALLYMESSAGE>
<TALLYMESSAGE><LEDGER NAME="Rent"><GUID>m-1</GUID><ALTERID> 3</ALTERID><PARENT>Rent &amp; Rates</PARENT></LEDGER></TALLYMESSAGE>
</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>
`;

const CSV_OK = '\ufeffguid,ledger,amount\r\ng-1,Rent,-100.00\r\ng-1,Cash,100.00\r\n';

describe('run over a local landing', () => {
  let dir: string;
  let cfg: string;
  const landing = (...p: string[]) => join(dir, 'landing', ...p);
  const run = (...extra: string[]) => cli(['run', '--config', cfg, ...extra]);

  beforeEach(() => {
    dir = tempDir();
    mkdirSync(landing(), { recursive: true });
    cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { clear_names: true }'));
  });
  afterEach(() => rmrf(dir));

  it('is idempotent: a second run over an unchanged landing processes 0 files and emits 0 rows', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    writeFileSync(landing('trn_accounting.csv'), CSV_OK);
    const r1 = await run();
    expect(r1.code).toBe(0);
    expect(r1.summary).toMatchObject({ files_discovered: 2, files_processed: 2, files_failed: 0, rows_emitted: 6 });
    const r2 = await run();
    expect(r2.code).toBe(0);
    expect(r2.summary).toMatchObject({ files_discovered: 2, files_processed: 0, files_skipped: 2, rows_emitted: 0 });
    expect(readOutputs(join(dir, 'out'))).toHaveLength(6);
  });

  it('de-duplicates a master repeated in one file, keeping the highest ALTERID', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    await run();
    const ledgers = readOutputs(join(dir, 'out')).filter((e) => e.entity === 'ledgers');
    expect(ledgers).toHaveLength(1);
    expect(ledgers[0].record).toMatchObject({ guid: 'm-1', alterid: 3, parent: 'Rent & Rates' });
  });

  it('commits path + sha256 of the raw bytes, owner-only, after the output exists', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    await run();
    const sha = createHash('sha256').update(readFileSync(landing('a.xml'))).digest('hex');
    const streamDoc = JSON.parse(readFileSync(join(dir, 'state', 't1', 'tally_file_dump', 'file.local.tally.xml', 'stream.json'), 'utf8'));
    expect(streamDoc.last_checkpoint).toBe(`${pathToFileURL(landing('a.xml')).href}#sha256=${sha}`);
    const files = listFiles(join(dir, 'state'));
    for (const f of files) expect(statSync(f).mode & 0o077).toBe(0);
    const entry = JSON.parse(readFileSync(files.find((f) => f.includes('/files/'))!, 'utf8'));
    validateCheckpoint(entry);
    expect(entry).toMatchObject({ path: 'a.xml', status: 'committed', sha256: sha, rows: 4, size: Buffer.byteLength(XML_A) });
    expect(existsSync(new URL(entry.output.uri))).toBe(true);
    for (const f of listFiles(join(dir, 'out'))) expect(statSync(f).mode & 0o077).toBe(0);
    // No staging leftovers.
    expect(readdirSync(join(dir, 'out', '.staging'))).toEqual([]);
  });

  it('reads a file re-landed with different bytes again and records what it supersedes', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    await run();
    const oldSha = createHash('sha256').update(XML_A).digest('hex');
    const changed = XML_A.replace('-100.00', '-150.00').replace('>100.00<', '>150.00<');
    writeFileSync(landing('a.xml'), changed);
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 4 });
    const entry = JSON.parse(readFileSync(listFiles(join(dir, 'state')).find((f) => f.includes('/files/'))!, 'utf8'));
    expect(entry.supersedes[0].sha256).toBe(oldSha);
    expect(entry.sha256).toBe(createHash('sha256').update(changed).digest('hex'));
    // Both generations are in the output, under different names.
    expect(listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson'))).toHaveLength(2);
  });

  it('skips a touched file whose bytes did not change, without emitting anything', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    await run();
    const later = new Date(Date.now() + 60_000);
    utimesSync(landing('a.xml'), later, later);
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 0, files_skipped: 1, rows_emitted: 0 });
    expect(readOutputs(join(dir, 'out'))).toHaveLength(4);
  });

  it('picks up a file that lands late with a name that sorts first and an old mtime', async () => {
    writeFileSync(landing('m.xml'), XML_A);
    await run();
    writeFileSync(landing('0-early.xml'), XML_A.replace('g-1', 'g-0'));
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(landing('0-early.xml'), old, old);
    const r = await run();
    expect(r.summary).toMatchObject({ files_discovered: 2, files_processed: 1, files_skipped: 1 });
    expect(readOutputs(join(dir, 'out')).some((e) => e.record.guid === 'g-0')).toBe(true);
  });

  it('refuses Tally backups and archives with the message to restore and export them', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    writeFileSync(landing('Company.tsb'), Buffer.from([0x54, 0x53, 0x42, 0, 1, 2, 3]));
    mkdirSync(landing('10000'));
    writeFileSync(landing('10000', 'Company.900'), Buffer.alloc(64, 7));
    // An archive disguised with an .xml name is refused by its content.
    writeFileSync(landing('backup.xml'), Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(40)]));
    const r = await run();
    expect(r.code).toBe(4);
    expect(r.summary).toMatchObject({ files_processed: 1, files_refused: 3, files_failed: 0 });
    const refused = r.summary.files.filter((f: any) => f.status === 'refused');
    expect(refused.map((f: any) => f.path).sort()).toEqual(['10000/Company.900', 'Company.tsb', 'backup.xml']);
    for (const f of refused) expect(f.message).toMatch(/restore it into Tally/i);
    const again = await run();
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ files_refused: 0, files_skipped: 4 });
  });

  it('sends a malformed CSV row to the dead letter with file, line and reason; the other rows go on', async () => {
    const csv = 'guid,ledger,amount\n' + 'g-1,Rent,-100.00\n' + 'g-1,"Cash, petty",100.00,EXTRA\n' + 'g-2,"Bank ""HDFC""",5\n' + 'g-3,"ok"x,1\n' + 'g-4,Last,7\n';
    writeFileSync(landing('trn_accounting.csv'), csv);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 3, rows_rejected: 2 });
    const rows = readOutputs(join(dir, 'out')).filter((e) => e.envelope_version && e.stream_id === 'file.local.tally.csv');
    expect(rows.map((e) => e.record.guid)).toEqual(['g-1', 'g-2', 'g-4']);
    expect(rows[1].record.ledger).toBe('Bank "HDFC"');
    expect(rows.map((e) => e.source.line)).toEqual([2, 4, 6]);
    const dead = readOutputs(join(dir, 'out', '_dead_letter'));
    expect(dead).toHaveLength(2);
    const v = validatorFor('dead-letter.schema.json');
    for (const d of dead) expect(v(d), JSON.stringify(v.errors)).toBe(true);
    expect(dead[0]).toMatchObject({ line: 3, ordinal: 2, code: 'E_CSV_ROW', entity: 'trn_accounting', path: 'trn_accounting.csv' });
    expect(dead[0].reason).toMatch(/expected 3 fields.*found 4/);
    expect(dead[0].raw).toContain('EXTRA');
    expect(dead[1]).toMatchObject({ line: 5, ordinal: 4 });
    expect(dead[1].reason).toMatch(/after the closing quote/);
    expect(dead[0].file_id).toBe(rows[0].source.file_id);
    // Totals reconcile: every data row is emitted or rejected.
    expect(r.summary.rows_emitted + r.summary.rows_rejected).toBe(5);
  });

  it('fails only a truncated XML file, naming its id, line and reason; the others are delivered', async () => {
    writeFileSync(landing('good.xml'), XML_A);
    writeFileSync(landing('cut.xml'), XML_A.slice(0, XML_A.indexOf('</VOUCHER>') + 4));
    writeFileSync(landing('trn_accounting.csv'), CSV_OK);
    const r = await run();
    expect(r.code).toBe(4);
    expect(r.summary).toMatchObject({ files_processed: 2, files_failed: 1, rows_emitted: 6 });
    const failed = r.summary.files.find((f: any) => f.status === 'failed');
    expect(failed).toMatchObject({ path: 'cut.xml', code: 'E_XML_TRUNCATED' });
    expect(failed.file_id).toMatch(/^f[0-9a-f]{23}$/);
    expect(failed.line).toBeGreaterThan(0);
    expect(failed.message).toMatch(/truncated/);
    // Nothing of the cut file was delivered.
    expect(readOutputs(join(dir, 'out')).filter((e) => e.source.path === 'cut.xml')).toHaveLength(0);
    // Not retried while its bytes are the same; retried once they change.
    const again = await run();
    expect(again.summary).toMatchObject({ files_processed: 0, files_failed: 0, files_skipped: 3 });
    writeFileSync(landing('cut.xml'), XML_A.replace('g-1', 'g-9'));
    const fixed = await run();
    expect(fixed.summary).toMatchObject({ files_processed: 1, files_failed: 0 });
  });

  it('state commands: ls, show, and forget to make the next run read a failed file again', async () => {
    writeFileSync(landing('cut.xml'), XML_A.slice(0, 120));
    writeFileSync(landing('ok.xml'), XML_A);
    await run();
    const ls = await cli(['state', 'ls', '--config', cfg]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/file\.local\.tally\.xml: 2 file\(s\) \{.*\} last_checkpoint=file:\/\/.*ok\.xml#sha256=[0-9a-f]{64}/);
    expect(ls.stdout).toContain('"committed":1');
    expect(ls.stdout).toContain('"failed":1');
    const show = await cli(['state', 'show', '--config', cfg, '--stream', 'file.local.tally.xml', '--path', 'cut.xml']);
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'failed', error: { code: 'E_XML_TRUNCATED', retryable: false } });
    expect((await run()).summary).toMatchObject({ files_processed: 0, files_failed: 0 });
    const forget = await cli(['state', 'forget', '--config', cfg, '--stream', 'file.local.tally.xml', '--path', 'cut.xml']);
    expect(forget.stdout).toMatch(/forgot cut\.xml \(failed\); the next run reads it again/);
    expect((await run()).summary).toMatchObject({ files_processed: 0, files_failed: 1 });
    expect((await cli(['state', 'forget', '--config', cfg, '--stream', 'file.local.tally.xml', '--path', 'nope.xml'])).code).toBe(2);
  });

  it('names the file by hash only unless clear names are allowed', async () => {
    writeFileSync(cfg, yamlConfig(dir));
    writeFileSync(landing('secret-customer-name.xml'), XML_A.slice(0, 200));
    const r = await run();
    expect(r.code).toBe(4);
    expect(JSON.stringify(r.summary)).not.toContain('secret-customer-name');
    expect(r.stderr).not.toContain('secret-customer-name');
    expect(r.summary.files[0].file_id).toMatch(/^f[0-9a-f]{23}$/);
    // The state commands show file ids, not paths.
    const all = await cli(['state', 'show', '--config', cfg, '--stream', 'file.local.tally.xml']);
    expect(all.code).toBe(0);
    expect(all.stdout).not.toContain('secret-customer-name');
    expect(JSON.parse(all.stdout).files[0].path).toBe(`(hidden: ${r.summary.files[0].file_id})`);
    const one = await cli(['state', 'show', '--config', cfg, '--stream', 'file.local.tally.xml', '--path', 'secret-customer-name.xml']);
    expect(one.stdout).not.toContain('secret-customer-name');
  });

  it('derives file ids with a keyed hash when privacy.hash_key_env names a secret', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    const plain = (await run()).summary;
    const plainId = readOutputs(join(dir, 'out'))[0].source.file_id;
    rmrf(join(dir, 'state'));
    rmrf(join(dir, 'out'));
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { hash_key_env: TALLY_HASH_KEY }'));
    const keyed = await cli(['run', '--config', cfg], { TALLY_HASH_KEY: 'k1' });
    expect(keyed.summary.files_processed).toBe(1);
    const keyedId = readOutputs(join(dir, 'out'))[0].source.file_id;
    expect(keyedId).toMatch(/^f[0-9a-f]{23}$/);
    expect(keyedId).not.toBe(plainId);
    expect(plain.files_processed).toBe(1);
    const missing = await cli(['run', '--config', cfg]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/TALLY_HASH_KEY, which is not set/);
  });

  it('gives clear errors for an empty file, a binary file, JSON and a corrupt gzip', async () => {
    writeFileSync(landing('empty.csv'), '');
    writeFileSync(landing('bin.csv'), Buffer.from([1, 2, 0, 0, 0, 9, 0, 0, 250, 0, 0, 0, 3, 0, 0, 0, 0, 0, 7]));
    writeFileSync(landing('data.xml'), '{"not": "tally"}');
    writeFileSync(landing('x.csv.gz'), Buffer.concat([gzipSync(Buffer.from(CSV_OK)).subarray(0, 20)]));
    const r = await run();
    const byPath = Object.fromEntries(r.summary.files.map((f: any) => [f.path, f]));
    expect(byPath['empty.csv']).toMatchObject({ status: 'failed', code: 'E_FILE_EMPTY' });
    expect(byPath['bin.csv']).toMatchObject({ status: 'failed', code: 'E_FILE_BINARY' });
    expect(byPath['data.xml']).toMatchObject({ status: 'failed', code: 'E_FILE_FORMAT' });
    expect(byPath['x.csv.gz']).toMatchObject({ status: 'failed', code: 'E_FILE_FORMAT' });
    expect(r.summary.files_failed).toBe(4);
  });

  it('reads XML in UTF-16BE, Windows-1252 and gzip, and bounds hostile sizes', async () => {
    writeFileSync(landing('be.xml'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(XML_A.replace('Rent', 'Bäckerei'), 'utf16le').swap16()]));
    writeFileSync(landing('cp.xml'), Buffer.from(XML_A.replace('g-1', 'g-cp').replace('Cash', 'Caf\xe9'), 'latin1'));
    writeFileSync(landing('z.xml.gz'), gzipSync(Buffer.from(XML_A.replace('g-1', 'g-z'))));
    writeFileSync(landing('huge_row.csv'), 'a,b\n"' + 'x'.repeat(2 * 1024 * 1024) + '",1\n');
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { clear_names: true }\nlimits: { max_row_bytes: 1048576 }'));
    const r = await run();
    const rows = readOutputs(join(dir, 'out')).filter((e) => e.envelope_version);
    expect(rows.find((e) => e.source.path === 'be.xml' && e.entity === 'voucher_ledger_entries')).toMatchObject({ source: { encoding: 'utf-16be' }, record: { ledgername: 'Bäckerei' } });
    expect(rows.find((e) => e.source.path === 'cp.xml' && e.record.ledgername === 'Café')?.source.encoding).toBe('windows-1252');
    expect(rows.filter((e) => e.source.path === 'z.xml.gz' && e.entity === 'vouchers').map((e) => e.record.guid)).toEqual(['g-z']);
    const big = r.summary.files.find((f: any) => f.path === 'huge_row.csv');
    expect(big).toMatchObject({ status: 'failed', code: 'E_LIMIT' });
    expect(big.message).toMatch(/longer than 1048576 bytes/);
  });

  it('refuses a gzip bomb and masters that exceed the de-duplication budget', async () => {
    writeFileSync(landing('bomb.csv.gz'), gzipSync(Buffer.concat([Buffer.from('a\n'), Buffer.alloc(40 * 1024 * 1024, 0x61)])));
    const ledger = (i: number) => `<TALLYMESSAGE><LEDGER NAME="L${i}"><GUID>m-${i}</GUID><ADDRESS>${'x'.repeat(400)}</ADDRESS></LEDGER></TALLYMESSAGE>`;
    writeFileSync(landing('masters.xml'), `<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA>${[1, 2, 3, 4].map(ledger).join('')}</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`);
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { clear_names: true }\nlimits: { max_buffered_master_bytes: 2048 }'));
    const r = await run();
    const byPath = Object.fromEntries(r.summary.files.map((f: any) => [f.path, f]));
    expect(byPath['bomb.csv.gz']).toMatchObject({ status: 'failed', code: 'E_LIMIT' });
    expect(byPath['bomb.csv.gz'].message).toMatch(/expands more than 200x/);
    expect(byPath['masters.xml']).toMatchObject({ status: 'failed', code: 'E_LIMIT' });
    expect(byPath['masters.xml'].message).toMatch(/max_buffered_master_bytes/);
  });

  it('decompresses .gz on the fly and checksums the compressed bytes', async () => {
    const gz = gzipSync(Buffer.from(CSV_OK));
    writeFileSync(landing('trn_accounting.csv.gz'), gz);
    const r = await run();
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 2, bytes_read: gz.length });
    const entry = JSON.parse(readFileSync(listFiles(join(dir, 'state')).find((f) => f.includes('/files/'))!, 'utf8'));
    expect(entry.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
    expect(entry.encoding).toBe('utf-8+gzip');
    expect(readOutputs(join(dir, 'out')).map((e) => e.entity)).toEqual(['trn_accounting', 'trn_accounting']);
  });

  it('reads Windows-1252 and UTF-16 CSV', async () => {
    writeFileSync(landing('cp.csv'), Buffer.from('name,city\r\nCaf\xe9 Ltd,K\xf6ln\r\n', 'latin1'));
    writeFileSync(landing('u16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,city\r\nराम ट्रेडर्स,Pune\r\n', 'utf16le')]));
    await run();
    const rows = readOutputs(join(dir, 'out'));
    const cp = rows.find((e) => e.source.path === 'cp.csv');
    expect(cp.record).toEqual({ name: 'Café Ltd', city: 'Köln' });
    expect(cp.source.encoding).toBe('windows-1252');
    const u = rows.find((e) => e.source.path === 'u16.csv');
    expect(u.record).toEqual({ name: 'राम ट्रेडर्स', city: 'Pune' });
    expect(u.source.encoding).toBe('utf-16le');
  });

  it('gives the same record ids when the same bytes are read again (a crash mid-file loses nothing)', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    writeFileSync(landing('trn_accounting.csv'), CSV_OK);
    await run();
    const first = readOutputs(join(dir, 'out')).map((e) => e.record_id).sort();
    // A fresh state: as after a crash before the checkpoint was committed.
    rmrf(join(dir, 'state'));
    rmrf(join(dir, 'out'));
    await run();
    const second = readOutputs(join(dir, 'out')).map((e) => e.record_id).sort();
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('leaves files modified within the settle time for the next run', async () => {
    writeFileSync(cfg, yamlConfig(dir, 'privacy: { clear_names: true }').replace(`path: ${landing()} }`, `path: ${landing()}, settle_seconds: 3600 }`));
    writeFileSync(landing('a.xml'), XML_A);
    const r = await run();
    expect(r.summary).toMatchObject({ files_pending: 1, files_processed: 0 });
    expect(r.summary.files[0]).toMatchObject({ status: 'pending', path: 'a.xml' });
  });

  it('writes envelopes to stdout with the stdout sink, summary last', async () => {
    writeFileSync(cfg, yamlConfig(dir).replace(`sink: { type: ndjson, path: ${join(dir, 'out')} }`, 'sink: { type: stdout }'));
    writeFileSync(landing('a.xml'), XML_A);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(5);
    expect(r.lines.slice(0, 4).every((l) => l.envelope_version === 1)).toBe(true);
    expect(r.summary.rows_emitted).toBe(4);
  });

  it.skipIf(!HAVE_CORPUS)('processes only the named keys with --only (sharded workers)', async () => {
    copyFileSync(join(CORPUS, 'Devinbeater__DayBook.xml'), landing('d1.xml'));
    copyFileSync(join(CORPUS, 'Devinbeater__DayBook-utf8.xml'), landing('d2.xml'));
    const r = await run('--only', 'd2.xml');
    expect(r.summary).toMatchObject({ files_discovered: 1, files_processed: 1 });
    const r2 = await run();
    expect(r2.summary).toMatchObject({ files_discovered: 2, files_processed: 1, files_skipped: 1 });
  });

  it('splits a landing between parallel workers with --shard, each file to exactly one', async () => {
    for (let i = 0; i < 12; i++) writeFileSync(landing(`f${i}.xml`), XML_A.replace('g-1', `g-${i}`));
    const [a, b] = await Promise.all([cli(['run', '--config', cfg, '--shard', '0/2']), cli(['run', '--config', cfg, '--shard', '1/2'])]);
    expect(a.summary.files_processed + b.summary.files_processed).toBe(12);
    expect(a.summary.files_processed).toBeGreaterThan(0);
    expect(b.summary.files_processed).toBeGreaterThan(0);
    const guids = readOutputs(join(dir, 'out')).filter((e) => e.entity === 'vouchers').map((e) => e.record.guid);
    expect(new Set(guids).size).toBe(12);
    expect(guids).toHaveLength(12);
    expect((await run()).summary).toMatchObject({ files_processed: 0, files_skipped: 12 });
    expect((await cli(['run', '--config', cfg, '--shard', '2/2'])).code).toBe(2);
  });

  it('takes a worker\'s batch of keys from an environment variable (Distributed Map items)', async () => {
    writeFileSync(landing('a.xml'), XML_A);
    writeFileSync(landing('b.xml'), XML_A.replace('g-1', 'g-2'));
    writeFileSync(landing('c.xml'), XML_A.replace('g-1', 'g-3'));
    const r = await cli(['run', '--config', cfg, '--only-env', 'BATCH'], { BATCH: JSON.stringify([{ Key: 'a.xml', Size: 1 }, 'c.xml']) });
    expect(r.summary).toMatchObject({ files_discovered: 2, files_processed: 2 });
    const bad = await cli(['run', '--config', cfg, '--only-env', 'NOPE']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NOPE: the variable is not set/);
  });
});

describe('read: the stateless connector', () => {
  let dir: string;
  let cfg: string;
  beforeEach(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'landing'));
    cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, yamlConfig(dir));
    writeFileSync(join(dir, 'landing', 'a.xml'), XML_A);
    writeFileSync(join(dir, 'landing', 'trn_accounting.csv'), 'guid,ledger,amount\ng,Rent,1\nbad\n');
  });
  afterEach(() => rmrf(dir));

  it('emits records, dead letters and checkpoints as messages and writes no state', async () => {
    const r = await cli(['read', '--config', cfg]);
    expect(r.code).toBe(0);
    const types = r.lines.map((l) => l.type);
    expect(types.filter((t) => t === 'RECORD')).toHaveLength(5);
    expect(types.filter((t) => t === 'CHECKPOINT')).toHaveLength(2);
    expect(types.filter((t) => t === 'DEAD_LETTER')).toHaveLength(1);
    expect(types[types.length - 1]).toBe('SUMMARY');
    const v = validatorFor('envelope.schema.json');
    for (const l of r.lines.filter((x) => x.type === 'RECORD')) expect(v(l.record)).toBe(true);
    // Every file's records come before its checkpoint.
    const cpIndex = types.indexOf('CHECKPOINT');
    expect(types.slice(0, cpIndex).every((t) => t === 'RECORD' || t === 'DEAD_LETTER')).toBe(true);
    const cp = r.lines.find((l) => l.type === 'CHECKPOINT').checkpoint;
    expect(cp.last_checkpoint).toMatch(/#sha256=[0-9a-f]{64}$/);
    expect(existsSync(join(dir, 'state'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('skips what the orchestrator committed when given the checkpoints back with --state', async () => {
    const r1 = await cli(['read', '--config', cfg]);
    const stateFile = join(dir, 'committed.ndjson');
    writeFileSync(stateFile, r1.lines.filter((l) => l.type === 'CHECKPOINT').map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r2 = await cli(['read', '--config', cfg, '--state', stateFile]);
    expect(r2.summary).toMatchObject({ type: 'SUMMARY', files_processed: 0, files_skipped: 2, rows_emitted: 0 });
    expect(r2.lines.filter((l) => l.type === 'RECORD')).toHaveLength(0);
  });
});

function validateCheckpoint(entry: unknown): void {
  const v = validatorFor('checkpoint.schema.json');
  expect(v(entry), JSON.stringify(v.errors)).toBe(true);
}
