import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { inDir, stageFile } from './_staged.js';
import type { OutputTarget, Sink } from './sink.js';

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
      return stageFile(join(root, '.staging'), async (tmp, _bytes, sha) => {
        const dest = join(partition(root, tenantId, t), `${t.file_id}.${sha.slice(0, 16)}${suffix}`);
        await inDir(join(dest, '..'), () => rename(tmp, dest));
        return pathToFileURL(dest).href;
      });
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
      return stageFile(dir, (tmp, bytes) =>
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
