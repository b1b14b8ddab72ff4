import { cleanTallyText, parseAmount, parseBoolean, parseDate, parseInteger, parseQuantity, parseRate } from '../values.js';

/**
 * How a Tally tag's text becomes a JSON value. Decided by the tag name first (stable across files,
 * so a field's type does not flip from one file to the next), then by Tally's own formatting.
 */
type Kind = 'text' | 'integer' | 'date' | 'amount' | 'quantity' | 'rate' | 'auto';

const INTEGER_TAGS = new Set([
  'ALTERID', 'MASTERID', 'VOUCHERKEY', 'VOUCHERRETAINKEY', 'SORTPOSITION', 'INDEXNUMBER', 'LANGUAGEID',
  'OLDAUDITENTRYIDS', 'AUDITENTRYID', 'LASTVOUCHERID', 'BEGINNINGNUMBER', 'WIDTHOFNUMERICALPART',
  'DECIMALPLACES', 'DECIMALPLACESFORPRINTING', 'INDAYS', 'JD', 'EMPLOYEESORTORDER', 'PAYHEADSORTORDER',
]);

const TEXT_LIKE =
  /NAME|NARRATION|ADDRESS|DESCRIPTION|REFERENCE|NUMBER|NOTE|REMARK|ALIAS|GUID|REMOTEID|VCHKEY|EMAIL|PHONE|MOBILE|PINCODE|GSTIN|^PAN|IFSC|CODE$|SYMBOL|TEXT$|^PARENT$|^CATEGORY$|^LEDGER$|^ITEM$|^GODOWN$|STATE$|COUNTRY/;
const FLAG_PREFIX = /^(IS|HAS|USE|ALLOW|IGNORE|SHOW|PRINT|ENABLE|AS|AFFECTS|FOR)[A-Z]/;
const DATE_TAG = /DATE|APPLICABLEFROM|APPLICABLETO|^MFDON$|EXPIRYPERIOD/;
const AMOUNT_TAG = /AMOUNT$|^AMOUNT|AMT$|BALANCE$|^CREDITLIMIT$|VALUE$|^OPENINGVALUE$|^CLOSINGVALUE$|^BASICRATEOFINVOICETAX$/;
const QTY_TAG = /QTY$|QUANTITY$/;
const RATE_TAG = /RATE$/;

function classify(tag: string): Kind {
  if (INTEGER_TAGS.has(tag)) return 'integer';
  if (TEXT_LIKE.test(tag) && !FLAG_PREFIX.test(tag)) return 'text';
  if (QTY_TAG.test(tag)) return 'quantity';
  if (DATE_TAG.test(tag)) return 'date';
  if (AMOUNT_TAG.test(tag)) return 'amount';
  if (RATE_TAG.test(tag)) return 'rate';
  return 'auto';
}

/** What the connector knows about a tag name, computed once per distinct name. */
export interface TagInfo {
  tag: string;
  /** The record field name: the tag in lower case. */
  key: string;
  kind: Kind;
  /** `X.LIST`: a list element. */
  isList: boolean;
  /** `UDF:X`: a user-defined field. */
  isUdf: boolean;
}

const tagCache = new Map<string, TagInfo>();
const keyKindCache = new Map<string, Kind>();

export function tagInfo(tag: string): TagInfo {
  let t = tagCache.get(tag);
  if (t === undefined) {
    if (tagCache.size > 100_000) tagCache.clear(); // hostile input with endless distinct names
    t = { tag, key: tag.toLowerCase(), kind: classify(tag), isList: tag.endsWith('.LIST'), isUdf: tag.startsWith('UDF:') };
    tagCache.set(tag, t);
  }
  return t;
}

function kindOf(tag: string): Kind {
  return tagInfo(tag).kind;
}

/** Kind of a record field name (lower case), for inference. */
function kindOfKey(key: string): Kind {
  let k = keyKindCache.get(key);
  if (k === undefined) {
    if (keyKindCache.size > 100_000) keyKindCache.clear();
    k = classify(key.toUpperCase());
    keyKindCache.set(key, k);
  }
  return k;
}

export function fieldKey(tag: string): string {
  return tagInfo(tag).key;
}

/** Writes the normalised value(s) of one leaf into `rec`, under `key` (and `key_unit` when split). */
export function setLeaf(rec: Record<string, unknown>, tag: string, key: string, rawText: string | null, typeAttr: string | undefined, kindHint?: Kind): void {
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
  const kind = kindHint ?? kindOf(tag);
  if (kind !== 'text' && kind !== 'integer') {
    const b = parseBoolean(text);
    if (b !== undefined) {
      put(rec, key, b);
      return;
    }
  }
  switch (kind) {
    case 'text':
      put(rec, key, text);
      return;
    case 'integer': {
      const v = parseInteger(text);
      put(rec, key, v ?? text);
      return;
    }
    case 'date': {
      const d = parseDate(text);
      if (d !== undefined) {
        put(rec, key, d);
        return;
      }
      break; // e.g. "30 Days": fall through to the generic rules
    }
    case 'amount': {
      const a = parseAmount(text);
      if (a !== undefined) {
        put(rec, key, a);
        return;
      }
      const q = parseQuantity(text);
      if (q !== undefined && q.unit !== null) {
        put(rec, key, q.value);
        put(rec, key + '_unit', q.unit);
        return;
      }
      put(rec, key, text);
      return;
    }
    case 'quantity': {
      const q = parseQuantity(text);
      if (q !== undefined) {
        put(rec, key, q.value);
        put(rec, key + '_unit', q.unit);
        return;
      }
      put(rec, key, text);
      return;
    }
    case 'rate': {
      const r = parseRate(text);
      if (r !== undefined) {
        put(rec, key, r.value);
        if (r.unit !== null || text.includes('/')) put(rec, key + '_unit', r.unit);
        return;
      }
      put(rec, key, text);
      return;
    }
    default:
      break;
  }
  // Generic: Tally's number formatting (a leading space) is trimmed, but the value stays text: the
  // TallyConnector dialect writes the same numbers without the space, and a field's JSON type must
  // not depend on which tool exported the file. Known numeric tags are typed above.
  if (text.charCodeAt(0) === 32) {
    if (/^ +-?\d+(\.\d+)?$/.test(text)) {
      put(rec, key, text.trim());
      return;
    }
    const q = parseQuantity(text);
    if (q !== undefined) {
      put(rec, key, q.value);
      if (q.unit !== null) put(rec, key + '_unit', q.unit);
      return;
    }
  }
  put(rec, key, text);
}

/** Collection exports say the type: TYPE="Logical" | "Number" | "Amount" | "Quantity" | "Rate" | "Date" | "String" | "Due Date". */
function setTyped(rec: Record<string, unknown>, key: string, text: string, type: string): void {
  switch (type.toLowerCase()) {
    case 'logical': {
      const b = parseBoolean(text);
      put(rec, key, b ?? text);
      return;
    }
    case 'number': {
      const i = parseInteger(text);
      if (i !== undefined) {
        put(rec, key, i);
        return;
      }
      put(rec, key, parseAmount(text) ?? text);
      return;
    }
    case 'amount':
      put(rec, key, parseAmount(text) ?? text);
      return;
    case 'quantity': {
      const q = parseQuantity(text);
      if (q) {
        put(rec, key, q.value);
        put(rec, key + '_unit', q.unit);
      } else put(rec, key, text);
      return;
    }
    case 'rate': {
      const r = parseRate(text);
      if (r) {
        put(rec, key, r.value);
        put(rec, key + '_unit', r.unit);
      } else put(rec, key, text);
      return;
    }
    case 'date':
      put(rec, key, parseDate(text) ?? text);
      return;
    default:
      put(rec, key, text);
  }
}

/** Same key twice in one object (repeated scalar tags): the values become a list. */
export function put(rec: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in rec)) {
    rec[key] = value;
    return;
  }
  const cur = rec[key];
  if (Array.isArray(cur) && (rec as { [REPEAT]?: Set<string> })[REPEAT]?.has(key)) cur.push(value);
  else {
    rec[key] = [cur, value];
    let s = (rec as { [REPEAT]?: Set<string> })[REPEAT];
    if (!s) {
      s = new Set();
      Object.defineProperty(rec, REPEAT, { value: s, enumerable: false });
    }
    s.add(key);
  }
}
const REPEAT = Symbol('repeated');

function isBlankText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** How inference reads a string value of this field: `decimal` and `date` fields check the value's form. */
export function stringTypeRule(key: string): 'decimal' | 'date' | 'string' {
  if (key.endsWith('_unit') || key.endsWith('_currency') || key.includes('@') || key === 'udf') return 'string';
  switch (kindOfKey(key)) {
    case 'amount':
    case 'quantity':
    case 'rate':
    case 'integer':
      return 'decimal';
    case 'date':
      return 'date';
    default:
      return 'string';
  }
}

export function isPlainDecimal(v: string): boolean {
  return PLAIN_DECIMAL.test(v);
}

export function isIsoDate(v: string): boolean {
  return ISO_DATE.test(v);
}

