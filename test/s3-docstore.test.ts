import { describe, expect, it } from 'vitest';
import PQueue from 'p-queue';
import type { S3StoreConfig } from '../connector/config.js';
import { silentLogger } from '../connector/log.js';
import type { DocStore } from '../state/docstore.js';
import { Leases } from '../state/lease.js';
import { makeComponent } from './helpers/index.js';
import { installS3Faults } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';

const makeStore = (cfg: Record<string, unknown>) => makeComponent<DocStore>('store', cfg);

/**
 * What only the S3 document store does, on a real S3 API server (s3rver on 127.0.0.1). The behaviour
 * every store shares is the DocStore conformance suite (test/conformance.test.ts).
 */

const BUCKET = 'registry-bkt';
const ctx = useS3rver([BUCKET]);

const s3Cfg = (prefix: string, extra: Partial<S3StoreConfig> = {}): Partial<S3StoreConfig> & { type: 's3' } => ({
  type: 's3',
  bucket: BUCKET,
  prefix,
  endpoint: ctx.s3.endpoint,
  force_path_style: true,
  allow_http_for_local_development: true,
  ...extra,
});

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

  it('leases use S3 conditional writes: If-None-Match: * to take, If-Match on the ETag to renew, take over and release', async () => {
    // s3rver ignores the conditions: the harness checks them against the object's ETag and answers 412.
    const faults = installS3Faults(undefined, { conditions: ctx.admin });
    try {
      const store = await makeStore(s3Cfg('leases'));
      let now = 1_000_000;
      const a = new Leases(store, 't', 'c', 'run-a', 10_000, () => now);
      const b = new Leases(store, 't', 'c', 'run-b', 10_000, () => now);
      const ga = await a.acquire('s');
      expect('lease' in ga).toBe(true);
      expect('busy' in (await b.acquire('s'))).toBe(true);
      expect(await (ga as any).lease.renew()).toBe(true);
      now += 20_000;
      const gb = await b.acquire('s');
      expect(gb).toMatchObject({ tookOver: { holder: { run_id: 'run-a' } } });
      expect(await (ga as any).lease.renew()).toBe(false); // run-a lost it: its If-Match fails
      await (gb as any).lease.release();
      await store.close();
      const key = (c: { key?: string }) => c.key?.endsWith('_leases/s.json');
      const puts = faults.calls.filter((c) => c.command === 'PutObject' && key(c));
      const header = (c: { headers: Record<string, string> }, n: string) => Object.entries(c.headers).find(([k]) => k.toLowerCase() === n)?.[1];
      expect(puts.filter((c) => header(c, 'if-none-match') === '*').length).toBeGreaterThanOrEqual(2);
      expect(puts.filter((c) => header(c, 'if-match')).length).toBeGreaterThanOrEqual(3);
      expect(puts.every((c) => header(c, 'if-match') || header(c, 'if-none-match'))).toBe(true);
      expect(puts.some((c) => c.status === 412)).toBe(true);
      const del = faults.calls.filter((c) => c.command === 'DeleteObject' && key(c));
      expect(del).toHaveLength(1);
      expect(header(del[0]!, 'if-match')).toBeTruthy();
    } finally {
      faults.uninstall();
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
