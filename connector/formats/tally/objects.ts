import { parseAmount, parseBoolean, parseDate, parseInteger, cleanTallyText } from '../values.js';
import { fieldKey, leafKind, put, setLeaf, tagInfo, type Rec, type TagInfo } from './fields.js';
import { toObject } from './records.js';
import { decodeEntities } from '../xml-tokenizer.js';
import type { RowNote } from '../../rows/row-sink.js';

/** One element of a Tally object, as the tokenizer built it. Text is still entity-encoded. */
export interface XNode {
  name: string;
  /** Interned facts about the name (looked up once, when the element opens). */
  info: TagInfo;
  attrs: Record<string, string> | null;
  children: XNode[] | null;
  text: string | null;
  line: number;
}

export type Row = { entity: string; record: Record<string, unknown>; note?: RowNote };
/** A row while its object is flattened: its record still a Map (fields.ts `Rec`). */
type BuiltRow = { entity: string; rec: Rec; note?: RowNote };

/** The rows as consumers take them: each record a plain object (records.ts). */
function finish(rows: BuiltRow[]): Row[] {
  const out: Row[] = new Array<Row>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = r.note ? { entity: r.entity, record: toObject(r.rec), note: r.note } : { entity: r.entity, record: toObject(r.rec) };
  }
  return out;
}

/** A Map of the link fields a child row starts with (in that order). */
function linkRec(link: Record<string, unknown>): Rec {
  const m: Rec = new Map();
  for (const k in link) m.set(k, link[k]);
  return m;
}

/** Element name of a top-level object → entity. Anything unknown is an `other_masters` row. */
const MASTER_ENTITIES: Record<string, string> = {
  COMPANY: 'company',
  GROUP: 'groups',
  LEDGER: 'ledgers',
  VOUCHERTYPE: 'voucher_types',
  UNIT: 'units',
  GODOWN: 'godowns',
  STOCKGROUP: 'stock_groups',
  STOCKCATEGORY: 'stock_categories',
  STOCKITEM: 'stock_items',
  COSTCATEGORY: 'cost_categories',
  COSTCENTRE: 'cost_centres',
  CURRENCY: 'currencies',
  ATTENDANCETYPE: 'attendance_types',
};

export const MASTER_ENTITY_NAMES = new Set([...Object.values(MASTER_ENTITIES), 'employees', 'other_masters']);

export function isVoucher(node: XNode): boolean {
  return node.name === 'VOUCHER';
}

/** Identity of a master for de-duplication within a file: GUID, else type + NAME; undefined if neither. */
export function masterIdentity(node: XNode): { key: string; alterid: number } | undefined {
  let guid: string | undefined;
  let name: string | undefined = node.attrs?.['NAME'];
  let alterid = -1;
  if (node.children) {
    for (const c of node.children) {
      if (c.name === 'GUID' && c.text) guid = decodeEntities(c.text).trim();
      else if (c.name === 'ALTERID' && c.text) alterid = Number(c.text.trim()) || 0;
      else if (c.name === 'NAME' && name === undefined && c.text && !c.children) name = decodeEntities(c.text);
    }
  }
  if (guid) return { key: 'g:' + guid, alterid };
  if (name !== undefined) return { key: 'n:' + node.name + '\u0000' + cleanTallyText(name), alterid };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Generic element → record conversion

interface ConvertOptions {
  /** Child list names (with .LIST) to leave out: they become rows of their own. */
  skip?: ReadonlySet<string>;
  /** Start from these fields (a child row's link fields), instead of copying them in afterwards. */
  into?: Record<string, unknown>;
}

const SCALAR_JOIN = /ADDRESS$/;

/** Convert an element into a flat-ish record: attributes, leaves, lists, UDFs, structured values. */
function convert(node: XNode, opts: ConvertOptions = {}): Rec {
  const rec: Rec = opts.into ? linkRec(opts.into) : new Map();
  if (node.attrs) {
    // An attribute sharing its name with a child element (NAME="x" and <NAME>) is kept as `@name`.
    let childNames: Set<string> | undefined;
    for (const [k, v] of Object.entries(node.attrs)) {
      if (k.startsWith('xmlns')) continue;
      const key = fieldKey(k);
      if (node.children) childNames ??= new Set(node.children.map((c) => c.info.key));
      rec.set(childNames?.has(key) ? '@' + key : key, cleanTallyText(v));
    }
  }
  const children = node.children;
  if (!children) return rec;
  const skip = opts.skip;
  for (const c of children) {
    const name = c.name;
    const info = c.info;
    if (info.isUdf) {
      addUdf(rec, c);
      continue;
    }
    if (info.isList) {
      if (skip && skip.has(name)) continue;
      addList(rec, c);
      continue;
    }
    const key = info.key;
    if (c.children) {
      addStructured(rec, c, key);
      continue;
    }
    const type = c.attrs?.['TYPE'];
    setLeaf(rec, key, c.text === null ? null : decodeEntities(c.text), type, leafKind(info, node.name));
    if (c.attrs) {
      for (const [ak, av] of Object.entries(c.attrs)) {
        if (ak === 'TYPE') continue;
        rec.set(key + '@' + fieldKey(ak), cleanTallyText(av));
      }
    }
  }
  return rec;
}

/**
 * `X.LIST` elements: each is one item of the list, kept under the tag's own name in lower case
 * (`languagename.list`), so a list and a scalar of the same base name never share a field.
 * Typed scalar lists (`OLDAUDITENTRYIDS.LIST TYPE="Number"`, or items named like the list) hold
 * values; address lists are joined into the text of `address` (one line per item).
 * Whitespace-only lists are left out.
 */
function addList(rec: Rec, c: XNode): void {
  const key = c.info.key;
  const base = c.name.slice(0, -5);
  const kids = c.children;
  if (!kids || kids.length === 0) {
    if (c.text !== null && c.text.trim() !== '') appendList(rec, key, [cleanTallyText(decodeEntities(c.text))]);
    return;
  }
  const typed = c.attrs?.['TYPE'];
  let scalar = typed !== undefined || allNamed(kids, base);
  if (scalar) for (const k of kids) if (k.children) scalar = false;
  if (scalar) {
    const tmp: Rec = new Map();
    const values: unknown[] = [];
    for (const k of kids) {
      setLeaf(tmp, 'v', k.text === null ? null : decodeEntities(k.text), typed ?? k.attrs?.['TYPE'], leafKind(k.info, c.name));
      values.push(tmp.get('v'));
      tmp.clear();
    }
    if (SCALAR_JOIN.test(base)) {
      const lines = values.filter((v) => v !== null && v !== '').map(String);
      const k = fieldKey(base);
      const prev = rec.get(k);
      rec.set(k, typeof prev === 'string' && prev ? prev + (lines.length ? '\n' + lines.join('\n') : '') : lines.length ? lines.join('\n') : (prev ?? null));
      return;
    }
    appendList(rec, key, values);
    return;
  }
  appendList(rec, key, [convert(c)]);
}

function allNamed(kids: readonly XNode[], name: string): boolean {
  for (const k of kids) if (k.name !== name) return false;
  return true;
}

function appendList(rec: Rec, key: string, items: unknown[]): void {
  const cur = rec.get(key);
  if (Array.isArray(cur)) cur.push(...items);
  else rec.set(key, items);
}

/**
 * UDFs: `<UDF:PKT.LIST DESC="`Pkt`" ISLIST="YES" TYPE="Number" INDEX="1007"><UDF:PKT> 1</UDF:PKT></UDF:PKT.LIST>`
 * go into a `udf` map keyed by the UDF's name in lower case; list UDFs hold arrays.
 */
function addUdf(rec: Rec, c: XNode): void {
  const udf = udfOf(rec);
  const isList = c.name.endsWith('.LIST');
  const local = fieldKey(c.name.slice(4, isList ? -5 : undefined));
  const type = c.attrs?.['TYPE'];
  if (!isList) {
    if (c.children) udf.set(local, convert(c));
    else setLeaf(udf, local, c.text === null ? null : decodeEntities(c.text), type, 'auto');
    return;
  }
  const values: unknown[] = [];
  const tmp: Rec = new Map();
  for (const k of c.children ?? []) {
    if (k.children) values.push(convert(k));
    else {
      setLeaf(tmp, 'v', k.text === null ? null : decodeEntities(k.text), type ?? k.attrs?.['TYPE'], 'auto');
      values.push(tmp.get('v'));
      tmp.clear();
    }
  }
  const cur = udf.get(local);
  if (Array.isArray(cur)) cur.push(...values);
  else udf.set(local, values);
}

/**
 * The record's `udf` map. A leaf of the object's own named `UDF` holds that key already: the map
 * then goes beside its value (a list of both), so neither is lost.
 */
function udfOf(rec: Rec): Rec {
  const cur = rec.get('udf');
  if (cur instanceof Map) return cur as Rec;
  if (Array.isArray(cur) && cur[cur.length - 1] instanceof Map) return cur[cur.length - 1] as Rec;
  const m: Rec = new Map();
  if (cur === undefined || cur === null) rec.set('udf', m);
  else put(rec, 'udf', m);
  return m;
}

/**
 * An element with children that is not a list. The TallyConnector dialect structures values:
 * `<AMOUNT><AMOUNT>250000</AMOUNT><CURRENCY>₹</CURRENCY><ISDEBIT>true</ISDEBIT></AMOUNT>` becomes the
 * signed decimal Tally itself writes (debit negative) plus `amount_currency`;
 * `<ACTUALQTY><UNIT>Nos</UNIT><QUANTITY>10</QUANTITY></ACTUALQTY>` becomes `actualqty` + `actualqty_unit`;
 * `<RATE><BASERATE>25000.00</BASERATE><UNIT>Nos</UNIT></RATE>` becomes `rate` + `rate_unit`.
 * Anything else becomes a nested object.
 */
function addStructured(rec: Rec, c: XNode, key: string): void {
  const kids = c.children!;
  const byName = new Map<string, XNode>();
  for (const k of kids) if (!k.children) byName.set(k.name, k);
  const txt = (n: string) => {
    const k = byName.get(n);
    return k && k.text !== null ? cleanTallyText(decodeEntities(k.text)).trim() : undefined;
  };
  const amountText = txt('AMOUNT');
  if (amountText !== undefined && (byName.has('ISDEBIT') || byName.has('CURRENCY'))) {
    const amt = parseAmount(amountText);
    const debit = parseBoolean(txt('ISDEBIT') ?? '') === true;
    if (amt !== undefined) {
      const zero = /^0+(\.0+)?$/.test(amt.replace(/^-/, ''));
      put(rec, key, debit && !zero ? (amt.startsWith('-') ? amt.slice(1) : '-' + amt) : amt);
    } else put(rec, key, amountText === '' ? null : amountText);
    const cur = txt('CURRENCY');
    if (cur !== undefined) put(rec, key + '_currency', cur === '' ? null : cur);
    const fx = txt('FOREXAMOUNT');
    if (fx !== undefined) put(rec, key + '_forex', parseAmount(fx) ?? (fx === '' ? null : fx));
    return;
  }
  const qty = txt('QUANTITY');
  if (qty !== undefined && kids.every((k) => !k.children && (k.name === 'QUANTITY' || k.name === 'UNIT'))) {
    put(rec, key, qty === '' ? null : (parseAmount(qty) ?? qty));
    put(rec, key + '_unit', txt('UNIT') || null);
    return;
  }
  const base = txt('BASERATE');
  if (base !== undefined && kids.every((k) => !k.children && (k.name === 'BASERATE' || k.name === 'FOREXRATE' || k.name === 'UNIT'))) {
    put(rec, key, base === '' ? null : (parseAmount(base) ?? base));
    put(rec, key + '_unit', txt('UNIT') || null);
    return;
  }
  // Due dates and credit periods: <BILLCREDITPERIOD><DUEONDATE>..</DUEONDATE><INDAYS>60</INDAYS><INTEXT>60 Days</INTEXT>
  // are written natively as <BILLCREDITPERIOD JD=".." P="60 Days">60 Days</BILLCREDITPERIOD>: keep the text as the value.
  const intext = txt('INTEXT');
  if (intext !== undefined && kids.every((k) => !k.children && (k.name === 'INTEXT' || k.name === 'INDAYS' || k.name === 'DUEONDATE'))) {
    put(rec, key, intext === '' ? null : intext);
    const due = txt('DUEONDATE');
    if (due !== undefined) put(rec, key + '_dueondate', parseDate(due) ?? (due === '' ? null : due));
    const days = txt('INDAYS');
    if (days !== undefined) put(rec, key + '_indays', days === '' ? null : (parseInteger(days) ?? days));
    return;
  }
  put(rec, key, convert(c));
}

// ---------------------------------------------------------------------------------------------
// Tally objects → rows (tally-formats.md section 4)

const LEDGER_LISTS = ['ALLLEDGERENTRIES.LIST', 'LEDGERENTRIES.LIST'];
const INVENTORY_LISTS = ['ALLINVENTORYENTRIES.LIST', 'INVENTORYENTRIES.LIST', 'INVENTORYENTRIESIN.LIST', 'INVENTORYENTRIESOUT.LIST'];
const VOUCHER_EXPLODED = new Set([...LEDGER_LISTS, ...INVENTORY_LISTS, 'CATEGORYENTRY.LIST', 'ATTENDANCEENTRIES.LIST']);
const LEDGER_ENTRY_EXPLODED = new Set(['BILLALLOCATIONS.LIST', 'BANKALLOCATIONS.LIST', 'CATEGORYALLOCATIONS.LIST', 'COSTCENTREALLOCATIONS.LIST', 'INVENTORYALLOCATIONS.LIST']);
const INVENTORY_ENTRY_EXPLODED = new Set(['BATCHALLOCATIONS.LIST', 'ACCOUNTINGALLOCATIONS.LIST']);
const PAYHEAD_EXPLODED = new Set(['PAYHEADALLOCATIONS.LIST']);
const LEDGER_EXPLODED = new Set(['BILLALLOCATIONS.LIST', 'LEDGERCLOSINGVALUES.LIST']);
const STOCK_ITEM_EXPLODED = new Set(['BATCHALLOCATIONS.LIST', 'GSTDETAILS.LIST']);

/** Inventory lists of a voucher and the `source` their rows carry (the tag in lower case, without .LIST). */
const INVENTORY_SOURCES_ALL: ReadonlyArray<readonly [string, string]> = [
  ['ALLINVENTORYENTRIES.LIST', 'allinventoryentries'],
  ['INVENTORYENTRIESIN.LIST', 'inventoryentriesin'],
  ['INVENTORYENTRIESOUT.LIST', 'inventoryentriesout'],
];
const INVENTORY_SOURCES: ReadonlyArray<readonly [string, string]> = [['INVENTORYENTRIES.LIST', 'inventoryentries'], INVENTORY_SOURCES_ALL[1]!, INVENTORY_SOURCES_ALL[2]!];
/** No children of that name (shared: callers only read it). */
const NONE: readonly XNode[] = Object.freeze([]);

function childrenNamed(node: XNode, name: string): readonly XNode[] {
  let out: XNode[] | undefined;
  if (node.children) for (const c of node.children) if (c.name === name && c.children && c.children.length) (out ??= []).push(c);
  return out ?? NONE;
}

function hasChild(node: XNode, name: string): boolean {
  return childrenNamed(node, name).length > 0;
}

function leafText(node: XNode, name: string): string | undefined {
  if (!node.children) return undefined;
  for (const c of node.children) if (c.name === name && !c.children) return c.text === null ? undefined : cleanTallyText(decodeEntities(c.text));
  return undefined;
}

/**
 * The rows of one voucher's lines and their running line numbers (a class, not closures made per
 * voucher): ledger entries with their bill, bank and cost-centre allocations.
 */
class VoucherLines {
  ledgerLine = 0;
  billLine = 0;
  bankLine = 0;
  costLine = 0;

  constructor(
    readonly rows: BuiltRow[],
    readonly guid: string | null,
    readonly voucher_key: string,
    readonly alterid: number | null,
  ) {}

  ledgerEntry(e: XNode, source: string, inventoryLine: number | null): void {
    const { rows, guid, voucher_key, alterid } = this;
    const lineNo = ++this.ledgerLine;
    const rec = convert(e, { skip: LEDGER_ENTRY_EXPLODED, into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: lineNo, source, inventory_line_no: inventoryLine } });
    rows.push({ entity: 'voucher_ledger_entries', rec });
    const ledgerName = (rec.get('ledgername') as string | undefined) ?? null;
    for (const b of childrenNamed(e, 'BILLALLOCATIONS.LIST')) {
      rows.push({ entity: 'voucher_bill_allocations', rec: convert(b, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++this.billLine, ledger_line_no: lineNo, ledger_name: ledgerName } }) });
    }
    for (const b of childrenNamed(e, 'BANKALLOCATIONS.LIST')) {
      rows.push({ entity: 'voucher_bank_allocations', rec: convert(b, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++this.bankLine, ledger_line_no: lineNo, ledger_name: ledgerName } }) });
    }
    for (const cat of childrenNamed(e, 'CATEGORYALLOCATIONS.LIST')) {
      const category = leafText(cat, 'CATEGORY') ?? null;
      for (const cc of childrenNamed(cat, 'COSTCENTREALLOCATIONS.LIST')) this.costRow(cc, lineNo, ledgerName, category, null);
    }
    for (const cc of childrenNamed(e, 'COSTCENTREALLOCATIONS.LIST')) this.costRow(cc, lineNo, ledgerName, null, null);
    for (const inv of childrenNamed(e, 'INVENTORYALLOCATIONS.LIST')) {
      const item = leafText(inv, 'STOCKITEMNAME') ?? null;
      for (const cat of childrenNamed(inv, 'CATEGORYALLOCATIONS.LIST')) {
        const category = leafText(cat, 'CATEGORY') ?? null;
        for (const cc of childrenNamed(cat, 'COSTCENTREALLOCATIONS.LIST')) this.costRow(cc, lineNo, ledgerName, category, item);
      }
    }
  }

  private costRow(cc: XNode, lineNo: number, ledgerName: string | null, category: string | null, item: string | null): void {
    const { guid, voucher_key, alterid } = this;
    this.rows.push({
      entity: 'voucher_cost_centre_allocations',
      rec: convert(cc, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++this.costLine, ledger_line_no: lineNo, ledger_name: ledgerName, cost_category: category, stock_item_name: item } }),
    });
  }
}

/**
 * A voucher becomes a `vouchers` row plus child rows linked by `voucher_guid`, each with a positional
 * `line_no`. Ledger entries come from ALLLEDGERENTRIES.LIST, or LEDGERENTRIES.LIST when there is no
 * ALL* list (never both, which would double count), plus the ACCOUNTINGALLOCATIONS.LIST of inventory
 * entries (the sales/purchase side of an invoice), so that each voucher's ledger lines sum to zero.
 */
export function flattenVoucher(node: XNode, syntheticKey: string): Row[] {
  const rows: BuiltRow[] = [];
  const voucher = convert(node, { skip: VOUCHER_EXPLODED });
  rows.push({ entity: 'vouchers', rec: voucher });
  // Link fields come first in every child row; derived parent fields have underscores (ledger_name),
  // which Tally tag names never have, so they never collide with the row's own fields.
  const guid = (voucher.get('guid') as string | undefined) ?? (voucher.get('remoteid') as string | undefined) ?? null;
  const alterid = (voucher.get('alterid') as number | undefined) ?? null;
  // The key that joins a voucher and its lines: its GUID (or REMOTEID), else a stable synthetic key
  // (the voucher row's file id and ordinal, i.e. its record id without the content hash).
  const voucher_key = guid ?? syntheticKey;
  voucher.set('voucher_key', voucher_key);

  const v = new VoucherLines(rows, guid, voucher_key, alterid);
  const ledgerListName = hasChild(node, 'ALLLEDGERENTRIES.LIST') ? 'ALLLEDGERENTRIES.LIST' : 'LEDGERENTRIES.LIST';
  const ledgerSource = ledgerListName === 'ALLLEDGERENTRIES.LIST' ? 'all_ledger_entries' : 'ledger_entries';

  for (const e of childrenNamed(node, ledgerListName)) v.ledgerEntry(e, ledgerSource, null);

  let invLine = 0;
  let batchLine = 0;
  const invLists = hasChild(node, 'ALLINVENTORYENTRIES.LIST') ? INVENTORY_SOURCES_ALL : INVENTORY_SOURCES;
  for (const [listName, source] of invLists) {
    for (const e of childrenNamed(node, listName)) {
      const lineNo = ++invLine;
      const rec = convert(e, { skip: INVENTORY_ENTRY_EXPLODED, into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: lineNo, source } });
      rows.push({ entity: 'voucher_inventory_entries', rec });
      const item = (rec.get('stockitemname') as string | undefined) ?? null;
      for (const b of childrenNamed(e, 'BATCHALLOCATIONS.LIST')) {
        rows.push({ entity: 'voucher_batch_allocations', rec: convert(b, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++batchLine, inventory_line_no: lineNo, stock_item_name: item } }) });
      }
      for (const a of childrenNamed(e, 'ACCOUNTINGALLOCATIONS.LIST')) v.ledgerEntry(a, 'inventory_allocation', lineNo);
    }
  }

  let payLine = 0;
  for (const cat of childrenNamed(node, 'CATEGORYENTRY.LIST')) {
    const category = leafText(cat, 'CATEGORY') ?? null;
    for (const emp of childrenNamed(cat, 'EMPLOYEEENTRY.LIST')) {
      const empLine = ++payLine;
      const empRec = convert(emp, { skip: PAYHEAD_EXPLODED, into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: empLine, row_type: 'employee', employee_line_no: null, cost_category: category } });
      rows.push({ entity: 'voucher_payroll_entries', rec: empRec });
      const employee = (empRec.get('employeename') as string | undefined) ?? null;
      for (const ph of childrenNamed(emp, 'PAYHEADALLOCATIONS.LIST')) {
        rows.push({
          entity: 'voucher_payroll_entries',
          rec: convert(ph, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++payLine, row_type: 'payhead', employee_line_no: empLine, cost_category: category, employee_name: employee } }),
        });
      }
    }
  }
  let attLine = 0;
  for (const a of childrenNamed(node, 'ATTENDANCEENTRIES.LIST')) {
    rows.push({ entity: 'voucher_attendance_entries', rec: convert(a, { into: { voucher_guid: guid, voucher_key, voucher_alterid: alterid, line_no: ++attLine } }) });
  }
  rows[0]!.note = { quality: balance(rows) };
  return finish(rows);
}

/**
 * Whether a voucher's lines balance (Tally's double entry): its ledger lines, the accounting
 * allocations of its inventory entries included, sum to zero. An inventory voucher whose entries
 * carry no accounting allocations balances its ledger lines against the inventory values: ledger
 * plus inventory sum to zero. Exact decimal arithmetic; a line whose amount is not a number leaves
 * the answer unknown (null), as does a voucher with no ledger lines.
 */
function balance(rows: BuiltRow[]): NonNullable<RowNote['quality']> {
  let ledger = 0;
  let allocated = false;
  const amounts: unknown[] = [];
  const inventory: unknown[] = [];
  for (const r of rows) {
    if (r.entity === 'voucher_ledger_entries') {
      ledger++;
      if (r.rec.get('source') === 'inventory_allocation') allocated = true;
      amounts.push(r.rec.get('amount') ?? null);
    } else if (r.entity === 'voucher_inventory_entries') inventory.push(r.rec.get('amount') ?? null);
  }
  if (ledger === 0) return { balanced: null };
  if (!allocated) amounts.push(...inventory);
  const sum = sumDecimals(amounts);
  if (sum === undefined) return { balanced: null };
  return /^-?0+(\.0+)?$/.test(sum) ? { balanced: true } : { balanced: false, difference: sum };
}

/** The exact sum of decimal strings (nulls count as zero); undefined when one is not a decimal. */
export function sumDecimals(values: unknown[]): string | undefined {
  let scale = 0;
  let maxDigits = 0;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== 'string') return undefined;
    const n = v.length;
    let i = v.charCodeAt(0) === 45 ? 1 : 0;
    const start = i;
    let dot = -1;
    for (; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c === 46) {
        if (dot >= 0 || i === start || i === n - 1) return undefined;
        dot = i;
      } else if (c < 48 || c > 57) return undefined;
    }
    if (n === start) return undefined;
    const frac = dot < 0 ? 0 : n - dot - 1;
    if (frac > scale) scale = frac;
    const digits = n - start - (dot < 0 ? 0 : 1);
    if (digits > maxDigits) maxDigits = digits;
  }
  // Exact in doubles while every scaled value has at most 13 digits and there are at most 900 of
  // them (the sum stays below 2^53); BigInt otherwise.
  if (maxDigits + scale <= 13 && values.length <= 900) {
    let total = 0;
    for (const v of values) {
      if (v === null) continue;
      const s = v as string;
      let x = 0;
      let frac = -1;
      const neg = s.charCodeAt(0) === 45;
      for (let i = neg ? 1 : 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 46) frac = 0;
        else {
          x = x * 10 + (c - 48);
          if (frac >= 0) frac++;
        }
      }
      for (let k = frac < 0 ? 0 : frac; k < scale; k++) x *= 10;
      total += neg ? -x : x;
    }
    if (total === 0) return scale ? `0.${'0'.repeat(scale)}` : '0';
    return scaledText(BigInt(total), scale);
  }
  let total = 0n;
  for (const v of values) {
    if (v === null) continue;
    const s = v as string;
    const neg = s.startsWith('-');
    const body = neg ? s.slice(1) : s;
    const [int, frac = ''] = body.split('.');
    const n = BigInt(int! + frac.padEnd(scale, '0'));
    total += neg ? -n : n;
  }
  return scaledText(total, scale);
}

function scaledText(total: bigint, scale: number): string {
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? '-' + out : out;
}

/** A master becomes its entity row, plus child rows for opening bills, closing values, batches, GST rates. */
export function flattenMaster(node: XNode): Row[] {
  const name = node.name;
  let entity = MASTER_ENTITIES[name];
  const rows: BuiltRow[] = [];
  if (name === 'LEDGER') {
    const rec = convert(node, { skip: LEDGER_EXPLODED });
    rows.push({ entity: 'ledgers', rec });
    const ledger_guid = (rec.get('guid') as string | undefined) ?? null;
    const ledger_name = (rec.get('name') as string | undefined) ?? null;
    let i = 0;
    for (const b of childrenNamed(node, 'BILLALLOCATIONS.LIST')) rows.push({ entity: 'ledger_opening_bills', rec: convert(b, { into: { ledger_guid, ledger_name, line_no: ++i } }) });
    i = 0;
    for (const b of childrenNamed(node, 'LEDGERCLOSINGVALUES.LIST')) rows.push({ entity: 'ledger_closing_values', rec: convert(b, { into: { ledger_guid, ledger_name, line_no: ++i } }) });
    return finish(rows);
  }
  if (name === 'STOCKITEM') {
    const rec = convert(node, { skip: STOCK_ITEM_EXPLODED });
    rows.push({ entity: 'stock_items', rec });
    const link = { stock_item_guid: (rec.get('guid') as string | undefined) ?? null, stock_item_name: (rec.get('name') as string | undefined) ?? null };
    let i = 0;
    for (const b of childrenNamed(node, 'BATCHALLOCATIONS.LIST')) rows.push({ entity: 'stock_item_opening_batches', rec: convert(b, { into: { ...link, line_no: ++i } }) });
    i = 0;
    for (const g of childrenNamed(node, 'GSTDETAILS.LIST')) {
      const gst = convert(g, { skip: new Set(['STATEWISEDETAILS.LIST']) });
      const sws = childrenNamed(g, 'STATEWISEDETAILS.LIST');
      if (sws.length === 0) {
        rows.push({ entity: 'stock_item_gst_rates', rec: linkRec({ ...link, line_no: ++i, gst_applicablefrom: gst.get('applicablefrom') ?? null, gst_hsncode: gst.get('hsncode') ?? null, statename: null }) });
      }
      for (const sw of sws) {
        const state = leafText(sw, 'STATENAME') ?? null;
        const rds = childrenNamed(sw, 'RATEDETAILS.LIST');
        for (const rd of rds) {
          rows.push({
            entity: 'stock_item_gst_rates',
            rec: withFields(linkRec({ ...link, line_no: ++i, gst_applicablefrom: gst.get('applicablefrom') ?? null, gst_hsncode: gst.get('hsncode') ?? null, gst_taxability: gst.get('taxability') ?? null, statename: state }), convert(rd)),
          });
        }
      }
    }
    return finish(rows);
  }
  const rec = convert(node);
  if (name === 'COSTCENTRE' && rec.get('forpayroll') === true) entity = 'employees';
  if (!entity) {
    rows.push({ entity: 'other_masters', rec: withFields(linkRec({ object_type: name }), rec) });
    return finish(rows);
  }
  rows.push({ entity, rec });
  return finish(rows);
}

/** `{ ...a, ...b }` of two records: b's fields set over a's, a field of both keeping a's place. */
function withFields(a: Rec, b: Rec): Rec {
  for (const [k, v] of b) a.set(k, v);
  return a;
}
