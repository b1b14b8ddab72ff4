import { createHash } from 'node:crypto';
import { checkKey, readAll, type DocStore } from './docstore.js';

const versionOf = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 32);

/**
 * In-memory backend: documents are kept as JSON text (so a caller never shares an object with the
 * store, as with the other backends). For fast unit tests and for `read`, which writes no state.
 */
export function createMemoryDocStore(name = 'memory'): DocStore {
  const docs = new Map<string, string>();
  const store: DocStore = {
    uri: `memory:${name}`,
    async get<T>(key: string): Promise<T | undefined> {
      checkKey(key);
      const t = docs.get(key);
      return t === undefined ? undefined : (JSON.parse(t) as T);
    },
    async put(key: string, doc: unknown): Promise<void> {
      checkKey(key);
      docs.set(key, JSON.stringify(doc));
    },
    async list(prefix: string): Promise<string[]> {
      const p = prefix ? prefix.replace(/\/?$/, '/') : '';
      return [...docs.keys()].filter((k) => k.startsWith(p)).sort();
    },
    async getAll<T>(prefix: string): Promise<Array<[string, T]>> {
      return readAll<T>(store, prefix);
    },
    async delete(key: string): Promise<void> {
      checkKey(key);
      docs.delete(key);
    },
    async getVersioned<T>(key: string) {
      checkKey(key);
      const t = docs.get(key);
      return t === undefined ? undefined : { doc: JSON.parse(t) as T, version: versionOf(t) };
    },
    async create(key: string, doc: unknown) {
      checkKey(key);
      if (docs.has(key)) return undefined;
      const t = JSON.stringify(doc);
      docs.set(key, t);
      return versionOf(t);
    },
    async replaceIf(key: string, doc: unknown, version: string) {
      checkKey(key);
      const t = docs.get(key);
      if (t === undefined || versionOf(t) !== version) return undefined;
      if (doc === null) {
        docs.delete(key);
        return '';
      }
      const n = JSON.stringify(doc);
      docs.set(key, n);
      return versionOf(n);
    },
    async close() {},
  };
  return store;
}
