import type { DocStore } from './docstore.js';
import type { DriftAlert, SchemaVersion, Shape } from './types.js';

export type { SchemaVersion } from './types.js';

/**
 * The schema registry: per tenant / stream / entity, numbered versions of the inferred shape (with
 * the JSON Schema it corresponds to, readable and usable by ajv), plus the drift alerts raised
 * against them. Built on a DocStore, so it has the same local-folder and S3 backends as the state.
 *
 * Layout:
 *   <tenant>/streams/<stream>/entities/<entity>/current        {"version": N}
 *   <tenant>/streams/<stream>/entities/<entity>/v/000001        the version documents
 *   <tenant>/alerts/<alert id>                                  drift alerts
 */
const pad = (n: number) => String(n).padStart(6, '0');

export class SchemaRegistry {
  /**
   * @param jsonSchema renders a shape as the JSON Schema stored beside it in each version document
   *   (the drift module owns that rendering: `toJsonSchema` in connector/drift/json-schema.ts).
   */
  constructor(
    readonly store: DocStore,
    readonly tenantId: string,
    private readonly jsonSchema: (shape: Shape, title: string) => Record<string, unknown>,
  ) {}

  private entityBase(streamId: string, entity: string): string {
    return `${this.tenantId}/streams/${streamId}/entities/${entity}`;
  }

  async current(streamId: string, entity: string): Promise<SchemaVersion | undefined> {
    const cur = await this.store.get<{ version: number }>(`${this.entityBase(streamId, entity)}/current`);
    if (!cur) return undefined;
    return this.store.get<SchemaVersion>(`${this.entityBase(streamId, entity)}/v/${pad(cur.version)}`);
  }

  async version(streamId: string, entity: string, version: number): Promise<SchemaVersion | undefined> {
    return this.store.get<SchemaVersion>(`${this.entityBase(streamId, entity)}/v/${pad(version)}`);
  }

  /** Current versions of every entity of a stream. */
  async entities(streamId: string): Promise<Map<string, SchemaVersion>> {
    const keys = await this.store.list(`${this.tenantId}/streams/${streamId}/entities/`);
    const out = new Map<string, SchemaVersion>();
    const names = new Set<string>();
    for (const k of keys) {
      const m = /\/entities\/([^/]+)\/current$/.exec(k);
      if (m) names.add(m[1]!);
    }
    await Promise.all(
      [...names].map(async (e) => {
        const v = await this.current(streamId, e);
        if (v) out.set(e, v);
      }),
    );
    return out;
  }

  async streams(): Promise<string[]> {
    const keys = await this.store.list(`${this.tenantId}/streams/`);
    return [...new Set(keys.map((k) => k.split('/')[2]!).filter(Boolean))].sort();
  }

  /**
   * The newest version of an entity: the `current` pointer, then any version registered after it by
   * a process that has not moved the pointer yet (or was stopped before it could).
   */
  async latest(streamId: string, entity: string): Promise<SchemaVersion | undefined> {
    const base = this.entityBase(streamId, entity);
    const cur = await this.store.get<{ version: number }>(`${base}/current`);
    let n = cur?.version ?? 0;
    let doc = n ? await this.store.get<SchemaVersion>(`${base}/v/${pad(n)}`) : undefined;
    for (;;) {
      const next = await this.store.get<SchemaVersion>(`${base}/v/${pad(n + 1)}`);
      if (!next) return doc;
      doc = next;
      n++;
    }
  }

  /**
   * Register a new version after the current one; returns it. Version documents are written
   * create-only: when another process registered that number first, `VersionTaken` is thrown and
   * nothing is written (the caller re-reads with `latest` and decides again).
   */
  async register(streamId: string, entity: string, shape: Shape, meta: Pick<SchemaVersion, 'reason' | 'run_id' | 'file_id' | 'alert_id'>, expected?: number): Promise<SchemaVersion> {
    // The number the caller decided on (the version after the one it compared with), else the next.
    const cur = expected === undefined ? await this.store.get<{ version: number }>(`${this.entityBase(streamId, entity)}/current`) : undefined;
    const version = expected ?? (cur?.version ?? 0) + 1;
    const doc: SchemaVersion = {
      schema_version_doc: 1,
      tenant_id: this.tenantId,
      stream_id: streamId,
      entity,
      version,
      shape,
      json_schema: this.jsonSchema(shape, `${streamId} / ${entity} v${version}`),
      registered_at: new Date().toISOString(),
      ...Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)),
    } as SchemaVersion;
    const base = this.entityBase(streamId, entity);
    if ((await this.store.create(`${base}/v/${pad(version)}`, doc)) === undefined) throw new VersionTaken(streamId, entity, version);
    await this.advanceCurrent(base, version, doc.registered_at);
    return doc;
  }

  /** Point `current` at `version` unless it is further already (a registration whose maker stopped before it moved the pointer). */
  async ensureCurrent(streamId: string, entity: string, version: number): Promise<void> {
    await this.advanceCurrent(this.entityBase(streamId, entity), version, new Date().toISOString());
  }

  /** Move `current` forward to `version` (never back: two processes may finish out of order). */
  private async advanceCurrent(base: string, version: number, at: string): Promise<void> {
    const key = `${base}/current`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = await this.store.getVersioned<{ version: number }>(key);
      if (!cur) {
        if ((await this.store.create(key, { version, updated_at: at })) !== undefined) return;
        continue;
      }
      if (cur.doc.version >= version) return;
      if ((await this.store.replaceIf(key, { version, updated_at: at }, cur.version)) !== undefined) return;
    }
    throw new Error(`${key}: could not be moved to version ${version} (too many concurrent writers)`);
  }

  async deleteAlert(id: string): Promise<void> {
    if (!/^[a-z0-9-]{1,64}$/.test(id)) return;
    await this.store.delete(`${this.tenantId}/alerts/${id}`);
  }

  /**
   * A stream is established once a run over it completed: until then, its entities are registered
   * silently (a stream's first load meets all of them at once, which is not drift), also by the
   * run after one that was killed midway.
   */
  async isEstablished(streamId: string): Promise<boolean> {
    return (await this.store.get(`${this.tenantId}/streams/${streamId}/established`)) !== undefined;
  }

  async establish(streamId: string, runId: string): Promise<void> {
    await this.store.put(`${this.tenantId}/streams/${streamId}/established`, { stream_id: streamId, run_id: runId, established_at: new Date().toISOString() });
  }

  async putAlert(alert: DriftAlert): Promise<void> {
    await this.store.put(`${this.tenantId}/alerts/${alert.id}`, alert);
  }

  async getAlert(id: string): Promise<DriftAlert | undefined> {
    if (!/^[a-z0-9-]{1,64}$/.test(id)) return undefined;
    return this.store.get<DriftAlert>(`${this.tenantId}/alerts/${id}`);
  }

  async alerts(): Promise<DriftAlert[]> {
    const all = await this.store.getAll<DriftAlert>(`${this.tenantId}/alerts/`);
    return all.map(([, a]) => a).sort((x, y) => (x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : x.id < y.id ? -1 : 1));
  }
}

/** Another process registered this version number first. */
export class VersionTaken extends Error {
  constructor(
    readonly streamId: string,
    readonly entity: string,
    readonly version: number,
  ) {
    super(`schema version ${version} of ${streamId}/${entity} was registered by another process first`);
    this.name = 'VersionTaken';
  }
}
