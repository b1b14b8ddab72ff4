import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

/**
 * A small key → JSON document store: the one primitive both registries (state and schemas) are built
 * on, so that each has a local-folder backend and an S3 backend with the same behaviour.
 * Keys are `/`-separated paths of safe segments; a document is written atomically (a reader sees the
 * old or the new version, never half of one).
 */
export interface DocStore {
  readonly uri: string;
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, doc: unknown): Promise<void>;
  /** Keys directly or indirectly under `prefix` (which ends with `/`). */
  list(prefix: string): Promise<string[]>;
  /** Documents under `prefix`, read with bounded concurrency. */
  getAll<T = unknown>(prefix: string): Promise<Array<[string, T]>>;
  delete(key: string): Promise<void>;
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

export function checkKey(key: string): void {
  const segs = key.split('/');
  for (const s of segs) {
    if (!SAFE_SEGMENT.test(s) || s === '.' || s === '..') throw new Error(`unsafe registry key segment ${JSON.stringify(s)} in ${JSON.stringify(key)}`);
  }
}

/** Local folder backend: one `<key>.json` file per document, owner-only permissions, temp + fsync + rename. */
export function createLocalDocStore(root: string): DocStore {
  const pathOf = (key: string) => {
    checkKey(key);
    return join(root, ...key.split('/')) + '.json';
  };
  return {
    uri: root,
    async get<T>(key: string): Promise<T | undefined> {
      try {
        return JSON.parse(await readFile(pathOf(key), 'utf8')) as T;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async put(key: string, doc: unknown): Promise<void> {
      const p = pathOf(key);
      await writeFileAtomic(p, JSON.stringify(doc, null, 1) + '\n');
    },
    async list(prefix: string): Promise<string[]> {
      const dir = prefix ? join(root, ...prefix.replace(/\/$/, '').split('/')) : root;
      const out: string[] = [];
      await walk(dir, prefix.replace(/\/?$/, prefix ? '/' : ''), out);
      return out.sort();
    },
    async getAll<T>(prefix: string): Promise<Array<[string, T]>> {
      return readAll<T>(this, prefix);
    },
    async delete(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
    async close() {},
  };
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let ents;
  try {
    ents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const e of ents) {
    if (e.isDirectory()) await walk(join(dir, e.name), keyPrefix + e.name + '/', out);
    else if (e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.')) out.push(keyPrefix + e.name.slice(0, -5));
  }
}

/** Write a file so that readers see either the old or the new content: temp file, fsync, rename. Owner-only. */
const madeDirs = new Set<string>();

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeDirs.add(dir);
  }
  const tmp = join(dir, `.${path.slice(dir.length + 1)}.${randomBytes(6).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'w', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true, mode: 0o700 }); // removed since we made it
    fh = await open(tmp, 'w', 0o600);
  }
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}
