import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkKey, type DocStore } from './docstore.js';
import { isStale, ownerTag, sweep } from './debris.js';

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
      // Documents here are small local files: read one after the other with blocking reads, giving
      // the event loop a turn every 256. Through the promise API each was four round trips to
      // libuv's threads (open, fstat, read, close) and a file handle to collect: a stream's 10,000
      // checkpoints took most of a 2 s no-op run.
      const keys = await store.list(prefix);
      const out: Array<[string, T]> = [];
      for (let i = 0; i < keys.length; i++) {
        if ((i & 255) === 255) await new Promise<void>((r) => setImmediate(r));
        const k = keys[i]!;
        let text: string;
        try {
          text = readFileSync(pathOf(k), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted since it was listed
          throw e;
        }
        out.push([k, JSON.parse(text) as T]);
      }
      return out;
    },
    async delete(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
    async getVersioned<T>(key: string) {
      try {
        const b = await readFile(pathOf(key));
        return { doc: JSON.parse(b.toString('utf8')) as T, version: versionOf(b) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async create(key: string, doc: unknown) {
      // Written aside, then linked into place: link() fails when the name exists, atomically.
      const path = pathOf(key);
      const data = Buffer.from(JSON.stringify(doc, null, 1) + '\n');
      const tmp = await writeTemp(path, data);
      try {
        await link(tmp, path);
        return versionOf(data);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
        throw e;
      } finally {
        await rm(tmp, { force: true });
      }
    },
    async replaceIf(key: string, doc: unknown, version: string) {
      const path = pathOf(key);
      return withLock(path, async () => {
        let cur: Buffer;
        try {
          cur = await readFile(path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw e;
        }
        if (versionOf(cur) !== version) return undefined;
        if (doc === null) {
          await rm(path, { force: true });
          return '';
        }
        const data = Buffer.from(JSON.stringify(doc, null, 1) + '\n');
        await writeFileAtomic(path, data);
        return versionOf(data);
      });
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

const versionOf = (b: Buffer | string) => createHash('sha256').update(b).digest('hex').slice(0, 32);

/** A hidden temp file beside `path` holding `data` (fsynced). */
async function writeTemp(path: string, data: Buffer): Promise<string> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${path.slice(dir.length + 1)}.${ownerTag()}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/**
 * Run `fn` holding an exclusive lock on `path` (a hidden `.lock` beside it, created with link()).
 * A lock older than 30 s belongs to a process that died holding it, and is broken.
 */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dirname(path), `.${path.slice(dirname(path).length + 1)}.lock`);
  const mine = await writeTemp(lock, Buffer.from(ownerTag()));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(mine, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // A lock says who holds it: one whose holder is gone (a process of this host that was
        // killed) or that is older than 30 s is broken.
        const st = await stat(lock).catch(() => undefined);
        const owner = st ? await readFile(lock, 'utf8').catch(() => '') : '';
        if (st && isStale(owner, st.mtimeMs, 30_000) && (await readFile(lock, 'utf8').catch(() => '')) === owner) await rm(lock, { force: true });
        else if (attempt > 500) throw new Error(`${lock} is held by another process`);
        else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
      }
    }
  } finally {
    await rm(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
