import { stringTypeRule } from '../formats/tally/fields.js';
import { VClass, isIsoDate, isPlainDecimal, scaleOfBytes, scaleOfString } from '../formats/classify.js';
import type { Cells, FieldKey, RowSink } from '../rows/row-sink.js';
import { escapeSeg, type FieldInfo, type FieldSample, type LogicalType, type Shape } from './types.js';

/**
 * Inference: what each field of an entity holds, from the normalised values of one file. A
 * consumer of the row seam: fields given one at a time come with their class (formats/classify.ts);
 * whole records (XML objects) are walked, their strings typed by the field name's rule. The rules
 * are the same for every file, so the same kind of data always infers the same shape.
 */

const BIT: Record<LogicalType, number> = { null: 1, boolean: 2, integer: 4, decimal: 8, date: 16, string: 32, array: 64, object: 128, any: 256 };
const TYPE_OF_BIT = new Map<number, LogicalType>();
for (const [t, b] of Object.entries(BIT)) TYPE_OF_BIT.set(b, t as LogicalType);
const MAX_DEPTH = 5;

export interface Acc {
  bits: number;
  scale: number;
  present: number;
  json: number;
  /** Logical-type bits whose samples are all taken. */
  full: number;
  /** The first few values of each logical type seen here, with where they were (what drift alerts show). */
  samples: FieldSample[] | undefined;
}

/** Values kept per field and logical type, and the length a value is cut to. */
export const SAMPLES_PER_TYPE = 3;
export const SAMPLE_MAX_CHARS = 80;


/**
 * Keys that identify a row: removing them or making them null is breaking. A voucher without its
 * GUID cannot be linked to its lines; masters may legitimately come without one (hand-made import
 * files), so only the voucher keys are required.
 */
const XML_KEYS = new Set(['/guid', '/voucher_guid', '/voucher_key', '/line_no']);

interface INode {
  path: string;
  acc: Acc;
  /** How a string here is typed (from the field name, looked up once per field). */
  rule: 'decimal' | 'date' | 'string';
  kids: Map<string, INode> | undefined;
  items: INode | undefined;
}

function inode(path: string, rule: INode['rule']): INode {
  return { path, acc: { bits: 0, scale: 0, present: 0, json: 0, full: 0, samples: undefined }, rule, kids: undefined, items: undefined };
}

/** The logical-type bit of each value class. */
const CLASS_BIT: readonly number[] = [BIT.null, BIT.boolean, BIT.integer, BIT.decimal, BIT.date, BIT.string];

/**
 * Collects the shape of every entity of one file, as a consumer of the row seam. An entity with
 * declared columns (a CSV header) has every column required; other entities (XML objects) have
 * only their keys required.
 */
export class ShapeCollector implements RowSink {
  private readonly entities = new Map<string, EntityShapeBuilder>();
  private current: EntityShapeBuilder | undefined;

  private builder(entity: string): EntityShapeBuilder {
    let b = this.entities.get(entity);
    if (!b) {
      b = new EntityShapeBuilder(entity);
      this.entities.set(entity, b);
    }
    return b;
  }

  columns(entity: string, keys: readonly FieldKey[]): void {
    this.builder(entity).declared(keys);
  }

  beginRow(entity: string, ordinal: number, line: number): void {
    const b = this.current?.entity === entity ? this.current : this.builder(entity);
    b.rows++;
    b.ordinal = ordinal;
    b.line = line;
    this.current = b;
  }

  cells(row: Cells): void {
    const slots = this.current!.declared(row.keys);
    const { b, n, F, cls, norm, values } = row;
    for (let i = 0; i < n; i++) {
      const a = slots[i]!;
      const c = cls[i]!;
      const bit = CLASS_BIT[c]!;
      a.present++;
      a.bits |= bit;
      if ((a.full & bit) === 0) this.current!.take(a, bit, cellText(b, F, i));
      if (norm[i] === 1) {
        const v = values[i];
        switch (typeof v) {
          case 'boolean':
            a.json |= JSON_BOOL;
            break;
          case 'number':
            a.json |= JSON_NUMBER;
            break;
          case 'string':
            a.json |= JSON_STRING;
            if (c === VClass.Decimal) {
              const sc = scaleOfString(v);
              if (sc > a.scale) a.scale = sc;
            }
            break;
        }
        continue;
      }
      if (c === VClass.Null) continue;
      if (c === VClass.Bool) {
        a.json |= JSON_BOOL;
        continue;
      }
      a.json |= JSON_STRING;
      if (c === VClass.Decimal) {
        const sc = scaleOfBytes(b, F[i * 3]!, F[i * 3 + 1]!);
        if (sc > a.scale) a.scale = sc;
      }
    }
  }

  record(rec: Record<string, unknown>): void {
    this.current!.observe(rec);
  }

  endRow(): void {}

  /** Rows seen per entity (declared entities with no rows included). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [e, b] of this.entities) out[e] = b.rows;
    return out;
  }

  /**
   * What was inferred, as plain data: per entity its rows and each field's accumulator, in the
   * order fields were first seen. The shapes (shapesOf) and the samples for drift alerts
   * (samplesOf) are functions of it, and the inference of two parts of one file merges into that
   * of the whole (mergeInference).
   */
  data(): FileInference {
    const out: FileInference = {};
    for (const [e, b] of this.entities) out[e] = b.data();
    return out;
  }
}

/** One field's accumulator (plain data). */
export interface FieldAcc extends Acc {
  path: string;
  /** A declared column (a CSV header): always required. */
  declared: boolean;
}

/** Keep sample `s` (of logical type `bit`) in `a`; the type is full once it has its samples. */
function addSample(a: Acc, s: FieldSample, bit: number): void {
  const list = (a.samples ??= []);
  list.push(s);
  let n = 0;
  for (const t of list) if (t.type === s.type) n++;
  if (n >= SAMPLES_PER_TYPE) a.full |= bit;
}

export interface EntityInference {
  rows: number;
  fields: FieldAcc[];
}

/** Entity → what was inferred of it. */
export type FileInference = Record<string, EntityInference>;

export function shapesOf(inf: FileInference): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const [e, x] of Object.entries(inf)) out.set(e, entityShape(e, x));
  return out;
}

export function samplesOf(inf: FileInference): Map<string, Record<string, FieldSample[]>> {
  const out = new Map<string, Record<string, FieldSample[]>>();
  for (const [e, x] of Object.entries(inf)) {
    const s: Record<string, FieldSample[]> = {};
    for (const f of x.fields) if (f.samples) s[f.path] = f.samples;
    out.set(e, s);
  }
  return out;
}

function entityShape(entity: string, x: EntityInference): Shape {
  const out: Shape = {};
  for (const a of x.fields) {
    const f = toField(a.bits, a.scale, a.json);
    if (a.declared) f.required = true;
    else {
      // Keys are required when every row has them (and they are never null).
      const key = a.path === '/guid' ? entity === 'vouchers' : XML_KEYS.has(a.path);
      f.required = key && a.present === x.rows && (a.bits & BIT.null) === 0;
    }
    out[a.path] = f;
  }
  return out;
}

/**
 * The inference of a file read in two consecutive parts, `a` then `b`: exactly what one pass over
 * the whole would have collected (types joined, counts added, the first samples of each type kept
 * in file order). Fields keep the order they were first seen in.
 */
export function mergeInference(a: FileInference, b: FileInference): FileInference {
  const out: FileInference = {};
  for (const e of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[e];
    const y = b[e];
    if (!x || !y) {
      out[e] = structuredClone((x ?? y)!);
      continue;
    }
    const fields = x.fields.map((f) => ({ ...f, samples: f.samples ? [...f.samples] : undefined }));
    const at = new Map(fields.map((f, i) => [f.path, i]));
    for (const g of y.fields) {
      const i = at.get(g.path);
      if (i === undefined) {
        at.set(g.path, fields.length);
        fields.push({ ...g, samples: g.samples ? [...g.samples] : undefined });
        continue;
      }
      const f = fields[i]!;
      f.declared ||= g.declared;
      f.bits |= g.bits;
      f.scale = Math.max(f.scale, g.scale);
      f.present += g.present;
      f.json |= g.json;
      if (g.samples) {
        for (const s of g.samples) {
          const bit = BIT[s.type];
          if ((f.full & bit) === 0) addSample(f, s, bit);
        }
      }
    }
    out[e] = { rows: x.rows + y.rows, fields };
  }
  return out;
}

/** A cell's text as the file holds it (doubled quotes undone), cut to the sample length. */
function cellText(b: Buffer, F: Int32Array, i: number): string {
  const start = F[i * 3]!;
  const end = Math.min(F[i * 3 + 1]!, start + SAMPLE_MAX_CHARS * 4);
  const t = b.toString('utf8', start, end);
  return F[i * 3 + 2] === 2 ? t.replace(/""/g, '"') : t;
}

/**
 * The shape of one entity. Fields are kept in a tree keyed by field name (records), or by the
 * field's slot (declared columns), so a row is walked without building path strings or
 * classifying names again.
 */
class EntityShapeBuilder {
  rows = 0;
  /** The current row's ordinal and first line. */
  ordinal = 0;
  line = 0;
  private readonly root = inode('', 'string');
  /** Declared columns, by slot: every one is required. */
  private slots: INode[] | undefined;
  constructor(readonly entity: string) {}

  declare(keys: readonly FieldKey[]): void {
    const kids = (this.root.kids ??= new Map());
    this.slots = keys.map((k) => {
      let n = kids.get(k.name);
      if (!n) {
        n = inode('/' + escapeSeg(k.name), 'string');
        kids.set(k.name, n);
      }
      return n;
    });
  }

  private slotAccs: Acc[] = [];
  private slotKeys: readonly FieldKey[] | undefined;

  /** The accumulators of the declared columns, by slot (declared now if the reader did not). */
  declared(keys: readonly FieldKey[]): Acc[] {
    if (keys !== this.slotKeys) {
      this.declare(keys);
      this.slotKeys = keys;
      this.slotAccs = this.slots!.map((n) => n.acc);
    }
    return this.slotAccs;
  }

  observe(record: Record<string, unknown>): void {
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
      if ((a.full & BIT.null) === 0) this.take(a, BIT.null, '');
      return;
    }
    switch (typeof v) {
      case 'boolean':
        a.bits |= BIT.boolean;
        a.json |= JSON_BOOL;
        if ((a.full & BIT.boolean) === 0) this.take(a, BIT.boolean, String(v));
        return;
      case 'number': {
        const bit = Number.isInteger(v) ? BIT.integer : BIT.decimal;
        a.bits |= bit;
        a.json |= JSON_NUMBER;
        if ((a.full & bit) === 0) this.take(a, bit, String(v));
        return;
      }
      case 'string': {
        a.json |= JSON_STRING;
        let bit: number;
        if (node.rule === 'decimal' && isPlainDecimal(v)) {
          bit = BIT.decimal;
          const sc = scaleOf(v);
          if (sc > a.scale) a.scale = sc;
        } else if (node.rule === 'date' && isIsoDate(v)) bit = BIT.date;
        else bit = BIT.string;
        a.bits |= bit;
        if ((a.full & bit) === 0) this.take(a, bit, v);
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

  /** Keeps a value of logical type `bit` seen in the current row, until that type has its samples. */
  take(a: Acc, bit: number, text: string): void {
    const type = TYPE_OF_BIT.get(bit)!;
    addSample(a, { value: text.length > SAMPLE_MAX_CHARS ? text.slice(0, SAMPLE_MAX_CHARS - 1) + '…' : text, type, line: this.line, row: this.ordinal }, bit);
  }

  data(): EntityInference {
    const fields: FieldAcc[] = [];
    const declared = this.slots ? new Set(this.slots) : undefined;
    const visit = (n: INode) => {
      if (n.path) fields.push({ path: n.path, declared: declared?.has(n) ?? false, ...n.acc, samples: n.acc.samples ? [...n.acc.samples] : undefined });
      if (n.kids) for (const k of n.kids.values()) visit(k);
      if (n.items) visit(n.items);
    };
    visit(this.root);
    return { rows: this.rows, fields };
  }
}

function scaleOf(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** JSON kinds of the values behind a logical type. */
const JSON_BOOL = 1;
const JSON_NUMBER = 2;
const JSON_STRING = 4;

/**
 * Join of the types seen in one file: null + T = T; integer + decimal = decimal; values that are
 * JSON strings of different kinds join to string; different JSON kinds (a boolean here, a number
 * there, or a list in one row and a scalar in another) join to `any`.
 */
function toField(bits: number, scale: number, json: number): FieldInfo {
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
