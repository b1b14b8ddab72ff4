import { cleanTallyText, parseAmount, parseBoolean, parseDate, parseDateTime, parseInteger, parseNumber, parseQuantity, parseRate } from '../values.js';
import { BY_PARENT, isDecimalKind, tagKind, type TagKind } from './tags.js';

/**
 * How a Tally tag's text becomes a JSON value. The kind comes from the tag table (tags.ts), so a
 * field's type never depends on the file; within the kind, only the shapes Tally writes are
 * accepted (values.ts), and any other text stays the text it is.
 */

/** What the connector knows about a tag name, computed once per distinct name. */
export interface TagInfo {
  tag: string;
  /** The record field name: the tag in lower case. */
  key: string;
  /** Its kind when the parent does not matter (tags.ts BY_PARENT lists the ones where it does). */
  kind: TagKind;
  /** The kind depends on the enclosing element. */
  byParent: boolean;
  /** `X.LIST`: a list element. */
  isList: boolean;
  /** `UDF:X`: a user-defined field. */
  isUdf: boolean;
}

const tagCache = new Map<string, TagInfo>();
const ruleCache = new Map<string, 'decimal' | 'date' | 'string'>();

export function tagInfo(tag: string): TagInfo {
  let t = tagCache.get(tag);
  if (t === undefined) {
    if (tagCache.size > 100_000) tagCache.clear(); // hostile input with endless distinct names
    const byParent = tag in BY_PARENT;
    t = { tag, key: tag.toLowerCase(), kind: tagKind(tag), byParent, isList: tag.endsWith('.LIST'), isUdf: tag.startsWith('UDF:') };
    tagCache.set(tag, t);
  }
  return t;
}

/** The kind of a leaf `info` inside the element named `parent`. */
export function leafKind(info: TagInfo, parent: string): TagKind {
  return info.byParent ? tagKind(info.tag, parent) : info.kind;
}

export function fieldKey(tag: string): string {
  return tagInfo(tag).key;
}

/**
 * A record while it is built: a Map keeps its fields in the order they were first set, as a plain
 * object would, without the dictionary-mode object a record of more than ~20 fields becomes (see
 * `records.ts`, which turns it into a plain object at the end).
 */
export type Rec = Map<string, unknown>;

/** Writes the normalised value(s) of one leaf into `rec`, under `key` (and `key_unit` when split). */
export function setLeaf(rec: Rec, key: string, rawText: string | null, typeAttr: string | undefined, kind: TagKind): void {
  if (rawText === null) {
    put(rec, key, null);
    return;
  }
  const text = cleanTallyText(rawText);
  if (isBlankText(text)) {
    put(rec, key, null);
    return;
  }
  if (typeAttr !== undefined) {
    setTyped(rec, key, text, typeAttr);
    return;
  }
  switch (kind) {
    case 'text':
    case 'duedate':
      put(rec, key, text);
      return;
    case 'logical':
    case 'auto': {
      const b = parseBoolean(text);
      if (b !== undefined) put(rec, key, b);
      // Tally's number formatting (a leading space) is trimmed from a number in a tag the table does
      // not know, but the value stays text: its type must not depend on the value.
      else if (kind === 'auto' && text.charCodeAt(0) === 32 && /^ +-?\d+(\.\d+)?$/.test(text)) put(rec, key, text.trim());
      else put(rec, key, text);
      return;
    }
    case 'integer':
      put(rec, key, parseInteger(text) ?? text);
      return;
    case 'number':
      put(rec, key, parseNumber(text) ?? text);
      return;
    case 'date':
      put(rec, key, parseDate(text) ?? text);
      return;
    case 'datetime':
      put(rec, key, parseDateTime(text) ?? text);
      return;
    case 'amount':
      put(rec, key, parseAmount(text) ?? text);
      return;
    case 'quantity': {
      const q = parseQuantity(text);
      if (q === undefined) put(rec, key, text);
      else {
        put(rec, key, q.value);
        put(rec, key + '_unit', q.unit);
      }
      return;
    }
    case 'rate': {
      const r = parseRate(text);
      if (r === undefined) put(rec, key, text);
      else {
        put(rec, key, r.value);
        if (r.unit !== null) put(rec, key + '_unit', r.unit);
      }
      return;
    }
  }
}

/** Collection exports say the type: TYPE="Logical" | "Number" | "Amount" | "Quantity" | "Rate" | "Date" | "String" | "Due Date". */
function setTyped(rec: Rec, key: string, text: string, type: string): void {
  switch (type.toLowerCase()) {
    case 'logical':
      return setLeaf(rec, key, text, undefined, 'logical');
    case 'number': {
      const i = parseInteger(text);
      if (i !== undefined) put(rec, key, i);
      else put(rec, key, parseNumber(text) ?? parseAmount(text) ?? text);
      return;
    }
    case 'amount':
      return setLeaf(rec, key, text, undefined, 'amount');
    case 'quantity':
      return setLeaf(rec, key, text, undefined, 'quantity');
    case 'rate':
      return setLeaf(rec, key, text, undefined, 'rate');
    case 'date':
      return setLeaf(rec, key, text, undefined, 'date');
    default:
      put(rec, key, text);
  }
}

/** Same key twice in one object (repeated scalar tags): the values become a list. */
export function put(rec: Rec, key: string, value: unknown): void {
  if (!rec.has(key)) {
    rec.set(key, value);
    return;
  }
  const cur = rec.get(key);
  let s = REPEATED.get(rec);
  if (Array.isArray(cur) && s?.has(key)) cur.push(value);
  else {
    rec.set(key, [cur, value]);
    if (!s) REPEATED.set(rec, (s = new Set()));
    s.add(key);
  }
}
/** Keys of a record whose value is a list made by `put` (rare: a side table, not a field). */
const REPEATED = new WeakMap<Rec, Set<string>>();

function isBlankText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/**
 * How inference reads a string value of this field (a lower-case key): `decimal` and `date` fields
 * check the value's form. The same table as the values, so inference agrees with normalisation.
 */
export function stringTypeRule(key: string): 'decimal' | 'date' | 'string' {
  let r = ruleCache.get(key);
  if (r === undefined) {
    if (ruleCache.size > 100_000) ruleCache.clear();
    if (key.endsWith('_unit') || key.endsWith('_currency') || key.includes('@') || key === 'udf') r = 'string';
    else {
      const k = tagKind(key.toUpperCase());
      r = isDecimalKind(k) ? 'decimal' : k === 'date' ? 'date' : 'string';
    }
    ruleCache.set(key, r);
  }
  return r;
}
