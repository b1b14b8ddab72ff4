import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cli, listFiles, rmrf, tempDir } from './helpers/index.js';
import { createMemoryDocStore } from '../state/memory-docstore.js';
import { Leases, leaseName } from '../state/lease.js';

/**
 * Runs that overlap: a lease per stream in the state registry. Real processes on one landing, one
 * local state registry and one sink; a holder killed with SIGKILL is taken over after the TTL.
 */

const BIN = join(ROOT, 'bin', 'tally-connector.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach(rmrf));

function landing(files: number, rows = 3, run = 'run: { lease_ttl_seconds: 5 }'): { dir: string; cfg: string } {
  const dir = tempDir('tc-lease-');
  dirs.push(dir);
  for (let f = 0; f < files; f++) {
    const sub = join(dir, 'landing', `d${Math.floor(f / 100)}`);
    mkdirSync(sub, { recursive: true });
    const lines = ['guid,date,voucher_type,voucher_number,narration'];
    for (let r = 0; r < rows; r++) lines.push(`g-${f}-${r},2025-09-${String((r % 28) + 1).padStart(2, '0')},Sales,${f}/${r},"Narration ${r}, with a comma"`);
    writeFileSync(join(sub, `trn_voucher_${f}.csv`), lines.join('\n') + '\n');
  }
  const cfg = join(dir, 'c.yaml');
  writeFileSync(
    cfg,
    `tenant_id: t1
connector_id: lease
source: { type: local, path: ./landing }
streams:
  - { id: csv, pattern: "**/*.csv" }
state: { type: local, path: ./state }
sink: { type: ndjson, path: ./out }
${run}
`,
  );
  return { dir, cfg };
}

function runChild(cfg: string, killWhen?: () => boolean): Promise<{ code: number | null; summary: any; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LOG_LEVEL: 'error' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let killed = false;
    // Killed at the first look that finds the condition true (polled, so a slow start cannot beat it).
    const t = killWhen === undefined ? undefined : setInterval(() => {
      if (killWhen()) killed = child.kill('SIGKILL');
    }, 10);
    child.on('exit', (code) => {
      if (t) clearInterval(t);
      const last = out.trim().split('\n').pop();
      let summary: any;
      try {
        summary = last ? JSON.parse(last) : undefined;
      } catch {
        summary = undefined;
      }
      resolve({ code, summary, killed: killed && code === null });
    });
  });
}

/**
 * A run SIGKILLed while it works: once it holds the lease and has committed a few files (so it is
 * mid-run whatever the machine's speed), tried again from a fresh state if it finished first.
 */
async function killWhileHolding(dir: string, cfg: string): Promise<boolean> {
  const leaseFile = join(dir, 'state', 't1', 'lease', '_leases', 'csv.json');
  const files = join(dir, 'state', 't1', 'lease', 'csv', 'files');
  const committed = () => (existsSync(files) ? readdirSync(files).length : 0);
  for (let i = 0; i < 5; i++) {
    if ((await runChild(cfg, () => existsSync(leaseFile) && committed() >= 3)).killed) return true;
    for (const d of ['state', 'out']) rmrf(join(dir, d));
  }
  return false;
}

describe('leases: runs that overlap', () => {
  it('four runs started together on 1,000 files: every file processed once across them, every output written once, no record id twice', async () => {
    const { dir, cfg } = landing(1000);
    const runs = await Promise.all([0, 1, 2, 3].map(() => runChild(cfg)));
    for (const r of runs) expect([0, 7]).toContain(r.code);
    const processed = runs.reduce((a, r) => a + r.summary.files_processed, 0);
    expect(processed).toBe(1000);
    const busy = runs.filter((r) => r.code === 7);
    for (const r of busy) {
      expect(r.summary.status).toBe('streams_busy');
      expect(r.summary.streams_busy).toEqual([expect.objectContaining({ stream_id: 'csv', lease: 'csv' })]);
      expect(r.summary.files_processed).toBe(0);
    }
    const outs = listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter'));
    expect(outs).toHaveLength(1000);
    const ids = outs.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).record_id as string));
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
    // Nothing is left held: the next run takes the lease and finds nothing to do.
    const after = await runChild(cfg);
    expect(after.code).toBe(0);
    expect(after.summary.files_skipped).toBe(1000);
  }, 300_000);

  it('a run killed with SIGKILL while holding the lease: the stream is busy until the TTL, then the next run takes it over and completes it', async () => {
    const { dir, cfg } = landing(400, 40);
    expect(await killWhileHolding(dir, cfg)).toBe(true);
    const leaseFile = listFiles(join(dir, 'state')).find((f) => f.includes('/_leases/'))!;
    expect(leaseFile).toBeDefined();
    // The holder ran on this host and is gone: known dead at once. Had it run on another host (a
    // lost container), only the TTL could tell: the lease says so, and the stream is busy until then.
    const doc = JSON.parse(readFileSync(leaseFile, 'utf8'));
    writeFileSync(leaseFile, JSON.stringify({ ...doc, holder: { ...doc.holder, host: 'another-host' } }));
    const busy = await runChild(cfg);
    expect(busy.code).toBe(7);
    expect(busy.summary.streams_busy[0]).toMatchObject({ stream_id: 'csv' });
    const expires = Date.parse(busy.summary.streams_busy[0].expires_at);
    await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now()) + 200));
    const done = await runChild(cfg);
    expect(done.code).toBe(0);
    const total = done.summary.files_processed + done.summary.files_skipped;
    expect(total).toBe(400);
    expect(done.summary.files_processed).toBeGreaterThan(0);
    const outs = listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter'));
    expect(outs).toHaveLength(400);
  }, 300_000);

  it('a holder on this host that is gone (SIGKILL) is known dead at once: the next run takes the stream over without waiting', async () => {
    const { dir, cfg } = landing(400, 40);
    expect(await killWhileHolding(dir, cfg)).toBe(true);
    expect(listFiles(join(dir, 'state')).some((f) => f.includes('/_leases/'))).toBe(true);
    const next = await runChild(cfg);
    expect(next.code).toBe(0);
    expect(next.summary.files_processed + next.summary.files_skipped).toBe(400);
  }, 300_000);

  it('a run that loses its lease while it works (another run took it over) delivers nothing more of that stream: the rest is left to the new holder, exit 7', async () => {
    // Renewed every 1.7 s (a third of the least TTL); one file at a time, so the run (about 6 s here)
    // is still working at its first renewal.
    const { dir, cfg } = landing(1500, 3, 'run: { lease_ttl_seconds: 5 }\nconcurrency: 1\nworkers: 1');
    const leaseFile = join(dir, 'state', 't1', 'lease', '_leases', 'csv.json');
    let finished = false;
    const running = runChild(cfg).finally(() => (finished = true));
    while (!existsSync(leaseFile) && !finished) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(leaseFile)).toBe(true);
    // Another run takes the lease over (as if this one had stalled past its TTL): written whole.
    const now = Date.now();
    const other = { lease_version: 1, name: 'csv', holder: { run_id: 'r-other', pid: 1, host: 'another-host' }, acquired_at: new Date(now).toISOString(), renewed_at: new Date(now).toISOString(), expires_at: new Date(now + 600_000).toISOString() };
    writeFileSync(leaseFile + '.tmp', JSON.stringify(other));
    renameSync(leaseFile + '.tmp', leaseFile);
    const r = await running;
    expect(r.code).toBe(7);
    expect(r.summary.status).toBe('streams_busy');
    expect(r.summary.streams_lost).toEqual([expect.objectContaining({ stream_id: 'csv', lease: 'csv' })]);
    const { files_processed: processed, files_pending: pending } = r.summary;
    expect(processed + pending).toBe(1500);
    expect(pending).toBeGreaterThan(0);
    expect(r.summary.files.some((f: { status: string; reason?: string }) => f.status === 'pending' && /lease of stream csv was lost/.test(f.reason ?? ''))).toBe(true);
    // Checkpoints only for what was delivered; the new holder's lease is untouched.
    const entries = listFiles(join(dir, 'state')).filter((f) => /[\\/]files[\\/][^\\/]+\.json$/.test(f)).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(entries.filter((e) => e.status === 'committed')).toHaveLength(processed);
    expect(entries.filter((e) => e.status !== 'committed')).toHaveLength(0);
    expect(JSON.parse(readFileSync(leaseFile, 'utf8')).holder.run_id).toBe('r-other');
    // The holder finishes and lets go: the next run delivers exactly what was left, nothing twice.
    rmSync(leaseFile);
    const next = await runChild(cfg);
    expect(next.code).toBe(0);
    expect(next.summary.files_processed).toBe(pending);
    expect(next.summary.files_skipped).toBe(processed);
    const outs = listFiles(join(dir, 'out')).filter((f) => f.endsWith('.ndjson') && !f.includes('_dead_letter'));
    expect(outs).toHaveLength(1500);
    const ids = outs.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).record_id as string));
    expect(new Set(ids).size).toBe(1500 * 3);
  }, 300_000);

  it('--shard workers take per-shard leases: workers of different shards both work', async () => {
    const { cfg } = landing(40);
    const [s0, s1] = await Promise.all([cli(['run', '--config', cfg, '--shard', '0/2']), cli(['run', '--config', cfg, '--shard', '1/2'])]);
    expect(s0.code).toBe(0);
    expect(s1.code).toBe(0);
    expect(s0.summary.files_processed + s1.summary.files_processed).toBe(40);
    expect(s0.summary.files_processed).toBeGreaterThan(0);
    expect(s1.summary.files_processed).toBeGreaterThan(0);
  }, 60_000);
});

describe('Leases (state/lease.ts) on a store', () => {
  it('one holder at a time; an expired lease is taken over once; renew and release work only for the holder', async () => {
    const store = createMemoryDocStore();
    let now = 1_000_000;
    const a = new Leases(store, 't', 'c', 'run-a', 10_000, () => now);
    const b = new Leases(store, 't', 'c', 'run-b', 10_000, () => now);
    const ga = await a.acquire('s');
    expect('lease' in ga).toBe(true);
    const gb = await b.acquire('s');
    expect(gb).toMatchObject({ busy: { holder: { run_id: 'run-a' } } });
    now += 5_000;
    expect(await (ga as any).lease.renew()).toBe(true);
    now += 9_000; // renewed 9 s ago: still live
    expect('busy' in (await b.acquire('s'))).toBe(true);
    now += 2_000; // expired
    const [t1, t2] = await Promise.all([b.acquire('s'), new Leases(store, 't', 'c', 'run-c', 10_000, () => now).acquire('s')]);
    expect([t1, t2].filter((x) => 'lease' in x)).toHaveLength(1);
    // The old holder lost it: its renew says so, its release leaves the new holder's lease alone.
    expect(await (ga as any).lease.renew()).toBe(false);
    await (ga as any).lease.release();
    expect(((await store.get('t/c/_leases/s')) as any).holder.run_id).not.toBe('run-a');
    const winner = ('lease' in t1 ? t1 : t2) as any;
    await winner.lease.release();
    expect(await store.get('t/c/_leases/s')).toBeUndefined();
  });

  it('shards have leases of their own: the same shard is busy, another shard is not', async () => {
    const store = createMemoryDocStore();
    const w = (run: string) => new Leases(store, 't', 'c', run, 10_000);
    expect('lease' in (await w('r1').acquire(leaseName('csv', { index: 0, count: 2 })))).toBe(true);
    expect('lease' in (await w('r2').acquire(leaseName('csv', { index: 1, count: 2 })))).toBe(true);
    expect(await w('r3').acquire(leaseName('csv', { index: 0, count: 2 }))).toMatchObject({ busy: { holder: { run_id: 'r1' }, name: 'csv.shard-0-of-2' } });
  });
});

describe('run history', () => {
  it('each run appends its summary to the state registry; state runs lists them newest first; the history is bounded', async () => {
    const { dir, cfg } = landing(3);
    const r1 = await cli(['run', '--config', cfg]);
    writeFileSync(join(dir, 'landing', 'd0', 'trn_voucher_extra.csv'), 'guid,date,voucher_type,voucher_number,narration\nx,2025-09-01,Sales,1,n\n');
    const r2 = await cli(['run', '--config', cfg]);
    const runs = await cli(['state', 'runs', '--config', cfg]);
    expect(runs.code).toBe(0);
    const got = runs.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(got.map((s) => s.run_id)).toEqual([r2.summary.run_id, r1.summary.run_id]);
    expect(got[1]).toMatchObject({ files_processed: 3, exit_code: 0 });
    expect(got[0]).toMatchObject({ files_processed: 1, files_skipped: 3 });
    // state ls shows streams only, not the history or the leases beside them.
    const ls = await cli(['state', 'ls', '--config', cfg]);
    expect(ls.stdout).not.toMatch(/_runs|_leases/);
    const { RunHistory } = await import('../state/run-history.js');
    const store = createMemoryDocStore();
    const h = new RunHistory(store, 't', 'c', 5);
    for (let i = 0; i < 8; i++) await h.append({ run_id: `r${i}`, started_at: `2026-12-02T10:00:0${i}.000Z` });
    expect((await h.recent<{ run_id: string }>(50)).map((s) => s.run_id)).toEqual(['r7', 'r6', 'r5', 'r4', 'r3']);
  }, 60_000);
});

describe('local conditional writes', () => {
  it('a lock left by a killed process is broken at once, not after its 30 s', async () => {
    const { createLocalDocStore } = await import('../state/local-docstore.js');
    const { hostname } = await import('node:os');
    const dir = tempDir('tc-lock-');
    dirs.push(dir);
    const store = createLocalDocStore(dir);
    const v = (await store.create('t/c/_leases/s', { n: 1 }))!;
    // The pid of a process that has exited, as the holder of the key's lock.
    const dead = await new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.on('exit', () => resolve(c.pid!));
    });
    writeFileSync(join(dir, 't', 'c', '_leases', '.s.json.lock'), `${dead}~${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}~${Date.now().toString(36)}~0badc0de`);
    const t0 = Date.now();
    expect(await store.replaceIf('t/c/_leases/s', { n: 2 }, v)).toBeTruthy();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await store.get('t/c/_leases/s')).toEqual({ n: 2 });
  });
});
