import { baseline, ChangeIndex, partOf, scopeId, written, type KeyEntry } from '../../state/change-index.js';

/**
 * Change capture from successive exports. A file's staged envelopes are read once to find its
 * objects (a Tally GUID with its ALTERID and the rows that belong to it: a voucher and its lines, a
 * master and its sub-rows, a CSV table's rows sharing a `guid`), each object is compared with the
 * key index, and the envelopes are rewritten with their `op` and `change`; unchanged and stale
 * objects are left out (`emit: changes`), deletes are appended as one envelope per key.
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

interface Unit {
  key: string;
  /** The entity whose index holds the key: the root row's (a voucher, a ledger) or the CSV table. */
  entity: string;
  alterid: number | null;
  h: number;
  root: string | undefined;
  date: string | undefined;
  deleted: boolean;
  op?: Op;
  flag?: string;
  prev?: { a: number | null; r: string };
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

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

/** Pass 1: what a file holds, object by object. */
export class ChangeScan {
  readonly units = new Map<string, Unit>();
  /** Per envelope line: its object, or undefined for a line without a key (delivered as an insert). */
  readonly lineUnit: Array<Unit | undefined> = [];
  company = '';
  /** The export's own date range (SVFROMDATE/SVTODATE as ISO dates), when it states one. */
  from: string | undefined;
  to: string | undefined;
  head: Record<string, unknown> | undefined;

  /** The request's static variables of a Tally XML export. */
  static fromStatics(statics: Record<string, string> | undefined): ChangeScan {
    const s = new ChangeScan();
    s.company = statics?.['SVCURRENTCOMPANY'] ?? '';
    s.from = tallyDate(statics?.['SVFROMDATE']);
    s.to = tallyDate(statics?.['SVTODATE']);
    return s;
  }
  private fileId = '';

  /** One staged envelope line (a `read` protocol message wraps it). */
  scan(line: string): void {
    const msg = JSON.parse(line) as Record<string, unknown>;
    const env = (msg['type'] === 'RECORD' ? msg['record'] : msg) as { entity: string; record_id: string; source: { file_id: string; format?: string }; record: Record<string, unknown> };
    if (!this.head) {
      const { record: _r, record_id: _i, entity: _e, ...head } = env as unknown as Record<string, unknown>;
      void _r, _i, _e;
      this.head = head;
      this.fileId = env.source.file_id;
    }
    const r = env.record ?? {};
    if (env.entity === 'company' || env.entity === 'companies') this.company ||= str(r['name']) ?? '';
    const csv = env.source.format === 'csv';
    let id = '';
    let root = false;
    let key: string | undefined;
    if (csv) {
      key = str(r['guid']);
      if (key) (id = `${env.entity}\u0000${key}`), (root = true);
    } else {
      const vk = str(r['voucher_key']);
      const guid = str(r['guid']) ?? (env.entity === 'vouchers' ? str(r['remoteid']) : undefined);
      if (guid) (key = guid), (root = true);
      else if (!vk && env.entity !== 'vouchers' && !Object.keys(r).some((k) => k.endsWith('_guid'))) {
        // A master without a GUID: Tally names masters uniquely per type; one without a name either
        // (the company object a transaction export ends with) is known by its content.
        const name = str(r['name']);
        key = name ? `name:${env.entity}:${name}` : `content:${env.entity}:${env.record_id.slice(env.record_id.lastIndexOf('.') + 1)}`;
        root = true;
      }
      else if (vk && !vk.startsWith(this.fileId + '.')) key = vk;
      else {
        for (const [k, v] of Object.entries(r)) {
          if (k.endsWith('_guid') && str(v)) {
            key = str(v);
            break;
          }
        }
      }
      if (key) id = `\u0000${key}`;
    }
    const rowHash = parseInt(env.record_id.slice(env.record_id.lastIndexOf('.') + 1), 16) >>> 0;
    if (!id) {
      this.lineUnit.push(undefined);
      return;
    }
    let u = this.units.get(id);
    if (!u) {
      u = { key: own(key!), entity: own(env.entity), alterid: null, h: FNV_OFFSET, root: undefined, date: undefined, deleted: false };
      this.units.set(own(id), u);
    }
    this.lineUnit.push(u);
    u.h = Math.imul(u.h ^ rowHash, FNV_PRIME) >>> 0;
    if (root && u.root === undefined) {
      u.root = own(env.record_id);
      u.entity = own(env.entity);
      u.alterid = alterOf(r['alterid']);
      const d = str(r['date']);
      u.date = d === undefined ? undefined : own(d);
      const action = str(r['action'])?.toLowerCase();
      u.deleted = action === 'delete' || r['isdeleted'] === true;
    }
  }
}

export interface ChangePlan {
  /** Rewrites one staged line (null: left out). */
  line(line: string, index: number): string | null;
  /** Delete envelopes to append, one per line. */
  deletes: string[];
  counts: Record<string, ChangeCounts>;
  /** Write the index (after the output is visible). */
  save(): Promise<void>;
}

/** Pass 2: compare a scanned file with the index and decide every object's operation. */
export async function planChanges(
  scan: ChangeScan,
  cfg: ChangesConfig,
  index: ChangeIndex,
  streamId: string,
  generation: string,
  versions: Record<string, number>,
): Promise<ChangePlan> {
  const scope = scopeId(scan.company);
  const counts: Record<string, ChangeCounts> = {};
  const cnt = (e: string) => (counts[e] ??= zeroCounts());
  // Objects by the entity of their root row; lines whose object's root is not in this file are
  // delivered as inserts and counted as unkeyed.
  const byEntity = new Map<string, Unit[]>();
  for (const u of scan.units.values()) {
    if (!u.root) continue;
    (byEntity.get(u.entity) ?? byEntity.set(u.entity, []).get(u.entity)!).push(u);
  }
  const snapshot = cfg.deletes === 'full';
  const period = cfg.deletes === 'period';
  const deletes: string[] = [];
  const writes = new Map<string, Map<number, Record<string, KeyEntry>>>();
  for (const [entity, units] of byEntity) {
    const loaded = snapshot || (period && units.some((u) => u.date)) ? await index.loadAll(streamId, scope, entity) : await index.load(streamId, scope, entity, units.map((u) => partOf(u.key)));
    const dirty = new Map<number, Record<string, KeyEntry>>();
    const put = (key: string, e: KeyEntry) => {
      const p = partOf(key);
      const part = loaded.get(p)!;
      part[key] = e;
      dirty.set(p, part);
    };
    const seen = new Set<string>();
    let maxAlter = -1;
    let minDate: string | undefined;
    let maxDate: string | undefined;
    for (const u of units) {
      seen.add(u.key);
      if (u.alterid !== null && u.alterid > maxAlter) maxAlter = u.alterid;
      if (u.date) {
        if (!minDate || u.date < minDate) minDate = u.date;
        if (!maxDate || u.date > maxDate) maxDate = u.date;
      }
      const cur = loaded.get(partOf(u.key))?.[u.key];
      const b = baseline(cur, generation);
      const h = hex8(u.h);
      const c = cnt(entity);
      if (u.deleted) {
        if (b && !b.d) {
          u.op = 'delete';
          u.prev = { a: b.a, r: b.r };
          c.deletes++;
          deletes.push(deleteLine(scan, entity, u.key, b, versions[entity] ?? 1));
          put(u.key, written(cur, generation, { a: b.a, h: b.h, r: b.r, ...(b.dt ? { dt: b.dt } : {}), d: true }));
        } else {
          u.op = 'unchanged';
          c.unchanged++;
        }
        continue;
      }
      if (b?.d && u.alterid !== null && b.a !== null && u.alterid <= b.a) u.op = 'stale'; // an older export does not bring a deleted object back
      else if (!b || b.d) u.op = 'insert';
      else {
        u.prev = { a: b.a, r: b.r };
        if (u.alterid !== null && b.a !== null && u.alterid < b.a) u.op = 'stale';
        else if (u.alterid !== null && b.a !== null && u.alterid > b.a) u.op = 'update';
        else if (b.h === h) u.op = 'unchanged';
        else {
          u.op = 'update';
          if (u.alterid !== null && u.alterid === b.a) u.flag = 'same_alterid_different_content';
        }
      }
      if (u.op === 'insert') c.inserts++;
      else if (u.op === 'update') c.updates++;
      else if (u.op === 'stale') c.stale++;
      else c.unchanged++;
      if (u.op === 'insert' || u.op === 'update') put(u.key, written(cur, generation, { a: u.alterid, h, r: u.root!, ...(u.date ? { dt: u.date } : {}) }));
    }
    if (period && scan.from && scan.to) (minDate = scan.from), (maxDate = scan.to);
    if (snapshot || (period && minDate)) {
      // The high-water mark of the scope: a snapshot older than what the index holds deletes nothing.
      let hw = -1;
      for (const part of loaded.values()) for (const e of Object.values(part)) {
        const b = baseline(e, generation);
        if (b && b.a !== null && b.a > hw) hw = b.a;
      }
      const canDelete = period || maxAlter >= hw || hw < 0;
      if (canDelete) {
        for (const part of loaded.values()) {
          for (const [key, e] of Object.entries(part)) {
            if (seen.has(key)) continue;
            const b = baseline(e, generation);
            if (!b || b.d) continue;
            if (period && !(b.dt && minDate && maxDate && b.dt >= minDate && b.dt <= maxDate)) continue;
            // A period export deletes what it lacks only if it is newer than the object's last alteration.
            if (period && b.a !== null && maxAlter < b.a) continue;
            cnt(entity).deletes++;
            deletes.push(deleteLine(scan, entity, key, b, versions[entity] ?? 1));
            put(key, written(e, generation, { a: b.a, h: b.h, r: b.r, ...(b.dt ? { dt: b.dt } : {}), d: true }));
          }
        }
      }
    }
    if (dirty.size) writes.set(entity, dirty);
  }
  const unkeyedCounted = new Set<Unit>();
  return {
    deletes,
    counts,
    line(line: string, i: number): string | null {
      const u = scan.lineUnit[i];
      let op: Op;
      let change: Record<string, unknown> | undefined;
      if (!u || !u.root) {
        // No key (or lines of an object this file does not hold): delivered as inserts, counted.
        op = 'insert';
        const e = entityOf(line);
        if (!u) cnt(e).unkeyed++;
        else if (!unkeyedCounted.has(u)) (unkeyedCounted.add(u), cnt(e).unkeyed++);
      } else {
        op = u.op!;
        if (op === 'delete') return null; // the delete envelope replaces the object's rows
        change = { key: u.key, alterid: u.alterid, previous_alterid: u.prev?.a ?? null, previous_record_id: u.prev?.r ?? null, ...(u.flag ? { flag: u.flag } : {}) };
      }
      if (cfg.emit === 'changes' && (op === 'unchanged' || op === 'stale')) return null;
      return withOp(line, op, change);
    },
    async save() {
      for (const [entity, parts] of writes) await index.save(streamId, scope, entity, parts);
    },
  };
}

const ENTITY_KEY = ',"entity":"';
const RECORD_KEY = ',"record":';

/** The entity of an envelope line (the first `"entity"` of a line is the envelope's). */
export function entityOf(line: string): string {
  const s = line.indexOf(ENTITY_KEY) + ENTITY_KEY.length;
  return line.slice(s, line.indexOf('"', s));
}

/** The line with `"op"` and `"change"` before its record (the record comes last in every envelope). */
function withOp(line: string, op: Op, change: Record<string, unknown> | undefined): string {
  const at = line.indexOf(RECORD_KEY);
  if (at < 0) return line;
  return `${line.slice(0, at)},"op":"${op}"${change ? `,"change":${JSON.stringify(change)}` : ''}${line.slice(at)}`;
}

function deleteLine(scan: ChangeScan, entity: string, key: string, b: { a: number | null; r: string }, version: number): string {
  const head = scan.head ?? {};
  const source = { ...(head['source'] as Record<string, unknown>) };
  delete source['ordinal'];
  delete source['line'];
  const fileId = String(source['file_id'] ?? '');
  const env = {
    envelope_version: head['envelope_version'] ?? 1,
    tenant_id: head['tenant_id'],
    connector_id: head['connector_id'],
    stream_id: head['stream_id'],
    entity,
    run_id: head['run_id'],
    emitted_at: head['emitted_at'],
    schema_version: version,
    source,
    record_id: `${fileId}.d.${hex8(fnvText(entity + '\u0000' + key))}`,
    op: 'delete',
    change: { key, alterid: b.a, previous_alterid: b.a, previous_record_id: b.r },
    record: { guid: key },
  };
  return JSON.stringify(env);
}
