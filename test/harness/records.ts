import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CORPUS, cli, corpusFiles, readOutputs } from '../helpers/index.js';

/** Envelopes of a sink folder grouped by source path (configs here use clear_names), in row order. */
export function envelopesByPath(outDir: string): Map<string, any[]> {
  const by = new Map<string, any[]>();
  for (const env of readOutputs(outDir)) {
    const p = env.source.path as string;
    if (!by.has(p)) by.set(p, []);
    by.get(p)!.push(env);
  }
  for (const list of by.values()) list.sort((a, b) => a.source.ordinal - b.source.ordinal);
  return by;
}

/** What must be equal across landings: per file, the entity and record of each row, in order. */
export function recordsByPath(outDir: string, mapPath: (p: string) => string = (p) => p): Map<string, Array<{ entity: string; record: unknown }>> {
  const out = new Map<string, Array<{ entity: string; record: unknown }>>();
  for (const [p, envs] of envelopesByPath(outDir)) out.set(mapPath(p), envs.map((e) => ({ entity: e.entity, record: e.record })));
  return out;
}

/** Every record id appears once, and the set equals `expected` (no row lost, none duplicated). */
export function expectSameIdsOnce(outDir: string, expected: string[]): void {
  const ids = readOutputs(outDir).map((e) => e.record_id as string);
  const seen = new Set<string>();
  const dup = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  expect(dup, 'duplicated record ids').toEqual([]);
  expect([...ids].sort()).toEqual([...expected].sort());
}

export function recordIds(outDir: string): string[] {
  return readOutputs(outDir).map((e) => e.record_id as string);
}

export function corpusBytes(name: string): Buffer {
  return readFileSync(join(CORPUS, name));
}

export { corpusFiles };

/** A CSV export big enough to span many transfer chunks: `rows` voucher rows, deterministic. */
export function bigCsv(rows: number, seed = 'v'): Buffer {
  const lines = ['guid,date,voucher_type,voucher_number,narration,amount'];
  for (let i = 1; i <= rows; i++) {
    lines.push(`${seed}-${String(i).padStart(7, '0')},2025-09-30,Sales,S/${i},"Brackets for site ${i % 97}, PO #${i}",${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

/** Write `mb` MiB of pseudo-random bytes to `path` without holding them in memory. */
export function writeBigFile(path: string, mb: number): number {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mb; i++) {
      block.writeUInt32LE(i, 0);
      writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
  return mb << 20;
}

/**
 * Stream `rs` to its end; returns the bytes and the peak growth of JS heap + Buffer memory over the
 * level before the read. A read that kept its chunks would grow by about the file's size.
 */
export async function drainMeasured(rs: AsyncIterable<unknown>): Promise<{ bytes: number; peakGrowth: number; mbPerS: number }> {
  const level = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = level();
  let peak = base;
  let bytes = 0;
  const t0 = performance.now();
  for await (const c of rs) {
    bytes += (c as Buffer).length;
    const l = level();
    if (l > peak) peak = l;
  }
  return { bytes, peakGrowth: peak - base, mbPerS: bytes / 1e6 / ((performance.now() - t0) / 1000) };
}

/**
 * The reference for "same records as from a local folder": the corpus read in place by a local run
 * into `<dir>/out`, under the given stream id. Returns the output folder.
 */
export async function runCorpusLocally(dir: string, streamId: string): Promise<{ out: string; rowsEmitted: number }> {
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, 'local.yaml');
  writeFileSync(
    cfg,
    `tenant_id: t1
connector_id: tally_file_dump
source: { type: local, path: ${CORPUS} }
streams: [{ id: ${streamId}, pattern: "*.xml" }]
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: ndjson, path: ${join(dir, 'out')} }
privacy: { clear_names: true }
log_level: warn
`,
  );
  const r = await cli(['run', '--config', cfg]);
  expect(r.code).toBe(0);
  return { out: join(dir, 'out'), rowsEmitted: r.summary.rows_emitted };
}
