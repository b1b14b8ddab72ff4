import { createHash } from 'node:crypto';
import type { DocStore } from './docstore.js';
import type { FileEntry, StreamDoc, StreamState } from './types.js';

export type { FileEntry, FileStatus, FileVersionHint, StreamDoc, StreamState } from './types.js';

/**
 * The state registry: per tenant / connector / stream, one document per file path (its latest
 * generation, with the checksums it superseded), plus a stream document holding `last_checkpoint`.
 * One document per file means parallel workers that own different files never write the same key,
 * which is what sharded backfills need; the stream document is last-writer-wins and informative.
 *
 * Layout (keys of the DocStore):
 *   <tenant>/<connector>/<stream>/stream
 *   <tenant>/<connector>/<stream>/files/<sha256(path) prefix>
 */

export function checkpointUri(uri: string, sha256: string): string {
  return `${uri}#sha256=${sha256}`;
}

function pathKey(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 40);
}

export class StateRegistry {
  private readonly streamWrites = new Map<string, { latest: string; running: Promise<void> | undefined }>();

  constructor(
    readonly store: DocStore,
    readonly tenantId: string,
    readonly connectorId: string,
  ) {}

  private base(streamId: string): string {
    return `${this.tenantId}/${this.connectorId}/${streamId}`;
  }

  async loadStream(streamId: string): Promise<StreamState> {
    const base = this.base(streamId);
    const [doc, entries] = await Promise.all([this.store.get<StreamDoc>(`${base}/stream`), this.store.getAll<FileEntry>(`${base}/files/`)]);
    const files = new Map<string, FileEntry>();
    for (const [, e] of entries) if (e && typeof e.path === 'string') files.set(e.path, e);
    return { stream_id: streamId, files, doc };
  }

  async getFile(streamId: string, path: string): Promise<FileEntry | undefined> {
    return this.store.get<FileEntry>(`${this.base(streamId)}/files/${pathKey(path)}`);
  }

  /** Record a file's outcome. For `committed`, also moves the stream's `last_checkpoint`. */
  async putFile(streamId: string, entry: FileEntry): Promise<void> {
    const base = this.base(streamId);
    await this.store.put(`${base}/files/${pathKey(entry.path)}`, entry);
    if (entry.status === 'committed' && entry.sha256) await this.moveCheckpoint(streamId, checkpointUri(entry.uri, entry.sha256));
  }

  /**
   * The stream document is informative (each file's own document is the checkpoint), so writes are
   * coalesced: while one is in flight, later commits only leave their value for the next write.
   * A thousand small files committed back to back cost a handful of stream writes, not a thousand.
   */
  private async moveCheckpoint(streamId: string, checkpoint: string): Promise<void> {
    const st = this.streamWrites.get(streamId) ?? { latest: checkpoint, running: undefined as Promise<void> | undefined };
    st.latest = checkpoint;
    this.streamWrites.set(streamId, st);
    if (!st.running) {
      st.running = (async () => {
        try {
          let written: string | undefined;
          while (written !== st.latest) {
            written = st.latest;
            const doc: StreamDoc = { tenant_id: this.tenantId, connector_id: this.connectorId, stream_id: streamId, last_checkpoint: written, updated_at: new Date().toISOString() };
            await this.store.put(`${this.base(streamId)}/stream`, doc);
          }
        } finally {
          st.running = undefined;
        }
      })();
    }
    await st.running;
  }

  async deleteFile(streamId: string, path: string): Promise<void> {
    await this.store.delete(`${this.base(streamId)}/files/${pathKey(path)}`);
  }

  /** Stream ids that have state for this tenant and connector. */
  async streams(): Promise<string[]> {
    const keys = await this.store.list(`${this.tenantId}/${this.connectorId}/`);
    const out = new Set<string>();
    for (const k of keys) {
      const rest = k.slice(this.tenantId.length + this.connectorId.length + 2);
      const s = rest.split('/')[0];
      if (s && s !== '_runs' && s !== '_leases') out.add(s); // the run history and the leases live beside the streams
    }
    return [...out].sort();
  }

}
