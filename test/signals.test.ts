import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, listFiles, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

describe('interrupted runs', () => {
  it('SIGTERM mid-file: exit 130, nothing of the file delivered or committed; the next run reads it whole', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'landing'));
      const rows = 600_000;
      const row = 'g,2025-04-01,Sales,"Being goods sold, as per order",1234.50\n';
      writeFileSync(join(dir, 'landing', 'trn_big.csv'), 'guid,date,voucher_type,narration,amount\n' + row.repeat(rows));
      writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, 'run: { progress_interval_ms: 100 }').replace('log_level: warn', 'log_level: info'));
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'tally-connector.mjs'), 'run', '--config', join(dir, 'c.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      const signalled = new Promise<void>((resolve) => {
        child.stderr.on('data', (d) => {
          err += d;
          if (err.includes('"event":"file_progress"') && !child.killed) {
            child.kill('SIGTERM');
            resolve();
          }
        });
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      await signalled;
      expect(code).toBe(130);
      const summary = JSON.parse(out.trim().split('\n').pop()!);
      expect(summary).toMatchObject({ status: 'interrupted', exit_code: 130, files_processed: 0, files_failed: 0 });
      expect(err).toMatch(/SIGTERM received/);
      // Nothing visible, nothing committed, no staging left behind.
      expect(readOutputs(join(dir, 'out'))).toHaveLength(0);
      expect(listFiles(join(dir, 'state')).filter((f) => f.includes('/files/'))).toHaveLength(0);
      const staging = join(dir, 'out', '.staging');
      if (existsSync(staging)) expect(readdirSync(staging)).toEqual([]);
      const again = await cli(['run', '--config', join(dir, 'c.yaml')]);
      expect(again.summary).toMatchObject({ files_processed: 1, rows_emitted: rows });
    } finally {
      rmrf(dir);
    }
  });
});
