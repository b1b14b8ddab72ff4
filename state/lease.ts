import { hostname } from 'node:os';
import type { DocStore } from './docstore.js';

/**
 * A lease per stream (or per stream and shard) in the state registry, so that runs that overlap do
 * not do the same work twice. Taken with a create-only write, renewed and released with writes
 * conditional on the version read (S3: If-None-Match / If-Match; locally: link() and a lock); a lease
 * whose holder stopped renewing it (SIGKILL, a lost container) expires after its TTL and is taken
 * over, again conditionally, so two runs can never both take it. A holder on this host whose
 * process is gone is known dead at once.
 */

export interface LeaseDoc {
  lease_version: 1;
  name: string;
  holder: { run_id: string; pid: number; host: string };
  acquired_at: string;
  renewed_at: string;
  expires_at: string;
}

export interface Lease {
  readonly name: string;
  /** Extend the lease; false when it was lost (expired and taken over by another run). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export type Acquired = { lease: Lease; tookOver?: LeaseDoc } | { busy: LeaseDoc };

export class Leases {
  constructor(
    private readonly store: DocStore,
    private readonly tenantId: string,
    private readonly connectorId: string,
    private readonly runId: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(name: string): string {
    return `${this.tenantId}/${this.connectorId}/_leases/${name}`;
  }

  private doc(name: string, acquired?: string): LeaseDoc {
    const t = this.now();
    return {
      lease_version: 1,
      name,
      holder: { run_id: this.runId, pid: process.pid, host: hostname() },
      acquired_at: acquired ?? new Date(t).toISOString(),
      renewed_at: new Date(t).toISOString(),
      expires_at: new Date(t + this.ttlMs).toISOString(),
    };
  }

  async acquire(name: string): Promise<Acquired> {
    const key = this.key(name);
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = this.doc(name);
      const created = await this.store.create(key, fresh);
      if (created !== undefined) return { lease: this.held(name, created, fresh.acquired_at) };
      const cur = await this.store.getVersioned<LeaseDoc>(key);
      if (!cur) continue; // released in between: try to create again
      if (Date.parse(cur.doc.expires_at) > this.now() && holderMayLive(cur.doc)) return { busy: cur.doc };
      const mine = this.doc(name);
      const taken = await this.store.replaceIf(key, mine, cur.version);
      if (taken !== undefined) return { lease: this.held(name, taken, mine.acquired_at), tookOver: cur.doc };
      // Another run took it over (or renewed it) first: look again.
    }
    const cur = await this.store.getVersioned<LeaseDoc>(key);
    if (cur) return { busy: cur.doc };
    throw new Error(`lease ${name}: could not be taken or read`);
  }

  private held(name: string, version: string, acquired: string): Lease {
    const key = this.key(name);
    let v: string | undefined = version;
    return {
      name,
      renew: async () => {
        if (v === undefined) return false;
        const next = await this.store.replaceIf(key, this.doc(name, acquired), v);
        v = next;
        return next !== undefined;
      },
      release: async () => {
        if (v === undefined) return;
        const was = v;
        v = undefined;
        await this.store.replaceIf(key, null, was);
      },
    };
  }
}

/** The lease name of a stream, or of one shard of it. */
export function leaseName(streamId: string, shard?: { index: number; count: number }): string {
  return shard ? `${streamId}.shard-${shard.index}-of-${shard.count}` : streamId;
}

/**
 * Whether a lease's holder may still be running: a holder on this host whose process is gone (a run
 * killed with SIGKILL) holds nothing, whatever the TTL says; on another host only the TTL can tell.
 */
function holderMayLive(doc: LeaseDoc): boolean {
  if (doc.holder.host !== hostname()) return true;
  if (doc.holder.pid === process.pid) return true;
  try {
    process.kill(doc.holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
