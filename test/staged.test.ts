import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stageFile } from '../connector/sinks/_staged.js';
import { ALIGN, alignedBuffer, DirectWriter, writeAligned } from '../connector/sinks/_direct.js';
import { rmrf, tempDir } from './helpers/index.js';

/**
 * The staged file under every local sink: it is synced in the background as it grows (so the sync
 * before delivery has little left), and a background sync that fails fails the commit, even when
 * the final sync would report success (Linux reports a writeback error once per handle).
 */
const root = tempDir('tc-staged-');
afterAll(() => rmrf(root));

// The prototype of the promise API's file handles, to count and break its syncs.
async function handleProto(): Promise<{ datasync(): Promise<void> }> {
  const fh = await open(join(root, 'probe'), 'w');
  const proto = Object.getPrototypeOf(fh) as { datasync(): Promise<void> };
  await fh.close();
  return proto;
}

describe('staged files', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  async function spyDatasync(fail: boolean): Promise<{ calls: number }> {
    const proto = await handleProto();
    const orig = proto.datasync;
    const seen = { calls: 0 };
    proto.datasync = function (this: unknown) {
      seen.calls++;
      if (fail) return Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      return orig.call(this);
    };
    restore = () => void (proto.datasync = orig);
    return seen;
  }

  const chunk = (i: number) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat(1000)}"}\n`);
  /** `b`'s bytes in page-aligned memory with a block to spare, as writeAligned wants them. */
  const inAligned = (b: Buffer) => {
    const m = alignedBuffer(b.length + ALIGN);
    b.copy(m);
    return m;
  };

  it('syncs as it grows and delivers every byte written', async () => {
    const seen = await spyDatasync(false);
    const dir = join(root, 'ok');
    const dest = join(root, 'ok.ndjson');
    const st = await stageFile(dir, async (tmp) => (await rename(tmp, dest), dest), { syncEvery: 64 * 1024 });
    let want = '';
    for (let i = 0; i < 400; i++) {
      const c = chunk(i);
      want += c.toString();
      await st.write(c);
    }
    // 400 KB written with a sync every 64 KB, one at a time: several syncs before the commit.
    expect(seen.calls).toBeGreaterThan(1);
    const r = await st.commit('x');
    expect(r.bytes).toBe(Buffer.byteLength(want));
    expect(readFileSync(dest, 'utf8')).toBe(want);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails the commit when a background sync failed, and delivers nothing', async () => {
    const seen = await spyDatasync(true);
    const dir = join(root, 'eio');
    const dest = join(root, 'eio.ndjson');
    let delivered = false;
    const st = await stageFile(dir, async (tmp) => ((delivered = true), await rename(tmp, dest), dest), { syncEvery: 64 * 1024 });
    for (let i = 0; i < 200; i++) await st.write(chunk(i));
    expect(seen.calls).toBeGreaterThan(0);
    await expect(st.commit('x')).rejects.toThrow(/EIO/);
    expect(delivered).toBe(false);
    expect(existsSync(dest)).toBe(false);
    await st.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  /** 20 MB in pieces of odd sizes (none a multiple of 4096), each piece's bytes telling where it is. */
  const pieces = () => {
    const out: Buffer[] = [];
    let total = 0;
    for (let i = 0; total < 20 << 20; i++) {
      const n = 1 + ((i * 7919) % 700_000);
      const b = Buffer.alloc(n, String.fromCharCode(97 + (i % 26)));
      b.write(`<${i}>`, 0);
      out.push(b);
      total += n;
    }
    return out;
  };

  async function bigStaged(dir: string, refuse = false) {
    const opened: string[] = [];
    const orig = DirectWriter.open;
    // As a file system without O_DIRECT answers (EINVAL): no direct writer.
    DirectWriter.open = async (path: string, at: number) => {
      const w = refuse ? undefined : await orig.call(DirectWriter, path, at);
      opened.push(w ? 'direct' : 'refused');
      return w;
    };
    try {
      const dest = `${dir}.out`;
      const st = await stageFile(dir, async (tmp) => (await rename(tmp, dest), dest));
      const all = pieces();
      for (const b of all) await st.write(b);
      const r = await st.commit('x');
      return { opened, want: Buffer.concat(all), got: readFileSync(dest), bytes: r.bytes };
    } finally {
      DirectWriter.open = orig;
    }
  }

  it('a large output goes to the disk directly (O_DIRECT): every byte in place, whatever the sizes written', async () => {
    const r = await bigStaged(join(root, 'direct'));
    expect(r.opened).toEqual(['direct']);
    expect(r.bytes).toBe(r.want.length);
    expect(r.got.equals(r.want)).toBe(true);
  });

  it('writes issued without waiting for each other land in the order they were issued, across the switch to O_DIRECT', async () => {
    const dest = join(root, 'unawaited.out');
    const st = await stageFile(join(root, 'unawaited'), async (tmp) => (await rename(tmp, dest), dest));
    const all = pieces();
    await Promise.all(all.map((b) => st.write(b)));
    await st.commit('x');
    expect(readFileSync(dest).equals(Buffer.concat(all))).toBe(true);
  });

  it('ranges written side by side at unaligned offsets, in any order, the middles directly: every byte in place', async () => {
    // A split CSV's threads write their ranges where those before them end: blocks at the cuts are
    // shared by two ranges, and only the blocks wholly inside one range may be written directly.
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const want = Buffer.alloc(12 << 20);
    for (let i = 0; i < want.length; i++) want[i] = rnd(256);
    const cuts: Array<[number, number]> = [];
    for (let at = 0; at < want.length; ) {
      const n = Math.min(want.length - at, [1, 100, ALIGN - 1, ALIGN + 1, 70_000, 1_500_001, 3 << 20][rnd(7)]!);
      cuts.push([at, n]);
      at += n;
    }
    for (let i = cuts.length - 1; i > 0; i--) {
      const j = rnd(i + 1);
      [cuts[i], cuts[j]] = [cuts[j]!, cuts[i]!];
    }
    const file = join(root, 'ranges');
    writeFileSync(file, '');
    // Written all at once, as threads do: neighbours' writes overlap in time.
    const direct = (await Promise.all(cuts.map(([at, n]) => writeAligned(file, inAligned(want.subarray(at, at + n)), n, at, 64 * 1024)))).reduce((a, n) => a + n, 0);
    expect(readFileSync(file).equals(want)).toBe(true);
    // Most of the bytes went directly (whole blocks of the ranges past 64 KiB).
    expect(direct).toBeGreaterThan(want.length / 2);
    expect(direct % ALIGN).toBe(0);
  });

  it('a direct writer with writes in flight: random sizes through small areas land byte for byte, tail included', async () => {
    const sizes = [1, 7, ALIGN - 1, ALIGN, ALIGN + 3, 3 * ALIGN + 5, 20_000];
    /** The same 300 pieces of random bytes for a seed. */
    const gen = (seed0: number) => {
      let seed = seed0;
      const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
      return Array.from({ length: 300 }, () => {
        const b = Buffer.alloc(sizes[rnd(sizes.length)]!);
        for (let k = 0; k < b.length; k++) b[k] = rnd(256);
        return b;
      });
    };
    for (const [areaBytes, count, seed] of [[2 * ALIGN, 2, 5], [3 * ALIGN, 3, 6], [64 * 1024, 4, 7]] as const) {
      const file = join(root, `inflight-${areaBytes}-${count}`);
      writeFileSync(file, '');
      const w = (await DirectWriter.open(file, 0, areaBytes, count))!;
      expect(w).toBeDefined();
      for (const b of gen(seed)) {
        // A write resolves once its bytes are staged: the caller may reuse its buffer at once.
        await w.write(b);
        b.fill(0);
      }
      const { tail, at } = await w.end();
      const fh = await open(file, 'r+');
      await fh.write(tail, 0, tail.length, at);
      await fh.close();
      expect(readFileSync(file).equals(Buffer.concat(gen(seed))), `areas ${areaBytes} x ${count}`).toBe(true);
    }
  });

  it('a direct write that fails in flight is reported by the next write or by end, not lost', async () => {
    const file = join(root, 'inflight-fails');
    writeFileSync(file, '');
    const w = (await DirectWriter.open(file, 0, 2 * ALIGN, 3))!;
    await w.write(Buffer.alloc(ALIGN, 1));
    // The handle under the writer fails its writes from now on (as a full or failing disk would).
    const fh = (w as unknown as { fh: { write: (...a: unknown[]) => Promise<unknown> } }).fh;
    fh.write = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    let thrown: unknown;
    try {
      for (let i = 0; i < 10; i++) await w.write(Buffer.alloc(ALIGN, 2));
    } catch (e) {
      thrown = e;
    }
    expect(String(thrown)).toMatch(/ENOSPC/);
    await expect(w.end()).rejects.toThrow(/ENOSPC/);
    const w2 = (await DirectWriter.open(file, 0, 2 * ALIGN, 3))!;
    (w2 as unknown as { fh: { write: () => Promise<unknown> } }).fh.write = () => Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
    await w2.write(Buffer.alloc(ALIGN, 1)); // staged and started: the failure comes later
    await expect(w2.end()).rejects.toThrow(/EIO/);
  });

  it('a range shorter than the direct threshold is written buffered', async () => {
    const file = join(root, 'short-range');
    writeFileSync(file, 'abc');
    expect(await writeAligned(file, inAligned(Buffer.from('defgh')), 5, 3, 1)).toBe(0);
    expect(await writeAligned(file, inAligned(Buffer.alloc(3 * ALIGN, 120)), 3 * ALIGN, 8, 4 * ALIGN)).toBe(0);
    // Memory that is not page-aligned is written buffered.
    const odd = Buffer.alloc(2 * ALIGN + 1 + ALIGN, 121).subarray(1);
    expect(await writeAligned(file, odd, ALIGN, 8 + 3 * ALIGN, 1)).toBe(0);
    expect(readFileSync(file).toString()).toBe('abcdefgh' + 'x'.repeat(3 * ALIGN) + 'y'.repeat(ALIGN));
  });

  it('where the file system refuses O_DIRECT, the output is written buffered: the same bytes', async () => {
    const r = await bigStaged(join(root, 'refused'), true);
    expect(r.opened).toEqual(['refused']);
    expect(r.got.equals(r.want)).toBe(true);
  });

  it('bytes written from outside (external) are synced in the background as they are reported, and a failed sync fails finish', async () => {
    for (const fail of [false, true]) {
      const seen = await spyDatasync(fail);
      const dir = join(root, `outside-${fail}`);
      const st = await stageFile(dir, async (tmp) => tmp, { syncEvery: 64 * 1024 });
      const ext = await st.external!();
      const { appendFileSync } = await import('node:fs');
      for (let i = 0; i < 200; i++) {
        const c = chunk(i);
        appendFileSync(ext.path, c);
        ext.wrote?.(c.length);
      }
      if (fail) {
        await expect(ext.finish(0)).rejects.toThrow(/EIO/);
        await st.abort();
      } else {
        await ext.finish(0);
        await st.commit('x');
      }
      // finish waited for the sync the reports started (one at a time: at least one).
      expect(seen.calls).toBeGreaterThan(0);
      restore?.();
      restore = undefined;
    }
  });

  it('does not sync an output that is uploaded, not renamed', async () => {
    const seen = await spyDatasync(false);
    const dir = join(root, 'upload');
    const st = await stageFile(dir, async () => 's3://bucket/key', { fsync: false, syncEvery: 64 * 1024 });
    for (let i = 0; i < 200; i++) await st.write(chunk(i));
    await st.commit('x');
    expect(seen.calls).toBe(0);
  });
});
