import { createHash, createHmac } from 'node:crypto';

/**
 * File ids: a stable hash of the file's URI, shown wherever a clear path could leak an identifier
 * (logs, alerts, metrics, envelopes). Plain SHA-256 by default; HMAC-SHA256 under a secret key when
 * the config names one (`privacy.hash_key_env`), so ids cannot be reversed by hashing guessed names.
 */
export interface FileIdHasher {
  (uri: string): string;
  readonly keyed: boolean;
}

export function makeFileIdHasher(tenantId: string, key?: string): FileIdHasher {
  const cache = new Map<string, string>();
  const fn = ((uri: string) => {
    let id = cache.get(uri);
    if (id === undefined) {
      const h = key ? createHmac('sha256', key) : createHash('sha256');
      h.update(tenantId);
      h.update('\0');
      h.update(uri);
      id = 'f' + h.digest('hex').slice(0, 23);
      if (cache.size > 100_000) cache.clear();
      cache.set(uri, id);
    }
    return id;
  }) as FileIdHasher;
  Object.defineProperty(fn, 'keyed', { value: Boolean(key) });
  return fn;
}

/** Hex sha256 of a string or bytes: alert ids, shard assignment. */
export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
