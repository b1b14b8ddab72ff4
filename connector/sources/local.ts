import { close, open as openFd, read } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, stat, unlink, copyFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { pathToFileURL } from 'node:url';
import { Readable, addAbortSignal } from 'node:stream';
import { ConnectorError } from '../errors.js';
import { isInside } from '../clients/paths.js';
import type { DisposeAction, RefusalReport, RemoteFile, Source, SourceComponent } from './source.js';

const READ_CHUNK = 1 << 20;

/**
 * Read buffers of READ_CHUNK bytes given back by the reader once their bytes were hashed and parsed
 * (`recycle`), read into again. A fresh megabyte per read left a backfill's main thread with a
 * malloc heap of freed buffers waiting for a garbage collection (115 MB of a 310 MB peak, read
 * from /proc/<pid>/smaps): the memory that no longer changes hands is not left behind.
 */
const POOL_MAX = 16;
const pool: Buffer[] = [];
/** The memory of the buffers this module made (chunks are views on it). */
const made = new WeakSet<ArrayBufferLike>();

function readBuffer(size: number): Buffer {
  if (size !== READ_CHUNK) return Buffer.allocUnsafeSlow(size);
  const b = pool.pop();
  if (b) return b;
  const nb = Buffer.allocUnsafeSlow(READ_CHUNK);
  made.add(nb.buffer);
  return nb;
}

function recycleChunk(chunk: Buffer): void {
  const ab = chunk.buffer;
  // Only this module's buffers, each once (the pool is a few buffers: a scan finds one given twice).
  if (!made.has(ab) || pool.length >= POOL_MAX || pool.some((b) => b.buffer === ab)) return;
  pool.push(Buffer.from(ab, 0, READ_CHUNK));
}

/** A file's bytes from `start`, in chunks of `size` (from the pool when they are READ_CHUNK). */
function fileStream(path: string, size: number, start: number, signal: AbortSignal | undefined): Readable {
  let fd: number | undefined;
  let pos = start;
  // A read in flight when the stream is destroyed: the descriptor is closed after it (its number
  // could otherwise be reused by another open while the read still runs).
  let reading = false;
  let closeAfterRead: (() => void) | undefined;
  const stream = new Readable({
    highWaterMark: size,
    construct(cb) {
      openFd(path, 'r', (e, f) => {
        if (e) return cb(e);
        fd = f;
        cb();
      });
    },
    read() {
      const buf = readBuffer(size);
      reading = true;
      read(fd!, buf, 0, size, pos, (e, n) => {
        reading = false;
        if (closeAfterRead) return closeAfterRead();
        if (e) return this.destroy(e);
        if (n === 0) {
          recycleChunk(buf);
          this.push(null);
          return;
        }
        pos += n;
        this.push(n === buf.length ? buf : buf.subarray(0, n));
      });
    },
    destroy(err, cb) {
      if (fd === undefined) return cb(err);
      const f = fd;
      fd = undefined;
      const done = () => close(f, () => cb(err));
      if (reading) closeAfterRead = done;
      else done();
    },
  });
  if (signal) addAbortSignal(signal, stream);
  return stream;
}

export interface LocalSourceConfig {
  type: 'local';
  path: string;
  settle_seconds: number;
  archive_to?: string;
}

/** A folder on this machine: the embedded default for trying things out and for tests. */
export const localSource: SourceComponent<LocalSourceConfig> = {
  type: 'local',
  schema: {
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'Folder that holds the landing.' },
      settle_seconds: { type: 'number', minimum: 0, default: 0, description: 'Files modified more recently than this are left for the next run (still being written).' },
      archive_to: { type: 'string', minLength: 1, description: 'Folder that streams with `after_commit: archive` move committed files to, keeping their relative paths. Outside the landing, or inside it (then it is not listed); never the landing itself or a folder above it.' },
    },
  },
  paths: ['path', 'archive_to'],
  check(cfg) {
    if (cfg.archive_to && cfg.path && isInside(resolve(cfg.archive_to), resolve(cfg.path))) return 'archive_to is the landing folder or a folder above it; give a folder beside or inside the landing';
    return undefined;
  },
  async create(cfg) {
    return createLocalSource(cfg);
  },
};

function createLocalSource(cfg: LocalSourceConfig): Source {
  const root = cfg.path;
  const rootUri = pathToFileURL(root).href;
  let realRoot: string | undefined;
  const archive = cfg.archive_to ? resolve(cfg.archive_to) : undefined;

  async function resolveRoot(): Promise<string> {
    if (realRoot) return realRoot;
    try {
      const st = await stat(root);
      if (!st.isDirectory()) throw new ConnectorError('E_SOURCE', `landing ${root} is not a folder`);
      realRoot = await realpath(root);
      return realRoot;
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConnectorError('E_SOURCE', `landing folder ${root} cannot be read (${code ?? String(e)})`, {
        cause: e,
        hint: code === 'ENOENT' ? 'create the folder or fix source.path in the config' : 'check the permissions of the folder',
      });
    }
  }

  async function* walk(dir: string, rel: string, real: string, refused: RefusalReport | undefined): AsyncGenerator<RemoteFile> {
    let entries;
    try {
      // Names as bytes: a name that is not valid UTF-8 is reported, not silently mangled.
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      if (dir === root) throw new ConnectorError('E_SOURCE', `landing folder ${root} cannot be listed (${(e as NodeJS.ErrnoException).code})`, { cause: e });
      return; // a sub-folder removed while listing
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const ent of entries) {
      const name = ent.name.toString('utf8');
      const full = join(dir, name);
      const key = rel ? `${rel}/${name}` : name;
      const uri = pathToFileURL(full).href;
      if (!isUtf8(ent.name)) {
        const st = await lstat(Buffer.concat([Buffer.from(dir + sep), ent.name])).catch(() => undefined);
        refused?.({ file: { key, uri, size: st?.size ?? 0, mtimeMs: Math.floor(st?.mtimeMs ?? 0) }, code: 'E_NAME_ENCODING', reason: 'the file name is not valid UTF-8 (rename it in UTF-8)' });
        continue;
      }
      if (ent.isSymbolicLink()) {
        // Links are not followed: a target inside the root is listed on its own; one outside is refused.
        let target: string | undefined;
        try {
          target = await realpath(full);
        } catch {
          target = undefined;
        }
        if (target !== undefined && isInside(real, target)) continue;
        const st = await lstat(full).catch(() => undefined);
        const file = { key, uri, size: st?.size ?? 0, mtimeMs: Math.floor(st?.mtimeMs ?? 0) };
        if (target === undefined) refused?.({ file, code: 'E_LINK_DANGLING', reason: 'a symbolic link whose target does not exist' });
        else refused?.({ file, code: 'E_LINK_OUTSIDE', reason: 'a symbolic link whose target is outside the landing root' });
        continue;
      }
      if (ent.isDirectory()) {
        if (archive && full === archive) continue; // where committed files are archived
        yield* walk(full, key, real, refused);
      } else if (ent.isFile()) {
        const st = await stat(full).catch(() => undefined);
        if (!st) continue;
        yield { key, uri, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
      }
    }
  }

  return {
    kind: 'local',
    rootUri,
    settleMs: cfg.settle_seconds * 1000,
    readAttempts: 1,
    ranges: true,
    recycle: recycleChunk,
    async *list(refused?: RefusalReport) {
      const real = await resolveRoot();
      yield* walk(root, '', real, refused);
    },
    async open(file: RemoteFile, opts = {}): Promise<Readable> {
      const full = join(root, ...file.key.split('/'));
      const real = await resolveRoot();
      // Refuse anything whose key would leave the root (a crafted key, a link swapped after listing).
      const rel = relative(root, full);
      if (rel.startsWith('..') || rel.includes(`${sep}..${sep}`)) {
        throw new ConnectorError('E_READ', `refusing to read outside the landing: ${file.key}`);
      }
      try {
        const target = await realpath(full);
        if (!isInside(real, target)) throw new ConnectorError('E_READ', `refusing to read a link that leaves the landing: ${file.key}`);
        await lstat(full);
      } catch (e) {
        if (e instanceof ConnectorError) throw e;
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ConnectorError('E_VANISHED', 'the file vanished between listing and reading', { cause: e });
        throw new ConnectorError('E_READ', `cannot open file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e, retryable: true });
      }
      // A small file gets a small read buffer: allocating 1 MiB for each of ten thousand tiny files
      // is what a backfill's garbage collector would spend its time on.
      const hwm = Math.min(READ_CHUNK, Math.max(16 * 1024, file.size + 1));
      return fileStream(full, hwm, opts.start ?? 0, opts.signal);
    },
    async dispose(file: RemoteFile, action: DisposeAction) {
      const full = join(root, ...file.key.split('/'));
      if (relative(root, full).startsWith('..')) throw new ConnectorError('E_DISPOSE', 'refusing to move a file outside the landing');
      const st = await lstat(full).catch(() => undefined);
      // Only the file that was read: a new version dropped since is left for the next run.
      if (!st || !st.isFile() || st.size !== file.size || Math.floor(st.mtimeMs) !== file.mtimeMs) {
        throw new ConnectorError('E_CHANGED', st ? 'the file changed after it was read; left in place for the next run' : 'the file is gone from the landing');
      }
      if (action === 'delete') {
        await unlink(full);
        return {};
      }
      if (!archive) throw new ConnectorError('E_CONFIG', 'after_commit: archive needs source.archive_to');
      const dest = join(archive, ...file.key.split('/'));
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
      try {
        await rename(full, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        // Another file system: copy, then remove the original.
        await copyFile(full, dest);
        await unlink(full);
      }
      return { uri: pathToFileURL(dest).href };
    },
    async close() {},
  };
}
