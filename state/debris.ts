import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Temporary files say who made them: `<pid>~<host>~<time>~<random>`. A run that is killed leaves
 * them behind (staged outputs, half-written documents); the next run removes those whose maker is
 * gone: a process of this host that no longer runs, or any maker once the file is older than the
 * longest plausible run. Used by every component that writes temp files.
 */
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_');

/** A fresh owner tag for a temp file name. */
export function ownerTag(): string {
  return `${process.pid}~${HOST}~${Date.now().toString(36)}~${randomBytes(4).toString('hex')}`;
}

const TAG = /(\d+)~([A-Za-z0-9._-]+)~([0-9a-z]+)~[0-9a-f]{8}/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when a temp file named `name` (modified at `mtimeMs`) belongs to no live maker: its maker
 * ran on this host and has exited, or it is older than `maxAgeMs` (untagged files too: the names
 * of earlier versions carried no tag).
 */
export function isStale(name: string, mtimeMs: number, maxAgeMs: number, now = Date.now()): boolean {
  const m = TAG.exec(name);
  if (m && m[2] === HOST && Number(m[1]) !== process.pid && !alive(Number(m[1]))) return true;
  if (m && Number(m[1]) === process.pid && m[2] === HOST) return false; // ours, in use
  return now - mtimeMs > maxAgeMs;
}

export interface Swept {
  files: number;
  bytes: number;
}

/**
 * Remove the stale entries of `dir` whose names match `match` (files, or folders with all they
 * hold); `recurse` also looks into sub-folders for matching files. A folder that does not exist
 * is nothing to sweep.
 */
export async function sweep(dir: string, match: RegExp, maxAgeMs: number, recurse = false): Promise<Swept> {
  const out: Swept = { files: 0, bytes: 0 };
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return out;
    throw e;
  }
  for (const ent of entries) {
    const p = join(dir, ent.name);
    if (match.test(ent.name)) {
      const st = await stat(p).catch(() => undefined);
      if (!st || !isStale(ent.name, st.mtimeMs, maxAgeMs)) continue;
      out.files++;
      out.bytes += st.isDirectory() ? await folderBytes(p) : st.size;
      await rm(p, { recursive: true, force: true });
    } else if (recurse && ent.isDirectory()) {
      const sub = await sweep(p, match, maxAgeMs, true);
      out.files += sub.files;
      out.bytes += sub.bytes;
    }
  }
  return out;
}

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const ent of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) n += await folderBytes(p);
    else n += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return n;
}
