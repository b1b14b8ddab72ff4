import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ownerTag, sweep } from '../../state/debris.js';
import { stageFile } from './_staged.js';
import type { SinkComponent, Sink } from './sink.js';

export interface StdoutSinkConfig {
  type: 'stdout';
}

/** Envelopes on standard output (and, in `read` mode, every protocol message). */
export const stdoutSink: SinkComponent<StdoutSinkConfig> = {
  type: 'stdout',
  schema: { properties: {} },
  async create(_cfg, ctx) {
    return createStdoutSink(ctx.stdout ?? process.stdout);
  },
};

/**
 * Envelopes on stdout. Each input file is staged to a temp file and copied to stdout when it is
 * complete, so stdout never carries part of a file that later fails or is quarantined, and lines of
 * files processed concurrently never interleave.
 */
function createStdoutSink(out: NodeJS.WritableStream): Sink {
  const dir = join(tmpdir(), `tally-connector-${ownerTag()}`);
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
    async sweep(maxAgeMs: number) {
      return sweep(tmpdir(), /^tally-connector-\d/, maxAgeMs);
    },
    async close() {
      await chain;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
