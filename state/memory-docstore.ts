import { checkKey, readAll, type DocStore } from './docstore.js';

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
    async close() {},
  };
  return store;
}
