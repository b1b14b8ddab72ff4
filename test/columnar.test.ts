import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { ListObjectsV2Command, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoucherFactory } from '../bench/tally-data.js';
import { Rng } from '../bench/prng.js';
import { validatorFor } from '../connector/schemas.js';
import { CORPUS, HAVE_CORPUS, ROOT, cli, listFiles, readOutputs, rmrf, tempDir } from './helpers/index.js';
import { arrowToParquet, compareRows, parquetRows, query } from './helpers/columnar.js';
import { installS3Faults } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';

/**
 * Parquet and Arrow outputs, read back by readers that share no code with the writers (DuckDB; for
 * Arrow IPC, arrow-rs via parquet-wasm, then DuckDB), must equal the NDJSON output of the same input
 * row for row: the same record ids, the same values, decimals exact to the last digit, dates as dates.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach(rmrf));

/** `parquet_ranges`: Parquet with every staged log of more than 8 KiB converted in ranges on two threads. */
type Format = 'ndjson' | 'parquet' | 'arrow' | 'parquet_ranges';

function config(dir: string, landing: string, format: Format, streams: string, extra = ''): string {
  const sink =
    format === 'ndjson'
      ? `{ type: ndjson, path: ${join(dir, 'out')} }`
      : format === 'parquet_ranges'
        ? `{ type: parquet, path: ${join(dir, 'out')}, row_group_rows: 4096, parallel_min_bytes: 4096 }`
        : `{ type: ${format}, path: ${join(dir, 'out')}, row_group_rows: 4096 }`;
  const cfg = join(dir, 'c.yaml');
  writeFileSync(
    cfg,
    `tenant_id: t1
connector_id: typed
source: { type: local, path: ${landing} }
streams:
${streams}
state: { type: local, path: ${join(dir, 'state')} }
sink: ${sink}
concurrency: 1
log_level: warn
${extra}`,
  );
  return cfg;
}

/** Run the same landing into NDJSON, Parquet and Arrow (separate states, one file at a time). */
async function runAll(landing: string, streams: string, extra = ''): Promise<Record<Format, { dir: string; summary: any }>> {
  const out = {} as Record<Format, { dir: string; summary: any }>;
  for (const f of ['ndjson', 'parquet', 'arrow', 'parquet_ranges'] as const) {
    const dir = tempDir(`tc-typed-${f}-`);
    dirs.push(dir);
    const r = await cli(['run', '--config', config(dir, landing, f, streams, extra)]);
    expect(r.code, r.stderr).toBe(0);
    out[f] = { dir, summary: r.summary };
  }
  return out;
}

const byEntity = (envs: any[]) => {
  const m = new Map<string, any[]>();
  for (const e of envs) (m.get(e.entity) ?? m.set(e.entity, []).get(e.entity)!).push(e);
  return m;
};

/** Every typed output of one entity: tenant, stream, entity=<e>, date, file. */
const entityGlob = (dir: string, entity: string, ext = 'parquet') => join(dir, 'out', '*', '*', `entity=${entity}`, '*', `*.${ext}`);

/** The typed rows of one entity, read by the independent reader of the format. */
async function typedRows(dir: string, format: 'parquet' | 'arrow' | 'parquet_ranges', entity: string) {
  const ext = format === 'arrow' ? 'arrow' : 'parquet';
  const files = listFiles(join(dir, 'out')).filter((f) => f.includes(`/entity=${entity}/`) && f.endsWith(`.${ext}`));
  expect(files.length, entity).toBeGreaterThan(0);
  if (format !== 'arrow') return parquetRows(entityGlob(dir, entity));
  // arrow: each file through arrow-rs into Parquet, then all of them through DuckDB.
  const conv = join(dir, 'arrow-as-parquet', entity);
  mkdirSync(conv, { recursive: true });
  let i = 0;
  for (const f of files) {
    expect(tableFromIPC(readFileSync(f)).numRows).toBeGreaterThanOrEqual(0); // the file footer is readable too
    await arrowToParquet(f, join(conv, `${i++}.parquet`));
  }
  return parquetRows(join(conv, '*.parquet'));
}

async function expectSame(runs: Record<Format, { dir: string; summary: any }>) {
  const envelopes = readOutputs(join(runs.ndjson.dir, 'out')).filter((e) => e.envelope_version);
  expect(envelopes.length).toBeGreaterThan(0);
  const entities = byEntity(envelopes);
  for (const format of ['parquet', 'arrow', 'parquet_ranges'] as const) {
    expect(runs[format].summary.rows_emitted, format).toBe(runs.ndjson.summary.rows_emitted);
    for (const [entity, envs] of entities) {
      const typed = await typedRows(runs[format].dir, format, entity);
      const problems = compareRows(envs, typed, (k) => (['tenant_id', 'connector_id', 'stream_id', 'entity', 'record_id', 'file_id', 'ordinal', 'line', 'schema_version', 'run_id', 'emitted_at', 'quality', 'tenant', 'stream', 'run_date'].includes(k) ? `record_${k}` : k));
      expect(problems, `${format} ${entity}`).toEqual([]);
    }
  }
  return entities;
}

describe.skipIf(!HAVE_CORPUS)('typed outputs of the whole corpus', () => {
  let runs: Record<Format, { dir: string; summary: any }>;
  beforeAll(async () => {
    runs = await runAll(CORPUS, '  - { id: x, pattern: "*.xml" }');
  }, 240_000);

  it('Parquet and Arrow hold exactly what NDJSON holds, row for row, value for value', async () => {
    const entities = await expectSame(runs);
    expect(entities.size).toBeGreaterThan(8);
  }, 240_000);

  it('types come from the schema registry: decimals DECIMAL(38,s), dates DATE, booleans, 64-bit integers, JSON for lists and UDFs', async () => {
    const t = await parquetRows(entityGlob(runs.parquet.dir, 'voucher_ledger_entries'));
    expect(t.types).toMatchObject({ amount: expect.stringMatching(/^DECIMAL\(38,\d+\)$/), voucher_alterid: 'BIGINT', isdeemedpositive: 'BOOLEAN', ordinal: 'BIGINT', schema_version: 'INTEGER', emitted_at: 'TIMESTAMP WITH TIME ZONE' });
    const v = await parquetRows(entityGlob(runs.parquet.dir, 'vouchers'));
    expect(v.types).toMatchObject({ date: 'DATE', quality: 'JSON' });
    // Sums over exact decimals agree with the envelopes' decimal strings summed exactly.
    const envs = readOutputs(join(runs.ndjson.dir, 'out')).filter((e) => e.entity === 'voucher_ledger_entries' && e.record.amount != null);
    const scale = Number(/\d+\)$/.exec(t.types['amount']!)![0].slice(0, -1));
    const exact = envs.reduce((a, e) => a + BigInt(String(e.record.amount).replace('.', '').replace(/^(-?)0+(?=\d)/, '$1')) * 10n ** BigInt(scale - (String(e.record.amount).split('.')[1]?.length ?? 0)), 0n);
    const { s } = (await query(`SELECT sum(amount)::VARCHAR AS s FROM read_parquet('${entityGlob(runs.parquet.dir, 'voucher_ledger_entries')}')`)) [0] as { s: string };
    expect(BigInt(s!.replace('.', ''))).toBe(exact);
  });

  it('Hive-style partitions, one output per input file and entity, and a manifest per input file that the checkpoint points at', async () => {
    const files = listFiles(join(runs.parquet.dir, 'out')).filter((f) => !f.includes('/_dead_letter/') && !f.includes('/.staging/'));
    const data = files.filter((f) => f.endsWith('.parquet'));
    for (const f of data) expect(f).toMatch(/\/tenant=t1\/stream=x\/entity=[a-z_]+\/run_date=\d{4}-\d\d-\d\d\/f[0-9a-f]{23}\.[0-9a-f]{16}\.parquet$/);
    const manifests = files.filter((f) => f.includes('/_manifests/'));
    expect(manifests.length).toBe(runs.parquet.summary.files_processed);
    const v = validatorFor('manifest.schema.json');
    const state = listFiles(join(runs.parquet.dir, 'state')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    let listed = 0;
    for (const m of manifests) {
      const doc = JSON.parse(readFileSync(m, 'utf8'));
      expect(v(doc), JSON.stringify(v.errors)).toBe(true);
      const entry = state.find((e) => e.file_id === doc.file_id);
      expect(entry).toMatchObject({ status: 'committed', sha256: doc.input_sha256, rows: doc.rows, output: { uri: expect.stringContaining('/_manifests/') } });
      for (const o of doc.outputs) {
        expect(entry.entities[o.entity]).toBe(o.rows);
        const { n } = (await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${new URL(o.uri).pathname}')`))[0] as { n: number };
        expect(n).toBe(o.rows);
        listed++;
      }
    }
    expect(listed).toBe(data.length);
  });

  it('the Parquet outputs of the corpus take less than half the bytes of its NDJSON (memory flatness is a make bench case, not this test)', () => {
    const size = (d: string, ext: string) => listFiles(join(d, 'out')).filter((f) => f.endsWith(ext)).reduce((a, f) => a + readFileSync(f).length, 0);
    const nd = size(runs.ndjson.dir, '.ndjson');
    expect(size(runs.parquet.dir, '.parquet')).toBeLessThan(nd / 2);
  });
});

describe('typed outputs of the bench CSV (50,000 vouchers, the generator of make bench)', () => {
  let runs: Record<Format, { dir: string; summary: any }>;
  beforeAll(async () => {
    const landing = tempDir('tc-typed-csv-');
    dirs.push(landing);
    const f = new VoucherFactory(new Rng(20240401, 1), 50_000);
    const rows = [VoucherFactory.csvHeader()];
    for (let i = 0; i < 50_000; i++) rows.push(f.csvRow(f.head(i)));
    writeFileSync(join(landing, 'trn_voucher.csv'), rows.join(''));
    runs = await runAll(landing, '  - { id: c, pattern: "*.csv" }');
  }, 240_000);

  it('Parquet and Arrow equal the NDJSON output row for row', async () => {
    const entities = await expectSame(runs);
    expect(entities.get('trn_voucher')?.length).toBe(50_000);
    const t = await parquetRows(entityGlob(runs.parquet.dir, 'trn_voucher'));
    expect(t.types).toMatchObject({ date: 'DATE', is_invoice: 'BOOLEAN', voucher_number: 'VARCHAR' });
    // Converted in two ranges side by side: a short row group where the first range ends, not only at the end.
    const groups = async (dir: string) =>
      (await query(`SELECT row_group_id, any_value(row_group_num_rows)::INTEGER AS n FROM parquet_metadata('${entityGlob(dir, 'trn_voucher')}') GROUP BY 1 ORDER BY 1`)).map((r) => Number(r['n']));
    const one = await groups(runs.parquet.dir);
    expect(one.slice(0, -1).every((n) => n === 4096)).toBe(true);
    const two = await groups(runs.parquet_ranges.dir);
    expect(two.slice(0, -1).some((n) => n < 4096)).toBe(true);
    expect(two.reduce((a, n) => a + n, 0)).toBe(50_000);
  }, 240_000);
});

describe('typed values: exact decimals, dates, evolution, failures', () => {
  it('Indian-grouped, negative, 20-digit and 38-digit amounts read back exactly; dates as DATE', async () => {
    const landing = tempDir('tc-typed-dec-');
    dirs.push(landing);
    writeFileSync(
      join(landing, 'trn_accounting.csv'),
      [
        'guid,ledger,amount,amount_forex,currency',
        'g1,Cash,"20,00,000.01",0,INR',
        'g2,Bank,(-)1234.50,0,INR',
        'g3,Big,12345678901234567890.12,0,INR',
        'g4,Huge,-12345678901234567890123456789012.78,0,INR',
        'g5,Small,-0.01,0,INR',
        'g6,Empty,,0,INR',
      ].join('\n') + '\n',
    );
    writeFileSync(join(landing, 'trn_voucher.csv'), 'guid,date,voucher_type,voucher_number,reference_number,reference_date,narration,party_name,place_of_supply,is_invoice,is_accounting_voucher,is_inventory_voucher,is_order_voucher\ng1,1900-01-01,Sales,001,,2024-02-29,n,p,MH,1,0,0,0\ng2,2100-12-31,Sales,002,,,n,p,MH,0,1,0,0\n');
    const runs = await runAll(landing, '  - { id: c, pattern: "*.csv" }');
    await expectSame(runs);
    const rows = (await query(`SELECT guid, amount::VARCHAR AS a FROM read_parquet('${entityGlob(runs.parquet.dir, 'trn_accounting')}') ORDER BY guid`)) as Array<{ guid: string; a: string | null }>;
    // DECIMAL(38,6): every entity's decimals share one scale (sink decimal_scale), exact to the last digit.
    expect(rows.map((r) => r.a)).toEqual(['2000000.010000', '-1234.500000', '12345678901234567890.120000', '-12345678901234567890123456789012.780000', '-0.010000', null]);
    const dates = (await query(`SELECT date::VARCHAR AS d, reference_date::VARCHAR AS r, voucher_number AS n FROM read_parquet('${entityGlob(runs.parquet.dir, 'trn_voucher')}') ORDER BY d`)) as Array<{ d: string; r: string | null; n: string }>;
    expect(dates).toEqual([
      { d: '1900-01-01', r: '2024-02-29', n: '001' },
      { d: '2100-12-31', r: null, n: '002' },
    ]);
  }, 120_000);

  it('a schema that evolves between files gives the newer file more columns; readers union them by name', async () => {
    const dir = tempDir('tc-typed-evolve-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    const cfg = config(dir, join(dir, 'landing'), 'parquet', '  - { id: c, pattern: "*.csv", entity: things }');
    writeFileSync(join(dir, 'landing', 'a.csv'), 'id,amount\n1,10.5\n2,11.25\n');
    expect((await cli(['run', '--config', cfg])).code).toBe(0);
    writeFileSync(join(dir, 'landing', 'b.csv'), 'id,amount,colour\n3,12.125,red\n');
    const r = await cli(['run', '--config', cfg]);
    expect(r.summary).toMatchObject({ files_processed: 1, drift_alerts: 1 });
    const t = await parquetRows(entityGlob(dir, 'things'));
    // One decimal type across the files (decimal_scale 6): a reader that unions them rounds nothing.
    expect(t.types).toMatchObject({ id: 'VARCHAR', amount: 'DECIMAL(38,6)', colour: 'VARCHAR' });
    const rows = t.rows.map((x) => [x['id'], x['amount'], x['colour'], x['schema_version']]).sort();
    expect(rows).toEqual([
      ['1', '10.500000', null, '1'],
      ['2', '11.250000', null, '1'],
      ['3', '12.125000', 'red', '2'],
    ]);
    // Engines that discover Hive partitions get tenant, stream, entity and run_date as columns, and
    // they shadow no data column.
    const hive = (await query(`SELECT tenant, stream, entity, run_date::VARCHAR AS run_date, id FROM read_parquet('${entityGlob(dir, 'things')}', union_by_name = true, hive_partitioning = true) ORDER BY id`)) as Array<Record<string, string>>;
    expect(hive.map((h) => [h['tenant'], h['stream'], h['entity'], h['id']])).toEqual([
      ['t1', 'c', 'things', '1'],
      ['t1', 'c', 'things', '2'],
      ['t1', 'c', 'things', '3'],
    ]);
    expect(hive[0]!['run_date']).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('drift policy alert: rows that do not fit the registered schema go to the dead letter, the rest are typed as registered', async () => {
    const dir = tempDir('tc-typed-alert-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    const cfg = config(dir, join(dir, 'landing'), 'parquet', '  - { id: c, pattern: "*.csv", entity: things, drift: { compatible: alert, breaking: alert } }');
    writeFileSync(join(dir, 'landing', 'a.csv'), 'id,amount\n1,10.5\n');
    expect((await cli(['run', '--config', cfg])).code).toBe(0);
    writeFileSync(join(dir, 'landing', 'b.csv'), 'id,amount\n2,not a number\n3,12.25\n');
    const r = await cli(['run', '--config', cfg]);
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 1, rows_rejected: 1, drift_alerts: 1 });
    const t = await parquetRows(entityGlob(dir, 'things'));
    expect(t.types['amount']).toBe('DECIMAL(38,6)');
    expect(t.rows.map((x) => [x['id'], x['amount']]).sort()).toEqual([
      ['1', '10.500000'],
      ['3', '12.250000'],
    ]);
    const dl = readOutputs(join(dir, 'out', '_dead_letter'));
    expect(dl).toEqual([expect.objectContaining({ code: 'E_SCHEMA', entity: 'things', ordinal: 1, raw: expect.stringContaining('not a number') })]);
  });

  it('a value no column can hold exactly fails the file clearly, and nothing of it is visible', async () => {
    const dir = tempDir('tc-typed-big-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    // 34 integer digits + the 6 decimals of decimal_scale: more than DECIMAL(38) holds.
    writeFileSync(join(dir, 'landing', 'trn_accounting.csv'), 'guid,ledger,amount,amount_forex,currency\ng1,Cash,1234567890123456789012345678901234.5,0,INR\n');
    const r = await cli(['run', '--config', config(dir, join(dir, 'landing'), 'parquet', '  - { id: c, pattern: "*.csv" }')]);
    expect(r.code).toBe(4);
    expect(r.summary.files).toEqual([expect.objectContaining({ status: 'failed', code: 'E_SINK', message: expect.stringMatching(/amount: .* is not a decimal of at most 38 digits.*decimal_scale/) })]);
    expect(listFiles(join(dir, 'out')).filter((f) => !f.includes('/.staging/'))).toEqual([]);
    expect(listFiles(join(dir, 'out', '.staging'))).toEqual([]);
    // With fewer decimals it fits.
    writeFileSync(join(dir, 'c.yaml'), readFileSync(join(dir, 'c.yaml'), 'utf8').replace('row_group_rows: 4096', 'row_group_rows: 4096, decimal_scale: 2'));
    const again = await cli(['run', '--config', join(dir, 'c.yaml')]);
    expect(again.summary).toMatchObject({ files_processed: 1 });
    const { a } = (await query(`SELECT amount::VARCHAR AS a FROM read_parquet('${entityGlob(dir, 'trn_accounting')}')`))[0] as { a: string };
    expect(a).toBe('1234567890123456789012345678901234.50');
  });

  it('dead letters stay NDJSON beside typed outputs', async () => {
    const dir = tempDir('tc-typed-dl-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    writeFileSync(join(dir, 'landing', 'a.csv'), 'id,amount\n1,2\n3,4,5\n');
    const r = await cli(['run', '--config', config(dir, join(dir, 'landing'), 'parquet', '  - { id: c, pattern: "*.csv" }')]);
    expect(r.summary).toMatchObject({ rows_emitted: 1, rows_rejected: 1 });
    expect(listFiles(join(dir, 'out', '_dead_letter')).filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
  });
});

describe('typed outputs on S3 (s3rver)', () => {
  const BUCKET = 'typed-out';
  const s3 = useS3rver([BUCKET]);

  let seq = 0;
  const setup = (format: 'parquet' | 'arrow') => {
    const prefix = `${format}${++seq}`;
    const dir = tempDir('tc-typed-s3-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    const cfg = join(dir, 'c.yaml');
    writeFileSync(
      cfg,
      `tenant_id: t1
connector_id: typed
source: { type: local, path: ${join(dir, 'landing')} }
streams:
  - { id: x, pattern: "*.xml" }
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: s3, bucket: ${BUCKET}, prefix: ${prefix}/, format: ${format}, endpoint: "${s3.s3.endpoint}", force_path_style: true, allow_http_for_local_development: true }
log_level: warn
`,
    );
    return { dir, cfg, prefix: `${prefix}/` };
  };
  const keys = async (prefix: string) => ((await s3.admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();

  const DAYBOOK = `<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE><VOUCHER VCHTYPE="Sales" ACTION="Create"><GUID>g-1</GUID><ALTERID>7</ALTERID><DATE>20250930</DATE><VOUCHERTYPENAME>Sales</VOUCHERTYPENAME><VOUCHERNUMBER>1</VOUCHERNUMBER><ALLLEDGERENTRIES.LIST><LEDGERNAME>Acme</LEDGERNAME><ISDEEMEDPOSITIVE>Yes</ISDEEMEDPOSITIVE><AMOUNT>-14160.00</AMOUNT></ALLLEDGERENTRIES.LIST><ALLLEDGERENTRIES.LIST><LEDGERNAME>Sales</LEDGERNAME><ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE><AMOUNT>14160.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;

  it('one object per entity and a manifest, with server-side encryption on every request; DuckDB reads them back', async () => {
    for (const format of ['parquet', 'arrow'] as const) {
      const t = setup(format);
      writeFileSync(join(t.dir, 'landing', 'day.xml'), DAYBOOK);
      const faults = installS3Faults();
      try {
        const r = await cli(['run', '--config', t.cfg]);
        expect(r.code, r.stderr).toBe(0);
        const all = await keys(t.prefix);
        const data = all.filter((k) => k.endsWith(`.${format}`));
        expect(data.map((k) => k.replace(/run_date=[^/]+\/.*$/, ''))).toEqual([`${t.prefix}tenant=t1/stream=x/entity=voucher_ledger_entries/`, `${t.prefix}tenant=t1/stream=x/entity=vouchers/`]);
        const man = all.filter((k) => k.includes('/_manifests/'));
        expect(man).toHaveLength(1);
        const doc = JSON.parse(await (await s3.admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: man[0]! }))).Body!.transformToString());
        expect(doc).toMatchObject({ format, rows: 3, outputs: expect.arrayContaining([expect.objectContaining({ entity: 'vouchers', rows: 1 }), expect.objectContaining({ entity: 'voucher_ledger_entries', rows: 2 })]) });
        // The manifest is uploaded after every data object.
        const puts = faults.calls.filter((c) => c.purpose === 'sink' && (c.command === 'PutObject' || c.command === 'CreateMultipartUpload'));
        expect(puts.map((c) => c.key!.includes('/_manifests/'))).toEqual([false, false, true]);
        for (const c of puts) expect(c.headers['x-amz-server-side-encryption'], c.key).toBe('AES256');
        if (format === 'parquet') {
          const body = Buffer.from(await (await s3.admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: data.find((k) => k.includes('entity=voucher_ledger_entries'))! }))).Body!.transformToByteArray());
          const f = join(t.dir, 'l.parquet');
          writeFileSync(f, body);
          const rows = (await query(`SELECT amount::VARCHAR AS a FROM read_parquet('${f}') ORDER BY amount`)) as Array<{ a: string }>;
          expect(rows.map((x) => x.a)).toEqual(['-14160.000000', '14160.000000']);
        }
      } finally {
        faults.uninstall();
      }
    }
  });

  it('an upload that fails midway leaves no object, no manifest and no checkpoint; the next run delivers all', async () => {
    const t = setup('parquet');
    writeFileSync(join(t.dir, 'landing', 'day.xml'), DAYBOOK);
    // The second entity's object fails on every attempt (after the SDK's retries).
    const dataKeys: string[] = [];
    const faults = installS3Faults(({ command, key, purpose }) => {
      if (purpose !== 'sink' || command !== 'PutObject' || !key?.includes('/entity=')) return undefined;
      if (!dataKeys.includes(key)) dataKeys.push(key);
      return key === dataKeys[1] ? { kind: 'status', status: 500, code: 'InternalError' } : undefined;
    });
    let r;
    try {
      r = await cli(['run', '--config', t.cfg]);
    } finally {
      faults.uninstall();
    }
    expect(r.code).toBe(4);
    expect(r.summary.files).toEqual([expect.objectContaining({ status: 'failed', code: 'E_SINK' })]);
    // The first entity's object was uploaded, then removed again.
    expect(faults.calls.some((c) => c.command === 'PutObject' && c.key === dataKeys[0] && c.status === 200)).toBe(true);
    expect(faults.calls.some((c) => c.command === 'DeleteObject' && c.key === dataKeys[0])).toBe(true);
    expect(await keys(t.prefix)).toEqual([]);
    const state = listFiles(join(t.dir, 'state')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(state).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'E_SINK', retryable: true }) })]);
    const again = await cli(['run', '--config', t.cfg]);
    expect(again.summary).toMatchObject({ files_processed: 1, rows_emitted: 3 });
    expect((await keys(t.prefix)).filter((k) => k.endsWith('.parquet') || k.includes('_manifests'))).toHaveLength(3);
  });

  it('an S3 sink with format parquet keeps its dead letters NDJSON', async () => {
    const t = setup('parquet');
    await s3.admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'unused', Body: 'x' }));
    writeFileSync(t.cfg, readFileSync(t.cfg, 'utf8').replace('pattern: "*.xml"', 'pattern: "*.csv"'));
    writeFileSync(join(t.dir, 'landing', 'a.csv'), 'id,amount\n1,2\n3,4,5\n');
    const r = await cli(['run', '--config', t.cfg]);
    expect(r.summary).toMatchObject({ rows_emitted: 1, rows_rejected: 1 });
    const dl = (await keys(`${t.prefix}_dead_letter/`)).filter((k) => k.endsWith('.ndjson'));
    expect(dl).toHaveLength(1);
  });
});

describe('examples/parquet.yaml', () => {
  it('runs on the bundled landing as the README says, and DuckDB reads every row it delivered', async () => {
    const dir = tempDir('tc-typed-example-');
    dirs.push(dir);
    cpSync(join(ROOT, 'examples', 'landing'), join(dir, 'landing'), { recursive: true });
    cpSync(join(ROOT, 'examples', 'parquet.yaml'), join(dir, 'parquet.yaml'));
    const r = await cli(['run', '--config', join(dir, 'parquet.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary.rows_emitted).toBeGreaterThan(0);
    const manifests = listFiles(join(dir, 'out-parquet')).filter((f) => f.includes('/_manifests/'));
    expect(manifests.length).toBe(r.summary.files_processed);
    const listed = manifests.reduce((a, m) => a + JSON.parse(readFileSync(m, 'utf8')).rows, 0);
    const [row] = await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(dir, 'out-parquet')}/**/*.parquet', union_by_name = true)`);
    expect(Number(row!['n'])).toBe(r.summary.rows_emitted);
    expect(listed).toBe(r.summary.rows_emitted);
  }, 120_000);
});
