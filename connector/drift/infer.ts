import { isIsoDate, isPlainDecimal, stringTypeRule } from '../formats/tally/fields.js';
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

interface INode {
  path: string;
  acc: Acc;
  /** How a string here is typed (from the field name, looked up once per field). */
  rule: 'decimal' | 'date' | 'string';
  kids: Map<string, INode> | undefined;
  items: INode | undefined;
}

function inode(path: string, rule: INode['rule']): INode {
  return { path, acc: { bits: 0, scale: 0, present: 0, json: 0 }, rule, kids: undefined, items: undefined };
}

/**
 * Collects the shape of one entity from XML records. Fields are kept in a tree keyed by field name,
 * so a record is walked without building path strings or classifying names again.
 */
export class RecordShapeBuilder {
  rows = 0;
  private readonly root = inode('', 'string');
  constructor(private readonly entity: string) {}

  observe(record: Record<string, unknown>): void {
    this.rows++;
    this.walk(this.root, record, 0, false);
  }

  private walk(node: INode, obj: Record<string, unknown>, depth: number, inUdf: boolean): void {
    const kids = (node.kids ??= new Map());
    for (const k in obj) {
      let child = kids.get(k);
      if (!child) {
        child = inode(node.path + '/' + escapeSeg(k), inUdf ? 'string' : stringTypeRule(k));
        kids.set(k, child);
      }
      this.value(child, obj[k], depth, inUdf || (depth === 0 && k === 'udf'));
    }
  }

  private value(node: INode, v: unknown, depth: number, inUdf: boolean): void {
    const a = node.acc;
    a.present++;
    if (v === null || v === undefined) {
      a.bits |= BIT.null;
      return;
    }
    switch (typeof v) {
      case 'boolean':
        a.bits |= BIT.boolean;
        a.json |= JSON_BOOL;
        return;
      case 'number':
        a.bits |= Number.isInteger(v) ? BIT.integer : BIT.decimal;
        a.json |= JSON_NUMBER;
        return;
      case 'string': {
        a.json |= JSON_STRING;
        if (node.rule === 'decimal' && isPlainDecimal(v)) {
          a.bits |= BIT.decimal;
          const sc = scaleOf(v);
          if (sc > a.scale) a.scale = sc;
        } else if (node.rule === 'date' && isIsoDate(v)) a.bits |= BIT.date;
        else a.bits |= BIT.string;
        return;
      }
    }
    if (depth >= MAX_DEPTH) {
      a.bits |= BIT.any;
      return;
    }
    if (Array.isArray(v)) {
      a.bits |= BIT.array;
      const items = (node.items ??= inode(node.path + '/[]', node.rule));
      for (const item of v) this.value(items, item, depth + 1, inUdf);
      return;
    }
    a.bits |= BIT.object;
    this.walk(node, v as Record<string, unknown>, depth + 1, inUdf);
  }

  shape(): Shape {
    const out: Shape = {};
    const visit = (n: INode) => {
      if (n.path) {
        const f = toField(n.acc.bits, n.acc.scale, n.acc.json);
        // Keys are required when every row has them (and they are never null).
        const key = n.path === '/guid' ? this.entity === 'vouchers' : XML_KEYS.has(n.path);
        f.required = key && n.acc.present === this.rows && (n.acc.bits & BIT.null) === 0;
        out[n.path] = f;
      }
      if (n.kids) for (const k of n.kids.values()) visit(k);
      if (n.items) visit(n.items);
    };
    visit(this.root);
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
