import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import PQueue from 'p-queue';
import type { S3StoreConfig } from '../connector/config.js';
import { silentLogger } from '../connector/log.js';
import type { DocStore } from '../state/docstore.js';
import { createLocalDocStore } from '../state/local-docstore.js';
import { createMemoryDocStore } from '../state/memory-docstore.js';
import { StateRegistry, type FileEntry } from '../state/state-registry.js';
import { makeComponent, rmrf, tempDir } from './helpers/index.js';

const makeStore = (cfg: Record<string, unknown>) => makeComponent<DocStore>('store', cfg);
import { installS3Faults } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';

/**
 * One behaviour, two backends: the same suite runs against the local folder store and the S3 store
 * on a real S3 API server (s3rver on 127.0.0.1). The registries (state, schemas) are built on this.
 */

const BUCKET = 'registry-bkt';
const ctx = useS3rver([BUCKET]);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmrf(d);
});

const s3Cfg = (prefix: string, extra: Partial<S3StoreConfig> = {}): Partial<S3StoreConfig> & { type: 's3' } => ({
  type: 's3',
  bucket: BUCKET,
  prefix,
  endpoint: ctx.s3.endpoint,
  force_path_style: true,
  allow_http_for_local_development: true,
  ...extra,
});

const backends: Array<[string, () => DocStore | Promise<DocStore>]> = [
  [
    'local folder',
    () => {
      const d = tempDir('tc-docstore-');
      dirs.push(d);
      return createLocalDocStore(d);
    },
  ],
  // A fresh prefix per store, so each test starts empty; the prefix must isolate stores.
  ['S3 (s3rver)', () => makeStore(s3Cfg(`stores/${randomBytes(4).toString('hex')}`))],
  ['memory', () => createMemoryDocStore()],
];

for (const [name, make] of backends) {
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
        const keys = Array.from({ length: 40 }, (_, i) => `t/c/s/files/k${String(i).padStart(3, '0')}`);
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

describe('S3 DocStore specifics', () => {
  it('lists more than 1,000 documents (several ListObjectsV2 pages) and keeps stores under different prefixes apart', async () => {
    const a = await makeStore(s3Cfg('paged/a'));
    const b = await makeStore(s3Cfg('paged/ab'));
    try {
      const q = new PQueue({ concurrency: 16 });
      const keys = Array.from({ length: 1005 }, (_, i) => `s/files/${String(i).padStart(5, '0')}`);
      await Promise.all(keys.map((k) => q.add(() => a.put(k, { k }))));
      await b.put('s/files/other', { other: true });
      expect(await a.list('s/')).toEqual(keys);
      expect(await b.list('s/')).toEqual(['s/files/other']);
      expect(await b.get('s/files/00001')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('writes every document with server-side encryption: AES256 by default, aws:kms with the configured key', async () => {
    // s3rver accepts SSE headers but neither stores nor echoes them, so the request itself is checked.
    const faults = installS3Faults();
    try {
      const plain = await makeStore(s3Cfg('sse/plain'));
      const kms = await makeStore(s3Cfg('sse/kms', { kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }));
      await plain.put('k', { x: 1 });
      await kms.put('k', { x: 2 });
      expect(await kms.get('k')).toEqual({ x: 2 });
      await plain.close();
      await kms.close();
      const puts = faults.calls.filter((c) => c.command === 'PutObject');
      expect(puts).toHaveLength(2);
      expect(puts[0]!.headers['x-amz-server-side-encryption']).toBe('AES256');
      expect(puts[0]!.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
      expect(puts[1]!.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(puts[1]!.headers['x-amz-server-side-encryption-aws-kms-key-id']).toMatch(/^arn:aws:kms:.*1234567890ab$/);
    } finally {
      faults.uninstall();
    }
  });

  it('a missing bucket is a state error naming the bucket; a 503 is retried by the SDK', async () => {
    const st = await makeStore({ ...s3Cfg('x'), bucket: 'no-such-registry', max_attempts: 2 });
    await expect(st.put('a', {})).rejects.toMatchObject({ code: 'E_STATE', message: expect.stringMatching(/bucket no-such-registry does not exist/) });
    await st.close();
    const faults = installS3Faults(({ command, n }) => (command === 'GetObject' && n === 1 ? { kind: 'status', status: 503, code: 'SlowDown' } : undefined));
    try {
      const ok = await makeStore(s3Cfg('retry'));
      await ok.put('a', { y: 1 });
      expect(await ok.get('a')).toEqual({ y: 1 });
      await ok.close();
      expect(faults.calls.filter((c) => c.command === 'GetObject').map((c) => c.status)).toEqual([503, 200]);
    } finally {
      faults.uninstall();
    }
  });

  it('refuses a plain http endpoint that is not loopback, even with the local-development switch', async () => {
    await expect(makeStore({ ...s3Cfg('x'), endpoint: 'http://10.1.2.3:9000' })).rejects.toThrow(/not this machine/);
    await expect(makeStore({ ...s3Cfg('x'), allow_http_for_local_development: false })).rejects.toThrow(/plain http/);
  });
});
