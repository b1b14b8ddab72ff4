import { logicalTypeOf } from '../formats/tally/fields.js';
import { ValueClass, type ColumnKind } from '../formats/csv.js';
import { escapeSeg, type FieldInfo, type LogicalType, type Shape } from './types.js';

/**
 * Inference: what each field of an entity holds, from the normalised values of one file.
 * The rules are the same for every file, so the same kind of data always infers the same shape.
 */

const BIT: Record<LogicalType, number> = { null: 1, boolean: 2, integer: 4, decimal: 8, date: 16, string: 32, array: 64, object: 128, any: 256 };
const MAX_DEPTH = 5;

interface Acc {
  bits: number;
  scale: number;
  present: number;
  json: number;
}

/**
 * Keys that identify a row: removing them or making them null is breaking. A voucher without its
 * GUID cannot be linked to its lines; masters may legitimately come without one (hand-made import
 * files), so only the voucher keys are required.
 */
const XML_KEYS = new Set(['/guid', '/voucher_guid', '/line_no']);

/** Collects the shape of one entity from XML records. */
export class RecordShapeBuilder {
  rows = 0;
  constructor(private readonly entity: string) {}
  private readonly acc = new Map<string, Acc>();

  observe(record: Record<string, unknown>): void {
    this.rows++;
    this.walk('', record, 0, '');
  }

  private bump(path: string, t: LogicalType, scale: number, json: number): void {
    let a = this.acc.get(path);
    if (!a) {
      a = { bits: 0, scale: 0, present: 0, json: 0 };
      this.acc.set(path, a);
    }
    a.bits |= BIT[t];
    a.present++;
    if (scale > a.scale) a.scale = scale;
    a.json |= json;
  }

  private walk(prefix: string, obj: Record<string, unknown>, depth: number, parentKey: string): void {
    for (const k in obj) {
      const path = prefix + '/' + escapeSeg(k);
      this.value(path, k, obj[k], depth, parentKey);
    }
  }

  private value(path: string, key: string, v: unknown, depth: number, parentKey: string): void {
    if (v === null || v === undefined) {
      this.bump(path, 'null', 0, 0);
      return;
    }
    switch (typeof v) {
      case 'boolean':
        this.bump(path, 'boolean', 0, JSON_BOOL);
        return;
      case 'number':
        this.bump(path, Number.isInteger(v) ? 'integer' : 'decimal', 0, JSON_NUMBER);
        return;
      case 'string': {
        const t = logicalTypeOf(parentKey === 'udf' ? 'udf' : key, v);
        this.bump(path, t, t === 'decimal' ? scaleOf(v) : 0, JSON_STRING);
        return;
      }
    }
    if (depth >= MAX_DEPTH) {
      this.bump(path, 'any', 0, 0);
      return;
    }
    if (Array.isArray(v)) {
      this.bump(path, 'array', 0, 0);
      for (const item of v) this.value(path + '/[]', key, item, depth + 1, key);
      return;
    }
    this.bump(path, 'object', 0, 0);
    this.walk(path, v as Record<string, unknown>, depth + 1, key);
  }

  shape(): Shape {
    const out: Shape = {};
    for (const [path, a] of this.acc) {
      const f = toField(a.bits, a.scale, a.json);
      // Keys are required when every row has them (and they are never null).
      const key = path === '/guid' ? this.entity === 'vouchers' : XML_KEYS.has(path);
      f.required = key && a.present === this.rows && (a.bits & BIT.null) === 0;
      out[path] = f;
    }
    return out;
  }
}

function scaleOf(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** JSON kinds of the values behind a logical type. */
export const JSON_BOOL = 1;
export const JSON_NUMBER = 2;
export const JSON_STRING = 4;

/**
 * Join of the types seen in one file: null + T = T; integer + decimal = decimal; values that are
 * JSON strings of different kinds join to string; different JSON kinds (a boolean here, a number
 * there, or a list in one row and a scalar in another) join to `any`.
 */
export function toField(bits: number, scale: number, json: number): FieldInfo {
  const nullable = (bits & BIT.null) !== 0;
  const b = bits & ~BIT.null;
  const kinds = (json & JSON_BOOL ? 1 : 0) + (json & JSON_NUMBER ? 1 : 0) + (json & JSON_STRING ? 1 : 0) + (b & BIT.array ? 1 : 0) + (b & BIT.object ? 1 : 0);
  let type: LogicalType;
  if (b === 0) type = 'null';
  else if (b & BIT.any || kinds > 1) type = 'any';
  else if (b === BIT.array) type = 'array';
  else if (b === BIT.object) type = 'object';
  else if (b === BIT.boolean) type = 'boolean';
  else if (b === BIT.integer) type = 'integer';
  else if (b === BIT.date) type = 'date';
  else if (b === BIT.decimal || b === (BIT.integer | BIT.decimal)) type = 'decimal';
  else type = 'string';
  const f: FieldInfo = { type, required: false, nullable };
  if (type === 'decimal') f.scale = scale;
  if (type === 'integer') f.repr = json & JSON_NUMBER ? 'number' : 'string';
  return f;
}

/**
 * Shape of a CSV file from the per-column value classes the parser collected. Columns of a known
 * loader table that are neither dates, amounts nor logicals are text by declaration (a voucher
 * number made only of digits is still text); columns of other CSVs are typed by their values.
 */
export function csvShape(columns: string[], kinds: ColumnKind[], masks: Uint32Array, scales: Uint8Array, knownTable: boolean): Shape {
  const out: Shape = {};
  columns.forEach((c, i) => {
    const m = masks[i] ?? 0;
    const has = (v: ValueClass) => (m & (1 << v)) !== 0;
    let bits = has(ValueClass.Null) ? BIT.null : 0;
    let json = 0;
    const nonNull = m & ~(1 << ValueClass.Null);
    if (kinds[i] === 'text') {
      // Output is text; the type says what the text looks like (unknown CSVs) or is declared (loader tables).
      if (knownTable) {
        if (nonNull) bits |= BIT.string;
      } else {
        if (has(ValueClass.Integer)) bits |= BIT.integer;
        if (has(ValueClass.Decimal)) bits |= BIT.decimal;
        if (has(ValueClass.Date)) bits |= BIT.date;
        if (has(ValueClass.Text) || has(ValueClass.Bool)) bits |= BIT.string;
      }
      if (nonNull) json = JSON_STRING;
    } else {
      if (has(ValueClass.Bool)) {
        bits |= BIT.boolean;
        json |= JSON_BOOL;
      }
      if (has(ValueClass.Integer)) bits |= BIT.integer;
      if (has(ValueClass.Decimal)) bits |= BIT.decimal;
      if (has(ValueClass.Date)) bits |= BIT.date;
      if (has(ValueClass.Text)) bits |= BIT.string;
      if (nonNull & ~(1 << ValueClass.Bool)) json |= JSON_STRING;
    }
    const f = toField(bits, scales[i] ?? 0, json);
    f.required = true;
    out['/' + escapeSeg(c)] = f;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shape → JSON Schema (readable, and what ajv validates rows with)

export function toJsonSchema(shape: Shape, title: string): Record<string, unknown> {
  const root: Record<string, unknown> = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: {},
    additionalProperties: true,
  };
  const paths = Object.keys(shape).sort();
  const nodeFor = new Map<string, Record<string, unknown>>([['', root]]);
  for (const p of paths) {
    const f = shape[p]!;
    const cut = p.lastIndexOf('/');
    const parentPath = p.slice(0, cut);
    const seg = p.slice(cut + 1);
    const parent = nodeFor.get(parentPath);
    if (!parent) continue; // under an `any`
    const node = fieldSchema(f);
    nodeFor.set(p, node);
    if (seg === '[]') {
      parent['items'] = node;
    } else {
      const name = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      ((parent['properties'] ??= {}) as Record<string, unknown>)[name] = node;
      if (f.required) ((parent['required'] ??= []) as string[]).push(name);
    }
  }
  return root;
}

function fieldSchema(f: FieldInfo): Record<string, unknown> {
  const base: Record<string, unknown> = { 'x-tally-type': f.type };
  const nullable = f.nullable || !f.required;
  const t = (jsonType: string) => (nullable ? [jsonType, 'null'] : jsonType);
  switch (f.type) {
    case 'null':
      return { ...base, type: 'null' };
    case 'boolean':
      return { ...base, type: t('boolean') };
    case 'integer':
      return f.repr === 'string' ? { ...base, type: t('string'), pattern: '^-?[0-9]+$' } : { ...base, type: t('integer') };
    case 'decimal':
      return { ...base, type: t('string'), pattern: '^-?[0-9]+(\\.[0-9]+)?$', 'x-scale': f.scale ?? 0 };
    case 'date':
      return { ...base, type: t('string'), format: 'date' };
    case 'string':
      return { ...base, type: t('string') };
    case 'array':
      return { ...base, type: t('array') };
    case 'object':
      return { ...base, type: t('object'), additionalProperties: true };
    case 'any':
      return { ...base };
  }
}
