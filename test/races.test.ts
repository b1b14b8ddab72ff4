import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cli, listFiles, rmrf, tempDir } from './helpers/index.js';

/**
 * Parallel workers racing on one entity's schema: version documents are create-only, the loser of
 * a race re-reads and decides again. Four `--shard i/4` processes over files that drift one entity
 * compatibly (a new column: evolve) and breakingly (dates that are not dates: quarantine).
 */

const BIN = join(ROOT, 'bin', 'tally-connector.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach(rmrf));

function csv(rows: number, tag: string, kind: 'base' | 'added' | 'broken'): string {
  const head = kind === 'added' ? 'guid,date,voucher_type,voucher_number,narration,cost_centre' : 'guid,date,voucher_type,voucher_number,narration';
  const out = [head];
  for (let i = 0; i < rows; i++) {
    const date = kind === 'broken' && i === 3 ? 'not a date' : `2025-09-${String((i % 28) + 1).padStart(2, '0')}`;
    out.push(`${tag}-${i},${date},Sales,${tag}/${i},Narration ${i}${kind === 'added' ? ',Head Office' : ''}`);
  }
  return out.join('\n') + '\n';
}

function shardRun(cfg: string, shard: string): Promise<{ code: number | null; summary: any }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg, '--shard', shard], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LOG_LEVEL: 'error' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, summary: JSON.parse(out.trim().split('\n').pop() || 'null') }));
  });
}

describe('workers racing on one entity\'s schema', () => {
  it('four --shard workers, compatible and breaking drift of one entity: consecutive versions, none overwritten, every alert kept', async () => {
    const dir = tempDir('tc-race-');
    dirs.push(dir);
    mkdirSync(join(dir, 'landing'), { recursive: true });
    const cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, `tenant_id: t1\nconnector_id: race\nsource: { type: local, path: ./landing }\nstreams:\n  - { id: csv, pattern: "**/*.csv", entity: trn_voucher }\nstate: { type: local, path: ./state }\nsink: { type: ndjson, path: ./out }\n`);
    writeFileSync(join(dir, 'landing', 'trn_voucher_base.csv'), csv(20, 'base', 'base'));
    const first = await cli(['run', '--config', cfg]);
    expect(first.code, first.stderr).toBe(0);
    // Sixteen files: half add a column, half break the date type; four workers at once.
    for (let i = 0; i < 16; i++) writeFileSync(join(dir, 'landing', `trn_voucher_${i}.csv`), csv(30, `f${i}`, i % 2 ? 'broken' : 'added'));
    const runs = await Promise.all([0, 1, 2, 3].map((i) => shardRun(cfg, `${i}/4`)));
    for (const r of runs) expect(r.summary, 'a worker printed no summary').toBeTruthy();
    const processed = runs.reduce((a, r) => a + r.summary.files_processed, 0);
    const quarantined = runs.reduce((a, r) => a + r.summary.files_quarantined, 0);
    expect(processed + quarantined).toBe(16);
    expect(quarantined).toBe(8);

    const entity = join(dir, 'state', 'schemas', 't1', 'streams', 'csv', 'entities', 'trn_voucher');
    const versions = listFiles(join(entity, 'v')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    // One run would register exactly two: the base and the added column. So must four racing workers.
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(JSON.parse(readFileSync(join(entity, 'current.json'), 'utf8')).version).toBe(2);
    expect(Object.keys(versions.find((v) => v.version === 2).shape)).toContain('/cost_centre');
    const alerts = listFiles(join(dir, 'state', 'schemas', 't1', 'alerts')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    // The version's alert exists; every quarantined file has its open alert.
    expect(alerts.some((a) => a.id === versions.find((v) => v.version === 2).alert_id)).toBe(true);
    const open = alerts.filter((a) => a.status === 'open' && a.severity === 'breaking');
    expect(new Set(open.map((a) => a.file.file_id)).size).toBe(8);
  }, 180_000);
});
