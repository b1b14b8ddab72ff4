import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localSource } from '../connector/sources/local.js';
import type { Source } from '../connector/sources/source.js';
import { rmrf, tempDir } from './helpers/index.js';

/**
 * A local file is read into buffers the reader gives back once their bytes were consumed
 * (`Source.recycle`), and read into again: the same bytes as the file, in order, from any start,
 * with the memory of one chunk reused for the next.
 */
describe('local reads into recycled buffers', () => {
  const dir = tempDir();
  afterAll(() => rmrf(dir));
  const data = randomBytes((5 << 20) + 12_345);
  writeFileSync(join(dir, 'f.bin'), data);
  writeFileSync(join(dir, 'small.bin'), data.subarray(0, 1000));

  const source = async (): Promise<Source> => localSource.create({ type: 'local', path: dir, settle_seconds: 0 }, {} as never);

  it('the file\'s bytes, whole and from an offset, with each chunk\'s memory used again once given back', async () => {
    const src = await source();
    for (const start of [0, 1, (1 << 20) + 7]) {
      const s = await src.open({ key: 'f.bin', uri: '', size: data.length, mtimeMs: 0 }, { start });
      const h = createHash('sha256');
      const memories = new Set<ArrayBufferLike>();
      let chunks = 0;
      for await (const c of s as AsyncIterable<Buffer>) {
        h.update(c);
        memories.add(c.buffer);
        chunks++;
        src.recycle!(c);
      }
      expect(h.digest('hex')).toBe(createHash('sha256').update(data.subarray(start)).digest('hex'));
      expect(chunks).toBeGreaterThanOrEqual(5);
      // The stream reads one chunk ahead: two memories at most, whatever the file's length.
      expect(memories.size).toBeLessThanOrEqual(3);
    }
  });

  it('chunks not given back are never read into again', async () => {
    const src = await source();
    const s = await src.open({ key: 'f.bin', uri: '', size: data.length, mtimeMs: 0 });
    const kept: Buffer[] = [];
    for await (const c of s as AsyncIterable<Buffer>) kept.push(c);
    expect(Buffer.concat(kept).equals(data)).toBe(true);
    expect(new Set(kept.map((c) => c.buffer)).size).toBe(kept.length);
  });

  it('a small file gets a small buffer; a missing file and an aborted read fail', async () => {
    const src = await source();
    const s = await src.open({ key: 'small.bin', uri: '', size: 1000, mtimeMs: 0 });
    const parts: Buffer[] = [];
    for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
    expect(Buffer.concat(parts).equals(data.subarray(0, 1000))).toBe(true);
    expect(parts[0]!.buffer.byteLength).toBeLessThan(64 * 1024);
    await expect(src.open({ key: 'gone.bin', uri: '', size: 1, mtimeMs: 0 })).rejects.toMatchObject({ code: 'E_VANISHED' });
    const ac = new AbortController();
    const big = await src.open({ key: 'f.bin', uri: '', size: data.length, mtimeMs: 0 }, { signal: ac.signal });
    const read = (async () => {
      for await (const c of big as AsyncIterable<Buffer>) {
        void c;
        ac.abort();
      }
    })();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
  });
});
