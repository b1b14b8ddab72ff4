import { ChangeIndex, PARTS, dateIso, dateNum, partOf, scopeId, type Partition } from '../../state/change-index.js';
import { FNV_OFFSET, FNV_PRIME } from '../hashing.js';
import { VClass } from '../formats/classify.js';
import type { Cells, FieldKey, RowSink } from '../rows/row-sink.js';
import type { LineOut } from '../sinks/sink.js';

/**
 * Change capture from successive exports. While a file is parsed, a consumer of the row seam
 * (KeyCollector) notes its objects; after the parse each object is compared with the key index,
 * partition by partition, and the staged envelopes are rewritten with their `op` and `change`
 * (string splicing by the ordinal in each record id, no JSON parsing); unchanged and stale objects
 * are left out (`emit: changes`), deletes are appended as one envelope per key.
 */

export interface ChangesConfig {
  deletes: 'none' | 'full' | 'period';
  emit: 'changes' | 'all';
}

export type Op = 'insert' | 'update' | 'delete' | 'unchanged' | 'stale';

export interface ChangeCounts {
  inserts: number;
  updates: number;
  deletes: number;
  unchanged: number;
  stale: number;
  unkeyed: number;
}

export const zeroCounts = (): ChangeCounts => ({ inserts: 0, updates: 0, deletes: 0, unchanged: 0, stale: 0, unkeyed: 0 });


function fnvText(s: string, h = FNV_OFFSET): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function alterOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d{1,15}\s*$/.test(v)) return Number(v);
  return null;
}

/** `20250401` (Tally's form in static variables) or an ISO date, as an ISO date. */
function tallyDate(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * A string that holds its own characters: JSON.parse may hand out slices of the parsed line, and an
 * object kept for the whole file must not keep its line alive with it.
 */
function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

const NONE = 0;
const INSERT = 1;
const UPDATE = 2;
const DELETE = 3;
const UNCHANGED = 4;
const STALE = 5;
const OPS: Op[] = ['insert', 'insert', 'update', 'delete', 'unchanged', 'stale'];

type Typed = Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array;

/** `a`, or a copy at least twice as long when index `n` does not fit. */
function grow<T extends Typed>(a: T, n: number): T {
  if (n < a.length) return a;
  const b = new (a.constructor as new (len: number) => T)(Math.max(a.length * 2, n + 1));
  b.set(a as never);
  return b;
}

/** The CSV columns change capture reads, by slot (-1: the table has no such column). */
interface CsvSlots {
  guid: number;
  alterid: number;
  date: number;
  action: number;
  isdeleted: number;
}

/**
 * Pass 1, on the row seam while the file is parsed: what a file holds, object by object (a Tally
 * GUID with its ALTERID and the rows that belong to it: a voucher and its lines, a master and its
 * sub-rows, a CSV table's rows sharing a `guid`). Nothing is parsed again and nothing per row is an
 * object: rows and objects live in typed arrays (a row's object, content hash and entity; an object's
 * key, ALTERID, root row, date), so a file of a million rows costs a few tens of MB here.
 */
export class KeyCollector implements RowSink {
  // Per row, by ordinal: its object + 2 (1: a row without a key; 0: no such row, or diverted), its content hash, its entity.
  private unitOf: Int32Array = new Int32Array(1024);
  private rowHash: Uint32Array = new Uint32Array(1024);
  private rowEntity: Uint16Array = new Uint16Array(1024);
  maxOrdinal = 0;
  readonly entityNames: string[] = [];
  private readonly entityIds = new Map<string, number>();
  // Per object.
  readonly keys: string[] = [];
  private unitEntity: Uint16Array = new Uint16Array(256);
  private alter: Float64Array = new Float64Array(256);
  private rootOrd: Int32Array = new Int32Array(256);
  private rootHash: Uint32Array = new Uint32Array(256);
  private date: Int32Array = new Int32Array(256);
  private deleted: Uint8Array = new Uint8Array(256);
  private unitHash: Uint32Array = new Uint32Array(256);
  private readonly ids = new Map<string, number>();
  company = '';
  /** The export's own date range (SVFROMDATE/SVTODATE as ISO dates), when it states one. */
  from: string | undefined;
  to: string | undefined;
  // The row being read.
  private ordinal = 0;
  private entity = '';
  private rec: Record<string, unknown> | undefined;
  private csv: Record<string, unknown> | undefined;
  private slots: CsvSlots | undefined;

  constructor(
    private readonly fileId: string,
    private readonly format: 'tally-xml' | 'csv',
    /** The content hash of the row just written (the hash in its record id). */
    private readonly hashOf: () => number,
  ) {}

  /** What the collector holds, as plain data (to move it from a parsing thread). */
  toData(): KeyCollectorData {
    const { hashOf: _h, ids: _i, rec: _r, csv: _c, slots: _s, ...data } = this as unknown as Record<string, unknown>;
    return data as unknown as KeyCollectorData;
  }

  /** A collector rebuilt from `toData()` (it can be finished and planned, not fed). */
  static fromData(data: KeyCollectorData): KeyCollector {
    return Object.assign(Object.create(KeyCollector.prototype) as KeyCollector, data);
  }

  /** The request's static variables of a Tally XML export. */
  setStatics(statics: Record<string, string> | undefined): void {
    this.company ||= statics?.['SVCURRENTCOMPANY'] ?? '';
    this.from = tallyDate(statics?.['SVFROMDATE']);
    this.to = tallyDate(statics?.['SVTODATE']);
  }

  get units(): number {
    return this.keys.length;
  }

  private entityId(name: string): number {
    let id = this.entityIds.get(name);
    if (id === undefined) {
      id = this.entityNames.length;
      this.entityNames.push(name);
      this.entityIds.set(name, id);
    }
    return id;
  }

  beginRow(entity: string, ordinal: number): void {
    this.ordinal = ordinal;
    this.entity = entity;
    this.rec = undefined;
    this.csv = undefined;
  }

  columns(_entity: string, keys: readonly FieldKey[]): void {
    const slot = (n: string) => keys.find((k) => k.name.toLowerCase() === n)?.slot ?? -1;
    this.slots = { guid: slot('guid'), alterid: slot('alterid'), date: slot('date'), action: slot('action'), isdeleted: slot('isdeleted') };
  }

  cells(row: Cells): void {
    const sl = this.slots;
    if (!sl) return;
    const v = (i: number): unknown => {
      if (i < 0 || i >= row.n) return undefined;
      if (row.norm[i]) return row.values[i];
      if (row.cls[i] === VClass.Null) return undefined;
      let t = row.b.toString('utf8', row.F[3 * i]!, row.F[3 * i + 1]!);
      if (row.F[3 * i + 2] === 2) t = t.replace(/""/g, '"');
      if (row.cls[i] === VClass.Bool) return t === '1';
      return t;
    };
    this.csv = { guid: v(sl.guid), alterid: v(sl.alterid), date: v(sl.date), action: v(sl.action), isdeleted: v(sl.isdeleted) };
  }

  record(rec: Record<string, unknown>): void {
    this.rec = rec;
  }

  endRow(): void {
    const o = this.ordinal;
    const entity = this.entity;
    if (o > this.maxOrdinal) this.maxOrdinal = o;
    this.unitOf = grow(this.unitOf, o);
    this.rowHash = grow(this.rowHash, o);
    this.rowEntity = grow(this.rowEntity, o);
    const rh = this.hashOf() >>> 0;
    this.rowHash[o] = rh;
    this.rowEntity[o] = this.entityId(entity);
    const r = this.csv ?? this.rec ?? {};
    if (entity === 'company' || entity === 'companies') this.company ||= str(r['name']) ?? '';
    let id = '';
    let root = false;
    let key: string | undefined;
    if (this.format === 'csv') {
      key = str(r['guid']);
      if (key) (id = `${entity}\u0000${key}`), (root = true);
    } else {
      const vk = str(r['voucher_key']);
      const guid = str(r['guid']) ?? (entity === 'vouchers' ? str(r['remoteid']) : undefined);
      if (guid) (key = guid), (root = true);
      else if (!vk && entity !== 'vouchers' && !Object.keys(r).some((k) => k.endsWith('_guid'))) {
        // A master without a GUID: Tally names masters uniquely per type; one without a name either
        // (the company object a transaction export ends with) is known by its content.
        const name = str(r['name']);
        key = name ? `name:${entity}:${name}` : `content:${entity}:${hex8(rh)}`;
        root = true;
      } else if (vk && !vk.startsWith(this.fileId + '.')) key = vk;
      else {
        for (const [k, v] of Object.entries(r)) {
          if (k.endsWith('_guid') && str(v)) {
            key = str(v);
            break;
          }
        }
      }
      // One format per file: an XML object is known by its key alone (one string for the map and the list).
      if (key) id = key;
    }
    if (!id) {
      this.unitOf[o] = 1;
      return;
    }
    let u = this.ids.get(id);
    if (u === undefined) {
      u = this.keys.length;
      const k = own(key!);
      this.keys.push(k);
      this.ids.set(id === key ? k : own(id), u);
      const n = u;
      this.unitEntity = grow(this.unitEntity, n);
      this.alter = grow(this.alter, n);
      this.rootOrd = grow(this.rootOrd, n);
      this.rootHash = grow(this.rootHash, n);
      this.date = grow(this.date, n);
      this.deleted = grow(this.deleted, n);
      this.unitHash = grow(this.unitHash, n);
      this.unitEntity[n] = this.entityId(entity);
      this.alter[n] = NaN;
    }
    this.unitOf[o] = u + 2;
    if (root && this.rootOrd[u] === 0) {
      this.rootOrd[u] = o;
      this.rootHash[u] = rh;
      this.unitEntity[u] = this.entityId(entity);
      const a = alterOf(r['alterid']);
      this.alter[u] = a === null ? NaN : a;
      this.date[u] = dateNum(str(r['date']));
      const action = str(r['action'])?.toLowerCase();
      this.deleted[u] = action === 'delete' || r['isdeleted'] === true ? 1 : 0;
    }
  }

  /**
   * After the drift decision: rows it diverted (to the dead letter) are not part of their object;
   * each object's content hash is the FNV of its delivered rows' hashes, in file order.
   */
  finish(diverted: Iterable<number> = []): void {
    const gone = new Set(diverted);
    const n = this.keys.length;
    this.unitHash.fill(FNV_OFFSET, 0, n);
    for (const o of gone) {
      const u = o <= this.maxOrdinal ? this.unitOf[o]! - 2 : -1;
      if (u >= 0 && this.rootOrd[u] === o) this.rootOrd[u] = 0; // its root row is not delivered: its lines go as unkeyed inserts
      if (o <= this.maxOrdinal) this.unitOf[o] = 0;
    }
    const uh = this.unitHash;
    for (let o = 1; o <= this.maxOrdinal; o++) {
      const u = this.unitOf[o]! - 2;
      if (u >= 0) uh[u] = Math.imul(uh[u]! ^ this.rowHash[o]!, FNV_PRIME) >>> 0;
    }
  }

  // Read access for the plan.
  /** The object of row `o`; -1: a row without a key; -2: no such row (rejected, or diverted by the drift decision). */
  unitOfRow(o: number): number {
    return o > 0 && o <= this.maxOrdinal ? this.unitOf[o]! - 2 : -2;
  }
  entityOfRow(o: number): string {
    return this.entityNames[this.rowEntity[o]!]!;
  }
  entityOfUnit(u: number): string {
    return this.entityNames[this.unitEntity[u]!]!;
  }
  hasRoot(u: number): boolean {
    return this.rootOrd[u]! > 0;
  }
  rootRecordId(u: number): string {
    return `${this.fileId}.${this.rootOrd[u]}.${hex8(this.rootHash[u]!)}`;
  }
  alterid(u: number): number | null {
    const a = this.alter[u]!;
    return Number.isNaN(a) ? null : a;
  }
  dateOf(u: number): string | undefined {
    return dateIso(this.date[u]!);
  }
  isDeleted(u: number): boolean {
    return this.deleted[u] === 1;
  }
  hashHex(u: number): string {
    return hex8(this.unitHash[u]!);
  }
}

/** A KeyCollector as plain data (typed arrays and strings). */
export type KeyCollectorData = Record<string, unknown> & { readonly __keyCollectorData?: never };

/** What a delete envelope says of where it came from (the file's envelopes say the same). */
export interface DeleteHead {
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  run_id: string;
  source: Record<string, unknown>;
}

export interface ChangePlan {
  /** Rewrites one staged line into `out` (false: left out). */
  line(line: Buffer, out: LineOut): boolean;
  /** How many staged lines survive (0: the staged output can be emptied without reading it). */
  surviving: number;
  /** Lines left out, per entity. */
  removed: Record<string, number>;
  /** Delete envelopes to append, one per line. */
  deletes: Array<{ entity: string; line: string }>;
  counts: Record<string, ChangeCounts>;
  /** Write the index (after the output is visible), one partition at a time. */
  save(): Promise<void>;
}

/**
 * Pass 2: compare a file's objects with the key index, partition by partition (each partition is
 * read, compared and dropped: memory holds one partition, not the scope), and decide every
 * object's operation. `save` reads each partition it changes again and writes it; between the two
 * no other run works on the stream (its lease), so both see the same partition.
 */
export async function planChanges(
  keys: KeyCollector,
  cfg: ChangesConfig,
  index: ChangeIndex,
  streamId: string,
  generation: string,
  versions: Record<string, number>,
  head: DeleteHead,
): Promise<ChangePlan> {
  const scope = scopeId(keys.company);
  const counts: Record<string, ChangeCounts> = {};
  const cnt = (e: string) => (counts[e] ??= zeroCounts());
  const n = keys.units;
  const ops = new Uint8Array(n);
  const flagged = new Uint8Array(n);
  const prevA = new Float64Array(n).fill(NaN);
  const prevR = new Map<number, string>();
  // Objects by the entity of their root row, then by index partition.
  const byEntity = new Map<string, Map<number, number[]>>();
  for (let u = 0; u < n; u++) {
    if (!keys.hasRoot(u)) continue;
    const e = keys.entityOfUnit(u);
    const parts = byEntity.get(e) ?? byEntity.set(e, new Map()).get(e)!;
    const p = partOf(keys.keys[u]!);
    (parts.get(p) ?? parts.set(p, []).get(p)!).push(u);
  }
  const snapshot = cfg.deletes === 'full';
  const period = cfg.deletes === 'period';
  const deletes: Array<{ entity: string; line: string }> = [];
  const emittedAt = new Date().toISOString();
  /** Per entity, the partitions to write, and in each the keys deleted by their absence. */
  const dirty = new Map<string, Map<number, string[]>>();
  for (const [entity, parts] of byEntity) {
    const c = cnt(entity);
    let maxAlter = -1;
    let minDate: string | undefined;
    let maxDate: string | undefined;
    for (const us of parts.values()) {
      for (const u of us) {
        const a = keys.alterid(u);
        if (a !== null && a > maxAlter) maxAlter = a;
        const d = keys.dateOf(u);
        if (d) {
          if (!minDate || d < minDate) minDate = d;
          if (!maxDate || d > maxDate) maxDate = d;
        }
      }
    }
    if (period && keys.from && keys.to) (minDate = keys.from), (maxDate = keys.to);
    const absenceDeletes = snapshot || (period && minDate !== undefined);
    const visit = absenceDeletes ? Array.from({ length: PARTS }, (_, i) => i) : [...parts.keys()];
    const dirtyParts = new Map<number, string[]>();
    // Snapshot deletes wait for the scope's high-water mark, known after every partition is read.
    let hw = -1;
    const candidates: Array<{ p: number; key: string; a: number | null; r: string }> = [];
    const del = (key: string, b: { a: number | null; r: string }) => deletes.push({ entity, line: deleteLine(head, emittedAt, entity, key, b, versions[entity] ?? 1) });
    for (const p of visit) {
      const part = await index.loadPart(streamId, scope, entity, p);
      const us = parts.get(p) ?? [];
      let writes = false;
      for (const u of us) {
        const key = keys.keys[u]!;
        const b = part.baseline(part.find(key), generation);
        if (keys.isDeleted(u)) {
          if (b && !b.d) {
            ops[u] = DELETE;
            c.deletes++;
            del(key, b);
            writes = true;
          } else {
            ops[u] = UNCHANGED;
            c.unchanged++;
          }
          continue;
        }
        const a = keys.alterid(u);
        const h = keys.hashHex(u);
        let op: number;
        if (b?.d && a !== null && b.a !== null && a <= b.a) op = STALE; // an older export does not bring a deleted object back
        else if (!b || b.d) op = INSERT;
        else {
          prevA[u] = b.a === null ? NaN : b.a;
          if (a !== null && b.a !== null && a < b.a) op = STALE;
          else if (a !== null && b.a !== null && a > b.a) op = UPDATE;
          else if (b.h === h) op = UNCHANGED;
          else {
            op = UPDATE;
            if (a !== null && a === b.a) flagged[u] = 1;
          }
          // The previous record id is kept only for lines that are delivered (one string per update, not per object).
          if (op === UPDATE || cfg.emit === 'all') prevR.set(u, b.r);
        }
        ops[u] = op;
        if (op === INSERT) c.inserts++;
        else if (op === UPDATE) c.updates++;
        else if (op === STALE) c.stale++;
        else c.unchanged++;
        if (op === INSERT || op === UPDATE) writes = true;
      }
      const absent: string[] = [];
      if (absenceDeletes) {
        const seen = new Set(us.map((u) => keys.keys[u]!));
        for (let i = 0; i < part.size; i++) {
          const b = part.baseline(i, generation);
          if (!b) continue;
          const key = part.key(i);
          if (snapshot && b.a !== null && b.a > hw) hw = b.a;
          if (seen.has(key) || b.d) continue;
          if (snapshot) {
            candidates.push({ p, key, a: b.a, r: b.r });
            continue;
          }
          if (!(b.dt && minDate && maxDate && b.dt >= minDate && b.dt <= maxDate)) continue;
          // A period export deletes what it lacks only if it is newer than the object's last alteration.
          if (b.a !== null && maxAlter < b.a) continue;
          c.deletes++;
          del(key, b);
          absent.push(key);
        }
      }
      if (writes || absent.length) dirtyParts.set(p, absent);
    }
    // The high-water mark of the scope: a snapshot older than what the index holds deletes nothing.
    if (snapshot && (maxAlter >= hw || hw < 0)) {
      for (const x of candidates) {
        c.deletes++;
        del(x.key, x);
        (dirtyParts.get(x.p) ?? dirtyParts.set(x.p, []).get(x.p)!).push(x.key);
      }
    }
    if (dirtyParts.size) dirty.set(entity, dirtyParts);
  }

  // What survives of the staged lines, and the unkeyed rows (delivered as inserts, counted).
  let surviving = 0;
  const removed: Record<string, number> = {};
  const unkeyedUnits = new Set<number>();
  for (let o = 1; o <= keys.maxOrdinal; o++) {
    const u = keys.unitOfRow(o);
    if (u === -2) continue;
    if (u < 0 || !keys.hasRoot(u)) {
      surviving++;
      const e = keys.entityOfRow(o);
      if (u < 0) cnt(e).unkeyed++;
      else if (!unkeyedUnits.has(u)) (unkeyedUnits.add(u), cnt(e).unkeyed++);
      continue;
    }
    const op = ops[u]!;
    const keep = op !== DELETE && (cfg.emit === 'all' || op === INSERT || op === UPDATE);
    if (keep) surviving++;
    else {
      const e = keys.entityOfRow(o);
      removed[e] = (removed[e] ?? 0) + 1;
    }
  }

  let lastUnit = -1;
  let lastSnippet = '';
  return {
    surviving,
    removed,
    deletes,
    counts,
    line(line: Buffer, out: LineOut): boolean {
      const idAt = line.indexOf(RECORD_ID_BYTES);
      if (idAt < 0) return (out.bytes(line), true);
      const o = ordinalAt(line, idAt + RECORD_ID_BYTES.length);
      const u = keys.unitOfRow(o);
      let snippet: string;
      if (u < 0 || !keys.hasRoot(u)) snippet = ',"op":"insert"';
      else {
        const op = ops[u]!;
        if (op === DELETE) return false; // the delete envelope replaces the object's rows
        if (cfg.emit === 'changes' && (op === UNCHANGED || op === STALE)) return false;
        if (u !== lastUnit) {
          const pa = prevA[u]!;
          const change = { key: keys.keys[u]!, alterid: keys.alterid(u), previous_alterid: Number.isNaN(pa) ? null : pa, previous_record_id: prevR.get(u) ?? null, ...(flagged[u] ? { flag: 'same_alterid_different_content' } : {}) };
          lastSnippet = `,"op":"${OPS[op]!}","change":${JSON.stringify(change)}`;
          lastUnit = u;
        }
        snippet = lastSnippet;
      }
      // `"op"` and `"change"` go before the record, which comes last in every envelope (after its record id).
      const at = line.indexOf(RECORD_BYTES, idAt);
      if (at < 0) return (out.bytes(line), true);
      out.bytes(line.subarray(0, at));
      out.text(snippet);
      out.bytes(line.subarray(at));
      return true;
    },
    async save() {
      for (const [entity, parts] of dirty) {
        const units = byEntity.get(entity)!;
        for (const [p, absent] of parts) {
          const part = await index.loadPart(streamId, scope, entity, p);
          for (const u of units.get(p) ?? []) {
            const op = ops[u]!;
            const key = keys.keys[u]!;
            if (op === INSERT || op === UPDATE) {
              const d = keys.dateOf(u);
              part.write(key, generation, { a: keys.alterid(u), h: keys.hashHex(u), r: keys.rootRecordId(u), ...(d ? { dt: d } : {}) });
            } else if (op === DELETE) markDeleted(part, key, generation);
          }
          for (const key of absent) markDeleted(part, key, generation);
          await index.savePart(streamId, scope, entity, p, part);
        }
      }
    },
  };
}

function markDeleted(part: Partition, key: string, generation: string): void {
  const b = part.baseline(part.find(key), generation)!;
  part.write(key, generation, { a: b.a, h: b.h, r: b.r, ...(b.dt ? { dt: b.dt } : {}), d: true });
}

const RECORD_ID_BYTES = Buffer.from(',"record_id":"');
const RECORD_BYTES = Buffer.from(',"record":');

/** The ordinal in a record id (`<file id>.<ordinal>.<hash>`) that starts at `from`. */
function ordinalAt(line: Buffer, from: number): number {
  const dot = line.indexOf(0x2e, from);
  let n = 0;
  for (let i = dot + 1; i < line.length; i++) {
    const c = (line[i] as number) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}

function deleteLine(head: DeleteHead, emittedAt: string, entity: string, key: string, b: { a: number | null; r: string }, version: number): string {
  const fileId = String(head.source['file_id'] ?? '');
  const env = {
    envelope_version: 1,
    tenant_id: head.tenant_id,
    connector_id: head.connector_id,
    stream_id: head.stream_id,
    entity,
    run_id: head.run_id,
    emitted_at: emittedAt,
    schema_version: version,
    source: head.source,
    record_id: `${fileId}.d.${hex8(fnvText(entity + '\u0000' + key))}`,
    op: 'delete',
    change: { key, alterid: b.a, previous_alterid: b.a, previous_record_id: b.r },
    record: { guid: key },
  };
  return JSON.stringify(env);
}
