import { createHash } from 'node:crypto';
import type { DocStore } from './docstore.js';

/**
 * The key index of change capture: per tenant, connector, stream, scope (company) and entity, every
 * key (a Tally GUID) seen with its ALTERID, a hash of its content and the record id that carried it.
 * Documents are partitioned by the key's hash (PARTS per scope and entity), so a file touches only
 * the partitions of its keys, and a scope's keys are read partition by partition.
 *
 * Entries remember the file generation (file id + sha256 prefix) that wrote them and the entry they
 * replaced: a file delivered again after a crash between its delivery and its checkpoint is compared
 * with the state before its first delivery, so it emits the same changes with the same ids.
 *
 * A partition is stored by column (`PartDoc`, version 2): one array per field, numbers where the
 * field is a number, generations as indexes into the partition's own table, the replaced entry and
 * the history as one short string each. Reading a partition of 3,000 keys makes a few arrays and
 * strings, not 3,000 objects: a run compares a million keys without the garbage that costs.
 */

export const PARTS = 64;

/** An entry as the index's users see it. */
export interface KeyEntry {
  /** ALTERID, or null when the object has none. */
  a: number | null;
  /** Content hash (8 hex). */
  h: string;
  /** Record id of the envelope that carried the object. */
  r: string;
  /** Voucher date (ISO), for period deletes. */
  dt?: string;
  /** Deleted: the key was removed (by a snapshot, or marked deleted in an export). */
  d?: true;
  /** The generation (file id.sha16) that wrote this entry, and the entry it replaced (null: none). */
  g: string;
  p?: Plain | null;
  /** History: the generations that changed this key, oldest first (bounded). */
  hist?: Array<[string, number | null, string]>;
}

/** An entry's values without its bookkeeping. */
export type Plain = Omit<KeyEntry, 'g' | 'p' | 'hist'>;

interface PartDocV1 {
  v: 1;
  keys: Record<string, KeyEntry>;
}

interface PartDocV2 {
  v: 2;
  /** Generations referenced by this partition. */
  gens: string[];
  k: string[];
  /** ALTERID, -1 for none. */
  a: number[];
  /** Content hash as a number. */
  h: number[];
  r: string[];
  /** Date as yyyymmdd, 0 for none. */
  dt: number[];
  d: number[];
  /** Index into gens. */
  g: number[];
  /** The replaced entry as `a|h|r|dt|d`, or 0 (none). */
  p: Array<string | 0>;
  /** `gen,alterid,u|d;...`, oldest first. */
  hist: string[];
}

const HISTORY = 20;

export function partOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt16BE(0) % PARTS;
}

export function scopeId(company: string): string {
  return company === '' ? '_' : 'c' + createHash('sha256').update(company).digest('hex').slice(0, 16);
}

/** A date as yyyymmdd (0: none), so that a million entries hold no date strings. */
export function dateNum(iso: string | undefined): number {
  if (!iso) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}
export function dateIso(n: number): string | undefined {
  if (!n) return undefined;
  const s = String(n);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

function encodePlain(p: Plain): string {
  return `${p.a ?? ''}|${p.h}|${p.r}|${p.dt ?? ''}|${p.d ? 1 : 0}`;
}
function decodePlain(s: string): Plain {
  const [a, h, r, dt, d] = s.split('|');
  const out: Plain = { a: a === '' || a === undefined ? null : Number(a), h: h ?? '', r: r ?? '' };
  if (dt) out.dt = dt;
  if (d === '1') out.d = true;
  return out;
}

/** One partition of the index, by column. */
export class Partition {
  private gens: string[] = [];
  private genIds = new Map<string, number>();
  private k: string[] = [];
  private a: number[] = [];
  private h: number[] = [];
  private r: string[] = [];
  private dt: number[] = [];
  private d: number[] = [];
  private g: number[] = [];
  private p: Array<string | 0> = [];
  private hist: string[] = [];
  private pos: Map<string, number> | undefined;

  static from(doc: PartDocV1 | PartDocV2 | undefined): Partition {
    const part = new Partition();
    if (!doc) return part;
    if (doc.v === 2) {
      Object.assign(part, { gens: doc.gens, k: doc.k, a: doc.a, h: doc.h, r: doc.r, dt: doc.dt, d: doc.d, g: doc.g, p: doc.p, hist: doc.hist });
      doc.gens.forEach((x, i) => part.genIds.set(x, i));
      return part;
    }
    // Version 1: one object per key (indexes written before the columnar layout).
    for (const [key, e] of Object.entries(doc.keys)) {
      part.k.push(key);
      part.a.push(e.a ?? -1);
      part.h.push(parseInt(e.h, 16) >>> 0);
      part.r.push(e.r);
      part.dt.push(dateNum(e.dt));
      part.d.push(e.d ? 1 : 0);
      part.g.push(part.gen(e.g));
      part.p.push(e.p ? encodePlain(e.p) : 0);
      part.hist.push((e.hist ?? []).map(([gen, alter, what]) => `${part.gen(gen)},${alter ?? ''},${what === 'delete' ? 'd' : 'u'}`).join(';'));
    }
    return part;
  }

  private gen(x: string): number {
    let i = this.genIds.get(x);
    if (i === undefined) {
      i = this.gens.length;
      this.gens.push(x);
      this.genIds.set(x, i);
    }
    return i;
  }

  get size(): number {
    return this.k.length;
  }

  key(i: number): string {
    return this.k[i]!;
  }

  /** The position of `key`, or -1. */
  find(key: string): number {
    if (!this.pos) {
      this.pos = new Map();
      for (let i = 0; i < this.k.length; i++) this.pos.set(this.k[i]!, i);
    }
    return this.pos.get(key) ?? -1;
  }

  /** The entry's values (without its bookkeeping). */
  plain(i: number): Plain {
    const a = this.a[i]!;
    const out: Plain = { a: a < 0 ? null : a, h: hex8(this.h[i]!), r: this.r[i]! };
    const dt = dateIso(this.dt[i]!);
    if (dt) out.dt = dt;
    if (this.d[i]) out.d = true;
    return out;
  }

  /** The entry a generation compares against: what was there before it, if it wrote the entry itself. */
  baseline(i: number, generation: string): Plain | undefined {
    if (i < 0) return undefined;
    if (this.gens[this.g[i]!] === generation) {
      const p = this.p[i];
      return p ? decodePlain(p) : undefined;
    }
    return this.plain(i);
  }

  entry(i: number): KeyEntry {
    const p = this.p[i];
    const hist = this.hist[i]
      ? this.hist[i]!.split(';').map((s) => {
          const [gi, alter, what] = s.split(',');
          return [this.gens[Number(gi)] ?? '', alter === '' || alter === undefined ? null : Number(alter), what === 'd' ? 'delete' : 'upsert'] as [string, number | null, string];
        })
      : [];
    return { ...this.plain(i), g: this.gens[this.g[i]!]!, p: p ? decodePlain(p) : null, hist };
  }

  /** Write `key` as `generation` saw it; the entry it replaces becomes its baseline, the change joins its history. */
  write(key: string, generation: string, next: Plain): void {
    let i = this.find(key);
    const gi = this.gen(generation);
    const step = `${gi},${next.a ?? ''},${next.d ? 'd' : 'u'}`;
    if (i < 0) {
      i = this.k.length;
      this.k.push(key);
      this.pos!.set(key, i);
      this.p.push(0);
      this.hist.push(step);
      this.a.push(0), this.h.push(0), this.r.push(''), this.dt.push(0), this.d.push(0), this.g.push(gi);
    } else {
      const base = this.baseline(i, generation);
      let steps = this.hist[i] ? this.hist[i]!.split(';') : [];
      // A generation delivered again replaces its own step of the history.
      if (this.g[i] === gi) steps = steps.slice(0, -1);
      steps.push(step);
      this.hist[i] = steps.slice(-HISTORY).join(';');
      this.p[i] = base ? encodePlain(base) : 0;
    }
    this.a[i] = next.a ?? -1;
    this.h[i] = parseInt(next.h, 16) >>> 0;
    this.r[i] = next.r;
    this.dt[i] = dateNum(next.dt);
    this.d[i] = next.d ? 1 : 0;
    this.g[i] = gi;
  }

  /** The stored form, with only the generations still referenced. */
  toDoc(): PartDocV2 {
    const used = new Map<number, number>();
    const gens: string[] = [];
    const remap = (x: number) => {
      let j = used.get(x);
      if (j === undefined) {
        j = gens.length;
        gens.push(this.gens[x]!);
        used.set(x, j);
      }
      return j;
    };
    const g = this.g.map(remap);
    const hist = this.hist.map((s) =>
      s
        ? s
            .split(';')
            .map((step) => {
              const c = step.indexOf(',');
              return `${remap(Number(step.slice(0, c)))}${step.slice(c)}`;
            })
            .join(';')
        : s,
    );
    return { v: 2, gens, k: this.k, a: this.a, h: this.h, r: this.r, dt: this.dt, d: this.d, g, p: this.p, hist };
  }
}

export class ChangeIndex {
  constructor(
    private readonly store: DocStore,
    private readonly tenantId: string,
    private readonly connectorId: string,
  ) {}

  private prefix(streamId: string, scope: string, entity: string): string {
    return `${this.tenantId}/${this.connectorId}/${streamId}/changes/${scope}/${encodeURIComponent(entity).replace(/%/g, '@')}/`;
  }

  /** One partition of a scope and entity (empty when none was written yet). */
  async loadPart(streamId: string, scope: string, entity: string, part: number): Promise<Partition> {
    return Partition.from(await this.store.get<PartDocV1 | PartDocV2>(`${this.prefix(streamId, scope, entity)}p${part}`));
  }

  async savePart(streamId: string, scope: string, entity: string, part: number, data: Partition): Promise<void> {
    await this.store.put(`${this.prefix(streamId, scope, entity)}p${part}`, data.toDoc());
  }

  /** Scopes and entities with an index in a stream, and every entry of one key (for `state key`). */
  async find(streamId: string, key: string): Promise<Array<{ scope: string; entity: string; entry: KeyEntry }>> {
    const base = `${this.tenantId}/${this.connectorId}/${streamId}/changes/`;
    const keys = await this.store.list(base);
    const p = `p${partOf(key)}`;
    const out: Array<{ scope: string; entity: string; entry: KeyEntry }> = [];
    for (const k of keys) {
      const segs = k.slice(base.length).split('/');
      if (segs.length !== 3 || segs[2] !== p) continue;
      const part = Partition.from(await this.store.get<PartDocV1 | PartDocV2>(k));
      const i = part.find(key);
      if (i >= 0) out.push({ scope: segs[0]!, entity: decodeURIComponent(segs[1]!.replace(/@/g, '%')), entry: part.entry(i) });
    }
    return out;
  }
}
