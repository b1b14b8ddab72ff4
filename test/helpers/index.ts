import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../connector/cli.js';
import type { RuntimeDeps } from '../../connector/components.js';
import { resolveConfig, type Limits } from '../../connector/config.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'tally');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'PROVENANCE.md'));
if (!HAVE_CORPUS) {
  // Visible in the test output: these tests are skipped only outside the project's CI layout.
  console.warn(`[tests] ../shared/corpus/tally is absent (${CORPUS}): corpus tests are skipped in this clone`);
}

export function corpusFiles(): string[] {
  return HAVE_CORPUS ? readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort() : [];
}

export function tempDir(prefix = 'tc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed (the run summary). */
  summary: any;
  lines: any[];
}

/**
 * What the in-process CLI is given for its factories (fault injection): harnesses set and clear
 * fields here (`installS3Faults`, the SFTP chunk hook); every `cli()` call passes it to `main`.
 */
export const testDeps: RuntimeDeps = {};

/** Run the CLI in-process and capture its output. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c) => o.push(c));
  err.on('data', (c) => e.push(c));
  const code = await main(args, { stdout: out, stderr: err, env: { LOG_LEVEL: 'warn', ...env }, deps: testDeps });
  const stdout = Buffer.concat(o).toString('utf8');
  const stderr = Buffer.concat(e).toString('utf8');
  const lines: any[] = [];
  for (const l of stdout.split('\n')) {
    if (!l.trim().startsWith('{')) continue;
    try {
      lines.push(JSON.parse(l));
    } catch {
      // not a JSON line (help text, tables)
    }
  }
  return { code, stdout, stderr, summary: lines[lines.length - 1], lines };
}

/** All NDJSON lines under a folder (recursively), parsed. */
export function readOutputs(dir: string): any[] {
  const out: any[] = [];
  if (!existsSync(dir)) return out;
  for (const f of listFiles(dir)) {
    if (!f.endsWith('.ndjson')) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) if (line) out.push(JSON.parse(line));
  }
  return out;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

export function yamlConfig(dir: string, extra = '', streams?: string): string {
  return `tenant_id: t1
connector_id: tally_file_dump
source: { type: local, path: ${join(dir, 'landing')} }
streams:
${streams ?? `  - { id: file.local.tally.xml, pattern: "**/*.xml" }
  - { id: file.local.tally.csv, pattern: "**/*.csv" }`}
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: ndjson, path: ${join(dir, 'out')} }
log_level: warn
${extra}`;
}

/**
 * Build a component from a config fragment as the runtime does: validated, defaults filled in
 * (config-schema.ts), then its family's factory; fault hooks come from `testDeps`.
 */
export async function makeComponent<T>(family: 'source' | 'sink' | 'store', cfg: Record<string, unknown>, opts: { tenantId?: string; field?: string; deps?: RuntimeDeps; stdout?: NodeJS.WritableStream } = {}): Promise<T> {
  const { resolveComponentConfig } = await import('../../connector/config.js');
  const { FAMILIES, build } = await import('../../connector/components.js');
  const { silentLogger } = await import('../../connector/log.js');
  const field = opts.field ?? (family === 'store' ? 'state' : family);
  const resolved = resolveComponentConfig(family, cfg as { type: string }, field);
  return build(FAMILIES[family] as never, resolved, { log: silentLogger, env: process.env, deps: opts.deps ?? testDeps, tenantId: opts.tenantId ?? 't1', field, ...(opts.stdout ? { stdout: opts.stdout } : {}) }) as Promise<T>;
}

/** The reading limits a config gets by default (for tests that drive readers and pipelines directly). */
export function defaultLimits(): Limits {
  return resolveConfig({ tenant_id: 't', connector_id: 'c', source: { type: 'local', path: '.' }, streams: [{ id: 's', pattern: '*' }], state: { type: 'local', path: '.' }, sink: { type: 'stdout' } }, '<inline>').limits;
}
