/**
 * Deterministic generator of the benchmark inputs (own code, seeded PRNG):
 *
 *   csv/trn_voucher.<rows>.csv   tally-database-loader trn_voucher dump: UTF-8 + BOM, CRLF, quoted
 *                                text with doubled quotes, embedded newlines, multibyte text, amounts
 *                                with two decimals. Three sizes (mem-small ~10 MB, main ~250 MB,
 *                                mem-big ~1 GB) written in one pass: each is a prefix of the next.
 *   xml/daybook-utf8.xml         native "Import Data" day book, UTF-8 + BOM, LF (a re-saved export)
 *   xml/daybook-utf16.xml        the same vouchers as UTF-16LE + BOM, CRLF (Tally's default)
 *   noop/landing/...             many small day books and CSVs for the incremental no-op case
 *
 * Files live in a cache folder outside the repo ($BENCH_DIR, default $TMPDIR/tally-connector-bench),
 * one sub-folder per plan (full, quick), with a manifest.json recording generator version, seed and
 * sizes; a file is regenerated only when it is missing or its recipe changed. Writes are streamed in
 * chunks (a file is never held in memory).
 *
 * CLI (used by the runner, which generates CSV and XML in two processes at once):
 *   node dist/bench/gen.js [--plan full|quick] [--part all|csv|xml|noop] [--dir DIR]
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from './prng.js';
import { EPILOGUE_ROWS, VoucherFactory, xmlEpilogue, xmlPrologue, type GenStats } from './tally-data.js';

/** Bump when the bytes the generator writes change: cached files are then regenerated. */
export const GENERATOR_VERSION = 3;
export const DEFAULT_SEED = 20240401;

export interface Plan {
  name: 'full' | 'quick';
  /** Rows of the main CSV. */
  csvRows: number;
  /** Rows of the small and big CSV of the memory-flatness pair. */
  csvSmallRows: number;
  csvBigRows: number;
  /** Vouchers in the day book. */
  xmlVouchers: number;
  /** Vouchers in the dense day book (as dense as real exports: every flag, inventory, UDFs). */
  xmlDenseVouchers: number;
  /** Small files of the no-op incremental case. */
  noopFiles: number;
}

export const PLANS: Record<Plan['name'], Plan> = {
  // ~205 bytes a row: 10 MB / 250 MB / 1 GB. ~2.8 KB a voucher: ~560 MB UTF-8, ~1.15 GB UTF-16.
  // The dense day book: ~17.5 KB a voucher (every flag Tally writes; the corpus's vouchers run to several KB), ~530 MB.
  full: { name: 'full', csvRows: 1_250_000, csvSmallRows: 50_000, csvBigRows: 5_000_000, xmlVouchers: 200_000, xmlDenseVouchers: 30_000, noopFiles: 10_000 },
  quick: { name: 'quick', csvRows: 100_000, csvSmallRows: 10_000, csvBigRows: 400_000, xmlVouchers: 10_000, xmlDenseVouchers: 3_000, noopFiles: 1_000 },
};

/** Rough bytes per unit, for the disk-space check before generating. */
export const EST = { csvRowBytes: 206, xmlVoucherBytes: 2900, xmlDenseVoucherBytes: 17600, noopFileBytes: 8192 };

export interface FileInfo {
  /** Path relative to the plan folder. */
  path: string;
  /** Recipe: generator version, seed and size parameters. A different recipe regenerates the file. */
  recipe: string;
  bytes: number;
  /** Rows the connector must emit for this file. */
  expected_rows: number;
  /** Generator statistics (vouchers, ledger entries, bill allocations, special narrations...). */
  stats?: GenStats;
  /** For the no-op landing: number of files. */
  files?: number;
}

export interface Manifest {
  generator_version: number;
  seed: number;
  plan: Plan;
  files: Record<string, FileInfo>;
}

export type ArtifactId = 'csv_small' | 'csv' | 'csv_big' | 'xml_utf8' | 'xml_utf16' | 'xml_dense' | 'noop';

export function benchRoot(): string {
  return process.env['BENCH_DIR'] || join(process.env['TMPDIR'] || tmpdir(), 'tally-connector-bench');
}

export function planDir(root: string, plan: Plan): string {
  return join(root, plan.name);
}

function csvRecipe(plan: Plan, seed: number, rows: number): string {
  return `csv v${GENERATOR_VERSION} seed=${seed} rows=${rows} total=${plan.csvBigRows}`;
}
function xmlRecipe(plan: Plan, seed: number, enc: string): string {
  return `xml v${GENERATOR_VERSION} seed=${seed} vouchers=${plan.xmlVouchers} enc=${enc}`;
}
function xmlDenseRecipe(plan: Plan, seed: number): string {
  return `xml-dense v${GENERATOR_VERSION} seed=${seed} vouchers=${plan.xmlDenseVouchers}`;
}
function noopRecipe(plan: Plan, seed: number): string {
  return `noop v${GENERATOR_VERSION} seed=${seed} files=${plan.noopFiles}`;
}

export function artifactPaths(plan: Plan): Record<ArtifactId, string> {
  return {
    csv_small: `csv/trn_voucher.${plan.csvSmallRows}.csv`,
    csv: `csv/trn_voucher.${plan.csvRows}.csv`,
    csv_big: `csv/trn_voucher.${plan.csvBigRows}.csv`,
    xml_utf8: 'xml/daybook-utf8.xml',
    xml_utf16: 'xml/daybook-utf16.xml',
    xml_dense: 'xml/daybook-dense.xml',
    noop: 'noop/landing',
  };
}

function recipes(plan: Plan, seed: number): Record<ArtifactId, string> {
  return {
    csv_small: csvRecipe(plan, seed, plan.csvSmallRows),
    csv: csvRecipe(plan, seed, plan.csvRows),
    csv_big: csvRecipe(plan, seed, plan.csvBigRows),
    xml_utf8: xmlRecipe(plan, seed, 'utf8'),
    xml_utf16: xmlRecipe(plan, seed, 'utf16le'),
    xml_dense: xmlDenseRecipe(plan, seed),
    noop: noopRecipe(plan, seed),
  };
}

/** The manifest: one metadata file per artifact under `.meta/` (generator processes write their own). */
export function readManifest(dir: string, plan: Plan, seed: number): Manifest {
  const m: Manifest = { generator_version: GENERATOR_VERSION, seed, plan, files: {} };
  for (const id of Object.keys(artifactPaths(plan)) as ArtifactId[]) {
    try {
      m.files[id] = JSON.parse(readFileSync(join(dir, '.meta', `${id}.json`), 'utf8')) as FileInfo;
    } catch {
      // missing: not generated yet
    }
  }
  return m;
}

function writeMeta(dir: string, entries: Partial<Record<ArtifactId, FileInfo>>): void {
  mkdirSync(join(dir, '.meta'), { recursive: true });
  for (const [id, info] of Object.entries(entries)) {
    const tmp = join(dir, '.meta', `${id}.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
    renameSync(tmp, join(dir, '.meta', `${id}.json`));
  }
}

/** A readable summary beside the data (the runner reads `.meta/`, not this). */
function writeManifest(dir: string, plan: Plan, seed: number): Manifest {
  const m = readManifest(dir, plan, seed);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  return m;
}

/** Which artifacts are missing or stale. */
export function staleArtifacts(dir: string, plan: Plan, seed: number): ArtifactId[] {
  const m = readManifest(dir, plan, seed);
  const rec = recipes(plan, seed);
  const paths = artifactPaths(plan);
  const out: ArtifactId[] = [];
  for (const id of Object.keys(rec) as ArtifactId[]) {
    const e = m?.files[id];
    let ok = !!e && e.recipe === rec[id];
    if (ok) {
      try {
        const st = statSync(join(dir, paths[id]));
        ok = id === 'noop' ? st.isDirectory() && existsSync(join(dir, 'noop', 'complete')) : st.size === e!.bytes;
      } catch {
        ok = false;
      }
    }
    if (!ok) out.push(id);
  }
  return out;
}

/** Bytes the missing artifacts will take. */
export function estimateBytes(plan: Plan, ids: ArtifactId[]): number {
  let n = 0;
  for (const id of ids) {
    if (id === 'csv_small') n += plan.csvSmallRows * EST.csvRowBytes;
    else if (id === 'csv') n += plan.csvRows * EST.csvRowBytes;
    else if (id === 'csv_big') n += plan.csvBigRows * EST.csvRowBytes;
    else if (id === 'xml_utf8') n += plan.xmlVouchers * EST.xmlVoucherBytes;
    else if (id === 'xml_utf16') n += plan.xmlVouchers * EST.xmlVoucherBytes * 2.1;
    else if (id === 'xml_dense') n += plan.xmlDenseVouchers * EST.xmlDenseVoucherBytes;
    else if (id === 'noop') n += plan.noopFiles * EST.noopFileBytes;
  }
  return n;
}

export function freeBytes(path: string): number {
  let p = path;
  while (!existsSync(p)) p = dirname(p);
  const s = statfsSync(p);
  return s.bavail * s.bsize;
}

// ---------------------------------------------------------------------------------------------
// Chunked writers

const CHUNK_CHARS = 1 << 22;

class ChunkedFile {
  private parts: string[] = [];
  private chars = 0;
  private readonly fd: number;
  bytes = 0;
  readonly tmp: string;

  constructor(
    readonly path: string,
    private readonly encode: (s: string) => Buffer,
    prefix: Buffer,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
    this.writeBuf(prefix);
  }

  push(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  private writeBuf(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.bytes += b.length;
  }

  flush(): void {
    if (!this.parts.length) return;
    this.writeBuf(this.encode(this.parts.join('')));
    this.parts = [];
    this.chars = 0;
  }

  finish(): number {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return this.bytes;
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const utf16crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'utf16le');

// ---------------------------------------------------------------------------------------------
// Generators

/** One pass over the CSV rows; each wanted file gets the prefix of its size. */
export function generateCsv(dir: string, plan: Plan, seed: number, ids: Array<'csv_small' | 'csv' | 'csv_big'>, log: (s: string) => void): void {
  if (!ids.length) return;
  const paths = artifactPaths(plan);
  const rowsOf = { csv_small: plan.csvSmallRows, csv: plan.csvRows, csv_big: plan.csvBigRows };
  const targets = ids.map((id) => ({ id, rows: rowsOf[id], file: new ChunkedFile(join(dir, paths[id]), utf8, UTF8_BOM) })).sort((a, b) => a.rows - b.rows);
  const max = targets[targets.length - 1]!.rows;
  const factory = new VoucherFactory(new Rng(seed, 1), plan.csvBigRows);
  const header = VoucherFactory.csvHeader();
  for (const t of targets) t.file.push(header);
  const t0 = Date.now();
  let first = 0;
  const snapshots = new Map<string, GenStats>();
  for (let i = 0; i < max; i++) {
    const row = factory.csvRow(factory.head(i));
    for (let k = first; k < targets.length; k++) targets[k]!.file.push(row);
    // Retire targets that are complete (they are sorted by size).
    while (first < targets.length && targets[first]!.rows === i + 1) {
      const t = targets[first]!;
      const bytes = t.file.finish();
      const stats = { ...factory.stats };
      snapshots.set(t.id, stats);
      writeMeta(dir, { [t.id]: { path: paths[t.id], recipe: csvRecipe(plan, seed, t.rows), bytes, expected_rows: t.rows, stats } });
      log(`  ${paths[t.id]}: ${t.rows.toLocaleString('en')} rows, ${mb(bytes)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      first++;
    }
    if ((i & 0xfffff) === 0xfffff) log(`  csv: ${(i + 1).toLocaleString('en')} / ${max.toLocaleString('en')} rows`);
  }
}

/** The day book, written as UTF-8 (BOM, LF) and UTF-16LE (BOM, CRLF) in one pass. */
export function generateXml(dir: string, plan: Plan, seed: number, ids: Array<'xml_utf8' | 'xml_utf16'>, log: (s: string) => void): void {
  if (!ids.length) return;
  const paths = artifactPaths(plan);
  const files: Array<{ id: 'xml_utf8' | 'xml_utf16'; file: ChunkedFile }> = [];
  // Both are always written together when either is missing: they must hold the same vouchers.
  files.push({ id: 'xml_utf8', file: new ChunkedFile(join(dir, paths.xml_utf8), utf8, UTF8_BOM) });
  files.push({ id: 'xml_utf16', file: new ChunkedFile(join(dir, paths.xml_utf16), utf16crlf, UTF16LE_BOM) });
  const factory = new VoucherFactory(new Rng(seed, 2), plan.xmlVouchers);
  const t0 = Date.now();
  const push = (s: string) => {
    for (const f of files) f.file.push(s);
  };
  push(xmlPrologue());
  for (let i = 0; i < plan.xmlVouchers; i++) {
    push(factory.xmlVoucher(factory.head(i)));
    if ((i & 0x1ffff) === 0x1ffff) log(`  xml: ${(i + 1).toLocaleString('en')} / ${plan.xmlVouchers.toLocaleString('en')} vouchers`);
  }
  push(xmlEpilogue());
  const s = factory.stats;
  const expected = s.vouchers + s.ledgerEntries + s.billAllocations + EPILOGUE_ROWS;
  const entries: Partial<Record<ArtifactId, FileInfo>> = {};
  for (const f of files) {
    const bytes = f.file.finish();
    entries[f.id] = { path: paths[f.id], recipe: xmlRecipe(plan, seed, f.id === 'xml_utf8' ? 'utf8' : 'utf16le'), bytes, expected_rows: expected, stats: { ...s } };
    log(`  ${paths[f.id]}: ${s.vouchers.toLocaleString('en')} vouchers, ${s.ledgerEntries.toLocaleString('en')} ledger entries, ${s.billAllocations.toLocaleString('en')} bill allocations, ${mb(bytes)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  writeMeta(dir, entries);
}

/**
 * The dense day book (UTF-8): the vouchers of the plain one, written as densely as real exports
 * are: every flag Tally writes (mostly `No`), inventory entries with batch and accounting
 * allocations for invoices, UDFs, the empty lists, `&#4;`.
 */
export function generateXmlDense(dir: string, plan: Plan, seed: number, log: (s: string) => void): void {
  const paths = artifactPaths(plan);
  const file = new ChunkedFile(join(dir, paths.xml_dense), utf8, UTF8_BOM);
  const factory = new VoucherFactory(new Rng(seed, 2), plan.xmlDenseVouchers, 1, true);
  const t0 = Date.now();
  file.push(xmlPrologue());
  for (let i = 0; i < plan.xmlDenseVouchers; i++) {
    file.push(factory.xmlVoucher(factory.head(i)));
    if ((i & 0xffff) === 0xffff) log(`  xml dense: ${(i + 1).toLocaleString('en')} / ${plan.xmlDenseVouchers.toLocaleString('en')} vouchers`);
  }
  file.push(xmlEpilogue());
  const s = factory.stats;
  const expected = s.vouchers + s.ledgerEntries + s.billAllocations + s.inventoryEntries + s.batchAllocations + EPILOGUE_ROWS;
  const bytes = file.finish();
  writeMeta(dir, { xml_dense: { path: paths.xml_dense, recipe: xmlDenseRecipe(plan, seed), bytes, expected_rows: expected, stats: { ...s } } });
  log(
    `  ${paths.xml_dense}: ${s.vouchers.toLocaleString('en')} vouchers (${Math.round(bytes / s.vouchers).toLocaleString('en')} bytes each), ${s.ledgerEntries.toLocaleString('en')} ledger entries, ${s.inventoryEntries.toLocaleString('en')} inventory entries, ${mb(bytes)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

/**
 * The no-op landing: `noopFiles` small files in folders of 100: four in five are day books of one to
 * three vouchers (one in ten of those UTF-16), the others loader CSVs of 5 to 20 rows.
 */
export function generateNoop(dir: string, plan: Plan, seed: number, log: (s: string) => void): void {
  const root = join(dir, 'noop');
  rmSync(root, { recursive: true, force: true });
  const landing = join(root, 'landing');
  const rng = new Rng(seed, 3);
  const xmlFactory = new VoucherFactory(new Rng(seed, 4), plan.noopFiles * 2, 10_000_001);
  const csvFactory = new VoucherFactory(new Rng(seed, 5), plan.noopFiles * 12, 20_000_001);
  let bytes = 0;
  let expected = 0;
  let xi = 0;
  let ci = 0;
  for (let f = 0; f < plan.noopFiles; f++) {
    const folder = join(landing, `batch-${String(Math.floor(f / 100)).padStart(3, '0')}`);
    if (f % 100 === 0) mkdirSync(folder, { recursive: true });
    const n = String(f).padStart(5, '0');
    let buf: Buffer;
    let path: string;
    if (rng.chance(0.8)) {
      let body = xmlPrologue();
      const before = { ...xmlFactory.stats };
      const k = 1 + rng.int(3);
      for (let v = 0; v < k; v++) body += xmlFactory.xmlVoucher(xmlFactory.head(xi++));
      body += xmlEpilogue();
      const s = xmlFactory.stats;
      expected += s.vouchers - before.vouchers + (s.ledgerEntries - before.ledgerEntries) + (s.billAllocations - before.billAllocations) + EPILOGUE_ROWS;
      buf = rng.chance(0.1) ? Buffer.concat([UTF16LE_BOM, utf16crlf(body)]) : Buffer.concat([UTF8_BOM, utf8(body)]);
      path = join(folder, `daybook-${n}.xml`);
    } else {
      let body = VoucherFactory.csvHeader();
      const k = 5 + rng.int(16);
      for (let r = 0; r < k; r++) body += csvFactory.csvRow(csvFactory.head(ci++));
      expected += k;
      buf = Buffer.concat([UTF8_BOM, utf8(body)]);
      path = join(folder, `trn_voucher_${n}.csv`);
    }
    writeFileSync(path, buf);
    bytes += buf.length;
  }
  writeFileSync(join(root, 'complete'), '');
  writeMeta(dir, { noop: { path: 'noop/landing', recipe: noopRecipe(plan, seed), bytes, expected_rows: expected, files: plan.noopFiles } });
  log(`  noop/landing: ${plan.noopFiles.toLocaleString('en')} files, ${mb(bytes)}`);
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Make sure every input of `plan` exists and is current; generate what is missing (CSV and XML in
 * two processes at once, the no-op files here). Returns the manifest.
 */
export async function ensureData(plan: Plan, opts: { dir?: string; seed?: number; log?: (s: string) => void; needed?: ArtifactId[] } = {}): Promise<{ dir: string; manifest: Manifest; generatedMs: number }> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const seed = opts.seed ?? DEFAULT_SEED;
  const dir = opts.dir ?? planDir(benchRoot(), plan);
  mkdirSync(dir, { recursive: true });
  const needed = new Set(opts.needed ?? (Object.keys(artifactPaths(plan)) as ArtifactId[]));
  const stale = staleArtifacts(dir, plan, seed).filter((id) => needed.has(id));
  const t0 = Date.now();
  if (stale.length) {
    const need = estimateBytes(plan, stale);
    const free = freeBytes(dir);
    log(`bench data: generating ${stale.join(', ')} in ${dir} (needs about ${mb(need)}; ${mb(free)} free)`);
    if (free < need * 1.1) throw new Error(`not enough disk space in ${dir}: need about ${mb(need)}, ${mb(free)} free (set BENCH_DIR to a bigger disk)`);
    const self = fileURLToPath(import.meta.url);
    const jobs: Array<Promise<void>> = [];
    const csvIds = stale.filter((id) => id.startsWith('csv'));
    const xmlIds = stale.filter((id) => id === 'xml_utf8' || id === 'xml_utf16');
    const run = (part: string, ids: string[]) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [self, '--plan', plan.name, '--part', part, '--ids', ids.join(','), '--dir', dir, '--seed', String(seed)], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generator (${part}) exited with ${code}`))));
      });
    if (csvIds.length) jobs.push(run('csv', csvIds));
    if (xmlIds.length) jobs.push(run('xml', xmlIds));
    if (stale.includes('xml_dense')) jobs.push(run('xml_dense', ['xml_dense']));
    if (stale.includes('noop')) generateNoop(dir, plan, seed, log);
    await Promise.all(jobs);
    const still = staleArtifacts(dir, plan, seed).filter((id) => needed.has(id));
    if (still.length) throw new Error(`generation did not produce ${still.join(', ')}`);
    log(`bench data: generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    log(`bench data: reusing ${dir}`);
  }
  return { dir, manifest: writeManifest(dir, plan, seed), generatedMs: stale.length ? Date.now() - t0 : 0 };
}

// ---------------------------------------------------------------------------------------------
// CLI

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      plan: { type: 'string', default: 'full' },
      part: { type: 'string', default: 'all' },
      ids: { type: 'string' },
      dir: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const plan = PLANS[values.plan as Plan['name']];
  if (!plan) throw new Error(`unknown plan ${values.plan}`);
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const log = (s: string) => process.stderr.write(s + '\n');
  if (values.part === 'all') {
    await ensureData(plan, { seed, log, ...(values.dir ? { dir: values.dir } : {}) });
    return;
  }
  const dir = values.dir ?? planDir(benchRoot(), plan);
  mkdirSync(dir, { recursive: true });
  const ids = (values.ids ?? '').split(',').filter(Boolean) as ArtifactId[];
  if (values.part === 'csv') generateCsv(dir, plan, seed, ids.filter((i): i is 'csv_small' | 'csv' | 'csv_big' => i.startsWith('csv')), log);
  else if (values.part === 'xml') {
    if (!ids.length || ids.some((i) => i === 'xml_utf8' || i === 'xml_utf16')) generateXml(dir, plan, seed, ['xml_utf8', 'xml_utf16'], log);
  } else if (values.part === 'xml_dense') generateXmlDense(dir, plan, seed, log);
  else if (values.part === 'noop') generateNoop(dir, plan, seed, log);
  else throw new Error(`unknown part ${values.part}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli().catch((e) => {
    process.stderr.write(`bench generator: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
