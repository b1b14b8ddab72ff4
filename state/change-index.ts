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
 */

export const PARTS = 64;

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
  p?: Omit<KeyEntry, 'g' | 'p' | 'hist'> | null;
  /** History: the generations that changed this key, oldest first (bounded). */
  hist?: Array<[string, number | null, string]>;
}

interface PartDoc {
  v: 1;
  keys: Record<string, KeyEntry>;
}

const HISTORY = 20;

export function partOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt16BE(0) % PARTS;
}

export function scopeId(company: string): string {
  return company === '' ? '_' : 'c' + createHash('sha256').update(company).digest('hex').slice(0, 16);
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

  /** The partitions holding `keys`, read once each. */
  async load(streamId: string, scope: string, entity: string, parts: Iterable<number>): Promise<Map<number, Record<string, KeyEntry>>> {
    const out = new Map<number, Record<string, KeyEntry>>();
    const base = this.prefix(streamId, scope, entity);
    await Promise.all(
      [...new Set(parts)].map(async (p) => {
        const doc = await this.store.get<PartDoc>(`${base}p${p}`);
        out.set(p, doc?.keys ?? {});
      }),
    );
    return out;
  }

  /** Every partition of a scope and entity (for snapshot deletes). */
  async loadAll(streamId: string, scope: string, entity: string): Promise<Map<number, Record<string, KeyEntry>>> {
    return this.load(streamId, scope, entity, Array.from({ length: PARTS }, (_, i) => i));
  }

  async save(streamId: string, scope: string, entity: string, parts: Map<number, Record<string, KeyEntry>>): Promise<void> {
    const base = this.prefix(streamId, scope, entity);
    // One partition at a time: each is serialised whole, and a file can touch all of them.
    for (const [p, keys] of parts) await this.store.put(`${base}p${p}`, { v: 1, keys } satisfies PartDoc);
  }

  /** Scopes and entities with an index in a stream, and every entry of one key (for `state keys`). */
  async find(streamId: string, key: string): Promise<Array<{ scope: string; entity: string; entry: KeyEntry }>> {
    const base = `${this.tenantId}/${this.connectorId}/${streamId}/changes/`;
    const keys = await this.store.list(base);
    const p = `p${partOf(key)}`;
    const out: Array<{ scope: string; entity: string; entry: KeyEntry }> = [];
    for (const k of keys) {
      const segs = k.slice(base.length).split('/');
      if (segs.length !== 3 || segs[2] !== p) continue;
      const doc = await this.store.get<PartDoc>(k);
      const e = doc?.keys[key];
      if (e) out.push({ scope: segs[0]!, entity: decodeURIComponent(segs[1]!.replace(/@/g, '%')), entry: e });
    }
    return out;
  }
}

type Plain = Omit<KeyEntry, 'g' | 'p' | 'hist'>;

function plain(e: KeyEntry | Plain): Plain {
  const out: Plain = { a: e.a, h: e.h, r: e.r };
  if (e.dt !== undefined) out.dt = e.dt;
  if (e.d) out.d = true;
  return out;
}

/** The entry a generation compares against: what was there before it, if it wrote the entry itself. */
export function baseline(e: KeyEntry | undefined, generation: string): Plain | undefined {
  if (!e) return undefined;
  if (e.g === generation) return e.p ? plain(e.p) : undefined;
  return plain(e);
}

/** A new entry written by `generation`, replacing `current` (kept as its baseline). */
export function written(current: KeyEntry | undefined, generation: string, next: Plain): KeyEntry {
  const base = baseline(current, generation);
  const prevHist = current?.g === generation ? (current.hist ?? []).slice(0, -1) : (current?.hist ?? []);
  const hist = [...prevHist, [generation, next.a, next.d ? 'delete' : 'upsert'] as [string, number | null, string]].slice(-HISTORY);
  return { ...plain(next), g: generation, p: base ?? null, hist };
}
