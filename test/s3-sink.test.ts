import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../connector/config.js';
import { isConnectorError } from '../connector/errors.js';
import type { Sink } from '../connector/sinks/sink.js';
import { ROOT, cli, listFiles, makeComponent, readOutputs, rmrf, tempDir } from './helpers/index.js';
import { bigCsv } from './harness/records.js';
import { installS3Faults, type FaultPlan, type S3Call } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';

/**
 * The S3 sink (`sink: { type: s3 }`) against a real S3 API server (s3rver, a child process on
 * 127.0.0.1). s3rver ignores server-side encryption, so the SSE headers are asserted on the requests
 * the connector's clients send (a middleware installed through the s3ClientHooks test hook). These
 * tests fail, never skip, when the server cannot start.
 */

const SINK = 'sink-bkt';
const OTHER = 'rejects-bkt';
const ctx = useS3rver([SINK, OTHER]);

/** Every key under a prefix (all pages). */
async function keys(prefix: string, bucket = SINK): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await ctx.admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

async function getText(key: string, bucket = SINK): Promise<string> {
  return (await (await ctx.admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString('utf8'));
}

/** The parsed NDJSON lines of every object under a prefix. */
async function objectLines(prefix: string, bucket = SINK, exclude?: string): Promise<any[]> {
  const out: any[] = [];
  for (const k of await keys(prefix, bucket)) {
    if (exclude && k.startsWith(exclude)) continue;
    for (const l of (await getText(k, bucket)).split('\n')) if (l) out.push(JSON.parse(l));
  }
  return out;
}

/** What must be equal between two deliveries of the same landing (run id and emission time differ). */
const comparable = (envs: any[]) =>
  envs
    .map((e) => ({ record_id: e.record_id, stream_id: e.stream_id, entity: e.entity, schema_version: e.schema_version, source: e.source, record: e.record }))
    .sort((a, b) => (a.record_id < b.record_id ? -1 : a.record_id > b.record_id ? 1 : 0));

const comparableDeadLetters = (recs: any[]) => recs.map(({ run_id, rejected_at, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const s3Fields = (bucket: string, prefix: string, extra = '') =>
  `{ type: s3, bucket: ${bucket}, prefix: "${prefix}", region: us-east-1, endpoint: "${ctx.s3.endpoint}", force_path_style: true, allow_http_for_local_development: true${extra} }`;

/** A config: local landing `<dir>/landing`, local state, the given sink. */
function writeConfig(dir: string, sink: string, o: { deadLetter?: string; streams?: string; extra?: string; name?: string } = {}): string {
  const file = join(dir, o.name ?? 'c.yaml');
  writeFileSync(
    file,
    `tenant_id: t1
connector_id: tally_file_dump
source: { type: local, path: ${join(dir, 'landing')} }
streams:
${o.streams ?? `  - { id: file.local.tally.xml, pattern: "**/*.xml" }
  - { id: file.local.tally.csv, pattern: "**/*.csv" }`}
state: { type: local, path: ${join(dir, o.name ? o.name + '.state' : 'state')} }
sink: ${sink}
${o.deadLetter ? `dead_letter: ${o.deadLetter}\n` : ''}log_level: warn
${o.extra ?? ''}
`,
  );
  return file;
}

/** The bundled example landing plus a CSV with one malformed row (a dead letter). */
function exampleLanding(dir: string): void {
  cpSync(join(ROOT, 'examples', 'landing'), join(dir, 'landing'), { recursive: true });
  writeFileSync(join(dir, 'landing', 'csv', 'mst_rates.csv'), 'item,rate\r\nBolt,1.50\r\nNut,0.75,extra\r\nWasher,0.10\r\n');
}

const sha16 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
const ourTempDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`tally-connector-s3-${process.pid}-`));
const sinkCalls = (calls: S3Call[], ...commands: string[]) => calls.filter((c) => c.purpose === 'sink' && commands.includes(c.command));

/** Checkpoints of a local state folder: output locations per file. */
function committedOutputs(stateDir: string): Array<{ path: string; status: string; uri?: string; dead_letter_uri?: string }> {
  return listFiles(stateDir)
    .filter((f) => f.includes('/files/') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')))
    .map((d) => ({ path: d.path, status: d.status, ...(d.output ? d.output : {}) }));
}

describe('the S3 sink', () => {
  it('delivers the same envelopes, record ids and partitions as the folder sink, one SSE object per input file, and dead letters under _dead_letter/', async () => {
    const dir = tempDir();
    const faults = installS3Faults();
    try {
      exampleLanding(dir);
      const local = writeConfig(dir, `{ type: ndjson, path: ${join(dir, 'out')} }`, { name: 'local.yaml', extra: 'privacy: { clear_names: true }' });
      const onS3 = writeConfig(dir, s3Fields(SINK, 'exports/a'), { name: 's3.yaml', extra: 'privacy: { clear_names: true }' });

      const r0 = await cli(['run', '--config', local]);
      expect(r0.summary).toMatchObject({ files_processed: 4, files_failed: 0, rows_rejected: 1 });
      const r1 = await cli(['run', '--config', onS3]);
      expect(r1.code, r1.stderr).toBe(0);
      expect(r1.summary).toMatchObject({ files_discovered: 4, files_processed: 4, files_failed: 0, rows_emitted: r0.summary.rows_emitted, rows_rejected: 1 });

      // Identical envelopes (record ids, records, sources, schema versions) in both sinks.
      const localEnvs = readOutputs(join(dir, 'out')).filter((e) => e.envelope_version);
      const s3Envs = await objectLines('exports/a/', SINK, 'exports/a/_dead_letter/');
      expect(localEnvs.length).toBe(r0.summary.rows_emitted);
      expect(comparable(s3Envs)).toEqual(comparable(localEnvs));
      expect(new Set(s3Envs.map((e) => e.record_id)).size).toBe(s3Envs.length);

      // One object per input file, under exactly the folder sink's partition scheme and names.
      const outKeys = (await keys('exports/a/')).filter((k) => !k.startsWith('exports/a/_dead_letter/'));
      const localRel = listFiles(join(dir, 'out'))
        .map((f) => relative(join(dir, 'out'), f))
        .filter((f) => !f.startsWith('_dead_letter/') && !f.startsWith('.staging'));
      expect(outKeys).toHaveLength(4);
      expect(outKeys.map((k) => k.slice('exports/a/'.length))).toEqual(localRel.sort());
      for (const k of outKeys) expect(k).toMatch(/^exports\/a\/tenant=t1\/stream=file\.local\.tally\.(xml|csv)\/date=\d{4}-\d{2}-\d{2}\/[0-9a-f]{24}\.[0-9a-f]{16}\.ndjson$/);
      // The name carries the input's sha256: the landing's four files, one object each.
      const landingShas = listFiles(join(dir, 'landing')).map(sha16).sort();
      expect(outKeys.map((k) => /\.([0-9a-f]{16})\.ndjson$/.exec(k)![1]).sort()).toEqual(landingShas);

      // Checkpoints point at the objects.
      const committed = committedOutputs(join(dir, 's3.yaml.state'));
      expect(committed).toHaveLength(4);
      expect(committed.map((c) => c.uri).sort()).toEqual(outKeys.map((k) => `s3://${SINK}/${k}`));

      // Dead letters: the one bad row, under <prefix>_dead_letter/ with the same partitions, same content.
      const dlKeys = await keys('exports/a/_dead_letter/');
      expect(dlKeys).toHaveLength(1);
      expect(dlKeys[0]).toMatch(/^exports\/a\/_dead_letter\/tenant=t1\/stream=file\.local\.tally\.csv\/date=\d{4}-\d{2}-\d{2}\/[0-9a-f]{24}\.[0-9a-f]{16}\.ndjson$/);
      expect(committed.find((c) => c.path === 'csv/mst_rates.csv')?.dead_letter_uri).toBe(`s3://${SINK}/${dlKeys[0]}`);
      const dl = await objectLines('exports/a/_dead_letter/');
      expect(dl).toHaveLength(1);
      expect(dl[0]).toMatchObject({ code: 'E_CSV_ROW', line: 3, path: 'csv/mst_rates.csv' });
      expect(comparableDeadLetters(dl)).toEqual(comparableDeadLetters(readOutputs(join(dir, 'out', '_dead_letter'))));

      // Every upload (envelopes and dead letters) asked for SSE-S3 and the NDJSON content type.
      const puts = sinkCalls(faults.calls, 'PutObject', 'CreateMultipartUpload');
      expect(puts).toHaveLength(5);
      for (const p of puts) {
        expect(p.headers['x-amz-server-side-encryption']).toBe('AES256');
        expect(p.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
        expect(p.headers['content-type']).toBe('application/x-ndjson');
      }
      const head = await ctx.admin.send(new HeadObjectCommand({ Bucket: SINK, Key: outKeys[0] }));
      expect(head.ContentType).toBe('application/x-ndjson');
      // Staging files lived in os.tmpdir() and are gone.
      expect(ourTempDirs()).toEqual([]);

      // A second run finds everything committed: no upload, no new object.
      const before = faults.calls.length;
      const r2 = await cli(['run', '--config', onS3]);
      expect(r2.summary).toMatchObject({ files_processed: 0, files_skipped: 4, rows_emitted: 0 });
      expect(sinkCalls(faults.calls.slice(before), 'PutObject', 'CreateMultipartUpload')).toEqual([]);
      expect(await keys('exports/a/')).toHaveLength(5);
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });

  it('with kms_key_id, sends SSE-KMS with the key on PutObject and on CreateMultipartUpload (an output above one 8 MiB part)', async () => {
    const dir = tempDir();
    const faults = installS3Faults();
    try {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'small.csv'), 'id,qty\n1,5\n2,6\n');
      writeFileSync(join(dir, 'landing', 'big_vouchers.csv'), bigCsv(30_000));
      const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const cfg = writeConfig(dir, s3Fields(SINK, 'kms/', `, kms_key_id: "${key}"`), { streams: '  - { id: s.csv, pattern: "*.csv" }' });
      const r = await cli(['run', '--config', cfg]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.summary).toMatchObject({ files_processed: 2, rows_emitted: 30_002 });
      const put = sinkCalls(faults.calls, 'PutObject');
      const mpu = sinkCalls(faults.calls, 'CreateMultipartUpload');
      expect(put).toHaveLength(1);
      expect(mpu).toHaveLength(1);
      expect(sinkCalls(faults.calls, 'UploadPart').length).toBeGreaterThanOrEqual(2);
      for (const c of [...put, ...mpu]) {
        expect(c.headers['x-amz-server-side-encryption']).toBe('aws:kms');
        expect(c.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(key);
      }
      const objs = await keys('kms/');
      expect(objs).toHaveLength(2);
      const envs = await objectLines('kms/');
      expect(envs).toHaveLength(30_002);
      expect(new Set(envs.map((e) => e.record_id)).size).toBe(30_002);
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });

  it('a failed upload (PutObject, or a part of a multipart upload) leaves the file uncommitted; the next run delivers it exactly once', async () => {
    const dir = tempDir();
    let faults = installS3Faults();
    try {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'a.csv'), 'id,qty\n1,5\n2,6\n');
      writeFileSync(join(dir, 'landing', 'b.csv'), 'id,qty\n3,7\n');
      writeFileSync(join(dir, 'landing', 'big_c.csv'), bigCsv(30_000));
      const streams = '  - { id: s.a, pattern: "a.csv" }\n  - { id: s.b, pattern: "b.csv" }\n  - { id: s.big, pattern: "big_c.csv" }';
      // The local delivery of the same landing: the ids that must arrive, once each.
      const local = writeConfig(dir, `{ type: ndjson, path: ${join(dir, 'out')} }`, { name: 'local.yaml', streams });
      expect((await cli(['run', '--config', local])).summary).toMatchObject({ files_processed: 3, rows_emitted: 30_003 });
      const expectedIds = readOutputs(join(dir, 'out')).map((e) => e.record_id).sort();

      const cfg = writeConfig(dir, s3Fields(SINK, 'faulty', ', max_attempts: 2'), { name: 's3.yaml', streams });
      faults.uninstall();
      // b.csv's PutObject answers 503 SlowDown on every attempt; big_c.csv's second part fails with 500.
      const plan: FaultPlan = ({ command, key, purpose }) =>
        purpose !== 'sink' ? undefined
        : command === 'PutObject' && key?.includes('/stream=s.b/') ? { kind: 'status', status: 503, code: 'SlowDown' }
        : command === 'UploadPart' && key?.includes('/stream=s.big/') ? { kind: 'status', status: 500, code: 'InternalError' }
        : undefined;
      faults = installS3Faults(plan);
      const r1 = await cli(['run', '--config', cfg]);
      expect(r1.code).toBe(4);
      expect(r1.summary).toMatchObject({ files_processed: 1, files_failed: 2 });
      const failed = r1.summary.files.filter((f: any) => f.status === 'failed');
      expect(failed.map((f: any) => f.stream_id).sort()).toEqual(['s.b', 's.big']);
      for (const f of failed) {
        expect(f.code).toBe('E_SINK');
        expect(f.message).toMatch(/upload to s3:\/\/sink-bkt\/faulty\/tenant=t1\/stream=s\.(b|big)\/.* failed/);
      }
      // The SDK retried the 503 (max_attempts 2); the multipart upload was aborted, not left behind.
      expect(sinkCalls(faults.calls, 'PutObject').filter((c) => c.key?.includes('/stream=s.b/'))).toHaveLength(2);
      expect(sinkCalls(faults.calls, 'AbortMultipartUpload')).toHaveLength(1);
      expect(sinkCalls(faults.calls, 'CompleteMultipartUpload')).toHaveLength(0);
      // Nothing of the failed files is visible; their checkpoints say failed, retryable.
      expect((await keys('faulty/')).map((k) => k.split('/')[2])).toEqual(['stream=s.a']);
      const state = committedOutputs(join(dir, 's3.yaml.state'));
      expect(state.filter((s) => s.status === 'committed').map((s) => s.path)).toEqual(['a.csv']);
      const failedDocs = listFiles(join(dir, 's3.yaml.state')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8'))).filter((d) => d.status === 'failed');
      expect(failedDocs.map((d) => [d.path, d.error.code, d.error.retryable]).sort()).toEqual([['b.csv', 'E_SINK', true], ['big_c.csv', 'E_SINK', true]]);
      expect(ourTempDirs()).toEqual([]);

      // The store recovers: the next run delivers the two failed files, and only them.
      faults.uninstall();
      faults = installS3Faults();
      const r2 = await cli(['run', '--config', cfg]);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.summary).toMatchObject({ files_processed: 2, files_skipped: 1, files_failed: 0, rows_emitted: 30_001 });
      expect(await keys('faulty/')).toHaveLength(3);
      const ids = (await objectLines('faulty/')).map((e) => e.record_id).sort();
      expect(ids).toEqual(expectedIds); // every record once: none lost, none duplicated
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });

  it('a quarantined file (breaking drift) writes nothing to the bucket, not even its dead letters', async () => {
    const dir = tempDir();
    const faults = installS3Faults();
    try {
      mkdirSync(join(dir, 'landing'));
      const cfg = writeConfig(dir, s3Fields(SINK, 'drift'), { streams: '  - { id: s.qty, pattern: "qty_*.csv", drift: { breaking: quarantine } }' });
      writeFileSync(join(dir, 'landing', 'qty_1.csv'), 'id,qty\n1,5\n');
      expect((await cli(['run', '--config', cfg])).summary).toMatchObject({ files_processed: 1, rows_emitted: 1 });
      const before = await keys('drift/');
      expect(before).toHaveLength(1);
      const n = faults.calls.length;
      // qty turns from a number into text (breaking), and one row is malformed (a dead letter).
      writeFileSync(join(dir, 'landing', 'qty_2.csv'), 'id,qty\n2,five\n3,6,extra\n4,7\n');
      const r = await cli(['run', '--config', cfg]);
      expect(r.summary).toMatchObject({ files_quarantined: 1, drift_alerts: 1, rows_emitted: 0 });
      expect(await keys('drift/')).toEqual(before);
      expect(sinkCalls(faults.calls.slice(n), 'PutObject', 'CreateMultipartUpload', 'UploadPart')).toEqual([]);
      expect(ourTempDirs()).toEqual([]);
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });

  it('dead_letter may stay a local folder ({ path }) or go to another bucket ({ type: s3 })', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'rows.csv'), 'id,qty\n1,5\n2,6,extra\n');
      const streams = '  - { id: s.rows, pattern: "*.csv" }';
      const toFolder = writeConfig(dir, s3Fields(SINK, 'dlfolder'), { name: 'a.yaml', streams, deadLetter: `{ path: ${join(dir, 'rejects')} }` });
      expect((await cli(['run', '--config', toFolder])).summary).toMatchObject({ files_processed: 1, rows_emitted: 1, rows_rejected: 1 });
      expect(await keys('dlfolder/')).toHaveLength(1);
      expect(await keys('dlfolder/_dead_letter/')).toEqual([]);
      const folderDl = readOutputs(join(dir, 'rejects'));
      expect(folderDl).toHaveLength(1);
      expect(folderDl[0]).toMatchObject({ code: 'E_CSV_ROW', line: 3 });

      const toBucket = writeConfig(dir, s3Fields(SINK, 'dlbucket'), { name: 'b.yaml', streams, deadLetter: s3Fields(OTHER, 'tally/rejects') });
      expect((await cli(['run', '--config', toBucket])).summary).toMatchObject({ files_processed: 1, rows_rejected: 1 });
      expect(await keys('dlbucket/')).toHaveLength(1);
      const other = await keys('tally/rejects/', OTHER);
      expect(other).toHaveLength(1);
      expect(other[0]).toMatch(/^tally\/rejects\/tenant=t1\/stream=s\.rows\/date=\d{4}-\d{2}-\d{2}\/[0-9a-f]{24}\.[0-9a-f]{16}\.ndjson$/);
      expect(comparableDeadLetters(await objectLines('tally/rejects/', OTHER))).toEqual(comparableDeadLetters(folderDl));
    } finally {
      rmrf(dir);
    }
  });
});

describe('S3 sink config', () => {
  it('is validated: missing bucket, unknown fields and unknown sink types name the field', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'landing'));
      const bad = async (sink: string, deadLetter?: string) => {
        const r = await cli(['run', '--config', writeConfig(dir, sink, deadLetter ? { deadLetter } : {})]);
        expect(r.code).toBe(2);
        return r.stderr;
      };
      expect(await bad('{ type: s3 }')).toMatch(/sink\.bucket: is required/);
      expect(await bad(`{ type: s3, bucket: ${SINK}, bukcet: x }`)).toMatch(/sink: unknown field "bukcet"/);
      expect(await bad('{ type: gcs, bucket: x }')).toMatch(/sink: type "gcs" is not supported; expected one of ndjson, parquet, arrow, stdout, s3/);
      expect(await bad(`{ type: s3, bucket: ${SINK}, max_attempts: 0 }`)).toMatch(/sink\.max_attempts/);
      expect(await bad(`{ type: s3, bucket: ${SINK} }`, '{ type: s3, prefix: x }')).toMatch(/dead_letter\.bucket: is required/);
      expect(await bad(`{ type: s3, bucket: ${SINK} }`, '{ paht: ./rejects }')).toMatch(/dead_letter: unknown field "paht"/);
    } finally {
      rmrf(dir);
    }
  });

  it('resolves dead_letter: the sink bucket under <prefix>_dead_letter/ by default; { path } stays a local folder', () => {
    const base = { tenant_id: 't1', connector_id: 'c', source: { type: 'local', path: 'l' }, streams: [{ id: 's', pattern: '*' }], state: { type: 'local', path: 's' } };
    const file = join(tmpdir(), 'x', 'c.yaml');
    const sink = { type: 's3', bucket: 'out-bkt', prefix: 'tally/out', region: 'ap-south-1', kms_key_id: 'alias/k' };
    // The resolved config carries the schema's defaults for every field left out.
    const s3Defaults = { prefix: '', region: 'us-east-1', force_path_style: false, allow_http_for_local_development: false, max_attempts: 5, retry_mode: 'standard', format: 'ndjson', compression: 'zstd', row_group_rows: 65536, parallel_min_bytes: 16777216, decimal_scale: 6 };
    expect(resolveConfig({ ...base, sink }, file).dead_letter).toEqual({ ...s3Defaults, ...sink, prefix: 'tally/out/_dead_letter/' });
    expect(resolveConfig({ ...base, sink: { type: 's3', bucket: 'out-bkt' } }, file).dead_letter).toEqual({ ...s3Defaults, type: 's3', bucket: 'out-bkt', prefix: '_dead_letter/' });
    expect(resolveConfig({ ...base, sink, dead_letter: { path: 'dl' } }, file).dead_letter).toEqual({ type: 'ndjson', path: join(tmpdir(), 'x', 'dl') });
    expect(resolveConfig({ ...base, sink: { type: 'ndjson', path: 'o' } }, file).dead_letter).toEqual({ type: 'ndjson', path: join(tmpdir(), 'x', 'o', '_dead_letter') });
    const other = { type: 's3', bucket: 'rejects', prefix: 'r' };
    expect(resolveConfig({ ...base, sink, dead_letter: other }, file).dead_letter).toEqual({ ...s3Defaults, ...other });
  });

  it('applies the S3 endpoint policy: http without the switch is refused before any request, and the files are delivered once it is fixed', async () => {
    const dir = tempDir();
    const faults = installS3Faults();
    try {
      // The sink on its own: ready() builds the client and refuses the endpoint.
      const sink = await makeComponent<Sink>('sink', { type: 's3', bucket: SINK, endpoint: ctx.s3.endpoint, force_path_style: true });
      const err = await sink.ready!().then(() => undefined, (e: unknown) => e);
      expect(isConnectorError(err) && err.code).toBe('E_CONFIG');
      expect(String((err as Error).message)).toMatch(/sink\.endpoint is plain http/);
      await sink.close();
      const remote = await makeComponent<Sink>('sink', { type: 's3', bucket: SINK, endpoint: 'http://192.0.2.10:9000', allow_http_for_local_development: true }, { field: 'dead_letter' });
      await expect(remote.ready!()).rejects.toThrow(/dead_letter\.endpoint is plain http to 192\.0\.2\.10, which is not this machine/);
      await remote.close();

      // A run with that sink delivers nothing and commits nothing.
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'a.csv'), 'id,qty\n1,5\n');
      const streams = '  - { id: s.a, pattern: "*.csv" }';
      const cfg = writeConfig(dir, `{ type: s3, bucket: ${SINK}, prefix: nohttp, endpoint: "${ctx.s3.endpoint}", force_path_style: true }`, { streams });
      const r = await cli(['run', '--config', cfg]);
      expect(r.code).toBe(2); // the sink is checked before anything is read
      expect(r.stderr + r.stdout).toMatch(/sink\.endpoint is plain http/);
      expect(faults.calls).toEqual([]);
      expect(committedOutputs(join(dir, 'state')).filter((s) => s.status === 'committed')).toEqual([]);
      // With the local-development switch the same landing is delivered: nothing was held back.
      writeConfig(dir, s3Fields(SINK, 'nohttp'), { streams });
      const r2 = await cli(['run', '--config', cfg]);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.summary).toMatchObject({ files_processed: 1, rows_emitted: 1 });
      expect(await keys('nohttp/')).toHaveLength(1);
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });

  it('read mode never touches the sink bucket: envelopes go to stdout', async () => {
    const dir = tempDir();
    const faults = installS3Faults();
    try {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'a.csv'), 'id,qty\n1,5\n');
      const cfg = writeConfig(dir, s3Fields(SINK, 'readmode'), { streams: '  - { id: s.a, pattern: "*.csv" }' });
      const r = await cli(['read', '--config', cfg]);
      expect(r.code).toBe(0);
      expect(r.lines.filter((l) => l.type === 'RECORD')).toHaveLength(1);
      expect(faults.calls).toEqual([]);
      expect(await keys('readmode/')).toEqual([]);
    } finally {
      faults.uninstall();
      rmrf(dir);
    }
  });
});
