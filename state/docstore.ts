/**
 * A small key → JSON document store: the one primitive both registries (state and schemas) are built
 * on, so that each has the same behaviour on every backend (a local folder, S3, memory).
 * Keys are `/`-separated paths of safe segments; a document is written atomically (a reader sees the
 * old or the new version, never half of one). Backends: `local-docstore.ts`, `memory-docstore.ts`
 * here, and the S3 one in `connector/stores/s3-docstore.ts` (it needs the connector's S3 client).
 */
export interface DocStore {
  readonly uri: string;
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, doc: unknown): Promise<void>;
  /** Keys directly or indirectly under `prefix` (which ends with `/`), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Documents under `prefix`, read with bounded concurrency. */
  getAll<T = unknown>(prefix: string): Promise<Array<[string, T]>>;
  delete(key: string): Promise<void>;
  /**
   * Conditional writes, for what two processes may both write (leases). A version is an opaque
   * token for one stored content: S3's ETag, a hash of the file locally.
   */
  getVersioned<T = unknown>(key: string): Promise<{ doc: T; version: string } | undefined>;
  /** Create-only: the new version, or undefined when the key exists already. */
  create(key: string, doc: unknown): Promise<string | undefined>;
  /** Replace (or delete, with null) only the stored `version`: the new version ('' after a delete), or undefined when it was not that version. */
  replaceIf(key: string, doc: unknown, version: string): Promise<string | undefined>;
  /** Remove what killed runs left behind (half-written documents), where a backend can have any. */
  sweep?(maxAgeMs: number): Promise<{ files: number; bytes: number }>;
  close(): Promise<void>;
}

/** Every document under `prefix`, read with bounded concurrency (shared by the backends). */
export async function readAll<T>(store: Pick<DocStore, 'list' | 'get'>, prefix: string, concurrency = 64): Promise<Array<[string, T]>> {
  const keys = await store.list(prefix);
  const out: Array<[string, T] | undefined> = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= keys.length) return;
      const k = keys[i]!;
      const doc = await store.get<T>(k);
      out[i] = doc === undefined ? undefined : [k, doc];
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return out.filter((x): x is [string, T] => x !== undefined);
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.=@-]+$/;

/** Refuse keys that could leave the store (`..`, empty or odd segments); every backend calls it. */
export function checkKey(key: string): void {
  const segs = key.split('/');
  for (const s of segs) {
    if (!SAFE_SEGMENT.test(s) || s === '.' || s === '..') throw new Error(`unsafe registry key segment ${JSON.stringify(s)} in ${JSON.stringify(key)}`);
  }
}

/** Hidden names (a leading dot) are temp files in the local backend: no backend lists them. */
export function isHiddenKey(key: string): boolean {
  return key.slice(key.lastIndexOf('/') + 1).startsWith('.');
}
