import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, listFiles, rmrf, tempDir, yamlConfig } from './helpers/index.js';

/** What a run finds after one that was killed: debris, a delivery without checkpoint, a half first load. */
describe('after a killed run', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(rmrf));
  const setup = (extra = '') => {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'));
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, extra));
    return { dir, run: () => cli(['run', '--config', join(dir, 'c.yaml')]), put: (k: string, v: string) => writeFileSync(join(dir, 'landing', k), v) };
  };

  it('removes the temp files of runs that are gone (a dead maker, or too old), never a live one, and never counts them as outputs', async () => {
    const t = setup('run: { stale_after_minutes: 60 }');
    t.put('a.csv', 'a,b\n1,2\n');
    expect((await t.run()).code).toBe(0);
    const staging = join(t.dir, 'out', '.staging');
    mkdirSync(staging, { recursive: true });
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    const dead = join(staging, `999999~${host}~lq1w2e3r~0123abcd.tmp`); // a pid that does not run
    const deadRw = join(staging, `999999~${host}~lq1w2e3r~0123abcd.tmp.rw`);
    const live = join(staging, `${process.pid}~${host}~lq1w2e3r~89abcdef.tmp`); // this process: alive
    const otherHostFresh = join(staging, `1~some-other-host~lq1w2e3r~00000000.tmp`);
    const old = join(staging, 'lq0000-aaaaaaaaaaaa.tmp'); // an untagged name from an earlier version
    for (const f of [dead, deadRw, live, otherHostFresh, old]) writeFileSync(f, '{"half":'.repeat(100));
    const hoursAgo = new Date(Date.now() - 3 * 3600_000);
    utimesSync(old, hoursAgo, hoursAgo);
    const stateTmp = join(t.dir, 'state', 't1', `.stream.json.999999~${host}~lq1w2e3r~0123abcd.tmp`);
    mkdirSync(join(stateTmp, '..'), { recursive: true });
    writeFileSync(stateTmp, '{"tru');
    const r = await t.run();
    expect(r.code).toBe(0);
    expect(r.summary.debris_removed).toEqual({ files: 4, bytes: 3 * 800 + 5 });
    for (const f of [dead, deadRw, old, stateTmp]) expect(existsSync(f), f).toBe(false);
    for (const f of [live, otherHostFresh]) expect(existsSync(f), f).toBe(true);
    expect(r.summary.files_processed).toBe(0);
  });

  it('a file delivered but not committed (killed in between) is delivered again under the same name on a later day: no second copy', async () => {
    const t = setup();
    t.put('a.csv', 'a,b\n1,2\n');
    expect((await t.run()).code).toBe(0);
    // Make it look like yesterday's run delivered the output and died before the checkpoint.
    const [entryFile] = listFiles(join(t.dir, 'state')).filter((f) => f.includes('/files/'));
    const entry = JSON.parse(readFileSync(entryFile!, 'utf8'));
    const [out] = listFiles(join(t.dir, 'out')).filter((f) => f.endsWith('.ndjson'));
    const yesterday = join(out!, '..', '..', 'date=2025-01-01');
    mkdirSync(yesterday, { recursive: true });
    renameSync(out!, join(yesterday, out!.split('/').pop()!));
    rmSync(join(out!, '..'), { recursive: true });
    writeFileSync(entryFile!, JSON.stringify({ ...entry, status: 'delivering', output_date: '2025-01-01', output: undefined, committed_at: undefined }));
    const r = await t.run();
    expect(r.summary).toMatchObject({ files_processed: 1, rows_emitted: 1 });
    const outs = listFiles(join(t.dir, 'out')).filter((f) => f.endsWith('.ndjson'));
    expect(outs).toHaveLength(1);
    expect(outs[0]).toContain('/date=2025-01-01/');
    const after = JSON.parse(readFileSync(entryFile!, 'utf8'));
    expect(after).toMatchObject({ status: 'committed', output_date: '2025-01-01' });
  });

  it("a stream's first load that was killed midway does not turn the next run's entities into entity_added alerts", async () => {
    const t = setup();
    t.put('a.csv', 'id,x\n1,2\n');
    const first = await t.run();
    expect(first.summary.drift_alerts).toBe(0);
    // A killed first run leaves its registrations but never marks the stream established.
    const marker = listFiles(join(t.dir, 'state', 'schemas')).find((f) => f.endsWith('/established.json'));
    expect(marker).toBeDefined();
    rmSync(marker!);
    t.put('b.csv', 'k,y,z\n1,2,3\n');
    const second = await t.run();
    expect(second.summary).toMatchObject({ files_processed: 1, drift_alerts: 0 });
    // Once a run completed, a new entity is drift again.
    t.put('c.csv', 'p,q\n1,2\n');
    const third = await t.run();
    expect(third.summary.drift_alerts).toBe(1);
    const list = await cli(['drift', 'list', '--config', join(t.dir, 'c.yaml'), '--json']);
    expect(list.lines.map((a) => a.kind)).toEqual(['entity_added']);
  });
});
