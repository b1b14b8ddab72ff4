import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkKey, readAll, type DocStore } from './docstore.js';
import { ownerTag, sweep } from './debris.js';

/** Local folder backend: one `<key>.json` file per document, owner-only permissions, temp + fsync + rename. */
export function createLocalDocStore(root: string): DocStore {
  const pathOf = (key: string) => {
    checkKey(key);
    return join(root, ...key.split('/')) + '.json';
  };
  const store: DocStore = {
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
      await writeFileAtomic(pathOf(key), JSON.stringify(doc, null, 1) + '\n');
    },
    async list(prefix: string): Promise<string[]> {
      const dir = prefix ? join(root, ...prefix.replace(/\/$/, '').split('/')) : root;
      const out: string[] = [];
      await walk(dir, prefix.replace(/\/?$/, prefix ? '/' : ''), out);
      return out.sort();
    },
    async getAll<T>(prefix: string): Promise<Array<[string, T]>> {
      return readAll<T>(store, prefix);
    },
    async delete(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
    async sweep(maxAgeMs: number) {
      // Half-written documents of killed runs: hidden temp files anywhere under the root.
      return sweep(root, /^\..*\.tmp$/, maxAgeMs, true);
    },
    async close() {},
  };
  return store;
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

/** Folders known to exist (mkdir -p once per folder and process). */
const madeDirs = new Set<string>();

/** Write a file so that readers see either the old or the new content: temp file, fsync, rename. Owner-only. */
async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    madeDirs.add(dir);
  }
  const tmp = join(dir, `.${path.slice(dir.length + 1)}.${ownerTag()}.tmp`);
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
