import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, ROOT, listFiles, rmrf, tempDir } from './helpers/index.js';

/**
 * The crash suite: `run` killed with SIGKILL at random moments, on a fresh state and on states that
 * earlier kills left, then run to completion. Outputs must equal a clean run's (the same files,
 * the same record ids, none twice), no debris may remain, and no alert may appear that a clean run
 * does not raise.
 */
const BIN = join(ROOT, 'bin', 'tally-connector.mjs');
const SEED = Number(process.env['CRASH_SEED'] ?? 20261202);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function csv(rows: number, tag: string, bad = false): string {
  const out = ['guid,date,voucher_type,voucher_number,reference_number,reference_date,narration,party_name,place_of_supply,is_invoice,is_accounting_voucher,is_inventory_voucher,is_order_voucher'];
  for (let i = 0; i < rows; i++) out.push(`${tag}-${i},2025-09-${String((i % 28) + 1).padStart(2, '0')},Sales,${i},,,"Narration ${i}, with a comma",Party ${i % 50},Maharashtra,1,1,0,0`);
  if (bad) out.splice(3, 0, 'short,row');
  return out.join('\n') + '\n';
}

// One file at a time: a stream's first load registers versions in the order its files come, so the
// alerts of a clean run are only comparable with a run that reads them in the same order.
const BATCHES = 4;
const CSVS_PER_BATCH = 4;

/** The landing arrives in batches (a backfill, then daily exports): `upTo` batches are landed. */
function land(root: string, upTo: number): void {
  const landing = join(root, 'landing');
  mkdirSync(join(landing, 'xml'), { recursive: true });
  mkdirSync(join(landing, 'csv'), { recursive: true });
  for (let b = 0; b < upTo; b++) {
    if (b === 0 && HAVE_CORPUS) for (const f of readdirSync(CORPUS).filter((f) => f.endsWith('.xml'))) copyFileSync(join(CORPUS, f), join(landing, 'xml', f));
    for (let i = 0; i < CSVS_PER_BATCH; i++) {
      const p = join(landing, 'csv', `trn_voucher_${b}_${i}.csv`);
      if (!existsSync(p)) writeFileSync(p, csv(12_000 + i * 4000, `v${b}.${i}`, i === 1));
    }
  }
}

function setup(root: string): string {
  const cfg = join(root, 'c.yaml');
  writeFileSync(
    cfg,
    `tenant_id: t1
connector_id: crash
source: { type: local, path: ${join(root, 'landing')} }
streams:
  - { id: x, pattern: "xml/*.xml" }
  - { id: c, pattern: "csv/*.csv" }
state: { type: local, path: ${join(root, 'state')} }
sink: { type: ndjson, path: ${join(root, 'out')} }
concurrency: 1
log_level: warn
`,
  );
  return cfg;
}

/** Every output file (relative, ndjson) and the record ids in it; dead letters by their row positions. */
function outputs(root: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of listFiles(join(root, 'out'))) {
    if (!f.endsWith('.ndjson') || f.includes('/.staging/')) continue;
    const ids = readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const j = JSON.parse(l);
        return j.record_id ?? `${j.file_id}.${j.ordinal}:${j.code}`;
      });
    m.set(relative(join(root, 'out'), f), ids);
  }
  return m;
}

function alerts(root: string): string[] {
  const dir = join(root, 'state', 'schemas', 't1', 'alerts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .map((a) => `${a.stream_id}/${a.entity}/${a.kind}/${a.severity}`)
    .sort();
}

/** What a killed run may leave, which the next run must remove. */
function debris(root: string): string[] {
  return [...listFiles(join(root, 'out')).filter((f) => f.includes('/.staging/')), ...listFiles(join(root, 'state')).filter((f) => /\/\.[^/]*\.tmp$/.test(f))];
}

function runToEnd(cfg: string): { status: number | null; summary: any } {
  const r = spawnSync(process.execPath, [BIN, 'run', '--config', cfg], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' }, timeout: 120_000 });
  return { status: r.status, summary: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

function runAndKill(cfg: string, afterMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } });
    let killed = false;
    const t = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, afterMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ killed: killed && code === null, code });
    });
  });
}

describe.skipIf(!HAVE_CORPUS)('crash suite: SIGKILL at random moments, then run to completion', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(rmrf));

  it(`outputs equal a clean run's, nothing twice, no debris, no extra alert (at least 20 kills, seed ${SEED})`, async () => {
    // One folder for both runs, one after the other: file ids hash the file's URI, so the clean
    // and the crashed runs must see the same paths.
    const clean = tempDir('tc-crash-');
    const crashed = clean;
    dirs.push(clean);
    const cleanCfg = setup(clean);
    land(clean, BATCHES);
    const t0 = Date.now();
    const c = runToEnd(cleanCfg);
    const cleanMs = Date.now() - t0;
    expect(c.status).toBe(0);
    const want = outputs(clean);
    const wantAlerts = alerts(clean);
    expect(want.size).toBeGreaterThan(10);

    // The same landing arrives batch by batch; every batch is read by runs killed at random moments
    // until one completes: the first batch on a fresh state, the others on the state it left.
    for (const d of ['landing', 'state', 'out']) rmrf(join(clean, d));
    const cfg = setup(crashed);
    const rand = rng(SEED);
    let kills = 0;
    let leftBehind = 0;
    let removed = 0;
    /** Temp files kills left behind, each to be gone once its batch is complete. */
    const seen = new Set<string>();
    const perBatch = Math.max(300, cleanMs / BATCHES);
    for (let b = 1; b <= BATCHES; b++) {
      land(crashed, b);
      let done = false;
      for (let k = 0, attempt = 0; k < 6 && attempt < 40; attempt++) {
        // Anywhere from start-up (planning, registries) to the end of the batch's work, more often
        // early; once a run completed the batch, kills land on its finished state (start-up, plan).
        const u = rand();
        const r = await runAndKill(cfg, 40 + Math.floor(done ? u * 300 : u * u * perBatch * 1.5));
        if (r.killed) {
          k++;
          kills++;
          const left = debris(crashed);
          for (const f of left) seen.add(f);
          leftBehind = Math.max(leftBehind, left.length);
        } else done = true;
      }
      removed += runToEnd(cfg).summary.debris_removed.files;
      // Whatever a kill left behind was removed by a run after it: this one, or one of the runs
      // before it (killed or not: their counts are not seen, so the files are checked, not counts).
      for (const f of seen) expect(existsSync(f), f).toBe(false);
    }
    console.log(`crash suite: ${kills} kills, ${seen.size} temp files left behind (at most ${leftBehind} at once), ${removed} of them removed by the runs that completed a batch (seed ${SEED})`);
    expect(kills).toBeGreaterThanOrEqual(20);
    const last = runToEnd(cfg);
    expect(last.status).toBe(0);
    expect(last.summary.files_processed).toBe(0);

    const got = outputs(crashed);
    const missing = [...want.keys()].filter((k) => !got.has(k));
    const extra = [...got.keys()].filter((k) => !want.has(k));
    if (missing.length || extra.length) {
      const st = listFiles(join(crashed, 'state')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
      console.log('MISSING', missing, 'EXTRA', extra, JSON.stringify(st.map((e) => [e.path, e.status, e.file_id, e.error?.code, e.output?.uri?.slice(-50)])));
    }
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, ids] of want) expect(got.get(k), k).toEqual(ids);
    const all = [...got.values()].flat().filter((id) => !id.includes(':'));
    expect(new Set(all).size).toBe(all.length);
    expect(debris(crashed)).toEqual([]);
    expect(alerts(crashed)).toEqual(wantAlerts);
  }, 600_000);
});
