import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, ROOT, rmrf, tempDir } from './helpers/index.js';
import { buildHostileLanding, type HostileLanding } from './hostile/mutants.js';

/**
 * The hostile-input suite: about a thousand files generated from the corpus at test time
 * (test/hostile/mutants.ts), ingested by the real CLI in a child process under a memory ceiling.
 * No crash, no hang, every file accounted for, totals that reconcile, nothing delivered that holds
 * a NUL or mojibake, and the process under its ceiling.
 */
const BIN = join(ROOT, 'bin', 'tally-connector.mjs');
const SEED = Number(process.env['HOSTILE_SEED'] ?? 20261202);
const CEILING = 512 * 1024 * 1024;
const HANG_MS = 300_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(args: string[]): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0 });
    });
  });
}

/** Every file under `dir` (raw bytes of names preserved), symlinks not followed. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Text that UTF-8 read as Windows-1252 (or Latin-1) turns into: Ã©, â‚¹, â€™, Â  and the like. */
const MOJIBAKE = /[ÂÃ][\u0080-\u00bf]|â(?:‚¬|‚¹|€[™œ\u009d˜“”¦¢])|à¤|à¥/;

describe.skipIf(!HAVE_CORPUS)('hostile inputs: about a thousand files broken the ways files break', () => {
  let dir: string;
  let landing: HostileLanding;
  let run: Outcome;
  let summary: any;
  let entries: any[];
  let outputs: string[];

  beforeAll(async () => {
    dir = tempDir('tc-hostile-');
    landing = await buildHostileLanding(CORPUS, join(dir, 'landing'), join(dir, 'outside'), SEED);
    writeFileSync(
      join(dir, 'c.yaml'),
      `tenant_id: t1
connector_id: hostile
source: { type: local, path: ${join(dir, 'landing')} }
streams:
  - { id: x, patterns: ["**/*.xml"] }
  - { id: c, patterns: ["**/*.csv"] }
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: ndjson, path: ${join(dir, 'out')} }
concurrency: 4
limits: { memory_ceiling_bytes: ${CEILING} }
log_level: warn
`,
    );
    run = await runCli(['run', '--config', join(dir, 'c.yaml')]);
    summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null');
    entries = walk(join(dir, 'state'))
      .filter((f) => f.includes('/files/') && f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(f, 'utf8')));
    outputs = walk(join(dir, 'out')).filter((f) => f.endsWith('.ndjson'));
  }, HANG_MS + 120_000);
  afterAll(() => (process.env['HOSTILE_KEEP'] ? console.log(`hostile landing kept in ${dir}`) : rmrf(dir)));

  it('generated at least 1,000 mutants of every kind the suite names', () => {
    expect(landing.mutants.length).toBeGreaterThanOrEqual(1000);
    const kinds = new Set(landing.mutants.map((m) => m.kind.replace(/-.*$/, '')));
    for (const k of ['truncate', 'flip', 'nul', 'deltag', 'duptag', 'utf8', 'huge', 'attrs', 'deep', 'doctype', 'gzip', 'csv', 'odd']) expect(kinds, k).toContain(k);
  });

  it('never crashes and never hangs: the run ends by itself with a summary and an exit code an orchestrator can act on', () => {
    expect(run.signal, `killed after ${HANG_MS} ms: a hang`).toBeNull();
    expect([0, 4]).toContain(run.code);
    expect(summary).toMatchObject({ summary_version: 1, exit_code: run.code });
    // Every stderr line is a structured log line: no stack trace, no uncaught error.
    for (const line of run.stderr.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line.slice(0, 300)).not.toThrow();
  });

  it('accounts for every file: one outcome each in the summary and the state, links refused, nothing read twice', () => {
    // Links inside the root are not files (their targets are listed); hidden names match no stream.
    const landed = landing.mutants.filter((m) => !m.hidden).length + landing.refusedLinks.length;
    expect(summary.files_discovered).toBe(landed);
    const s = summary;
    expect(s.files_processed + s.files_failed + s.files_refused + s.files_quarantined + s.files_skipped + s.files_pending).toBe(s.files_discovered);
    expect(s.files_pending).toBe(0);
    expect(entries).toHaveLength(landed);
    const byStatus = (st: string) => entries.filter((e) => e.status === st).length;
    expect(byStatus('committed')).toBe(s.files_processed);
    expect(byStatus('failed')).toBe(s.files_failed);
    expect(byStatus('refused')).toBe(s.files_refused);
    expect(byStatus('quarantined')).toBe(s.files_quarantined);
    const paths = new Set(entries.map((e) => e.path));
    expect(paths.size).toBe(entries.length);
    for (const l of landing.refusedLinks) expect(entries.find((e) => e.path === l), l).toMatchObject({ status: 'refused', error: { code: expect.stringMatching(/^E_LINK_(OUTSIDE|DANGLING)$/) } });
    // Every failure says what and where.
    for (const e of entries.filter((x) => x.status === 'failed' || x.status === 'refused')) {
      expect(e.error?.code, e.path).toMatch(/^E_[A-Z0-9_]+$/);
      expect(e.error?.message?.length, e.path).toBeGreaterThan(10);
    }
  });

  it('the files whose fate is certain meet it (NULs, encodings, bombs, limits, empties, backups, odd names)', () => {
    let checked = 0;
    for (const m of landing.mutants) {
      if (!m.expect) continue;
      const key = m.key.includes('latin1-') ? m.key.replace(/latin1-.*\.xml$/, 'latin1-\ufffd.xml') : m.key;
      const e = entries.find((x) => x.path === key);
      expect(e, m.key).toBeDefined();
      expect(e.status, `${m.kind} ${m.key}: ${JSON.stringify(e.error)}`).toBe(m.expect.status);
      if (m.expect.code) expect(e.error?.code, `${m.kind} ${m.key}`).toMatch(m.expect.code);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('totals reconcile: rows in the state, the summary and the outputs agree; dead letters likewise', () => {
    let envelopes = 0;
    let dead = 0;
    for (const f of outputs) {
      const n = readFileSync(f, 'utf8').split('\n').filter(Boolean).length;
      if (f.includes('/_dead_letter/')) dead += n;
      else envelopes += n;
    }
    const committed = entries.filter((e) => e.status === 'committed');
    expect(committed.reduce((a, e) => a + e.rows, 0)).toBe(summary.rows_emitted);
    expect(committed.reduce((a, e) => a + (e.rows_rejected ?? 0), 0)).toBe(summary.rows_rejected);
    expect(envelopes).toBe(summary.rows_emitted);
    expect(dead).toBe(summary.rows_rejected);
    expect(summary.rows_emitted).toBeGreaterThan(1000);
  });

  it('delivers no NUL, no mojibake, nothing from outside the landing and no expanded entity', () => {
    for (const f of outputs) {
      const buf = readFileSync(f);
      expect(buf.includes(0), f).toBe(false);
      const text = buf.toString('utf8');
      expect(text.includes('\\u0000'), f).toBe(false);
      expect(text.includes('\ufffd'), `${f}: a replacement character (bytes lost in decoding)`).toBe(false);
      const m = MOJIBAKE.exec(text);
      expect(m, `${f}: mojibake ${m ? JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 40)) : ''}`).toBeNull();
      expect(text).not.toContain('root:x:0:0');
      expect(text).not.toContain('outside the landing');
      expect(text).not.toContain('lollollol');
    }
  });

  it('stays under its memory ceiling', () => {
    expect(summary.max_rss_bytes).toBeGreaterThan(0);
    expect(summary.max_rss_bytes).toBeLessThan(CEILING);
  });

  it('read (the stateless mode an Airbyte worker runs) holds the same line: every stdout line a JSON message, nothing broken delivered, under the ceiling', async () => {
    const r = await runCli(['read', '--config', join(dir, 'c.yaml')]);
    expect(r.signal).toBeNull();
    const lines = r.stdout.split('\n').filter(Boolean);
    const msgs = lines.map((l) => JSON.parse(l));
    const s = msgs[msgs.length - 1];
    expect(s.type).toBe('SUMMARY');
    expect(s.max_rss_bytes).toBeLessThan(CEILING);
    expect(msgs.filter((m) => m.type === 'RECORD')).toHaveLength(s.rows_emitted);
    expect(msgs.filter((m) => m.type === 'CHECKPOINT')).toHaveLength(s.files_processed);
    for (const l of lines) {
      expect(l.includes('\\u0000')).toBe(false);
      expect(MOJIBAKE.test(l), l.slice(0, 200)).toBe(false);
    }
  }, HANG_MS);

  it('a second run reads nothing again: failures are recorded with their reason, not retried for ever', async () => {
    const again = await runCli(['run', '--config', join(dir, 'c.yaml')]);
    const s = JSON.parse(again.stdout.trim().split('\n').pop()!);
    expect(again.signal).toBeNull();
    expect(s.files_processed).toBe(0);
    expect(s.bytes_read).toBe(0);
    expect(s.files_skipped + s.files_failed + s.files_refused).toBe(s.files_discovered);
  }, HANG_MS);
});
