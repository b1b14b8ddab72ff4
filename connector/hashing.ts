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

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Short stable hash for names in state keys (not a security boundary). */
export function shortHash(s: string, len = 32): string {
  return sha256Hex(s).slice(0, len);
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over a byte range; used for the content part of record ids. */
export function fnv1a(buf: Uint8Array, start: number, end: number, h = FNV_OFFSET): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
  return h;
}
