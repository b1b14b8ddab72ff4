import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { ConnectorError } from '../errors.js';
import type { OutputTarget, Sink, StagedOutput } from './sink.js';

/** Folders known to exist (mkdir -p once per process, not once per file). */
const madeDirs = new Set<string>();
async function ensureDir(dir: string): Promise<void> {
  if (madeDirs.has(dir)) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  madeDirs.add(dir);
}

/** Run `fn`; if a folder vanished since it was created (someone cleaned up), create it again once. */
async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await ensureDir(dir);
  try {
    return await fn();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    madeDirs.delete(dir);
    await ensureDir(dir);
    return fn();
  }
}

/** A staged file in `dir`, written through one handle, renamed to `finalPath(sha)` on commit. */
async function stageFile(stagingDir: string, finalPath: (sha: string) => string, onCommit?: (path: string, bytes: number) => Promise<string>): Promise<StagedOutput> {
  const tmp = join(stagingDir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.tmp`);
  let fh: FileHandle | undefined = await inDir(stagingDir, () => open(tmp, 'w', 0o600));
  let bytes = 0;
  return {
    async write(chunk: Buffer) {
      if (!fh) throw new ConnectorError('E_SINK', 'write after commit/abort');
      let off = 0;
      while (off < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
        off += bytesWritten;
      }
      bytes += chunk.length;
    },
    async rewrite(fn: (line: string) => string | null) {
      if (!fh) throw new ConnectorError('E_SINK', 'rewrite after commit/abort');
      await fh.close();
      fh = undefined;
      const tmp2 = tmp + '.rw';
      const out = await open(tmp2, 'w', 0o600);
      try {
        let parts: string[] = [];
        let size = 0;
        bytes = 0;
        const flush = async () => {
          if (!parts.length) return;
          const b = Buffer.from(parts.join(''));
          parts = [];
          size = 0;
          bytes += b.length;
          await out.write(b);
        };
        const rl = createInterface({ input: createReadStream(tmp, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
        for await (const line of rl) {
          const r = fn(line);
          if (r === null) continue;
          parts.push(r + '\n');
          size += r.length;
          if (size > 4 << 20) await flush();
        }
        await flush();
      } finally {
        await out.close();
      }
      await rename(tmp2, tmp);
      fh = await open(tmp, 'a', 0o600);
    },
    async commit(sha256: string) {
      if (!fh) throw new ConnectorError('E_SINK', 'commit after commit/abort');
      await fh.sync();
      await fh.close();
      fh = undefined;
      if (onCommit) {
        const uri = await onCommit(tmp, bytes);
        return { uri, bytes };
      }
      const dest = finalPath(sha256);
      await inDir(join(dest, '..'), () => rename(tmp, dest));
      return { uri: pathToFileURL(dest).href, bytes };
    },
    async abort() {
      if (fh) {
        await fh.close().catch(() => {});
        fh = undefined;
      }
      await rm(tmp, { force: true });
    },
  };
}

function partition(root: string, tenantId: string, t: OutputTarget): string {
  return join(root, `tenant=${tenantId}`, `stream=${t.stream_id}`, `date=${t.date}`);
}

/**
 * NDJSON files in a folder: `tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256:16>.ndjson`,
 * one per input file version, appearing by rename when the input file is complete. Staging happens
 * in `<root>/.staging` (same filesystem, so the rename is atomic). Owner-only permissions.
 */
export function createFolderNdjsonSink(root: string, tenantId: string, suffix = '.ndjson'): Sink {
  return {
    kind: 'ndjson',
    async open(t: OutputTarget) {
      return stageFile(join(root, '.staging'), (sha) => join(partition(root, tenantId, t), `${t.file_id}.${sha.slice(0, 16)}${suffix}`));
    },
    async close() {},
  };
}

/**
 * Envelopes on stdout. Each input file is staged to a temp file and copied to stdout when it is
 * complete, so stdout never carries part of a file that later fails or is quarantined, and lines of
 * files processed concurrently never interleave.
 */
export function createStdoutSink(out: NodeJS.WritableStream = process.stdout): Sink {
  const dir = join(tmpdir(), `tally-connector-${process.pid}-${randomBytes(4).toString('hex')}`);
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => {});
    return p;
  };
  const writeOut = async (chunk: string | Buffer) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  return {
    kind: 'stdout',
    async open() {
      return stageFile(dir, () => '', (tmp, bytes) =>
        serial(async () => {
          try {
            if (bytes > 0) {
              for await (const c of createReadStream(tmp, { highWaterMark: 1 << 20 })) await writeOut(c as Buffer);
            }
          } finally {
            await rm(tmp, { force: true });
          }
          return 'stdout:';
        }),
      );
    },
    async message(line: string) {
      await serial(() => writeOut(line.endsWith('\n') ? line : line + '\n'));
    },
    async close() {
      await chain;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function fileSize(p: string): Promise<number> {
  return (await stat(p)).size;
}
