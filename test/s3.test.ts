import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import PQueue from 'p-queue';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLoopbackHost, validateEndpoint } from '../connector/clients/s3.js';
import { CORPUS, HAVE_CORPUS, ROOT, cli, listFiles, makeComponent, readOutputs, rmrf, tempDir } from './helpers/index.js';
import { installS3Faults, type Fault, type FaultPlan } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';
import { bigCsv, corpusBytes, corpusFiles, drainMeasured, envelopesByPath, expectSameIdsOnce, recordIds, recordsByPath, runCorpusLocally, writeBigFile } from './harness/records.js';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { silentLogger } from '../connector/log.js';
import type { Source } from '../connector/sources/source.js';
import { loadConfig } from '../connector/config.js';

/**
 * The S3 landing against a real S3 API server (s3rver, a child process on 127.0.0.1), faults injected
 * below the SDK's retry strategy. These tests fail, never skip, when the server cannot start.
 */

const BUCKET = 'landing-bkt';
const STATE_BUCKET = 'state-bkt';
const ctx = useS3rver([BUCKET, STATE_BUCKET]);

async function put(key: string, body: Buffer | string, bucket = BUCKET): Promise<void> {
  await ctx.admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function putAll(entries: Array<[string, Buffer | string]>, bucket = BUCKET): Promise<void> {
  const q = new PQueue({ concurrency: 16 });
  await Promise.all(entries.map(([k, b]) => q.add(() => put(k, b, bucket))));
}

interface S3Opts {
  prefix: string;
  bucket?: string;
  source?: string;
  streams?: string;
  stateS3?: string;
  extra?: string;
  concurrency?: number;
  endpoint?: string;
}

/** A config for an S3 landing; state (local or on s3rver) and output in `dir`. */
function s3Config(dir: string, o: S3Opts, name = 'c.yaml'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const state = o.stateS3
    ? `{ type: s3, bucket: ${STATE_BUCKET}, prefix: "${o.stateS3}", endpoint: "${ctx.s3.endpoint}", force_path_style: true, allow_http_for_local_development: true }`
    : `{ type: local, path: ${join(dir, 'state')} }`;
  writeFileSync(
    file,
    `tenant_id: t1
connector_id: tally_file_dump
source:
  type: s3
  bucket: ${o.bucket ?? BUCKET}
  prefix: "${o.prefix}"
  region: us-east-1
  endpoint: "${o.endpoint ?? ctx.s3.endpoint}"
  force_path_style: true
  allow_http_for_local_development: true
${(o.source ?? '').replace(/^/gm, '  ')}
streams:
${o.streams ?? `  - { id: file.s3.tally.xml, pattern: "**/*.xml" }
  - { id: file.s3.tally.csv, pattern: "**/*.csv" }`}
state: ${state}
sink: { type: ndjson, path: ${join(dir, 'out')} }
concurrency: ${o.concurrency ?? 2}
privacy: { clear_names: true }
log_level: warn
${o.extra ?? ''}
`,
  );
  return file;
}

/** Log lines that signal trouble (drift alerts of a first run are expected warnings, not trouble). */
const problems = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.trim())
    .filter((l) => !l.startsWith('{') || ['error', 'fatal'].includes(JSON.parse(l).level) || ['file_retry', 'file_failed', 'file_vanished'].includes(JSON.parse(l).event));

const logEvents = (stderr: string, event: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((l) => l.event === event);

describe('examples/s3.yaml', () => {
  it('is a valid config', () => {
    expect(loadConfig(join(ROOT, 'examples', 's3.yaml')).source).toMatchObject({ type: 's3', bucket: 'org-tally-landing' });
  });
});

describe('S3 endpoint policy (HTTPS only; http only for loopback with the local-development switch)', () => {
  it('knows loopback hosts and nothing else', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', '128.0.0.1', 'localhost.example.com', '127.0.0.1.nip.io', 's3.amazonaws.com', '[::2]', '0.0.0.0']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('accepts https anywhere, refuses http without the switch and http to any non-loopback host', () => {
    expect(validateEndpoint('https://s3.eu-west-1.amazonaws.com', false, 'source.endpoint')?.host).toBe('s3.eu-west-1.amazonaws.com');
    expect(validateEndpoint('http://127.0.0.1:9000', true, 'source.endpoint')?.port).toBe('9000');
    expect(validateEndpoint('http://[::1]:9000', true, 'source.endpoint')?.hostname).toBe('[::1]');
    expect(() => validateEndpoint('http://127.0.0.1:9000', false, 'source.endpoint')).toThrow(/plain http .*only reached over HTTPS/);
    expect(() => validateEndpoint('http://minio.internal:9000', true, 'source.endpoint')).toThrow(/not this machine/);
    expect(() => validateEndpoint('http://127.0.0.1.nip.io:9000', true, 'source.endpoint')).toThrow(/not this machine/);
    expect(() => validateEndpoint('ftp://127.0.0.1', true, 'source.endpoint')).toThrow(/not supported/);
    expect(() => validateEndpoint('https://AKIA:secret@s3.example.com', false, 'source.endpoint')).toThrow(/must not carry credentials/);
  });

  it('a run with an http endpoint and no switch stops with exit 2 before any request', async () => {
    const dir = tempDir();
    try {
      const cfg = join(dir, 'c.yaml');
      writeFileSync(
        cfg,
        `tenant_id: t1
connector_id: c
source: { type: s3, bucket: ${BUCKET}, endpoint: "${ctx.s3.endpoint}", force_path_style: true }
streams: [{ id: s, pattern: "**/*.xml" }]
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: ndjson, path: ${join(dir, 'out')} }
`,
      );
      const faults = installS3Faults();
      try {
        const r = await cli(['run', '--config', cfg]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/source\.endpoint is plain http/);
        expect(r.stderr).toMatch(/allow_http_for_local_development/);
        expect(faults.calls).toEqual([]);
        const c = await cli(['check', '--config', cfg]);
        expect(c.code).toBe(2);
        expect(c.stdout).toMatch(/FAIL configure .*plain http/);
      } finally {
        faults.uninstall();
      }
      writeFileSync(cfg, `tenant_id: t1
connector_id: c
source: { type: s3, bucket: ${BUCKET}, endpoint: "http://192.0.2.10:9000", allow_http_for_local_development: true }
streams: [{ id: s, pattern: "**/*.xml" }]
state: { type: local, path: ${join(dir, 'state')} }
sink: { type: ndjson, path: ${join(dir, 'out')} }
`);
      // 192.0.2.10 is a documentation address; it is refused while the config is read, never contacted.
      const seen = installS3Faults();
      try {
        const r2 = await cli(['run', '--config', cfg]);
        expect(r2.code).toBe(2);
        expect(r2.stderr).toMatch(/192\.0\.2\.10, which is not this machine/);
        expect(seen.calls).toEqual([]);
      } finally {
        seen.uninstall();
      }
    } finally {
      rmrf(dir);
    }
  });
});

describe('S3 credentials come from the AWS chain only', () => {
  it('refuses keys in the config file (exit 2), and with no credentials anywhere fails with exit 5 naming the chain', async () => {
    const dir = tempDir();
    const chainVars = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'];
    const kept = Object.fromEntries(chainVars.map((k) => [k, process.env[k]]));
    try {
      const withKeys = s3Config(dir, { prefix: 'x', source: 'secret_access_key: S3RVER' }, 'keys.yaml');
      const r0 = await cli(['run', '--config', withKeys]);
      expect(r0.code).toBe(2);
      expect(r0.stderr).toMatch(/secret_access_key/);

      for (const k of chainVars) delete process.env[k];
      // No environment keys, no profile files, and no instance metadata (never leave loopback).
      process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'no-credentials');
      process.env['AWS_CONFIG_FILE'] = join(dir, 'no-config');
      process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
      const r = await cli(['run', '--config', s3Config(dir, { prefix: 'x' })]);
      expect(r.code).toBe(5);
      expect(r.summary.error).toMatch(/no AWS credentials were found for s3:\/\/landing-bkt\/x\//);
      expect(r.summary.error).toMatch(/credentials never go in the config file/);
    } finally {
      for (const [k, v] of Object.entries(kept)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmrf(dir);
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('the Tally corpus landed in S3', () => {
  const PREFIX = 'exports/t1';
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    if (!ctx.s3) return; // the server did not start: each test then fails
    await putAll(corpusFiles().map((f) => [`${PREFIX}/tally/${f}`, corpusBytes(f)]));
    // Outside the prefix (a sibling that shares its first characters, and another tenant): never listed.
    await put('exports/t1-other/tally/leak.xml', corpusBytes(corpusFiles()[0]!));
    await put('exports/t2/tally/leak.xml', corpusBytes(corpusFiles()[0]!));
  });
  afterAll(() => rmrf(dir));

  it('ingests with the same records as the local folder; a second run processes 0 files', async () => {
    // The same files read in place from the corpus folder.
    const local = await runCorpusLocally(join(dir, 'local'), 'file.s3.tally.xml');

    const cfg = s3Config(dir, { prefix: PREFIX, streams: '  - { id: file.s3.tally.xml, pattern: "**/*.xml" }' });
    const r1 = await cli(['run', '--config', cfg]);
    expect(r1.code).toBe(0);
    expect(problems(r1.stderr)).toEqual([]);
    expect(r1.summary).toMatchObject({ files_discovered: corpusFiles().length, files_processed: corpusFiles().length, files_failed: 0, rows_emitted: local.rowsEmitted });
    expect(r1.summary.rows_emitted).toBeGreaterThan(100);

    const fromS3 = recordsByPath(join(dir, 'out'), (p) => p.replace(/^tally\//, ''));
    const fromLocal = recordsByPath(local.out);
    expect([...fromS3.keys()].sort()).toEqual(corpusFiles());
    for (const f of corpusFiles()) expect(fromS3.get(f), f).toEqual(fromLocal.get(f));

    expect(readOutputs(join(dir, 'out')).every((e) => !String(e.source.path).includes('leak'))).toBe(true);
    const r2 = await cli(['run', '--config', cfg]);
    expect(r2.code).toBe(0);
    expect(r2.summary).toMatchObject({ files_discovered: corpusFiles().length, files_processed: 0, files_skipped: corpusFiles().length, rows_emitted: 0 });
  });
});

describe('S3 landing', () => {
  let dir: string;
  let faults: ReturnType<typeof installS3Faults> | undefined;
  const inject = (plan: FaultPlan) => (faults = installS3Faults(plan));
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    faults?.uninstall();
    faults = undefined;
    rmrf(dir);
  });

  it('lists page by page (page_size 7 over 30 keys, nested) and loses nothing; records carry s3:// URIs and ETags', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `paged/${i % 3 === 0 ? `d${i % 4}/deep/` : ''}trn_${String(i).padStart(2, '0')}.csv`);
    await putAll(keys.map((k, i) => [k, `guid,amount\r\ng-${i}-a,1.00\r\ng-${i}-b,-1.00\r\n`]));
    await put('paged/folder-marker/', Buffer.alloc(0));
    const obs = inject(() => undefined);
    const cfg = s3Config(dir, { prefix: 'paged/', source: 'page_size: 7' });
    const r = await cli(['run', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_discovered: 30, files_processed: 30, rows_emitted: 60, files_failed: 0 });
    expect(obs.calls.filter((c) => c.command === 'ListObjectsV2' && c.purpose === 'source')).toHaveLength(5); // 7+7+7+7+2
    const byPath = envelopesByPath(join(dir, 'out'));
    expect([...byPath.keys()].sort()).toEqual(keys.map((k) => k.slice('paged/'.length)).sort());
    const entry = JSON.parse(readFileSync(listFiles(join(dir, 'state')).find((f) => f.includes('/files/'))!, 'utf8'));
    expect(entry.uri).toMatch(new RegExp(`^s3://${BUCKET}/paged/.+\\.csv$`));
    expect(entry.hint.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await cli(['run', '--config', cfg]);
    expect(again.summary).toMatchObject({ files_processed: 0, files_skipped: 30 });
  });

  it('lists more than 1,000 keys across the server’s own pages (continuation tokens)', async () => {
    const n = 1010;
    await putAll(Array.from({ length: n }, (_, i) => [`many/k${String(i).padStart(4, '0')}.csv`, `a\r\n${i}\r\n`]));
    const obs = inject(() => undefined);
    const cfg = s3Config(dir, { prefix: 'many' });
    const r = await cli(['plan', '--config', cfg, '--json']);
    expect(r.code).toBe(0);
    const rows = r.lines.filter((l) => l.action);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((l) => l.path)).size).toBe(n);
    expect(obs.calls.filter((c) => c.command === 'ListObjectsV2')).toHaveLength(2);
  });

  it('rides out 503 SlowDown and 500 with the SDK’s backoff: every row once, same ids as a clean run', async () => {
    const files: Array<[string, Buffer]> = [
      ['slow/trn_a.csv', bigCsv(2000, 'a')],
      ['slow/trn_b.csv', bigCsv(1500, 'b')],
      ['slow/trn_c.csv', bigCsv(10, 'c')],
    ];
    await putAll(files);
    const clean = s3Config(dir, { prefix: 'slow' }, 'clean.yaml');
    const cleanRun = await cli(['run', '--config', clean]);
    expect(cleanRun.summary).toMatchObject({ files_processed: 3, rows_emitted: 3510 });
    const cleanIds = recordIds(join(dir, 'out'));

    const d2 = join(dir, 'faulty');
    const obs = inject(({ command, n }) => {
      if (command === 'ListObjectsV2' && n <= 2) return { kind: 'status', status: 503, code: 'SlowDown' };
      if (command === 'GetObject' && n === 1) return { kind: 'status', status: 503, code: 'SlowDown' };
      if (command === 'GetObject' && n === 2) return { kind: 'status', status: 500, code: 'InternalError' };
      return undefined;
    });
    const cfg = s3Config(d2, { prefix: 'slow' });
    const r = await cli(['run', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 3, files_failed: 0, rows_emitted: 3510 });
    expect(logEvents(r.stderr, 'file_retry'), 'handled per request by the SDK, not by re-reading files').toEqual([]);
    // The SDK retried each throttled request itself (same request, attempts 1..3).
    const lists = obs.calls.filter((c) => c.command === 'ListObjectsV2');
    expect(lists.map((c) => c.status)).toEqual([503, 503, 200]);
    for (const [k] of files) {
      expect(obs.calls.filter((c) => c.command === 'GetObject' && c.key === k).map((c) => c.status), k).toEqual([503, 500, 200]);
    }
    expectSameIdsOnce(join(d2, 'out'), cleanIds);
  });

  it('a reset in the middle of a body: the file is read again from the start, nothing emitted twice, ids as in a clean run', async () => {
    await putAll([
      ['reset/trn_big.csv', bigCsv(20000, 'big')],
      ['reset/trn_small.csv', bigCsv(5, 's')],
    ]);
    const clean = s3Config(dir, { prefix: 'reset' }, 'clean.yaml');
    expect((await cli(['run', '--config', clean])).summary).toMatchObject({ files_processed: 2, rows_emitted: 20005 });
    const cleanIds = recordIds(join(dir, 'out'));

    const d2 = join(dir, 'faulty');
    const obs = inject(({ command, key, n }) => (command === 'GetObject' && key === 'reset/trn_big.csv' && n === 1 ? { kind: 'reset-body', afterBytes: 300_000 } : undefined));
    const cfg = s3Config(d2, { prefix: 'reset' });
    const r = await cli(['run', '--config', cfg], { LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 2, files_failed: 0, rows_emitted: 20005 });
    expect(obs.calls.filter((c) => c.command === 'GetObject' && c.key === 'reset/trn_big.csv')).toHaveLength(2);
    const retries = logEvents(r.stderr, 'file_retry');
    expect(retries).toHaveLength(1);
    expect(retries[0].err).toMatch(/ECONNRESET/);
    expectSameIdsOnce(join(d2, 'out'), cleanIds);
    // The checkpoint is the checksum of the whole object, not of the partial first read.
    expect(r.summary.bytes_read).toBe(bigCsv(20000, 'big').length + bigCsv(5, 's').length);
  });

  it('a body that keeps breaking: the file fails after max_attempts, the others are delivered; the next run delivers it and totals reconcile', async () => {
    await putAll([
      ['flaky/trn_bad.csv', bigCsv(8000, 'bad')],
      ['flaky/trn_ok1.csv', bigCsv(300, 'o1')],
      ['flaky/trn_ok2.csv', bigCsv(200, 'o2')],
    ]);
    const clean = s3Config(dir, { prefix: 'flaky' }, 'clean.yaml');
    expect((await cli(['run', '--config', clean])).summary).toMatchObject({ files_processed: 3, rows_emitted: 8500 });
    const cleanIds = recordIds(join(dir, 'out'));

    const d2 = join(dir, 'faulty');
    const cfg = s3Config(d2, { prefix: 'flaky', source: 'max_attempts: 2' });
    inject(({ command, key }) => (command === 'GetObject' && key === 'flaky/trn_bad.csv' ? { kind: 'reset-body', afterBytes: 100_000 } : undefined));
    const r1 = await cli(['run', '--config', cfg]);
    expect(r1.code).toBe(4);
    expect(r1.summary).toMatchObject({ files_processed: 2, files_failed: 1, rows_emitted: 500 });
    const failed = r1.summary.files.find((f: any) => f.status === 'failed');
    expect(failed).toMatchObject({ path: 'trn_bad.csv', code: 'E_READ' });
    expect(faults!.calls.filter((c) => c.command === 'GetObject' && c.key === 'flaky/trn_bad.csv')).toHaveLength(2);
    faults!.uninstall();

    const r2 = await cli(['run', '--config', cfg]);
    expect(r2.code).toBe(0);
    expect(r2.summary).toMatchObject({ files_processed: 1, files_skipped: 2, rows_emitted: 8000 });
    expect(r1.summary.rows_emitted + r2.summary.rows_emitted).toBe(8500);
    expectSameIdsOnce(join(d2, 'out'), cleanIds);
  });

  it('a key deleted between listing and reading (NoSuchKey) is reported as skipped; the run goes on', async () => {
    await putAll([
      ['vanish/trn_gone.csv', bigCsv(10, 'g')],
      ['vanish/trn_here.csv', bigCsv(10, 'h')],
    ]);
    inject(({ command, key, n }) =>
      command === 'GetObject' && key === 'vanish/trn_gone.csv' && n === 1
        ? ({ kind: 'before', run: async () => void (await ctx.admin.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }))) } satisfies Fault)
        : undefined,
    );
    const r = await cli(['run', '--config', s3Config(dir, { prefix: 'vanish' })]);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_discovered: 2, files_processed: 1, files_skipped: 1, files_failed: 0, rows_emitted: 10 });
    expect(r.summary.files).toContainEqual(expect.objectContaining({ path: 'trn_gone.csv', status: 'skipped', code: 'E_VANISHED' }));
    expect([...envelopesByPath(join(dir, 'out')).keys()]).toEqual(['trn_here.csv']);
  });

  it('a missing bucket stops the run with exit 5 and says which bucket; check says the same', async () => {
    const cfg = s3Config(dir, { prefix: 'x', bucket: 'no-such-bucket' });
    const r = await cli(['run', '--config', cfg]);
    expect(r.code).toBe(5);
    expect(r.summary.status).toBe('source_unavailable');
    expect(r.summary.error).toMatch(/bucket no-such-bucket does not exist/);
    const c = await cli(['check', '--config', cfg]);
    expect(c.code).toBe(5);
    expect(c.stdout).toMatch(/FAIL connect +bucket no-such-bucket does not exist/);
  });

  it('a server that is down: exit 5, "cannot reach", after the SDK’s retries', async () => {
    const port = await new Promise<number>((res) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => res(p));
      });
    });
    const cfg = s3Config(dir, { prefix: 'x', source: 'max_attempts: 2', endpoint: `http://127.0.0.1:${port}` });
    const r = await cli(['run', '--config', cfg]);
    expect(r.code).toBe(5);
    expect(r.summary.error).toMatch(/cannot reach S3 at s3:\/\/landing-bkt\/x\/ .* after 2 attempts: .*ECONNREFUSED/);
    const c = await cli(['check', '--config', cfg]);
    expect(c.code).toBe(5);
    expect(c.stdout).toMatch(/FAIL connect +cannot reach S3/);
  });

  it('check: connects, lists, opens one matching file; and says when nothing matches', async () => {
    await put('checked/daybook.xml', '<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>');
    const ok = await cli(['check', '--config', s3Config(dir, { prefix: 'checked' })]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok +connect +connected to s3:\/\/landing-bkt\/checked\//);
    expect(ok.stdout).toMatch(/ok +list +1 file/);
    expect(ok.stdout).toMatch(/ok +open +read \d+ byte/);
    const none = await cli(['check', '--config', s3Config(dir, { prefix: 'checked', streams: '  - { id: s, pattern: "**/*.csv" }' }, 'none.yaml')]);
    expect(none.code).toBe(5);
    expect(none.stdout).toMatch(/FAIL open +no file matches any stream pattern/);
  });

  it('streams a 128 MiB object from GetObject in bounded memory', async () => {
    const file = join(dir, 'big.bin');
    const size = writeBigFile(file, 128);
    await new Upload({ client: ctx.admin, params: { Bucket: BUCKET, Key: 'bigobj/big.bin', Body: createReadStream(file) }, partSize: 8 << 20, queueSize: 2 }).done();
    const src = await makeComponent<Source>('source', { type: 's3', bucket: BUCKET, prefix: 'bigobj', endpoint: ctx.s3.endpoint, force_path_style: true, allow_http_for_local_development: true });
    try {
      const files = [];
      for await (const f of src.list()) files.push(f);
      expect(files).toEqual([expect.objectContaining({ key: 'big.bin', size, uri: `s3://${BUCKET}/bigobj/big.bin` })]);
      const m = await drainMeasured(await src.open(files[0]!));
      expect(m.bytes).toBe(size);
      expect(m.peakGrowth).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await src.close();
    }
  });

  it('check names an access denial: on listing (403 AccessDenied) and on opening an object', async () => {
    await put('denied/daybook.xml', '<ENVELOPE></ENVELOPE>');
    const cfg = s3Config(dir, { prefix: 'denied' });
    inject(({ command }) => (command === 'ListObjectsV2' ? { kind: 'status', status: 403, code: 'AccessDenied' } : undefined));
    const c1 = await cli(['check', '--config', cfg]);
    expect(c1.code).toBe(5);
    expect(c1.stdout).toMatch(/FAIL connect +access denied by S3 for listing on s3:\/\/landing-bkt\/denied\/ .*\(AccessDenied\).*grant s3:ListBucket/);
    faults!.uninstall();
    inject(({ command }) => (command === 'GetObject' ? { kind: 'status', status: 403, code: 'AccessDenied' } : undefined));
    const c2 = await cli(['check', '--config', cfg]);
    expect(c2.code).toBe(5);
    expect(c2.stdout).toMatch(/ok +list +1 file/);
    expect(c2.stdout).toMatch(/FAIL open +cannot read daybook\.xml: access denied reading the object \(AccessDenied\)/);
  });

  it('keeps the state registry in S3 too (the S3 DocStore): the second run processes 0 files', async () => {
    await putAll([['withstate/trn_x.csv', bigCsv(20, 'x')]]);
    const obs = inject(() => undefined);
    const cfg = s3Config(dir, { prefix: 'withstate', stateS3: 'registry/t1' });
    const r1 = await cli(['run', '--config', cfg]);
    expect(r1.code).toBe(0);
    expect(r1.summary).toMatchObject({ files_processed: 1, rows_emitted: 20 });
    const r2 = await cli(['run', '--config', cfg]);
    expect(r2.summary).toMatchObject({ files_processed: 0, files_skipped: 1 });
    const puts = obs.calls.filter((c) => c.purpose === 'state' && c.command === 'PutObject');
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((c) => c.key!.startsWith('registry/t1/') && c.headers['x-amz-server-side-encryption'] === 'AES256')).toBe(true);
  });
});
