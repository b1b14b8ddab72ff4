import type { FieldInfo, Shape } from '../../../state/types.js';

/**
 * The columns of one entity's columnar output: the envelope's metadata, then one column per
 * top-level field of the record, typed from the schema registry (the shape of the version the rows
 * carry, widened where this file's values need it, so nothing is ever coerced).
 */

export type ColumnKind = 'string' | 'json' | 'date' | 'bool' | 'int32' | 'int64' | 'timestamp' | 'decimal';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** Decimals (precision is always 38). */
  scale?: number;
  /** JavaScript expression over the parsed envelope `e` giving the value (`t`: text, `j`: JSON text). */
  expr: string;
  /** For a record column: the record's key. */
  key?: string;
}

/** What a typed writer's column takes: a value, a row-log cell, or a JSON value's text. */
export interface ColumnSink {
  set(v: unknown): void;
  fromCell(r: import('../row-log.js').LogRow, i: number): void;
  fromJson(b: Buffer, s: number, e: number): void;
  /** Text columns: `<head><ordinal>.<8 hex of hash>` (a record id) written without a string. */
  recordId?(head: Buffer, ordinal: number, hash: number): void;
}

const HEXB = Buffer.from('0123456789abcdef');

/** Write `<head><ordinal>.<8 hex>` at `o` in `d` (room for head + 20 bytes); returns the end. */
export function writeRecordId(d: Buffer, o: number, head: Buffer, ordinal: number, hash: number): number {
  head.copy(d, o);
  o += head.length;
  let digits = 1;
  for (let t = ordinal; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let i = o + digits - 1, t = ordinal; i >= o; i--, t = Math.floor(t / 10)) d[i] = 48 + (t % 10);
  o += digits;
  d[o++] = 46;
  let h = hash >>> 0;
  for (let k = 7; k >= 0; k--) {
    d[o + k] = HEXB[h & 15]!;
    h >>>= 4;
  }
  return o + 8;
}

/** Envelope metadata, as columns. */
const META: ColumnSpec[] = [
  { name: 'tenant_id', kind: 'string', nullable: false, expr: 'e.tenant_id' },
  { name: 'connector_id', kind: 'string', nullable: false, expr: 'e.connector_id' },
  { name: 'stream_id', kind: 'string', nullable: false, expr: 'e.stream_id' },
  { name: 'entity', kind: 'string', nullable: false, expr: 'e.entity' },
  { name: 'record_id', kind: 'string', nullable: false, expr: 'e.record_id' },
  { name: 'file_id', kind: 'string', nullable: false, expr: 'e.source.file_id' },
  { name: 'ordinal', kind: 'int64', nullable: false, expr: 'e.source.ordinal' },
  { name: 'line', kind: 'int64', nullable: true, expr: 'e.source.line' },
  { name: 'schema_version', kind: 'int32', nullable: false, expr: 'e.schema_version' },
  { name: 'run_id', kind: 'string', nullable: false, expr: 'e.run_id' },
  { name: 'emitted_at', kind: 'timestamp', nullable: false, expr: 'e.emitted_at' },
];

export const META_COLUMNS: readonly string[] = META.map((c) => c.name);

/**
 * The Hive partition keys of the layout. Engines that discover partitions (DuckDB, Spark, Athena)
 * add these as columns and let them shadow a data column of the same name, so no data column is
 * named like one. (The run date is `run_date`, not `date`: Tally's vouchers have a `date`.)
 */
export const PARTITION_KEYS: readonly string[] = ['tenant', 'stream', 'entity', 'run_date'];

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function kindOf(f: FieldInfo, minScale: number): Pick<ColumnSpec, 'kind' | 'scale'> {
  switch (f.type) {
    case 'boolean':
      return { kind: 'bool' };
    case 'integer':
      // Digits in CSV text (`00123`) stay text: only numbers the reader emitted as numbers are integers.
      return f.repr === 'number' ? { kind: 'int64' } : { kind: 'string' };
    case 'decimal':
      return { kind: 'decimal', scale: Math.max(minScale, f.scale ?? 0) };
    case 'date':
      return { kind: 'date' };
    case 'string':
    case 'null':
      return { kind: 'string' };
    default:
      return { kind: 'json' };
  }
}

/**
 * The columns for an entity whose rows are typed by `shape`. Fields with nested paths (UDF objects,
 * lists) are JSON text columns; a record field named like a metadata column or a partition key is
 * `record_<name>`. Decimals have at least `decimalScale` decimals, so that an entity's files share one
 * type as long as no value needs more (readers that union files by name take the first file's type:
 * DuckDB would round 12.125 read through DECIMAL(38,2)).
 * `quality` (vouchers) is a JSON column when the entity's envelopes carry it.
 */
export function columnsFor(shape: Shape, opts: { quality?: boolean; extra?: ColumnSpec[]; decimalScale?: number } = {}): ColumnSpec[] {
  const tops = new Map<string, { info: FieldInfo | undefined; nested: boolean }>();
  for (const [path, info] of Object.entries(shape)) {
    const segs = path.split('/').slice(1);
    if (!segs.length) continue;
    const name = unescape(segs[0]!);
    const t = tops.get(name) ?? { info: undefined, nested: false };
    if (segs.length === 1) t.info = info;
    else t.nested = true;
    tops.set(name, t);
  }
  const taken = new Set([...META_COLUMNS, ...PARTITION_KEYS]);
  const out: ColumnSpec[] = [...META];
  if (opts.quality) {
    out.push({ name: 'quality', kind: 'json', nullable: true, expr: 'j(e.quality)' });
    taken.add('quality');
  }
  for (const c of opts.extra ?? []) {
    out.push(c);
    taken.add(c.name);
  }
  for (const [key, t] of tops) {
    let name = key;
    while (taken.has(name)) name = `record_${name}`;
    taken.add(name);
    const access = `e.record[${JSON.stringify(key)}]`;
    const k = t.nested || !t.info ? { kind: 'json' as const } : kindOf(t.info, opts.decimalScale ?? 0);
    const expr = k.kind === 'json' ? `j(${access})` : k.kind === 'string' ? `t(${access})` : access;
    out.push({ name, ...k, nullable: true, expr, key });
  }
  return out;
}

/** Text of a value for a text column (numbers and booleans as JSON writes them; objects as JSON). */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** JSON text of a value for a JSON column. */
export function jsonOf(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}

/**
 * A function that feeds one parsed envelope to per-column setters, generated per schema: literal
 * property paths and one call site per column keep it monomorphic.
 */
export function makeFeeder<S extends { set(v: unknown): void }>(columns: ColumnSpec[], setters: S[]): (e: unknown) => void {
  const body = columns.map((c, j) => `c${j}.set(${c.expr});`).join('\n');
  const names = columns.map((_, j) => 'c' + j);
  return new Function('t', 'j', ...names, `return function feed(e) {\n${body}\n}`)(textOf, jsonOf, ...setters) as (e: unknown) => void;
}
