import { describe, expect, it } from 'vitest';
import type { DocStore } from '../../state/docstore.js';
import { StateRegistry, type FileEntry } from '../../state/state-registry.js';

/**
 * The DocStore conformance suite: one behaviour on every backend (local folder, memory, S3). The
 * registries (state, schemas) are built on it. A backend joins with one line in
 * test/conformance.test.ts.
 */
export function describeDocStore(name: string, make: () => DocStore | Promise<DocStore>): void {
  describe(`DocStore conformance: ${name}`, () => {
    it('get of a missing key is undefined; put then get round-trips JSON; put overwrites', async () => {
      const st = await make();
      try {
        expect(await st.get('t1/c/s/stream')).toBeUndefined();
        const doc = { a: 1, s: 'ünïcode ✓', n: null, list: [1, '2', { x: true }], big: '12345678901234567890.01' };
        await st.put('t1/c/s/stream', doc);
        expect(await st.get('t1/c/s/stream')).toEqual(doc);
        await st.put('t1/c/s/stream', { v: 2 });
        expect(await st.get('t1/c/s/stream')).toEqual({ v: 2 });
      } finally {
        await st.close();
      }
    });

    it('list returns keys under a prefix, recursively and sorted, with or without the trailing slash', async () => {
      const st = await make();
      try {
        for (const k of ['t1/c/s1/stream', 't1/c/s1/files/bb', 't1/c/s1/files/aa', 't1/c/s2/stream', 't1/c2/s1/stream', 't10/c/s/stream']) await st.put(k, { k });
        expect(await st.list('t1/c/s1/files/')).toEqual(['t1/c/s1/files/aa', 't1/c/s1/files/bb']);
        expect(await st.list('t1/c/')).toEqual(['t1/c/s1/files/aa', 't1/c/s1/files/bb', 't1/c/s1/stream', 't1/c/s2/stream']);
        // "t1" is a folder: "t10/…" is not under it.
        expect(await st.list('t1')).toEqual(['t1/c/s1/files/aa', 't1/c/s1/files/bb', 't1/c/s1/stream', 't1/c/s2/stream', 't1/c2/s1/stream']);
        expect(await st.list('nothing/here/')).toEqual([]);
        expect((await st.list('')).length).toBe(6);
      } finally {
        await st.close();
      }
    });

    it('getAll returns [key, doc] pairs for everything under a prefix', async () => {
      const st = await make();
      try {
        // More than 256: the local store reads in batches of that many, yielding between them.
        const keys = Array.from({ length: 300 }, (_, i) => `t/c/s/files/k${String(i).padStart(3, '0')}`);
        await Promise.all(keys.map((k, i) => st.put(k, { i })));
        await st.put('t/c/s/stream', { stream: true });
        const all = await st.getAll<{ i: number }>('t/c/s/files/');
        expect(all.map(([k]) => k)).toEqual(keys);
        expect(all.map(([, d]) => d.i)).toEqual(keys.map((_, i) => i));
        expect(await st.getAll('none/')).toEqual([]);
      } finally {
        await st.close();
      }
    });

    it('delete removes a document; deleting a missing key is not an error', async () => {
      const st = await make();
      try {
        await st.put('a/b', { x: 1 });
        await st.put('a/c', { x: 2 });
        await st.delete('a/b');
        expect(await st.get('a/b')).toBeUndefined();
        expect(await st.list('a/')).toEqual(['a/c']);
        await expect(st.delete('a/never')).resolves.toBeUndefined();
      } finally {
        await st.close();
      }
    });

    it('conditional writes: create only once, replace or delete only the version read; concurrent creates have one winner', async () => {
      const st = await make();
      try {
        const v1 = await st.create('t1/c/leases/s', { holder: 'a' });
        expect(typeof v1).toBe('string');
        expect(await st.create('t1/c/leases/s', { holder: 'b' })).toBeUndefined();
        const got = await st.getVersioned<{ holder: string }>('t1/c/leases/s');
        expect(got).toEqual({ doc: { holder: 'a' }, version: v1 });
        const v2 = await st.replaceIf('t1/c/leases/s', { holder: 'a', n: 2 }, v1!);
        expect(typeof v2).toBe('string');
        expect(v2).not.toBe(v1);
        // The old version lost: neither a replace nor a delete with it succeeds.
        expect(await st.replaceIf('t1/c/leases/s', { holder: 'c' }, v1!)).toBeUndefined();
        expect(await st.replaceIf('t1/c/leases/s', null, v1!)).toBeUndefined();
        expect(await st.get('t1/c/leases/s')).toEqual({ holder: 'a', n: 2 });
        expect(await st.replaceIf('t1/c/leases/s', null, v2!)).toBe('');
        expect(await st.get('t1/c/leases/s')).toBeUndefined();
        expect(await st.replaceIf('t1/c/leases/s', { holder: 'd' }, v2!)).toBeUndefined();
        const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => st.create('t1/c/leases/race', { holder: i })));
        expect(wins.filter((w) => w !== undefined)).toHaveLength(1);
      } finally {
        await st.close();
      }
    });

    it('refuses unsafe keys (traversal, empty segments, odd characters) on every operation', async () => {
      const st = await make();
      try {
        for (const bad of ['../x', 'a/../../x', 'a//b', '/abs', 'a/b c', 'a/./b', '']) {
          await expect(st.put(bad, {}), bad).rejects.toThrow(/unsafe registry key/);
          await expect(st.get(bad), bad).rejects.toThrow(/unsafe registry key/);
          await expect(st.delete(bad), bad).rejects.toThrow(/unsafe registry key/);
        }
      } finally {
        await st.close();
      }
    });

    it('carries the StateRegistry: a committed file and the stream checkpoint read back', async () => {
      const st = await make();
      try {
        const reg = new StateRegistry(st, 't1', 'tally_file_dump');
        const entry: FileEntry = {
          state_version: 1,
          path: 'vouchers/2025-09-30/vouchers.csv',
          uri: 's3://org/tally/vouchers/2025-09-30/vouchers.csv',
          file_id: 'f1',
          status: 'committed',
          sha256: 'abc',
          size: 10,
          hint: { size: 10, mtime_ms: 1, etag: '"e"' },
          rows: 3,
          run_id: 'r1',
          at: new Date(0).toISOString(),
        };
        await reg.putFile('file.s3.tally.vouchers_csv', entry);
        const loaded = await reg.loadStream('file.s3.tally.vouchers_csv');
        expect(loaded.files.get(entry.path)).toEqual(entry);
        expect(loaded.doc?.last_checkpoint).toBe('s3://org/tally/vouchers/2025-09-30/vouchers.csv#sha256=abc');
        expect(await reg.streams()).toEqual(['file.s3.tally.vouchers_csv']);
      } finally {
        await st.close();
      }
    });
  });
}
