import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { decimalUnscaled } from '../../connector/output/columnar/values.js';

/**
 * Independent readers for the typed outputs: DuckDB for Parquet; for Arrow IPC, arrow-rs (the Rust
 * implementation, inside parquet-wasm) parses the bytes and re-writes them as Parquet for DuckDB.
 * Neither shares code with the connector's writers.
 */

let conn: Promise<DuckDBConnection> | undefined;
export function duck(): Promise<DuckDBConnection> {
  conn ??= (async () => (await DuckDBInstance.create(':memory:', { threads: '2' })).connect())();
  return conn;
}

export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const c = await duck();
  return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Column name → DuckDB type of a Parquet file (or glob). */
export async function columnTypes(parquet: string): Promise<Record<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM read_parquet(${q(parquet)}, union_by_name = true, hive_partitioning = false)`);
  return Object.fromEntries(rows.map((r) => [String(r['column_name']), String(r['column_type'])]));
}

/** Every row of a Parquet file (or glob), every value as DuckDB's text, timestamps as epoch ms. */
export async function parquetRows(parquet: string): Promise<{ types: Record<string, string>; rows: Array<Record<string, string | null>> }> {
  const types = await columnTypes(parquet);
  const sel = Object.entries(types)
    .map(([n, t]) => {
      const id = `"${n.replace(/"/g, '""')}"`;
      return t.startsWith('TIMESTAMP') ? `epoch_ms(${id})::VARCHAR AS ${id}` : `${id}::VARCHAR AS ${id}`;
    })
    .join(', ');
  const rows = (await query(`SELECT ${sel} FROM read_parquet(${q(parquet)}, union_by_name = true, hive_partitioning = false)`)) as Array<Record<string, string | null>>;
  return { types, rows };
}

/**
 * An Arrow IPC file read by arrow-rs: the record batches inside the file (after the 8-byte magic,
 * before the footer) parsed by parquet-wasm and written out as Parquet at `out`, for DuckDB. The
 * file format keeps its schema in the footer; arrow-rs's stream reader wants it first, so the
 * schema message (from the footer, via apache-arrow) is put in front; every batch's bytes are the
 * writer's own.
 */
export async function arrowToParquet(arrowFile: string, out: string): Promise<number> {
  const pw = await import('parquet-wasm');
  const b = readFileSync(arrowFile);
  if (b.subarray(0, 6).toString('latin1') !== 'ARROW1' || b.subarray(b.length - 6).toString('latin1') !== 'ARROW1') throw new Error(`${arrowFile}: not an Arrow IPC file`);
  const footerLen = b.readInt32LE(b.length - 10);
  const body = b.subarray(8, b.length - 10 - footerLen);
  const { tableFromIPC, tableToIPC, Table } = await import('apache-arrow');
  const schemaMsg = Buffer.from(tableToIPC(new Table(tableFromIPC(b).schema), 'stream'));
  const eos = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const stream = Buffer.concat([schemaMsg.subarray(0, schemaMsg.length - 8), body, eos]);
  const t = pw.Table.fromIPCStream(stream);
  const n = t.numBatches;
  writeFileSync(out, pw.writeParquet(t, new pw.WriterPropertiesBuilder().build()));
  return n;
}

/**
 * Does DuckDB's text `got` for a column of type `type` hold the envelope value `want`? Decimals
 * compare exactly at the column's scale, JSON structurally, the rest as text.
 */
export function sameValue(type: string, want: unknown, got: string | null): boolean {
  if (want === undefined || want === null) return got === null;
  if (got === null) return false;
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (dec) {
    const s = Number(dec[2]);
    return BigInt(decimalUnscaled(String(want), s)) === BigInt(decimalUnscaled(got, s));
  }
  if (type === 'JSON') return JSON.stringify(JSON.parse(got)) === JSON.stringify(want);
  if (type === 'BOOLEAN' || type === 'BIGINT' || type === 'INTEGER' || type === 'DATE') return String(want) === got;
  if (typeof want === 'string') return want === got;
  if (typeof want === 'number' || typeof want === 'boolean') return String(want) === got;
  return JSON.stringify(want) === got;
}

const META_NAMES = new Set(['tenant_id', 'connector_id', 'stream_id', 'entity', 'record_id', 'file_id', 'ordinal', 'line', 'schema_version', 'run_id', 'emitted_at', 'quality']);

/** The columns an envelope's metadata becomes. */
export function metaOf(e: any): Record<string, unknown> {
  return {
    tenant_id: e.tenant_id,
    connector_id: e.connector_id,
    stream_id: e.stream_id,
    entity: e.entity,
    record_id: e.record_id,
    file_id: e.source.file_id,
    ordinal: e.source.ordinal,
    line: e.source.line ?? null,
    schema_version: e.schema_version,
  };
}

/**
 * Compare the typed rows of one entity with its envelopes, row for row by record id: every
 * metadata column, every record field (a record field named like a metadata column is
 * `record_<name>`), nothing missing, nothing extra. Returns the problems found (at most 20).
 */
export function compareRows(envelopes: any[], typed: { types: Record<string, string>; rows: Array<Record<string, string | null>> }, renamed: (k: string) => string = (k) => k): string[] {
  const problems: string[] = [];
  const byId = new Map(typed.rows.map((r) => [r['record_id'], r]));
  if (byId.size !== typed.rows.length) problems.push(`duplicate record ids in the typed output (${typed.rows.length} rows, ${byId.size} ids)`);
  if (typed.rows.length !== envelopes.length) problems.push(`${typed.rows.length} typed rows for ${envelopes.length} envelopes`);
  for (const e of envelopes) {
    if (problems.length >= 20) break;
    const r = byId.get(e.record_id);
    if (!r) {
      problems.push(`record ${e.record_id} missing`);
      continue;
    }
    for (const [k, v] of Object.entries(metaOf(e))) {
      if (!sameValue(typed.types[k] ?? 'VARCHAR', v, r[k] ?? null)) problems.push(`${e.record_id} ${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(r[k])}`);
    }
    if (e.quality !== undefined && !sameValue('JSON', e.quality, r['quality'] ?? null)) problems.push(`${e.record_id} quality: want ${JSON.stringify(e.quality)}, got ${r['quality']}`);
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(e.record)) {
      const col = renamed(k);
      seen.add(col);
      const type = typed.types[col];
      if (!type) {
        problems.push(`${e.record_id}: no column for record field ${k}`);
        continue;
      }
      if (!sameValue(type, v, r[col] ?? null)) problems.push(`${e.record_id} ${k} (${type}): want ${JSON.stringify(v)}, got ${JSON.stringify(r[col])}`);
    }
    // Nothing the envelope does not hold.
    for (const col of Object.keys(typed.types)) {
      if (seen.has(col) || META_NAMES.has(col)) continue;
      if (r[col] !== null && r[col] !== undefined) problems.push(`${e.record_id}: column ${col} holds ${JSON.stringify(r[col])}, the envelope has no such field`);
    }
  }
  return problems;
}
