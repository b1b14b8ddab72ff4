import { parseAmount, parseBoolean, parseDate } from './values.js';

/**
 * Value classification, in one place: what class of value a field holds (null, boolean, integer,
 * decimal with its scale, date, text), and how a cell's text becomes its normalised value. Readers
 * classify each value once and pass the class through the row seam (rows/row-sink.ts), so the
 * envelope writer, the drift inference and the columnar writers never classify again.
 *
 * The byte-level functions work on UTF-8 bytes of the decoded input (the CSV reader's hot path)
 * without building strings.
 */

/** Classes of values. Bit `1 << class` is how inference collects them per field. */
export const enum VClass {
  Null = 0,
  Bool = 1,
  Integer = 2,
  Decimal = 3,
  Date = 4,
  Text = 5,
}

/**
 * What a column holds by its name (tally-database-loader style): is_* → bool, *date* → date,
 * amounts → decimal, anything else text.
 */
export type ColumnKind = 'text' | 'bool' | 'date' | 'decimal';

/** Column kinds as small integers, for the hot path. */
export const enum Kind {
  Text = 0,
  Bool = 1,
  Date = 2,
  Decimal = 3,
}

export function columnKind(name: string): ColumnKind {
  const n = name.toLowerCase();
  if (/^(is|has|affects|allow|use|for)_/.test(n)) return 'bool';
  if (/(^|_)date($|_)|^applicable_from$|_on$/.test(n)) return 'date';
  if (/(^|_)(amount|balance|value|rate|quantity|qty|price|discount|debit|credit|total)($|_)/.test(n)) return 'decimal';
  return 'text';
}

export function kindCode(k: ColumnKind): Kind {
  return k === 'text' ? Kind.Text : k === 'bool' ? Kind.Bool : k === 'date' ? Kind.Date : Kind.Decimal;
}

/**
 * A typed cell already in normal form, decided from its bytes alone:
 * 0 = needs `normaliseCell` (Indian grouping, Dr/Cr, D-MMM-YY, Yes/No...); 1 true (`1`); 2 false (`0`);
 * 3 ISO date; 4 plain decimal; 5 plain integer.
 */
export const enum Fast {
  Slow = 0,
  True = 1,
  False = 2,
  Date = 3,
  Decimal = 4,
  Integer = 5,
}

export function fastTyped(b: Uint8Array, s: number, e: number, kind: Kind): Fast {
  const len = e - s;
  if (kind === Kind.Bool) {
    if (len === 1) {
      const c = b[s];
      if (c === 49) return Fast.True;
      if (c === 48) return Fast.False;
    }
    return Fast.Slow;
  }
  if (kind === Kind.Date) {
    if (len === 10 && b[s + 4] === 45 && b[s + 7] === 45 && isDigits(b, s, s + 4) && isDigits(b, s + 5, s + 7) && isDigits(b, s + 8, e)) {
      const m = (b[s + 5]! - 48) * 10 + (b[s + 6]! - 48);
      const d = (b[s + 8]! - 48) * 10 + (b[s + 9]! - 48);
      if (m >= 1 && m <= 12 && d >= 1 && d <= 31) return Fast.Date;
    }
    return Fast.Slow;
  }
  // decimal: -?(0|[1-9][0-9]*)(\.[0-9]+)?
  let i = s;
  if (b[i] === 45) i++;
  if (i >= e) return Fast.Slow;
  if (b[i] === 48) {
    i++;
  } else {
    const st = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === st) return Fast.Slow;
  }
  if (i === e) return Fast.Integer;
  if (b[i] !== 46) return Fast.Slow;
  i++;
  const st = i;
  while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
  return i === e && i > st ? Fast.Decimal : Fast.Slow;
}

/** The class a `Fast` result stands for. */
export function fastClass(f: Fast): VClass {
  switch (f) {
    case Fast.True:
    case Fast.False:
      return VClass.Bool;
    case Fast.Date:
      return VClass.Date;
    case Fast.Decimal:
      return VClass.Decimal;
    case Fast.Integer:
      return VClass.Integer;
    default:
      return VClass.Text;
  }
}

function isDigits(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * What the text of a cell in a text column looks like, for inference (the value stays text):
 * an integer, a decimal or a date; anything else is text (a `yes` in a text column is text).
 */
export function classifyTextBytes(b: Uint8Array, s: number, e: number): VClass {
  let digits = 0;
  for (let j = s; j < e; j++) {
    const c = b[j]!;
    if (c >= 48 && c <= 57) digits++;
    else if (digits === 0 && j - s > 24) return VClass.Text; // long non-numeric text: no need to look further
  }
  if (digits === e - s) return VClass.Integer;
  if (digits === 0) return VClass.Text;
  const f = fastTyped(b, s, e, Kind.Decimal);
  if (f === Fast.Integer) return VClass.Integer;
  if (f === Fast.Decimal) return VClass.Decimal;
  if (e - s === 10 && fastTyped(b, s, e, Kind.Date) === Fast.Date) return VClass.Date;
  return VClass.Text;
}

/**
 * The normalised value of a typed cell whose bytes are not in normal form, and its class. What is
 * not of the column's shape stays the text it is (the drift gate sees the class change).
 */
export function normaliseCell(kind: Kind, str: string): { value: unknown; cls: VClass } {
  if (kind === Kind.Bool) {
    const v = parseBoolean(str, true);
    return v === undefined ? { value: str, cls: VClass.Text } : { value: v, cls: VClass.Bool };
  }
  if (kind === Kind.Date) {
    if (str.trim() === '' || str === '\u00f1') return { value: null, cls: VClass.Null }; // the loader's empty-date marker
    const v = parseDate(str);
    return v === undefined ? { value: str, cls: VClass.Text } : { value: v, cls: VClass.Date };
  }
  if (str.trim() === '') return { value: null, cls: VClass.Null };
  const v = parseAmount(str);
  return v === undefined ? { value: str, cls: VClass.Text } : { value: v, cls: v.includes('.') ? VClass.Decimal : VClass.Integer };
}

/** Decimals after the point of a decimal's bytes. */
export function scaleOfBytes(b: Uint8Array, s: number, e: number): number {
  for (let i = e - 1; i >= s; i--) if (b[i] === 46) return Math.min(255, e - i - 1);
  return 0;
}

export function scaleOfString(v: string): number {
  const i = v.indexOf('.');
  return i < 0 ? 0 : Math.min(255, v.length - i - 1);
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isPlainDecimal(v: string): boolean {
  return PLAIN_DECIMAL.test(v);
}

export function isIsoDate(v: string): boolean {
  return ISO_DATE.test(v);
}

