/**
 * `make bench`: measures the connector against its peers and the limit on deterministic Tally data.
 *
 *   node dist/bench/run.js [--quick] [--only csv,xml,peers,mem,noop,typed,changes,backfill] [--reps N] [--out FILE]
 *   env: BENCH_REPS (default 3; 1 with --quick), BENCH_DIR (data cache), BENCH_SEED
 *
 * Every measured command is its own child process, run one after another (never two at once), in
 * rounds: each round runs every case once, so that noise from other load spreads over all cases.
 * Wall time is spawn-to-exit as seen by this runner; peak RSS is what the child reports about itself
 * (the connector's max_rss_bytes, the peers' process.resourceUsage().maxRSS), cross-checked with
 * /proc VmHWM. Results: a table on stdout, and bench/results.json with every raw sample.
 * The exit code is 0 even when a floor fails (this is a measurement); 1 when something crashed.
 */
import { cpSync, symlinkSync, readFileSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, freemem, hostname, release, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { artifactPaths, benchRoot, DEFAULT_SEED, ensureData, estimateBytes, freeBytes, GENERATOR_VERSION, mb, planDir, PLANS, staleArtifacts, type ArtifactId, type FileInfo, type Manifest, type Plan } from './gen.js';
import { currentChild, lastJson, median, runNode, runProc, type ProcResult } from './measure.js';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
/** Set by snapshotBuild(): the connector and the peer runner of the frozen copy of the build. */
let CONNECTOR_BIN = join(PROJECT, 'dist', 'connector', 'bin.js');
let CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const MB = 1e6;
/** A child that runs longer than this is killed and the sample marked crashed. */
const TIMEOUT_MS = 60 * 60 * 1000;

type Group = 'csv' | 'xml' | 'peers' | 'mem' | 'noop' | 'typed' | 'changes' | 'backfill';
const GROUPS: Group[] = ['csv', 'xml', 'peers', 'mem', 'noop', 'typed', 'changes', 'backfill'];
type Kind = 'limit' | 'connector' | 'peer';

interface Sample {
  rep: number;
  wall_s: number;
  rss_bytes: number;
  /** Where rss_bytes came from: the child's own report, or polling /proc. */
  rss_source: 'self' | 'polled';
  polled_hwm_bytes: number;
  rows: number | null;
  valid: boolean;
  crashed: boolean;
  problems: string[];
  detail: Record<string, unknown>;
}

interface CaseDef {
  id: string;
  label: string;
  group: Group;
  kind: Kind;
  input: ArtifactId;
  /** Peer and limit case ids to compare a connector case with. */
  peer?: string;
  limit?: string;
  note?: string;
  /** Every input of a case over several files (bytes and rows are their sums). */
  inputs?: ArtifactId[];
  run(rep: number): Promise<Sample>;
}

interface CaseResult {
  id: string;
  label: string;
  group: Group;
  kind: Kind;
  input: string;
  input_bytes: number;
  /** Rows the connector emits for this input (CSV records; XML vouchers + ledger entries + bill allocations + company). */
  input_rows: number;
  note?: string;
  reps: number;
  wall_s_median: number;
  wall_s_min: number;
  wall_s_max: number;
  mb_per_s: number | null;
  rows_per_s: number | null;
  peak_rss_bytes: number;
  rss_bytes_median: number;
  /** Connector speed ÷ peer speed on the same content (>1: connector faster). */
  speed_vs_peer: number | null;
  peer: string | null;
  /** Connector speed ÷ sha256 speed on the same file (≤1 in practice). */
  speed_vs_limit: number | null;
  valid: boolean;
  crashed: boolean;
  problems: string[];
  samples: Sample[];
}

interface Floor {
  id: string;
  target: string;
  measured: string;
  status: 'PASS' | 'FAIL' | 'N/A' | 'INVALID' | 'INFO';
  detail?: string;
}

// ---------------------------------------------------------------------------------------------
// Options

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      reps: { type: 'string' },
      out: { type: 'string' },
      'keep-outputs': { type: 'boolean', default: false },
      judge: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: node dist/bench/run.js [--quick] [--only csv|xml|peers|mem|noop|typed|changes|backfill[,...]] [--reps N] [--out FILE]\n' +
        '       node dist/bench/run.js --judge FILE   judge the samples of an earlier run (a results.json) by the floors as they are now; rewrites its floors\n' +
        'env: BENCH_REPS (default 3, 1 with --quick), BENCH_DIR (data cache, default $TMPDIR/tally-connector-bench), BENCH_SEED\n',
    );
    process.exit(0);
  }
  const only = new Set<Group>();
  for (const o of values.only ?? []) {
    for (const g of o.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!GROUPS.includes(g as Group)) throw new Error(`--only: unknown group "${g}" (one of ${GROUPS.join(', ')})`);
      only.add(g as Group);
    }
  }
  const plan = PLANS[values.quick ? 'quick' : 'full'];
  const repsRaw = values.reps ?? process.env['BENCH_REPS'];
  const reps = repsRaw ? Number(repsRaw) : values.quick ? 1 : 3;
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`reps must be a positive integer, got ${repsRaw}`);
  const seed = process.env['BENCH_SEED'] ? Number(process.env['BENCH_SEED']) : DEFAULT_SEED;
  const out = values.out ?? join(PROJECT, 'bench', values.quick ? 'results-quick.json' : 'results.json');
  return { quick: values.quick, groups: only.size ? only : new Set(GROUPS), plan, reps, seed, out, keep: values['keep-outputs'], judge: values.judge };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true, maxRetries: 3 });
}

/** Put `src` into `dir` as `name`: a hard link (same bytes, no copy), else a copy. */
function place(src: string, dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const dst = join(dir, name);
  try {
    linkSync(src, dst);
  } catch {
    copyFileSync(src, dst);
  }
  return dst;
}

/** Newlines in a file, counted in 1 MiB chunks. */
function countLines(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got <= 0) break;
      let i = buf.indexOf(10, 0);
      while (i >= 0 && i < got) {
        n++;
        i = buf.indexOf(10, i + 1);
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

function walkFiles(dir: string, skip?: (name: string) => boolean): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skip?.(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p, skip));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function writeConfig(dir: string, landing: string, sink: 'ndjson' | 'parquet' | 'arrow' = 'ndjson', workers: number | 'auto' = 'auto', extra: Record<string, unknown> = {}): string {
  const cfg = {
    tenant_id: 'bench',
    connector_id: 'tally_bench',
    source: { type: 'local', path: landing },
    streams: [
      { id: 'file.local.tally.xml', pattern: '**/*.xml' },
      { id: 'file.local.tally.csv', pattern: '**/*.csv' },
    ],
    state: { type: 'local', path: join(dir, 'state') },
    sink: { type: sink, path: join(dir, 'out') },
    log_level: 'warn',
    workers,
    ...extra,
  };
  const p = join(dir, 'config.json');
  writeFileSync(p, JSON.stringify(cfg, null, 2) + '\n');
  return p;
}

function stderrTail(s: string, n = 1500): string {
  const t = s.trim();
  return t.length > n ? '…' + t.slice(-n) : t;
}

function procProblems(p: ProcResult, what: string): string[] {
  const out: string[] = [];
  if (p.timed_out) out.push(`${what} timed out after ${TIMEOUT_MS / 1000} s`);
  if (p.signal) out.push(`${what} killed by ${p.signal}`);
  else if (p.code !== 0) out.push(`${what} exited with code ${p.code}${p.stderr ? `: ${stderrTail(p.stderr, 600)}` : ''}`);
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Freeze the build for the whole run: dist/, schemas/ and package.json are copied (node_modules is
 * linked), so that a rebuild in the working tree while the benchmark runs cannot mix two builds in
 * one set of samples. Returns the snapshot folder and a fingerprint of the connector's compiled code.
 */
function snapshotBuild(into: string): { dir: string; fingerprint: string } {
  rmrf(into);
  mkdirSync(into, { recursive: true });
  cpSync(join(PROJECT, 'dist'), join(into, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  cpSync(join(PROJECT, 'schemas'), join(into, 'schemas'), { recursive: true });
  copyFileSync(join(PROJECT, 'package.json'), join(into, 'package.json'));
  symlinkSync(join(PROJECT, 'node_modules'), join(into, 'node_modules'), 'dir');
  CONNECTOR_BIN = join(into, 'dist', 'connector', 'bin.js');
  CHILD = join(into, 'dist', 'bench', 'child.js');
  const h = createHash('sha256');
  for (const sub of ['connector', 'state']) {
    const base = join(into, 'dist', sub);
    for (const f of walkFiles(base).filter((f) => f.endsWith('.js')).sort()) {
      h.update(f.slice(base.length) + '\0');
      h.update(readFileSync(f));
    }
  }
  return { dir: into, fingerprint: h.digest('hex').slice(0, 16) };
}

/** The commit and whether the tree has changes (read-only git queries; absent outside a checkout). */
function gitInfo(): { commit: string | null; dirty_files: number | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: PROJECT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty_files: status.split('\n').filter(Boolean).length };
  } catch {
    return { commit: null, dirty_files: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Case runners

interface Ctx {
  dir: string;
  manifest: Manifest;
  plan: Plan;
  keep: boolean;
  runsDir: string;
}

function info(ctx: Ctx, id: ArtifactId): FileInfo {
  const f = ctx.manifest.files[id];
  if (!f) throw new Error(`no generated data for ${id}`);
  return f;
}

function inputPath(ctx: Ctx, id: ArtifactId): string {
  return join(ctx.dir, artifactPaths(ctx.plan)[id]);
}

async function runChild(ctx: Ctx, caseId: string, rep: number, args: string[], check: (r: Record<string, unknown>, repDir: string) => string[]): Promise<Sample> {
  const repDir = join(ctx.runsDir, `${caseId}-${rep}`);
  rmrf(repDir);
  mkdirSync(repDir, { recursive: true });
  const p = await runNode([CHILD, ...args.map((a) => a.replace('{REP}', repDir))], { cwd: repDir, timeoutMs: TIMEOUT_MS });
  const problems = procProblems(p, 'the child');
  const r = lastJson(p.stdout);
  if (!r && !problems.length) problems.push('no JSON result on stdout');
  const crashed = problems.length > 0;
  if (r) problems.push(...check(r, repDir));
  if (!ctx.keep) rmrf(repDir);
  return toSample(rep, p, r, num(r?.['rows']), crashed, problems, r ?? {});
}

/** A sample from a finished child: peak RSS as the child reported it, else as polled from /proc. */
function toSample(rep: number, p: { wall_s: number; polled_hwm_bytes: number }, result: Record<string, unknown> | undefined, rows: number | undefined, crashed: boolean, problems: string[], detail: Record<string, unknown>): Sample {
  const self = num(result?.['max_rss_bytes']);
  return {
    rep,
    wall_s: p.wall_s,
    rss_bytes: self ?? p.polled_hwm_bytes,
    rss_source: self !== undefined ? 'self' : 'polled',
    polled_hwm_bytes: p.polled_hwm_bytes,
    rows: rows ?? null,
    valid: problems.length === 0,
    crashed,
    problems,
    detail,
  };
}

function limitCase(ctx: Ctx, id: string, group: Group, input: ArtifactId): CaseDef {
  return {
    id,
    label: 'limit: sha256 stream',
    group,
    kind: 'limit',
    input,
    run: (rep) =>
      runChild(ctx, id, rep, ['sha256', inputPath(ctx, input)], (r) => {
        const want = info(ctx, input).bytes;
        return r['bytes'] === want ? [] : [`sha256 read ${String(r['bytes'])} bytes, the file has ${want}`];
      }),
  };
}

/** A stage of the connector's XML path alone (bench/child.ts xml-stage): what it counts is verified. */
function stageCase(ctx: Ctx, input: 'xml_dense', stage: 'tokenize' | 'records'): CaseDef {
  return {
    id: `stage_${stage}_${input}`,
    label: stage === 'tokenize' ? 'stage: XML tokenizer alone' : 'stage: XML reader building records',
    group: 'xml',
    kind: 'limit',
    input,
    note: 'stage: the connector\'s own tokenizer with a handler that only counts, or its Tally reader into a sink that does nothing (bench/child.ts xml-stage)',
    run: (rep) =>
      runChild(ctx, `stage_${stage}_${input}`, rep, ['xml-stage', inputPath(ctx, input), stage], (r) => {
        const st = info(ctx, input);
        if (r['vouchers'] !== st.stats!.vouchers) return [`${stage} counted ${String(r['vouchers'])} vouchers, the generator wrote ${st.stats!.vouchers}`];
        if (stage === 'records' && r['rows'] !== st.expected_rows) return [`the reader built ${String(r['rows'])} rows, the generator wrote ${st.expected_rows}`];
        return [];
      }),
  };
}

/** The connector's `run`, end to end, on a fresh landing holding just `input`. */
function connectorCase(ctx: Ctx, id: string, label: string, group: Group, input: ArtifactId, name: string, extra: Partial<CaseDef> = {}, sink: 'ndjson' | 'parquet' | 'arrow' = 'ndjson', run: { workers?: number | 'auto'; config?: Record<string, unknown>; threads?: number } = {}): CaseDef {
  return {
    id,
    label,
    group,
    kind: 'connector',
    input,
    ...extra,
    run: async (rep) => {
      const repDir = join(ctx.runsDir, `${id}-${rep}`);
      rmrf(repDir);
      const landing = join(repDir, 'landing');
      place(inputPath(ctx, input), landing, name);
      const cfg = writeConfig(repDir, landing, sink, run.workers ?? 'auto', run.config ?? {});
      const expected = info(ctx, input).expected_rows;
      const s = await runConnector(rep, cfg, (sum) => {
        const probs: string[] = [];
        if (run.threads !== undefined && sum['workers'] !== run.threads) probs.push(`the run used ${String(sum['workers'])} parsing threads, expected ${run.threads}`);
        if (sum['files_processed'] !== 1) probs.push(`files_processed=${String(sum['files_processed'])}, expected 1`);
        if (sum['files_failed'] !== 0) probs.push(`files_failed=${String(sum['files_failed'])}`);
        if (sum['rows_rejected'] !== 0) probs.push(`rows_rejected=${String(sum['rows_rejected'])}`);
        if (sum['rows_emitted'] !== expected) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, the generator wrote ${expected}`);
        if (sum['bytes_read'] !== info(ctx, input).bytes) probs.push(`bytes_read=${String(sum['bytes_read'])}, the file has ${info(ctx, input).bytes}`);
        const checkpoints = walkFiles(join(repDir, 'state')).filter((f) => /[\\/]files[\\/][^\\/]+\.json$/.test(f));
        if (checkpoints.length !== 1) probs.push(`${checkpoints.length} committed checkpoints in the state, expected 1`);
        if (sink !== 'ndjson') {
          // Typed outputs: the manifest lists every output and its rows; the files are on disk.
          const files = walkFiles(join(repDir, 'out'), (n) => n === '_dead_letter' || n === '.staging');
          const manifests = files.filter((f) => f.includes('_manifests'));
          const data = files.filter((f) => f.endsWith(`.${sink}`));
          if (manifests.length !== 1) probs.push(`${manifests.length} manifests, expected 1`);
          const m = manifests[0] ? (JSON.parse(readFileSync(manifests[0], 'utf8')) as { rows: number; outputs: Array<{ rows: number; bytes: number }> }) : undefined;
          if (m && m.rows !== expected) probs.push(`the manifest lists ${m.rows} rows, expected ${expected}`);
          const bytes = data.reduce((a, f) => a + statSync(f).size, 0);
          if (m && m.outputs.reduce((a, o) => a + o.bytes, 0) !== bytes) probs.push('the manifest and the files on disk disagree on sizes');
          return { probs, detail: { output_files: data.length, output_rows: m?.rows, output_bytes: bytes } };
        }
        // Independent checks: the envelopes are on disk and the checkpoint is committed.
        const outs = walkFiles(join(repDir, 'out'), (n) => n === '_dead_letter').filter((f) => f.endsWith('.ndjson'));
        const lines = outs.reduce((a, f) => a + countLines(f), 0);
        if (lines !== expected) probs.push(`the NDJSON output has ${lines} lines, expected ${expected}`);
        return { probs, detail: { output_files: outs.length, output_lines: lines, output_bytes: outs.reduce((a, f) => a + statSync(f).size, 0) } };
      });
      if (!ctx.keep) rmrf(repDir);
      return s;
    },
  };
}

async function runConnector(rep: number, cfg: string, check: (summary: Record<string, unknown>) => { probs: string[]; detail?: Record<string, unknown> }): Promise<Sample> {
  const p = await runNode([CONNECTOR_BIN, 'run', '--config', cfg], { env: { ...process.env, LOG_LEVEL: 'warn' }, timeoutMs: TIMEOUT_MS });
  const problems = procProblems(p, 'the connector');
  const sum = lastJson(p.stdout);
  if (!sum && !problems.length) problems.push('no JSON summary on stdout');
  const crashed = p.timed_out || p.signal !== null || !sum;
  let detail: Record<string, unknown> = {};
  if (sum) {
    const c = check(sum);
    problems.push(...c.probs);
    detail = { ...c.detail };
    for (const k of ['status', 'exit_code', 'files_discovered', 'files_processed', 'files_skipped', 'files_failed', 'rows_emitted', 'rows_rejected', 'bytes_read', 'duration_ms', 'max_rss_bytes', 'drift_alerts']) {
      detail[k] = sum[k];
    }
    const files = sum['files'];
    if (Array.isArray(files) && files.length) detail['files'] = files.slice(0, 5);
  }
  if (p.stderr.trim()) detail['stderr_tail'] = stderrTail(p.stderr);
  return toSample(rep, p, sum, num(sum?.['rows_emitted']), crashed, problems, detail);
}

function buildCases(ctx: Ctx, groups: Set<Group>): CaseDef[] {
  const cases: CaseDef[] = [];
  const has = (g: Group) => groups.has(g);
  // CSV (main file)
  if (has('csv') || has('peers') || has('typed')) cases.push(limitCase(ctx, 'limit_csv', 'csv', 'csv'));
  if (has('csv')) {
    cases.push(connectorCase(ctx, 'connector_csv', 'connector run (CSV → NDJSON), workers: 1', 'csv', 'csv', 'trn_voucher.csv', { peer: 'duckdb_csv', limit: 'limit_csv' }, 'ndjson', { workers: 1, threads: 1 }));
    // The one large CSV cut into parts over every core (split_csv_min_bytes; off by default).
    cases.push(connectorCase(ctx, 'connector_csv_split', 'connector run (CSV → NDJSON), workers: auto, split in ranges', 'csv', 'csv', 'trn_voucher.csv', { peer: 'duckdb_csv', limit: 'limit_csv' }, 'ndjson', { workers: 'auto', config: { split_csv_min_bytes: 64 << 20 }, threads: Math.max(1, availableParallelism()) }));
  }
  if (has('peers')) {
    cases.push({
      id: 'duckdb_csv',
      label: 'DuckDB 1 thread: read_csv → json',
      group: 'peers',
      kind: 'peer',
      input: 'csv',
      note: 'DuckDB: COPY (SELECT * FROM read_csv(f)) TO out (FORMAT json) with threads=1; row count and output lines verified',
      run: (rep) =>
        runChild(ctx, 'duckdb_csv', rep, ['duckdb', inputPath(ctx, 'csv'), join('{REP}', 'out.json')], (r, repDir) => {
          const want = info(ctx, 'csv').expected_rows;
          const probs: string[] = [];
          if (r['rows'] !== want) probs.push(`DuckDB COPY wrote ${String(r['rows'])} rows, the generator wrote ${want}`);
          if (r['threads'] !== 1) probs.push(`DuckDB ran with threads=${String(r['threads'])}, expected 1`);
          const lines = countLines(join(repDir, 'out.json'));
          if (lines !== want) probs.push(`DuckDB output has ${lines} lines, expected ${want}`);
          return probs;
        }),
    });
    cases.push({
      id: 'csvparse_csv',
      label: 'csv-parse: count records',
      group: 'peers',
      kind: 'peer',
      input: 'csv',
      run: (rep) =>
        runChild(ctx, 'csvparse_csv', rep, ['csvparse', inputPath(ctx, 'csv')], (r) => {
          const want = info(ctx, 'csv').expected_rows;
          return r['rows'] === want ? [] : [`csv-parse counted ${String(r['rows'])} records, the generator wrote ${want}`];
        }),
    });
  }
  // XML
  const saxCase = (id: string, lib: 'sax' | 'saxes', input: 'xml_utf8' | 'xml_utf16'): CaseDef => ({
    id,
    label: `${lib} (strict): count vouchers *`,
    group: 'peers',
    kind: 'peer',
    input,
    note: '* &#4; references removed by a streaming filter first (strict XML rejects them); included in the time',
    run: (rep) =>
      runChild(ctx, id, rep, [lib, inputPath(ctx, input), input === 'xml_utf8' ? 'utf8' : 'utf16le'], (r) => {
        const st = info(ctx, input).stats!;
        const probs: string[] = [];
        if (r['vouchers'] !== st.vouchers) probs.push(`${lib} counted ${String(r['vouchers'])} vouchers, the generator wrote ${st.vouchers}`);
        if (r['ledger_entries'] !== st.ledgerEntries) probs.push(`${lib} counted ${String(r['ledger_entries'])} ledger entries, the generator wrote ${st.ledgerEntries}`);
        return probs;
      }),
  });
  if (has('xml') || has('peers') || has('typed')) cases.push(limitCase(ctx, 'limit_xml_utf8', 'xml', 'xml_utf8'));
  if (has('xml')) cases.push(connectorCase(ctx, 'connector_xml_utf8', 'connector run (XML UTF-8 → NDJSON)', 'xml', 'xml_utf8', 'daybook-utf8.xml', { peer: 'sax_xml_utf8', limit: 'limit_xml_utf8' }));
  // Typed outputs (issue: Parquet and Arrow sinks): the same inputs into Parquet (zstd) and Arrow IPC.
  if (has('typed')) {
    cases.push(connectorCase(ctx, 'connector_parquet_csv', 'connector run (CSV → Parquet, zstd)', 'typed', 'csv', 'trn_voucher.csv', { peer: 'duckdb_parquet_csv', limit: 'limit_csv' }, 'parquet'));
    cases.push({
      id: 'duckdb_parquet_csv',
      label: 'DuckDB 1 thread: read_csv → parquet',
      group: 'typed',
      kind: 'peer',
      input: 'csv',
      note: 'DuckDB: COPY (SELECT * FROM read_csv(f)) TO out.parquet (FORMAT parquet, COMPRESSION zstd) with threads=1; row count verified',
      run: (rep) =>
        runChild(ctx, 'duckdb_parquet_csv', rep, ['duckdb', inputPath(ctx, 'csv'), join('{REP}', 'out.parquet')], (r) => {
          const want = info(ctx, 'csv').expected_rows;
          const probs: string[] = [];
          if (r['rows'] !== want) probs.push(`DuckDB COPY wrote ${String(r['rows'])} rows, the generator wrote ${want}`);
          if (r['threads'] !== 1) probs.push(`DuckDB ran with threads=${String(r['threads'])}, expected 1`);
          return probs;
        }),
    });
    cases.push(connectorCase(ctx, 'connector_arrow_csv', 'connector run (CSV → Arrow IPC)', 'typed', 'csv', 'trn_voucher.csv', { limit: 'limit_csv' }, 'arrow'));
    cases.push(connectorCase(ctx, 'connector_parquet_xml', 'connector run (XML UTF-8 → Parquet, zstd)', 'typed', 'xml_utf8', 'daybook-utf8.xml', { limit: 'limit_xml_utf8' }, 'parquet'));
  }
  if (has('peers') || has('xml')) cases.push(expatCase(ctx));
  // The dense day book (every flag Tally writes, inventory, UDFs): rows/s that do not come from sparse data.
  if (has('xml') || has('peers')) cases.push(limitCase(ctx, 'limit_xml_dense', 'xml', 'xml_dense'));
  if (has('xml')) cases.push(stageCase(ctx, 'xml_dense', 'tokenize'), stageCase(ctx, 'xml_dense', 'records'));
  if (has('xml')) cases.push(connectorCase(ctx, 'connector_xml_dense', 'connector run (XML dense → NDJSON)', 'xml', 'xml_dense', 'daybook-dense.xml', { peer: 'expat_xml_dense', limit: 'limit_xml_dense' }));
  if (has('peers') || has('xml')) cases.push(expatCase(ctx, 'xml_dense'));
  if (has('peers')) {
    cases.push(saxCase('sax_xml_utf8', 'sax', 'xml_utf8'));
    cases.push(saxCase('saxes_xml_utf8', 'saxes', 'xml_utf8'));
  }
  if (has('xml') || has('peers')) cases.push(limitCase(ctx, 'limit_xml_utf16', 'xml', 'xml_utf16'));
  if (has('xml')) cases.push(connectorCase(ctx, 'connector_xml_utf16', 'connector run (XML UTF-16 → NDJSON)', 'xml', 'xml_utf16', 'daybook-utf16.xml', { peer: 'sax_xml_utf16', limit: 'limit_xml_utf16' }));
  if (has('peers')) {
    cases.push(saxCase('sax_xml_utf16', 'sax', 'xml_utf16'));
    cases.push(saxCase('saxes_xml_utf16', 'saxes', 'xml_utf16'));
  }
  // Memory flatness
  if (has('mem')) {
    cases.push(limitCase(ctx, 'limit_csv_small', 'mem', 'csv_small'));
    cases.push(connectorCase(ctx, 'connector_mem_small', 'connector run, small CSV (memory)', 'mem', 'csv_small', 'trn_voucher.csv', { limit: 'limit_csv_small' }));
    cases.push(limitCase(ctx, 'limit_csv_big', 'mem', 'csv_big'));
    cases.push(connectorCase(ctx, 'connector_mem_big', 'connector run, big CSV (memory)', 'mem', 'csv_big', 'trn_voucher.csv', { limit: 'limit_csv_big' }));
  }
  // No-op incremental
  if (has('noop')) cases.push(noopCase(ctx));
  if (has('changes')) cases.push(...changeCases(ctx));
  if (has('backfill')) cases.push(backfillCase(ctx, 1), backfillCase(ctx, 'auto'), backfillPairCase(ctx), xmlBackfillCase(ctx));
  return cases;
}

/**
 * The XML peer the issue on all cores names: Python's expat counting VOUCHER and
 * ALLLEDGERENTRIES.LIST elements, on a copy of the day book cleaned of `&#4;` beforehand (made
 * once, not timed). Needs only python3 and its standard library.
 */
function expatCase(ctx: Ctx, input: 'xml_utf8' | 'xml_dense' = 'xml_utf8'): CaseDef {
  const src = inputPath(ctx, input);
  const cleaned = src.replace(/\.xml$/, '.clean.xml');
  return {
    id: `expat_${input}`,
    label: 'Python expat: count elements (cleaned copy) †',
    group: 'peers',
    kind: 'peer',
    input,
    note: '† on a copy cleaned of &#4; beforehand (not timed): python3 bench/expat-count.py, counting VOUCHER and ALLLEDGERENTRIES.LIST',
    run: async (rep) => {
      if (!existsSync(cleaned) || statSync(cleaned).mtimeMs < statSync(src).mtimeMs) {
        const c = await runNode([CHILD, 'clean', src, cleaned], { timeoutMs: TIMEOUT_MS });
        if (c.code !== 0) throw new Error(`cleaning ${src} for expat failed: ${c.stderr.slice(-500)}`);
      }
      const p = await runProc('python3', [join(PROJECT, 'bench', 'expat-count.py'), cleaned], { timeoutMs: TIMEOUT_MS });
      const problems = procProblems(p, 'python3 expat');
      const r = lastJson(p.stdout);
      const st = info(ctx, input).stats!;
      // The dense day book's inventory entries each carry one accounting allocation: a ledger entry
      // for the connector, not an ALLLEDGERENTRIES.LIST element for expat.
      const ledger = st.ledgerEntries - (st.inventoryEntries ?? 0);
      if (r && r['vouchers'] !== st.vouchers) problems.push(`expat counted ${String(r['vouchers'])} vouchers, the generator wrote ${st.vouchers}`);
      if (r && r['ledger_entries'] !== ledger) problems.push(`expat counted ${String(r['ledger_entries'])} ledger entries, the generator wrote ${ledger}`);
      return toSample(rep, p, r, num(r?.['rows']), problems.length > 0 && !r, problems, r ?? {});
    },
  };
}

/** A backfill of 8 files, CSV and XML mixed: three 1.25M-row CSVs, three small CSVs, the UTF-8 and the UTF-16 day book. */
const BACKFILL_FILES: Array<[ArtifactId, string]> = [
  ['csv', 'a/trn_voucher_1.csv'],
  ['csv', 'b/trn_voucher_2.csv'],
  ['csv', 'c/trn_voucher_3.csv'],
  ['csv_small', 'd/trn_voucher_4.csv'],
  ['csv_small', 'e/trn_voucher_5.csv'],
  ['csv_small', 'f/trn_voucher_6.csv'],
  ['xml_utf8', 'g/daybook-utf8.xml'],
  ['xml_utf16', 'h/daybook-utf16.xml'],
];

/** A landing of `files` (hard links to the cached inputs, each in its own folder). */
function placeAll(ctx: Ctx, files: Array<[ArtifactId, string]>, landing: string): void {
  for (const [art, name] of files) place(inputPath(ctx, art), join(landing, dirname(name)), basename(name));
}

/** Rows the connector emits for `files`, by what the generator wrote. */
function rowsOf(ctx: Ctx, files: Array<[ArtifactId, string]>): number {
  return files.reduce((a, [art]) => a + info(ctx, art).expected_rows, 0);
}

/** The backfill in one run, with `workers: 1` or with `workers: auto`. */
function backfillCase(ctx: Ctx, workers: 1 | 'auto'): CaseDef {
  const id = workers === 1 ? 'backfill_w1' : 'backfill_auto';
  const files = BACKFILL_FILES;
  return {
    id,
    label: `backfill of 8 files (CSV + XML), workers: ${workers}`,
    group: 'backfill',
    kind: 'connector',
    input: 'csv',
    inputs: files.map(([art]) => art),
    run: async (rep) => {
      const repDir = join(ctx.runsDir, `${id}-${rep}`);
      rmrf(repDir);
      const landing = join(repDir, 'landing');
      placeAll(ctx, files, landing);
      const want = rowsOf(ctx, files);
      const s = await runConnector(rep, writeConfig(repDir, landing, 'ndjson', workers), (sum) => {
        const probs: string[] = [];
        if (sum['files_processed'] !== files.length) probs.push(`files_processed=${String(sum['files_processed'])}, expected ${files.length}`);
        if (sum['rows_emitted'] !== want) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, expected ${want}`);
        return { probs, detail: { workers: sum['workers'] } };
      });
      if (!ctx.keep) rmrf(repDir);
      return s;
    },
  };
}

/**
 * The same 8 files as two one-thread processes started together, each given about half the work
 * (one day book each; the CSVs to even the halves out): what two cores give when nothing at all is
 * shared between the halves (no main thread between them, two garbage collectors, two page-cache
 * and disk streams). Reported beside the backfill's floor as the ceiling of file-level parallelism
 * on this machine; wall is the later of the two, peak RSS the larger.
 */
function backfillPairCase(ctx: Ctx): CaseDef {
  const id = 'backfill_two_processes';
  // The UTF-16 day book, a large CSV and the small ones; the UTF-8 day book and the other two CSVs.
  const first = new Set(['h', 'a', 'd', 'e', 'f']);
  const halves = [BACKFILL_FILES.filter(([, n]) => first.has(n[0]!)), BACKFILL_FILES.filter(([, n]) => !first.has(n[0]!))];
  return {
    id,
    label: 'the same 8 files as two one-thread processes side by side',
    group: 'backfill',
    kind: 'connector',
    input: 'csv',
    inputs: BACKFILL_FILES.map(([art]) => art),
    run: async (rep) => {
      const repDir = join(ctx.runsDir, `${id}-${rep}`);
      rmrf(repDir);
      const cfgs = halves.map((files, h) => {
        const dir = join(repDir, `half${h}`);
        const landing = join(dir, 'landing');
        placeAll(ctx, files, landing);
        return writeConfig(dir, landing, 'ndjson', 1);
      });
      const ps = await Promise.all(cfgs.map((cfg) => runNode([CONNECTOR_BIN, 'run', '--config', cfg], { env: { ...process.env, LOG_LEVEL: 'warn' }, timeoutMs: TIMEOUT_MS })));
      const problems: string[] = [];
      let rows = 0;
      let rss = 0;
      let polled = false;
      let crashed = false;
      ps.forEach((p, h) => {
        problems.push(...procProblems(p, `process ${h + 1}`));
        const sum = lastJson(p.stdout);
        if (!sum) {
          crashed = true;
          problems.push(`process ${h + 1}: no JSON summary on stdout`);
          return;
        }
        const want = rowsOf(ctx, halves[h]!);
        if (sum['rows_emitted'] !== want) problems.push(`process ${h + 1}: rows_emitted=${String(sum['rows_emitted'])}, expected ${want}`);
        rows += num(sum['rows_emitted']) ?? 0;
        const self = num(sum['max_rss_bytes']);
        if (self === undefined) polled = true;
        rss = Math.max(rss, self ?? p.polled_hwm_bytes);
      });
      const wall = Math.max(...ps.map((p) => p.wall_s));
      if (!ctx.keep) rmrf(repDir);
      return {
        rep,
        wall_s: wall,
        rss_bytes: rss,
        rss_source: polled ? 'polled' : 'self',
        polled_hwm_bytes: Math.max(...ps.map((p) => p.polled_hwm_bytes)),
        rows,
        valid: problems.length === 0,
        crashed: crashed || ps.some((p) => p.timed_out || p.signal !== null),
        problems,
        detail: { walls: ps.map((p) => p.wall_s) },
      };
    },
  };
}

/** Copies of the dense day book in the XML backfill (each its own path, so its own file). */
const XML_BACKFILL_FILES = 4;

/**
 * A backfill of dense day books only, with `workers: auto`: the XML floor on all cores compares it
 * with the expat peer counting the same files one after the other (XML_BACKFILL_FILES × its median).
 */
function xmlBackfillCase(ctx: Ctx): CaseDef {
  const id = 'xml_backfill_auto';
  return {
    id,
    label: `backfill of ${XML_BACKFILL_FILES} dense day books, workers: auto`,
    group: 'backfill',
    kind: 'connector',
    input: 'xml_dense',
    inputs: Array.from({ length: XML_BACKFILL_FILES }, () => 'xml_dense' as ArtifactId),
    run: async (rep) => {
      const repDir = join(ctx.runsDir, `${id}-${rep}`);
      rmrf(repDir);
      const landing = join(repDir, 'landing');
      for (let i = 0; i < XML_BACKFILL_FILES; i++) place(inputPath(ctx, 'xml_dense'), join(landing, `y${2019 + i}`), 'daybook.xml');
      const want = XML_BACKFILL_FILES * info(ctx, 'xml_dense').expected_rows;
      const s = await runConnector(rep, writeConfig(repDir, landing, 'ndjson', 'auto'), (sum) => {
        const probs: string[] = [];
        if (sum['files_processed'] !== XML_BACKFILL_FILES) probs.push(`files_processed=${String(sum['files_processed'])}, expected ${XML_BACKFILL_FILES}`);
        if (sum['rows_emitted'] !== want) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, expected ${want}`);
        return { probs, detail: { workers: sum['workers'] } };
      });
      if (!ctx.keep) rmrf(repDir);
      return s;
    },
  };
}

/**
 * The incremental no-op: the small files are committed once (setup, not the metric), then every
 * repetition is a second `run` that must list and skip them all.
 */
function noopCase(ctx: Ctx): CaseDef & { setup(): Promise<Sample>; cleanup(): void; setupSample?: Sample } {
  const dir = join(ctx.runsDir, 'noop');
  const landing = inputPath(ctx, 'noop');
  const n = info(ctx, 'noop').files!;
  const expectedRows = info(ctx, 'noop').expected_rows;
  let cfg = '';
  const c: CaseDef & { setup(): Promise<Sample>; cleanup(): void; setupSample?: Sample } = {
    id: 'connector_noop',
    label: `connector run, no-op over ${n.toLocaleString('en')} committed files`,
    group: 'noop',
    kind: 'connector',
    input: 'noop',
    async setup() {
      rmrf(dir);
      mkdirSync(dir, { recursive: true });
      cfg = writeConfig(dir, landing);
      const s = await runConnector(0, cfg, (sum) => {
        const probs: string[] = [];
        if (sum['files_processed'] !== n) probs.push(`setup run processed ${String(sum['files_processed'])} files, expected ${n}`);
        if (sum['files_failed'] !== 0) probs.push(`setup run: files_failed=${String(sum['files_failed'])}`);
        if (sum['rows_emitted'] !== expectedRows) probs.push(`setup run emitted ${String(sum['rows_emitted'])} rows, the generator wrote ${expectedRows}`);
        return { probs };
      });
      c.setupSample = s;
      return s;
    },
    run: (rep) =>
      runConnector(rep, cfg, (sum) => {
        const probs: string[] = [];
        if (sum['files_processed'] !== 0) probs.push(`files_processed=${String(sum['files_processed'])}, expected 0`);
        if (sum['files_skipped'] !== n) probs.push(`files_skipped=${String(sum['files_skipped'])}, expected ${n}`);
        if (sum['files_failed'] !== 0) probs.push(`files_failed=${String(sum['files_failed'])}`);
        if (sum['rows_emitted'] !== 0) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, expected 0`);
        return { probs };
      }),
    cleanup() {
      if (!ctx.keep) rmrf(dir);
    },
  };
  return c;
}

/**
 * Change capture at scale: the UTF-8 day book into a stream with `changes: { deletes: period }`,
 * then the same bytes landed again under another name (nothing changed: 0 rows), then a copy with
 * 1 % of the vouchers altered (a higher ALTERID): exactly those vouchers and their lines. The three
 * runs share one state per repetition, in this order.
 */
function changeCases(ctx: Ctx): CaseDef[] {
  const vouchers = info(ctx, 'xml_utf8').stats!.vouchers;
  const altered = Math.floor(vouchers / 100);
  const dirOf = (rep: number) => join(ctx.runsDir, `changes-${rep}`);
  const alteredCopy = join(ctx.runsDir, 'daybook-altered.xml');
  const config = (dir: string) => {
    const p = join(dir, 'config.json');
    writeFileSync(
      p,
      JSON.stringify({
        tenant_id: 'bench',
        connector_id: 'tally_bench',
        source: { type: 'local', path: join(dir, 'landing') },
        streams: [{ id: 'daybook', pattern: '**/*.xml', changes: { deletes: 'period' } }],
        state: { type: 'local', path: join(dir, 'state') },
        sink: { type: 'ndjson', path: join(dir, 'out') },
        log_level: 'warn',
      }),
    );
    return p;
  };
  const changes = (sum: Record<string, unknown>) => ((sum['streams'] as Record<string, { changes?: Record<string, Record<string, number>> }>)?.['daybook']?.changes?.['vouchers'] ?? {}) as Record<string, number>;
  const step = (id: string, label: string, prepare: (dir: string) => Promise<void>, check: (sum: Record<string, unknown>, dir: string) => { probs: string[]; detail?: Record<string, unknown> }): CaseDef => ({
    id,
    label,
    group: 'changes',
    kind: 'connector',
    input: 'xml_utf8',
    ...(id === 'changes_unchanged' ? { limit: 'limit_xml_utf8' } : {}),
    run: async (rep) => {
      const dir = dirOf(rep);
      await prepare(dir);
      return runConnector(rep, config(dir), (sum) => check(sum, dir));
    },
  });
  const sizeOf = (d: string) => walkFiles(d).reduce((a, f) => a + statSync(f).size, 0);
  return [
    step(
      'changes_first',
      'change capture: first load (day book, deletes: period)',
      async (dir) => {
        rmrf(dir);
        place(inputPath(ctx, 'xml_utf8'), join(dir, 'landing'), '1.xml');
      },
      (sum) => {
        const c = changes(sum);
        const probs: string[] = [];
        if (sum['rows_emitted'] !== info(ctx, 'xml_utf8').expected_rows) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, expected ${info(ctx, 'xml_utf8').expected_rows}`);
        if (c['inserts'] !== vouchers) probs.push(`${String(c['inserts'])} voucher inserts, expected ${vouchers}`);
        return { probs };
      },
    ),
    step(
      'changes_unchanged',
      'change capture: the same day book landed again',
      async (dir) => {
        place(inputPath(ctx, 'xml_utf8'), join(dir, 'landing'), '2.xml');
      },
      (sum) => {
        const c = changes(sum);
        const probs: string[] = [];
        if (sum['files_processed'] !== 1) probs.push(`files_processed=${String(sum['files_processed'])}, expected 1`);
        if (sum['rows_emitted'] !== 0) probs.push(`rows_emitted=${String(sum['rows_emitted'])}, expected 0`);
        if (c['unchanged'] !== vouchers) probs.push(`${String(c['unchanged'])} vouchers unchanged, expected ${vouchers}`);
        return { probs };
      },
    ),
    step(
      'changes_altered',
      'change capture: a copy with 1 % of vouchers altered',
      async (dir) => {
        if (!existsSync(alteredCopy)) await alterCopy(inputPath(ctx, 'xml_utf8'), alteredCopy, 100);
        place(alteredCopy, join(dir, 'landing'), '3.xml');
      },
      (sum, dir) => {
        const c = changes(sum);
        const probs: string[] = [];
        if (c['updates'] !== altered || c['inserts'] !== 0 || c['deletes'] !== 0) probs.push(`changes ${JSON.stringify(c)}, expected ${altered} updates and nothing else`);
        const index = sizeOf(join(dir, 'state', 'bench', 'tally_bench', 'daybook', 'changes'));
        if (!ctx.keep) rmrf(dir);
        return { probs, detail: { index_bytes: index, vouchers_altered: altered, vouchers } };
      },
    ),
  ];
}

/** A copy of a day book with every `every`-th voucher's ALTERID raised (the text of one line each). */
async function alterCopy(src: string, dst: string, every: number): Promise<void> {
  const { createInterface } = await import('node:readline');
  const { createReadStream, createWriteStream } = await import('node:fs');
  const out = createWriteStream(dst);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(src), crlfDelay: Infinity })) {
    const m = /^(\s*<ALTERID>\s*)(\d+)(<\/ALTERID>)$/.exec(line);
    const l = m && ++n % every === 0 ? `${m[1]}${Number(m[2]) + 10_000_000}${m[3]}` : line;
    if (!out.write(l + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

// ---------------------------------------------------------------------------------------------
// Results

function summarise(ctx: Ctx, defs: CaseDef[], samples: Map<string, Sample[]>): CaseResult[] {
  const out: CaseResult[] = [];
  for (const d of defs) {
    const ss = samples.get(d.id) ?? [];
    const walls = ss.map((s) => s.wall_s);
    const f0 = info(ctx, d.input);
    // A case over several inputs (the backfill) counts all their bytes and rows.
    const f = d.inputs ? { ...f0, bytes: d.inputs.reduce((a, id) => a + info(ctx, id).bytes, 0), expected_rows: d.inputs.reduce((a, id) => a + info(ctx, id).expected_rows, 0) } : f0;
    const med = median(walls);
    const isNoop = d.input === 'noop';
    out.push({
      id: d.id,
      label: d.label,
      group: d.group,
      kind: d.kind,
      input: d.inputs ? `${d.inputs.length} files` : artifactPaths(ctx.plan)[d.input],
      input_bytes: f.bytes,
      input_rows: f.expected_rows,
      ...(d.note ? { note: d.note } : {}),
      reps: ss.length,
      wall_s_median: med,
      wall_s_min: Math.min(...walls),
      wall_s_max: Math.max(...walls),
      mb_per_s: isNoop || !ss.length ? null : f.bytes / MB / med,
      rows_per_s: isNoop || !ss.length ? null : f.expected_rows / med,
      peak_rss_bytes: Math.max(0, ...ss.map((s) => s.rss_bytes)),
      rss_bytes_median: median(ss.map((s) => s.rss_bytes)),
      speed_vs_peer: null,
      peer: d.peer ?? null,
      speed_vs_limit: null,
      valid: ss.length > 0 && ss.every((s) => s.valid),
      crashed: ss.some((s) => s.crashed),
      problems: [...new Set(ss.flatMap((s) => s.problems))],
      samples: ss,
    });
  }
  const byId = new Map(out.map((r) => [r.id, r]));
  for (const d of defs) {
    const r = byId.get(d.id)!;
    const peer = d.peer ? byId.get(d.peer) : undefined;
    const limit = d.limit ? byId.get(d.limit) : undefined;
    // Same content, so the speed ratio is the inverse ratio of wall times.
    if (peer && peer.reps && r.reps) r.speed_vs_peer = peer.wall_s_median / r.wall_s_median;
    if (limit && limit.reps && r.reps) r.speed_vs_limit = limit.wall_s_median / r.wall_s_median;
    if (!peer) r.peer = null;
  }
  return out;
}

function floors(results: CaseResult[], quick: boolean, reps: number): Floor[] {
  const by = new Map(results.map((r) => [r.id, r]));
  const fl: Floor[] = [];
  const status = (ok: boolean, ...rs: Array<CaseResult | undefined>): Floor['status'] => (rs.some((r) => !r || !r.valid) ? 'INVALID' : ok ? 'PASS' : 'FAIL');
  /** Floor `id`: the connector case at least `min` × the speed of the peer case (the ratio of their median walls). */
  const versus = (id: string, target: string, caseId: string, peerId: string, min: number) => {
    const c = by.get(caseId);
    const p = by.get(peerId);
    if (!c || !p) return void fl.push({ id, target, measured: 'not run', status: 'N/A' });
    const x = p.wall_s_median / c.wall_s_median;
    fl.push({ id, target, measured: `${x.toFixed(2)}× (${c.wall_s_median.toFixed(2)} s vs ${p.wall_s_median.toFixed(2)} s)`, status: status(x >= min, c, p) });
  };
  versus('csv_vs_duckdb', 'CSV end to end, workers: 1, ≥ 1.0× DuckDB 1-thread speed', 'connector_csv', 'duckdb_csv', 1.0);
  versus('csv_split_vs_duckdb', 'CSV end to end, workers: auto (split in ranges), ≥ 1.6× DuckDB 1-thread speed', 'connector_csv_split', 'duckdb_csv', 1.6);
  const x8 = by.get('connector_xml_utf8');
  const x16 = by.get('connector_xml_utf16');
  if (x8) {
    fl.push({ id: 'xml_utf8_mbps', target: 'XML UTF-8 end to end ≥ 45 MB/s', measured: `${x8.mb_per_s!.toFixed(1)} MB/s`, status: status(x8.mb_per_s! >= 45, x8) });
  } else fl.push({ id: 'xml_utf8_mbps', target: 'XML UTF-8 end to end ≥ 45 MB/s', measured: 'not run', status: 'N/A' });
  if (x8 && x16) {
    const x = x16.wall_s_median / x8.wall_s_median;
    fl.push({ id: 'xml_utf16_vs_utf8', target: 'XML UTF-16 wall ≤ 1.3× UTF-8 wall', measured: `${x.toFixed(2)}× (${x16.wall_s_median.toFixed(2)} s vs ${x8.wall_s_median.toFixed(2)} s)`, status: status(x <= 1.3, x8, x16) });
  } else fl.push({ id: 'xml_utf16_vs_utf8', target: 'XML UTF-16 wall ≤ 1.3× UTF-8 wall', measured: 'not run', status: 'N/A' });
  versus('xml_vs_expat', 'XML end to end ≥ 1.0× Python expat counting elements', 'connector_xml_utf8', 'expat_xml_utf8', 1.0);
  versus('xml_dense_vs_expat', 'XML dense end to end ≥ 1.0× Python expat counting elements', 'connector_xml_dense', 'expat_xml_dense', 1.0);
  {
    const xb = by.get('xml_backfill_auto');
    const ex = by.get('expat_xml_dense');
    const target = `XML backfill of ${XML_BACKFILL_FILES} dense day books, workers: auto, ≥ 1.6× expat counting them one after the other`;
    if (xb && ex) {
      const peer = XML_BACKFILL_FILES * ex.wall_s_median;
      const x = peer / xb.wall_s_median;
      fl.push({ id: 'xml_backfill_vs_expat', target, measured: `${x.toFixed(2)}× (${xb.wall_s_median.toFixed(2)} s vs ${XML_BACKFILL_FILES} × ${ex.wall_s_median.toFixed(2)} s)`, status: status(x >= 1.6, xb, ex) });
    } else fl.push({ id: 'xml_backfill_vs_expat', target, measured: xb ? 'needs the peers group too' : 'not run', status: 'N/A' });
  }
  const b1 = by.get('backfill_w1');
  const bn = by.get('backfill_auto');
  if (b1 && bn) {
    const x = b1.wall_s_median / bn.wall_s_median;
    fl.push({ id: 'backfill_workers', target: 'backfill of 8 files: workers auto ≥ 1.7× workers 1', measured: `${x.toFixed(2)}× (${bn.wall_s_median.toFixed(2)} s vs ${b1.wall_s_median.toFixed(2)} s)`, status: status(x >= 1.7, b1, bn) });
    fl.push({ id: 'backfill_rss', target: 'backfill with workers: auto, peak RSS ≤ 250 MB', measured: `${(bn.peak_rss_bytes / MB).toFixed(1)} MB`, status: status(bn.peak_rss_bytes <= 250 * MB, bn) });
    const b2 = by.get('backfill_two_processes');
    if (b2) {
      const y = b1.wall_s_median / b2.wall_s_median;
      fl.push({ id: 'backfill_ceiling', target: 'the same 8 files as two one-thread processes side by side, against workers 1 (reported: the ceiling on this machine)', measured: `${y.toFixed(2)}× (${b2.wall_s_median.toFixed(2)} s vs ${b1.wall_s_median.toFixed(2)} s)`, status: 'INFO' });
    }
  } else fl.push({ id: 'backfill_workers', target: 'backfill of 8 files: workers auto ≥ 1.7× workers 1', measured: 'not run', status: 'N/A' });
  const pq = by.get('connector_parquet_csv');
  if (pq) {
    const rps = pq.rows_per_s ?? 0;
    fl.push({ id: 'parquet_csv_rows', target: 'CSV → Parquet end to end ≥ 250,000 rows/s', measured: `${Math.round(rps).toLocaleString('en')} rows/s (${pq.wall_s_median.toFixed(2)} s)`, status: status(rps >= 250_000, pq) });
  } else fl.push({ id: 'parquet_csv_rows', target: 'CSV → Parquet end to end ≥ 250,000 rows/s', measured: 'not run', status: 'N/A' });
  const typed = results.filter((r) => r.group === 'typed' && r.kind === 'connector' && r.reps);
  if (typed.length) {
    const worst = typed.reduce((a, b) => (b.peak_rss_bytes > a.peak_rss_bytes ? b : a));
    fl.push({ id: 'typed_rss', target: 'typed outputs peak RSS ≤ 300 MB', measured: `${(worst.peak_rss_bytes / MB).toFixed(1)} MB (${worst.id})`, status: status(worst.peak_rss_bytes <= 300 * MB, ...typed) });
  } else fl.push({ id: 'typed_rss', target: 'typed outputs peak RSS ≤ 300 MB', measured: 'not run', status: 'N/A' });
  const cu = by.get('changes_unchanged');
  const plainXml = by.get('connector_xml_utf8');
  if (cu && plainXml) fl.push({ id: 'changes_rerun', target: 'change capture: unchanged re-run ≤ 1.3× a plain XML run', measured: `${(cu.wall_s_median / plainXml.wall_s_median).toFixed(2)}× (${cu.wall_s_median.toFixed(2)} s vs ${plainXml.wall_s_median.toFixed(2)} s)`, status: status(cu.wall_s_median <= 1.3 * plainXml.wall_s_median, cu, plainXml) });
  else fl.push({ id: 'changes_rerun', target: 'change capture: unchanged re-run ≤ 1.3× a plain XML run', measured: cu ? 'needs the xml group too' : 'not run', status: 'N/A' });
  const cc = results.filter((r) => r.group === 'changes' && r.reps);
  if (cc.length) {
    const worst = cc.reduce((a, b) => (b.peak_rss_bytes > a.peak_rss_bytes ? b : a));
    fl.push({ id: 'changes_rss', target: 'change capture peak RSS ≤ 300 MB', measured: `${(worst.peak_rss_bytes / MB).toFixed(1)} MB (${worst.id})`, status: status(worst.peak_rss_bytes <= 300 * MB, ...cc) });
    const idx = Number(by.get('changes_altered')?.samples[0]?.detail['index_bytes'] ?? 0);
    if (idx) fl.push({ id: 'changes_index', target: 'change capture: key index size on disk (reported)', measured: `${(idx / MB).toFixed(1)} MB for ${String(by.get('changes_altered')?.samples[0]?.detail['vouchers'] ?? '?')} vouchers`, status: 'INFO' });
  }
  const nd = by.get('connector_csv');
  if (pq && nd) {
    const a = Number(pq.samples[0]?.detail['output_bytes'] ?? 0);
    const b = Number(nd.samples[0]?.detail['output_bytes'] ?? 0);
    if (a && b) fl.push({ id: 'parquet_size', target: 'Parquet output size against NDJSON (reported)', measured: `${(a / MB).toFixed(1)} MB vs ${(b / MB).toFixed(1)} MB (${((100 * a) / b).toFixed(1)} %)`, status: 'INFO' });
  }
  // With the default settings: the split CSV (split_csv_min_bytes, off by default) is judged apart.
  const conn = results.filter((r) => r.kind === 'connector' && r.group !== 'typed' && r.group !== 'changes' && r.group !== 'backfill' && r.id !== 'connector_csv_split' && r.reps);
  const split = by.get('connector_csv_split');
  fl.push(
    split
      ? { id: 'split_rss', target: 'CSV split over every core, peak RSS ≤ 250 MB', measured: `${(split.peak_rss_bytes / MB).toFixed(1)} MB`, status: status(split.peak_rss_bytes <= 250 * MB, split) }
      : { id: 'split_rss', target: 'CSV split over every core, peak RSS ≤ 250 MB', measured: 'not run', status: 'N/A' },
  );
  if (conn.length) {
    const worst = conn.reduce((a, b) => (b.peak_rss_bytes > a.peak_rss_bytes ? b : a));
    fl.push({
      id: 'peak_rss',
      target: 'connector peak RSS ≤ 250 MB (every connector case with the default settings)',
      measured: `${(worst.peak_rss_bytes / MB).toFixed(1)} MB (${worst.id})`,
      status: status(worst.peak_rss_bytes <= 250 * MB, ...conn),
    });
  } else fl.push({ id: 'peak_rss', target: 'connector peak RSS ≤ 250 MB (every connector case with the default settings)', measured: 'not run', status: 'N/A' });
  const small = by.get('connector_mem_small');
  const big = by.get('connector_mem_big');
  if (small && big) {
    const d = big.peak_rss_bytes - small.peak_rss_bytes;
    fl.push({
      id: 'rss_flat',
      target: `big-CSV RSS within 50 MB of small-CSV RSS`,
      measured: `${d >= 0 ? '+' : ''}${(d / MB).toFixed(1)} MB (${(big.peak_rss_bytes / MB).toFixed(1)} vs ${(small.peak_rss_bytes / MB).toFixed(1)} MB)`,
      status: status(Math.abs(d) <= 50 * MB, small, big),
    });
  } else fl.push({ id: 'rss_flat', target: 'big-CSV RSS within 50 MB of small-CSV RSS', measured: 'not run', status: 'N/A' });
  const noop = by.get('connector_noop');
  if (noop) {
    fl.push({ id: 'noop', target: 'no-op incremental run ≤ 2 s', measured: `${noop.wall_s_median.toFixed(2)} s over ${String(noop.samples[0]?.detail['files_skipped'] ?? '?')} files`, status: status(noop.wall_s_median <= 2, noop) });
  } else fl.push({ id: 'noop', target: 'no-op incremental run ≤ 2 s', measured: 'not run', status: 'N/A' });
  if (quick || reps < 3) for (const f of fl) if (f.status === 'PASS' || f.status === 'FAIL') f.detail = quick ? 'quick inputs: indicative only' : `${reps} rep(s): the floor needs medians of at least 3`;
  return fl;
}

function fmt(n: number | null | undefined, digits: number): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: string[][], align: Array<'l' | 'r'>): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (align[i] === 'r' ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ');
      return ri === 0 ? line + '\n' + w.map((x) => '-'.repeat(x)).join('  ') : line;
    })
    .join('\n');
}

function render(results: CaseResult[], fl: Floor[], meta: { reps: number; quick: boolean; plan: Plan; noopSetup?: Sample | undefined; build: string }): string {
  const shortInput = (r: CaseResult) => `${basename(r.input)} (${(r.input_bytes / MB).toFixed(0)} MB)`;
  const rows: string[][] = [['case', 'input', 'wall s', 'min–max', 'MB/s', 'rows/s', 'peak RSS MB', '× peer', '× limit', '']];
  for (const r of results) {
    const flag = r.crashed ? 'CRASHED' : r.valid ? '' : 'INVALID';
    rows.push([
      r.label,
      r.input === 'noop/landing' ? `${Number(r.samples[0]?.detail['files_skipped'] ?? NaN).toLocaleString('en')} files` : shortInput(r),
      fmt(r.wall_s_median, 2),
      r.reps > 1 ? `${fmt(r.wall_s_min, 2)}–${fmt(r.wall_s_max, 2)}` : '',
      fmt(r.mb_per_s, 1),
      fmt(r.rows_per_s, 0),
      fmt(r.peak_rss_bytes / MB, 1),
      r.speed_vs_peer === null ? '' : `${fmt(r.speed_vs_peer, 2)} (${r.peer!.split('_')[0]})`,
      r.speed_vs_limit === null ? '' : fmt(r.speed_vs_limit, 3),
      flag,
    ]);
  }
  let s = `\nTally connector benchmark: ${meta.plan.name} inputs, median of ${meta.reps} run(s) per case\n\n`;
  s += table(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']) + '\n\n';
  s +=
    'MB = 10^6 bytes. Wall = spawn to exit of the child process. rows/s counts the rows the connector emits for\n' +
    'that input (CSV records; XML vouchers + ledger entries + bill allocations + company), for every case on it.\n' +
    '× peer / × limit = speed ratio on the same content (peer or sha256 wall ÷ connector wall; > 1: connector faster).\n' +
    'Peers for the connector: CSV → DuckDB, XML → sax on the same file.\n';
  const notes = [...new Set(results.map((r) => r.note).filter(Boolean))];
  for (const n of notes) s += `${n}\n`;
  if (meta.noopSetup) {
    const d = meta.noopSetup.detail;
    s += `No-op setup (the first run that commits the small files; not the metric): ${meta.noopSetup.wall_s.toFixed(2)} s, ${String(d['files_processed'])} files, ${String(d['rows_emitted'])} rows, peak RSS ${(meta.noopSetup.rss_bytes / MB).toFixed(1)} MB${meta.noopSetup.valid ? '' : ' — INVALID'}.\n`;
  }
  s += `Build measured: ${meta.build}.\n`;
  s += '\nFloor\n\n';
  s += table([['target', 'measured', 'status', ''], ...fl.map((f) => [f.target, f.measured, f.status, f.detail ?? ''])], ['l', 'l', 'l', 'l']) + '\n';
  const bad = results.filter((r) => !r.valid);
  if (bad.length) {
    s += '\n' + '!'.repeat(100) + '\n';
    s += 'INVALID RESULTS: the numbers below were not measured on a correct run\n';
    for (const r of bad) for (const p of r.problems) s += `  ${r.id}: ${p}\n`;
    s += '!'.repeat(100) + '\n';
  }
  return s;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const t0 = Date.now();
  const opt = options();
  const log = (s: string) => process.stderr.write(s + '\n');
  if (opt.judge) {
    // The same samples, judged again (the floors changed, not the measurements): the table is reprinted as measured.
    const doc = JSON.parse(readFileSync(opt.judge, 'utf8')) as { options: { quick: boolean; reps: number }; cases: CaseResult[]; floors: Floor[]; noop_setup?: Sample; build: { fingerprint: string; commit?: string; dirty_files?: number }; floors_judged?: unknown };
    doc.floors = floors(doc.cases, doc.options.quick, doc.options.reps);
    doc.floors_judged = { at: new Date().toISOString(), by_commit: gitInfo().commit ?? null };
    process.stdout.write(render(doc.cases, doc.floors, { reps: doc.options.reps, quick: doc.options.quick, plan: PLANS[doc.options.quick ? 'quick' : 'full'], noopSetup: doc.noop_setup, build: `${doc.build.fingerprint} (commit ${doc.build.commit?.slice(0, 12) ?? '?'}${doc.build.dirty_files ? ` + ${doc.build.dirty_files} changed files` : ''})` }));
    writeFileSync(opt.judge, JSON.stringify(doc, null, 2) + '\n');
    log(`bench: judged ${opt.judge} again by the floors of this build`);
    return 0;
  }
  if (!existsSync(CONNECTOR_BIN)) throw new Error(`${CONNECTOR_BIN} is missing: build first (make build)`);

  const root = benchRoot();
  const dir = planDir(root, opt.plan);
  const needed = new Set<ArtifactId>();
  if (opt.groups.has('csv') || opt.groups.has('peers')) needed.add('csv');
  if (opt.groups.has('xml') || opt.groups.has('peers')) (needed.add('xml_utf8'), needed.add('xml_utf16'), needed.add('xml_dense'));
  if (opt.groups.has('mem')) (needed.add('csv_small'), needed.add('csv_big'));
  if (opt.groups.has('noop')) needed.add('noop');
  if (opt.groups.has('typed')) (needed.add('csv'), needed.add('xml_utf8'));
  if (opt.groups.has('changes')) needed.add('xml_utf8');
  if (opt.groups.has('backfill')) for (const id of ['csv', 'csv_small', 'xml_utf8', 'xml_utf16', 'xml_dense'] as ArtifactId[]) needed.add(id);

  // Disk: the inputs still to generate, plus the biggest per-run output (connector NDJSON is ~4× a CSV).
  const stale = staleArtifacts(dir, opt.plan, opt.seed).filter((id) => needed.has(id));
  const genBytes = estimateBytes(opt.plan, stale);
  const biggestInput = Math.max(...[...needed].map((id) => estimateBytes(opt.plan, [id])));
  const runBytes = biggestInput * 4.5;
  const free = freeBytes(root);
  log(`bench: data in ${dir}; inputs ${stale.length ? `to generate: ${mb(genBytes)}` : 'cached'}; per-run outputs need up to ${mb(runBytes)}; ${mb(free)} free`);
  if (free < (genBytes + runBytes) * 1.05) throw new Error(`not enough disk space under ${root}: need about ${mb(genBytes + runBytes)}, ${mb(free)} free (set BENCH_DIR)`);

  const data = await ensureData(opt.plan, { dir, seed: opt.seed, log, needed: [...needed] });
  const runsDir = join(dir, 'runs');
  rmrf(runsDir);
  mkdirSync(runsDir, { recursive: true });
  const build = snapshotBuild(join(runsDir, 'build'));
  const git = gitInfo();
  log(`bench: measuring build ${build.fingerprint} (commit ${git.commit?.slice(0, 12) ?? '?'}${git.dirty_files ? `, ${git.dirty_files} changed files in the tree` : ''}), frozen in ${build.dir}`);
  const ctx: Ctx = { dir, manifest: data.manifest, plan: opt.plan, keep: opt.keep, runsDir };
  const defs = buildCases(ctx, opt.groups);
  const samples = new Map<string, Sample[]>();

  let noopSetup: Sample | undefined;
  const noop = defs.find((d) => d.id === 'connector_noop') as ReturnType<typeof noopCase> | undefined;
  if (noop) {
    log(`bench: no-op setup: committing ${info(ctx, 'noop').files} files`);
    noopSetup = await noop.setup();
    log(`bench: no-op setup took ${noopSetup.wall_s.toFixed(2)} s${noopSetup.valid ? '' : ` — PROBLEM: ${noopSetup.problems.join('; ')}`}`);
    if (!noopSetup.valid) noop.run = async (rep) => ({ ...(await runConnector(rep, join(runsDir, 'noop', 'config.json'), () => ({ probs: ['the setup run failed: ' + noopSetup!.problems.join('; ')] }))) });
  }

  for (let rep = 1; rep <= opt.reps; rep++) {
    for (const d of defs) {
      const s = await d.run(rep);
      (samples.get(d.id) ?? samples.set(d.id, []).get(d.id)!).push(s);
      const mbps = d.input === 'noop' ? '' : ` ${(info(ctx, d.input).bytes / MB / s.wall_s).toFixed(1)} MB/s`;
      log(`bench: [${rep}/${opt.reps}] ${d.id.padEnd(20)} ${s.wall_s.toFixed(2).padStart(8)} s${mbps} rss ${(s.rss_bytes / MB).toFixed(1)} MB${s.valid ? '' : `  INVALID: ${s.problems.join('; ')}`}`);
    }
  }
  noop?.cleanup();
  rmSync(join(build.dir, 'node_modules'), { force: true }); // the link only, never what it points to
  if (!opt.keep) rmrf(runsDir);

  const results = summarise(ctx, defs, samples);
  const fl = floors(results, opt.quick, opt.reps);
  process.stdout.write(render(results, fl, { reps: opt.reps, quick: opt.quick, plan: opt.plan, noopSetup, build: `${build.fingerprint} (commit ${git.commit?.slice(0, 12) ?? '?'}${git.dirty_files ? ` + ${git.dirty_files} changed files` : ''})` }));

  const cpuList = cpus();
  const doc = {
    benchmark_version: 1,
    date: new Date().toISOString(),
    duration_s: (Date.now() - t0) / 1000,
    machine: {
      hostname: hostname(),
      cpus: cpuList.length,
      cpu_model: cpuList[0]?.model ?? null,
      total_memory_bytes: totalmem(),
      free_memory_bytes_at_start: freemem(),
      platform: process.platform,
      arch: process.arch,
      kernel: release(),
      node: process.version,
    },
    options: { quick: opt.quick, reps: opt.reps, groups: [...opt.groups], seed: opt.seed },
    build: { fingerprint: build.fingerprint, ...git },
    data: {
      dir,
      generator_version: GENERATOR_VERSION,
      generated_ms: data.generatedMs,
      files: Object.fromEntries([...needed].map((id) => [id, data.manifest.files[id]])),
    },
    units: { mb: 1e6, wall: 'seconds, spawn to exit of the child process', rss: 'bytes, child-reported peak (maxRSS)' },
    floors: fl,
    cases: results,
    ...(noopSetup ? { noop_setup: noopSetup } : {}),
  };
  mkdirSync(join(opt.out, '..'), { recursive: true });
  const tmp = opt.out + '.tmp';
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n');
  renameSync(tmp, opt.out);
  log(`bench: wrote ${opt.out} (${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);
  return results.some((r) => r.crashed) || (noopSetup?.crashed ?? false) ? 1 : 0;
}

process.on('SIGINT', () => {
  const c = currentChild();
  if (c?.pid) c.kill('SIGKILL');
  process.stderr.write('bench: interrupted\n');
  process.exit(130);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
