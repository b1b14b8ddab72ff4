import { describe, expect, it } from 'vitest';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DocStore } from '../state/docstore.js';
import { Leases } from '../state/lease.js';
import { SchemaRegistry, VersionTaken } from '../state/schema-registry.js';
import { toJsonSchema } from '../connector/drift/json-schema.js';
import { makeComponent } from './helpers/index.js';
import { useS3rver } from './harness/s3rver.js';

/**
 * The S3 conditional writes of the registries, asserted request by request with aws-sdk-client-mock.
 * s3rver (the real server on 127.0.0.1 behind every request here) ignores If-None-Match and
 * If-Match, so the mock stands in front of it: it records each request's conditions, answers 412
 * Precondition Failed where S3 would (the condition checked against the object s3rver holds) or
 * where a test scripts a lost race, and forwards everything else to s3rver unchanged.
 */

const BUCKET = 'cond-bkt';
const ctx = useS3rver([BUCKET]);

/** S3 checks a condition and applies the write as one step per object: requests on one key queue here. */
const keyLocks = new Map<string, Promise<unknown>>();
function atomically<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = keyLocks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  keyLocks.set(key, run.catch(() => undefined));
  return run;
}

type Rule = (command: string, input: any) => { status: number; code: string } | undefined;

function httpError(status: number, code: string): Error {
  return Object.assign(new Error(code), { name: code, $metadata: { httpStatusCode: status } });
}

/** A store whose S3 client is stubbed: S3's condition rules against s3rver, then `extra`, then forward. */
async function conditionalStore(prefix: string, extra: Rule = () => undefined): Promise<{ store: DocStore; mock: AwsStub<any, any, any> }> {
  let mock: AwsStub<any, any, any> | undefined;
  const store = await makeComponent<DocStore>(
    'store',
    { type: 's3', bucket: BUCKET, prefix, endpoint: ctx.s3.endpoint, force_path_style: true, allow_http_for_local_development: true },
    { deps: { onS3Client: (client: S3Client) => void (mock = mockClient(client)) } },
  );
  const real = ctx.admin;
  const etagOf = async (input: any): Promise<string | undefined> => {
    try {
      return (await real.send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key }))).ETag;
    } catch {
      return undefined;
    }
  };
  const m = mock!;
  m.on(GetObjectCommand).callsFake((input) => real.send(new GetObjectCommand(input)));
  m.on(ListObjectsV2Command).callsFake((input) => real.send(new ListObjectsV2Command(input)));
  m.on(HeadObjectCommand).callsFake((input) => real.send(new HeadObjectCommand(input)));
  m.on(PutObjectCommand).callsFake((input) => atomically(`${input.Bucket}/${input.Key}`, async () => {
    const scripted = extra('PutObject', input);
    if (scripted) throw httpError(scripted.status, scripted.code);
    const etag = await etagOf(input);
    if (input.IfNoneMatch === '*' && etag !== undefined) throw httpError(412, 'PreconditionFailed');
    if (input.IfMatch !== undefined && input.IfMatch !== etag) throw httpError(412, 'PreconditionFailed');
    const { IfNoneMatch: _a, IfMatch: _b, ...plain } = input;
    return real.send(new PutObjectCommand(plain));
  }));
  m.on(DeleteObjectCommand).callsFake((input) => atomically(`${input.Bucket}/${input.Key}`, async () => {
    const scripted = extra('DeleteObject', input);
    if (scripted) throw httpError(scripted.status, scripted.code);
    if (input.IfMatch !== undefined && input.IfMatch !== (await etagOf(input))) throw httpError(412, 'PreconditionFailed');
    const { IfMatch: _b, ...plain } = input;
    return real.send(new DeleteObjectCommand(plain));
  }));
  return { store, mock: m };
}

const puts = (mock: AwsStub<any, any, any>, keyPart: string): any[] => mock.commandCalls(PutObjectCommand).filter((c) => String(c.args[0].input.Key).includes(keyPart)).map((c) => c.args[0].input);

describe('S3 conditional writes, request by request (aws-sdk-client-mock in front of s3rver)', () => {
  it('a lease: taken with If-None-Match: *, refused (412) to a second run while live, renewed with If-Match on its ETag, taken over with If-Match on the expired ETag, released with If-Match', async () => {
    const a = await conditionalStore('leases');
    const b = await conditionalStore('leases');
    let now = 1_000_000;
    const la = new Leases(a.store, 't', 'c', 'run-a', 10_000, () => now);
    const lb = new Leases(b.store, 't', 'c', 'run-b', 10_000, () => now);
    const got = await la.acquire('s');
    expect('lease' in got).toBe(true);
    const take = puts(a.mock, '_leases/s');
    expect(take).toHaveLength(1);
    expect(take[0].IfNoneMatch).toBe('*');
    expect(take[0].IfMatch).toBeUndefined();
    const firstEtag = (await ctx.admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: take[0].Key }))).ETag;

    expect('busy' in (await lb.acquire('s'))).toBe(true);
    const refused = puts(b.mock, '_leases/s');
    // b either tried the create (answered 412) or read the live lease first; it never wrote unconditionally.
    for (const p of refused) expect(p.IfNoneMatch === '*' || p.IfMatch !== undefined).toBe(true);

    now += 4_000;
    expect(await (got as any).lease.renew()).toBe(true);
    const renew = puts(a.mock, '_leases/s').slice(1);
    expect(renew).toHaveLength(1);
    expect(renew[0].IfMatch).toBe(firstEtag);
    const renewedEtag = (await ctx.admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: take[0].Key }))).ETag;
    expect(renewedEtag).not.toBe(firstEtag);

    now += 20_000; // a stopped renewing: expired
    const over = await lb.acquire('s');
    expect('lease' in over && (over as any).tookOver?.holder.run_id).toBe('run-a');
    const takeover = puts(b.mock, '_leases/s').filter((p) => p.IfMatch !== undefined);
    expect(takeover.length).toBeGreaterThanOrEqual(1);
    // a's renew now carries an ETag that is no longer the object's: 412, and a knows it lost.
    expect(await (got as any).lease.renew()).toBe(false);
    expect(puts(a.mock, '_leases/s').pop()!.IfMatch).toBe(renewedEtag);
    for (const p of takeover) expect(p.IfMatch).toBe(renewedEtag);

    await (over as any).lease.release();
    const del: any[] = b.mock.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input);
    expect(del).toHaveLength(1);
    expect(del[0].IfMatch).toMatch(/^"/);
    expect('lease' in (await la.acquire('s'))).toBe(true);
    await a.store.close();
    await b.store.close();
  });

  it('schema versions: two registries racing for version 1 both write If-None-Match: *; one wins, the other gets VersionTaken and the winner is not overwritten', async () => {
    const a = await conditionalStore('schemas');
    const b = await conditionalStore('schemas');
    const ra = new SchemaRegistry(a.store, 't', toJsonSchema);
    const rb = new SchemaRegistry(b.store, 't', toJsonSchema);
    const shapeA = { '/guid': { type: 'string', required: true, nullable: false } } as any;
    const shapeB = { '/guid': { type: 'string', required: true, nullable: false }, '/extra': { type: 'integer', required: false, nullable: true } } as any;
    const results = await Promise.allSettled([ra.register('s', 'e', shapeA, { reason: 'first_file', run_id: 'a' }, 1), rb.register('s', 'e', shapeB, { reason: 'first_file', run_id: 'b' }, 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionTaken);
    for (const m of [a.mock, b.mock]) {
      const v = puts(m, '/entities/e/v/');
      expect(v).toHaveLength(1);
      expect(v[0].IfNoneMatch).toBe('*');
    }
    const winner = (won[0] as PromiseFulfilledResult<any>).value;
    const stored = await ra.version('s', 'e', 1);
    expect(stored?.run_id).toBe(winner.run_id);
    expect((await ra.current('s', 'e'))?.version).toBe(1);
    // The `current` pointer: created with If-None-Match: *, moved forward only with If-Match.
    await ra.register('s', 'e', shapeB, { reason: 'evolve', run_id: 'a' }, 2);
    const cur = [...puts(a.mock, '/entities/e/current'), ...puts(b.mock, '/entities/e/current')];
    expect(cur.length).toBeGreaterThanOrEqual(2);
    for (const p of cur) expect(p.IfNoneMatch === '*' || typeof p.IfMatch === 'string').toBe(true);
    expect((await rb.current('s', 'e'))?.version).toBe(2);
    await a.store.close();
    await b.store.close();
  });

  it('a lost race reported as 409 ConditionalRequestConflict is a lost race too; any other failure of a conditional write is a registry error', async () => {
    const conflict = await conditionalStore('conflict', (cmd, input) => (cmd === 'PutObject' && String(input.Key).endsWith('/k.json') ? { status: 409, code: 'ConditionalRequestConflict' } : undefined));
    expect(await conflict.store.create('k', { a: 1 })).toBeUndefined();
    expect(puts(conflict.mock, '/k.json')[0].IfNoneMatch).toBe('*');
    const broken = await conditionalStore('broken', (cmd) => (cmd === 'PutObject' ? { status: 500, code: 'InternalError' } : undefined));
    await expect(broken.store.create('k', { a: 1 })).rejects.toMatchObject({ code: 'E_STATE' });
    await conflict.store.close();
    await broken.store.close();
  });
});
