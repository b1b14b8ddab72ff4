import { copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, ROOT, cli, corpusFiles, listFiles, readOutputs, rmrf, tempDir, defaultLimits } from './helpers/index.js';
import type { PipelineSpec } from '../connector/run/pipeline.js';
import { WorkerPool, type RangeStage } from '../connector/run/worker-pool.js';

/**
 * Parsing threads (`workers`): a run over several files spreads them over worker threads; what it
 * delivers is what one thread delivers, record for record, bad files and dead letters included.
 * The worker runs the build (dist/), which `make test` makes first.
 */

if (!HAVE_CORPUS) console.warn('workers.test.ts: the Tally corpus is absent: the corpus comparison is skipped');

function config(dir: string, landing: string, workers: number | 'auto', extra: Record<string, unknown> = {}): string {
  const file = join(dir, `c-${workers}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      tenant_id: 't1',
      connector_id: 'c',
      source: { type: 'local', path: landing },
      streams: [
        { id: 'xml', pattern: '**/*.xml' },
        { id: 'csv', pattern: '**/*.csv' },
      ],
      state: { type: 'local', path: join(dir, `state-${workers}`) },
      sink: { type: 'ndjson', path: join(dir, `out-${workers}`) },
      dead_letter: { path: join(dir, `dl-${workers}`) },
      log_level: 'warn',
      concurrency: 4,
      workers,
      ...extra,
    }),
  );
  return file;
}

/** What a record is, whichever thread parsed it (the schema version stamped depends on which file registered first). */
const view = (e: any) => JSON.stringify([e.record_id, e.entity, e.source, e.record, e.op ?? null, e.change ?? null]);

describe('workers: files parsed on several threads', () => {
  let dir: string;
  let landing: string;
  beforeAll(() => {
    dir = tempDir();
    landing = join(dir, 'landing');
    mkdirSync(landing);
    if (HAVE_CORPUS) for (const f of corpusFiles()) copyFileSync(join(CORPUS, f), join(landing, f));
    copyFileSync(join(ROOT, 'examples', 'landing', 'csv', 'trn_voucher.csv'), join(landing, 'trn_voucher.csv'));
    // A CSV with a row of the wrong width (a dead letter), and an XML file cut short (the file fails).
    writeFileSync(join(landing, 'mst_ledger.csv'), 'guid,name,parent\ng1,Cash,Cash-in-Hand\ng2,"Bank",Bank Accounts,extra\ng3,Sales,Sales Accounts\n');
    writeFileSync(join(landing, 'broken.xml'), '<ENVELOPE><BODY><DATA><TALLYMESSAGE><VOUCHER><GUID>x</GUID><DATE>20240401</DATE>\n<AMOUNT>1</AMOUN></VOUCHER>');
  });
  afterAll(() => rmrf(dir));

  it('two threads deliver what one thread delivers: the same records, ids and values, the same dead letters, the same failure at the same position', async () => {
    const one = await cli(['run', '--config', config(dir, landing, 1)]);
    const two = await cli(['run', '--config', config(dir, landing, 2)]);
    expect(one.summary.workers).toBe(1);
    expect(two.summary.workers).toBe(2);
    for (const s of [one.summary, two.summary]) expect(s.files_failed).toBe(1);
    expect(two.summary.files_processed).toBe(one.summary.files_processed);
    expect(two.summary.rows_emitted).toBe(one.summary.rows_emitted);
    expect(two.summary.rows_rejected).toBe(1);
    expect(one.summary.rows_rejected).toBe(1);
    const a = readOutputs(join(dir, 'out-1')).map(view).sort();
    const b = readOutputs(join(dir, 'out-2')).map(view).sort();
    expect(a.length).toBe(one.summary.rows_emitted);
    expect(b).toEqual(a);
    const failed = (s: any) => s.files.filter((f: any) => f.status === 'failed').map((f: any) => [f.code, f.line, f.offset, f.reason]);
    expect(failed(two.summary)).toEqual(failed(one.summary));
    expect(failed(two.summary)[0]![0]).toMatch(/^E_/);
    const dl = (w: number) => readOutputs(join(dir, `dl-${w}`)).map((d) => [d.code, d.line, d.reason, d.raw]);
    expect(dl(2)).toEqual(dl(1));
    expect(dl(2)).toHaveLength(1);
  });

  it('change capture on threads: the same ops and changes as on one thread, file after file', async () => {
    const streams = [{ id: 'xml', pattern: '**/*.xml', changes: { deletes: 'none' } }];
    const one = await cli(['run', '--config', config(dir, landing, 1, { streams, state: { type: 'local', path: join(dir, 'cstate-1') }, sink: { type: 'ndjson', path: join(dir, 'cout-1') } })]);
    const two = await cli(['run', '--config', config(dir, landing, 2, { streams, state: { type: 'local', path: join(dir, 'cstate-2') }, sink: { type: 'ndjson', path: join(dir, 'cout-2') } })]);
    expect(two.summary.workers).toBe(2);
    expect(two.summary.streams.xml.changes).toEqual(one.summary.streams.xml.changes);
    const a = readOutputs(join(dir, 'cout-1')).map(view).sort();
    const b = readOutputs(join(dir, 'cout-2')).map(view).sort();
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(readOutputs(join(dir, 'cout-2')).every((e) => typeof e.op === 'string')).toBe(true);
  });

  it('files parsed on threads start largest first; on one thread, in the order of the plan (mtime, path)', async () => {
    const land = join(dir, 'sizes');
    mkdirSync(land);
    const rows = (n: number) => 'guid,name,parent\n' + Array.from({ length: n }, (_, i) => `g${i},Ledger ${i},Sundry Debtors`).join('\n') + '\n';
    // Oldest first in the plan: the small file, then the middle one, then the big one.
    const files: Array<[string, number]> = [['a_small.csv', 10], ['b_middle.csv', 2000], ['c_big.csv', 20000]];
    files.forEach(([name, n], i) => {
      writeFileSync(join(land, name), rows(n));
      const t = new Date(Date.UTC(2025, 0, 1 + i));
      utimesSync(join(land, name), t, t);
    });
    const started = async (workers: number) => {
      const r = await cli(['run', '--config', config(dir, land, workers, { concurrency: 2, log_level: 'info', privacy: { clear_names: true }, state: { type: 'local', path: join(dir, `sizes-state-${workers}`) }, sink: { type: 'ndjson', path: join(dir, `sizes-out-${workers}`) } })], { LOG_LEVEL: 'info' });
      expect(r.code).toBe(0);
      expect(r.summary.files_processed).toBe(3);
      expect(r.summary.workers).toBe(workers);
      return r.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .filter((e) => e.event === 'file_started')
        .map((e) => e.path);
    };
    expect(await started(2)).toEqual(['c_big.csv', 'b_middle.csv', 'a_small.csv']);
    expect(await started(1)).toEqual(['a_small.csv', 'b_middle.csv', 'c_big.csv']);
  });

  it('large outputs (written with O_DIRECT by the threads and by the main thread) are what one thread writes, byte for byte', async () => {
    const land = join(dir, 'large');
    mkdirSync(land);
    const rows = (tag: string, n: number) => 'guid,name,parent,narration\n' + Array.from({ length: n }, (_, i) => `${tag}${i},Ledger ${i},Sundry Debtors,"Being entry ${i}, ""quoted"" and long enough to make the envelope bigger"`).join('\n') + '\n';
    writeFileSync(join(land, 'mst_ledger_a.csv'), rows('a', 40_000));
    writeFileSync(join(land, 'mst_ledger_b.csv'), rows('b', 41_000));
    const out = async (workers: number) => {
      const r = await cli(['run', '--config', config(dir, land, workers, { concurrency: 2, state: { type: 'local', path: join(dir, `large-state-${workers}`) }, sink: { type: 'ndjson', path: join(dir, `large-out-${workers}`) } })]);
      expect(r.code).toBe(0);
      expect(r.summary.workers).toBe(workers);
      const files = listFiles(join(dir, `large-out-${workers}`)).filter((f) => f.endsWith('.ndjson')).sort();
      // Every output past the direct threshold (8 MiB), the same bytes but for the run's id and time.
      for (const f of files) expect(statSync(f).size).toBeGreaterThan(8 << 20);
      return files.map((f) => readFileSync(f, 'utf8').replace(/"run_id":"[^"]*","emitted_at":"[^"]*"/g, ''));
    };
    const one = await out(1);
    const two = await out(2);
    expect(one).toHaveLength(2);
    expect(two).toEqual(one);
    expect(one.map((t) => t.split('\n').length - 1).sort()).toEqual([40_000, 41_000]);
  });

  it('chunks go to the threads through shared slots written again and again: inputs many times their size, with rows and a 1.5 MB value cut at chunk ends, give what one thread gives', async () => {
    const land = join(dir, 'slots');
    mkdirSync(land);
    // About 8 MB of CSV: quoted fields with commas, doubled quotes and line breaks, so rows are cut anywhere.
    const csvRows = Array.from({ length: 90_000 }, (_, i) => `g${i},"Ledger ${i}, ""q""",Sundry Debtors,"line one\r\nline two ${'x'.repeat(i % 40)}"`);
    writeFileSync(join(land, 'mst_ledger.csv'), 'guid,name,parent,narration\r\n' + csvRows.join('\r\n') + '\r\n');
    // About 10 MB of XML, one voucher's narration 1.5 MB long (a token longer than a slot).
    const voucher = (i: number, narration: string) =>
      `<TALLYMESSAGE><VOUCHER VCHTYPE="Journal"><GUID>v-${i}</GUID><DATE>20250401</DATE><NARRATION>${narration}</NARRATION>` +
      `<ALLLEDGERENTRIES.LIST><LEDGERNAME>Cash &amp; Bank ${i}</LEDGERNAME><AMOUNT>-${i}.50</AMOUNT></ALLLEDGERENTRIES.LIST>` +
      `<ALLLEDGERENTRIES.LIST><LEDGERNAME>Sales</LEDGERNAME><AMOUNT>${i}.50</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE>\n`;
    const vouchers = Array.from({ length: 30_000 }, (_, i) => voucher(i, i === 12_345 ? 'long '.repeat(300_000) : `Being entry ${i} ${'y'.repeat(i % 50)}`));
    writeFileSync(join(land, 'daybook.xml'), `<ENVELOPE><BODY><DATA>\n${vouchers.join('')}</DATA></BODY></ENVELOPE>\n`);
    expect(statSync(join(land, 'mst_ledger.csv')).size).toBeGreaterThan(6 << 20); // more than the 5 slots of 1 MiB hold
    expect(statSync(join(land, 'daybook.xml')).size).toBeGreaterThan(6 << 20);
    const out = async (workers: number) => {
      const r = await cli(['run', '--config', config(dir, land, workers, { concurrency: 2, state: { type: 'local', path: join(dir, `slots-state-${workers}`) }, sink: { type: 'ndjson', path: join(dir, `slots-out-${workers}`) } })]);
      expect(r.code).toBe(0);
      expect(r.summary.workers).toBe(workers);
      expect(r.summary.rows_rejected).toBe(0);
      return readOutputs(join(dir, `slots-out-${workers}`)).map(view).sort();
    };
    const one = await out(1);
    const two = await out(2);
    expect(one).toHaveLength(90_000 + 30_000 * 3);
    expect(two).toEqual(one);
    expect(one.some((l) => l.includes('long long long') && l.length > 1_500_000)).toBe(true);
  });

  it('a run with one file to read parses it on the main thread; workers: 1 never starts a thread', async () => {
    const solo = join(dir, 'solo');
    mkdirSync(solo);
    copyFileSync(join(ROOT, 'examples', 'landing', 'csv', 'trn_voucher.csv'), join(solo, 'a.csv'));
    const r = await cli(['run', '--config', config(dir, solo, 'auto', { state: { type: 'local', path: join(dir, 'solo-state') }, sink: { type: 'ndjson', path: join(dir, 'solo-out') } })]);
    expect(r.code).toBe(0);
    expect(r.summary.workers).toBe(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, readFileSync(config(dir, solo, 1), 'utf8').replace('"workers":1', '"workers":0'));
    const refused = await cli(['run', '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/workers/);
  });
});

describe('ranges of a CSV on a thread (WorkerPool.range)', () => {
  const LIMITS = defaultLimits();
  const spec: PipelineSpec = {
    format: 'csv',
    key: 'trn_voucher.csv',
    clearNames: false,
    delimiter: ',',
    limits: LIMITS,
    origin: { tenant_id: 't', connector_id: 'c', stream_id: 's', run_id: 'r', file_id: 'f' },
    versions: {},
    part: {},
  };
  const head = Buffer.from('\ufeffguid,amount\n');
  const data = (rows: number) => {
    const b = Buffer.from(new SharedArrayBuffer(64 * rows + 64));
    const text = '\ufeffguid,amount\n' + Array.from({ length: rows }, (_, i) => `g-${i},${i}.50\n`).join('');
    return b.subarray(0, b.write(text));
  };
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmrf(dir));

  it('a range whose bytes cannot be written fails with the reason; the thread, freed once it parsed, parses the next range', async () => {
    const pool = new WorkerPool(1);
    try {
      const gone: RangeStage = { path: join(dir, 'no-such-folder', 'staged'), place: () => Promise.resolve(0) };
      let taken = 0;
      await expect(pool.range(spec, head, data(50), () => void taken++, undefined, gone)).rejects.toThrow(/ENOENT/);
      expect(taken).toBe(1);
      const path = join(dir, 'staged');
      writeFileSync(path, '');
      const r = await pool.range(spec, head, data(50), () => {}, undefined, { path, place: () => Promise.resolve(0) });
      expect(r.result.rows).toBe(50);
      const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(50);
      expect(JSON.parse(lines[49]!).record).toEqual({ guid: 'g-49', amount: '49.50' });
      expect(r.size).toBe(statSync(path).size);
    } finally {
      await pool.close();
    }
  });

  it('a thread that exits after parsing a range, before its offset came, fails the range instead of leaving it waiting', async () => {
    const pool = new WorkerPool(1);
    let sized!: () => void;
    const wasSized = new Promise<void>((resolve) => (sized = resolve));
    // The offset never comes: the ranges before it are still being parsed when the thread dies.
    const stage: RangeStage = { path: join(dir, 'never'), place: () => (sized(), new Promise<number>(() => {})) };
    const r = pool.range(spec, head, data(10), () => {}, undefined, stage);
    r.catch(() => {});
    await wasSized;
    await pool.close();
    await expect(r).rejects.toThrow(/exited before it wrote a range/);
  });
});
