import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, expect } from 'vitest';
import type { DocStore } from '../state/docstore.js';
import { createMemoryDocStore } from '../state/memory-docstore.js';
import { listFiles, makeComponent, rmrf, tempDir } from './helpers/index.js';
import { installS3Faults } from './harness/s3-faults.js';
import { useS3rver } from './harness/s3rver.js';
import { useSshd } from './harness/sshd.js';
import { describeDocStore } from './conformance/docstore-suite.js';
import { describeSink, type SinkBackend } from './conformance/sink-suite.js';
import { describeSource, type SourceBackend, type SourceLanding } from './conformance/source-suite.js';

/**
 * One conformance suite per interface (test/conformance/), run on every backend: real s3rver and
 * OpenSSH sshd on loopback, a local folder, memory. A new backend joins with one line in a list below.
 */

const LANDING = 'conf-landing';
const SINK = 'conf-sink';
const REGISTRY = 'conf-registry';
const s3 = useS3rver([LANDING, SINK, REGISTRY]);
const sshd = useSshd();
const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmrf(d);
});
let faults: ReturnType<typeof installS3Faults> | undefined;
afterEach(() => {
  faults?.uninstall();
  faults = undefined;
});

const TEN_MIN_AGO = () => new Date(Date.now() - 10 * 60_000);
const uniq = () => randomBytes(4).toString('hex');

/** A landing on this machine's filesystem (a local folder, or the folder sshd serves). */
function fsLanding(root: string, outside: string, cfg: (extra: Record<string, unknown>) => Record<string, unknown>, uri: (key: string) => string, uriOfPath: (abs: string) => string, owner?: { uid: number; gid: number }): SourceLanding {
  mkdirSync(root, { recursive: true });
  mkdirSync(outside, { recursive: true });
  // The SFTP account moves and deletes files (after_commit): what the test writes is the account's.
  const own = (p: string) => {
    if (!owner) return;
    for (let q = p; q.startsWith(root); q = join(q, '..')) chownSync(q, owner.uid, owner.gid);
  };
  own(root);
  return {
    config: (extra = {}) => cfg(extra),
    async put(key, body, old = true) {
      const p = join(root, ...key.split('/'));
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, body);
      own(p);
      if (old) utimesSync(p, TEN_MIN_AGO(), TEN_MIN_AGO());
    },
    async remove(key) {
      rmSync(join(root, ...key.split('/')));
    },
    uri,
    async link(key, to) {
      const p = join(root, ...key.split('/'));
      mkdirSync(join(p, '..'), { recursive: true });
      if ('inside' in to) symlinkSync(to.inside === '.' || to.inside === '..' ? to.inside : join(root, ...to.inside.split('/')), p);
      else if ('outside' in to) {
        writeFileSync(join(outside, to.outside), 'secret\n');
        symlinkSync(join(outside, to.outside), p);
      } else symlinkSync(join(root, 'no-such-file'), p);
    },
    archive(inside) {
      const dir = inside ? join(root, '_archive') : join(root, '..', `archive-${uniq()}`);
      return {
        extra: { archive_to: dir },
        uri: (k) => uriOfPath(join(dir, ...k.split('/'))),
        async keys() {
          return listFiles(dir).map((f) => f.slice(dir.length + 1).split(sep).join('/'));
        },
        async read(k) {
          return readFileSync(join(dir, ...k.split('/')));
        },
      };
    },
  };
}

const SOURCES: SourceBackend[] = [
  {
    name: 'local folder',
    links: true,
    async landing() {
      const d = tempDir('tc-conf-src-');
      cleanup.push(d);
      const root = join(d, 'landing');
      return fsLanding(root, join(d, 'outside'), (extra) => ({ type: 'local', path: root, ...extra }), (k) => pathToFileURL(join(root, k)).href, (p) => pathToFileURL(p).href);
    },
  },
  {
    name: 's3 (s3rver)',
    links: false,
    pageSize: 'page_size',
    async landing() {
      const prefix = `l-${uniq()}/`;
      // s3rver ignores conditional headers; S3 honours them (the archive is conditional on the ETag read).
      faults = installS3Faults(undefined, { conditions: s3.admin });
      const keysUnder = async (p: string) => {
        const r = await s3.admin.send(new ListObjectsV2Command({ Bucket: LANDING, Prefix: p }));
        return (r.Contents ?? []).map((o) => o.Key!.slice(p.length)).sort();
      };
      return {
        config: (extra = {}) => ({ type: 's3', bucket: LANDING, prefix, endpoint: s3.s3.endpoint, force_path_style: true, allow_http_for_local_development: true, ...extra }),
        async put(key, body) {
          await s3.admin.send(new PutObjectCommand({ Bucket: LANDING, Key: prefix + key, Body: typeof body === 'string' ? Buffer.from(body) : body }));
        },
        async remove(key) {
          await s3.admin.send(new DeleteObjectCommand({ Bucket: LANDING, Key: prefix + key }));
        },
        uri: (k) => `s3://${LANDING}/${prefix}${k}`,
        archive(inside) {
          const at = inside ? `${prefix}_archive/` : `a-${uniq()}/`;
          return {
            extra: { archive_to: at },
            uri: (k) => `s3://${LANDING}/${at}${k}`,
            keys: () => keysUnder(at),
            async read(k) {
              const r = await s3.admin.send(new GetObjectCommand({ Bucket: LANDING, Key: at + k }));
              return Buffer.from(await r.Body!.transformToByteArray());
            },
          };
        },
      };
    },
  },
  {
    name: 'sftp (OpenSSH sshd)',
    links: true,
    async landing() {
      const h = sshd.h;
      const root = join(h.data, `conf-${uniq()}`);
      return fsLanding(
        root,
        join(h.data, `outside-${uniq()}`),
        (extra) => ({ type: 'sftp', host: h.host, port: h.port, username: h.user, private_key_file: h.clientKeyFile, host_key_sha256: h.hostKeyFingerprint, root, settle_seconds: 0, ...extra }),
        (k) => `sftp://127.0.0.1:${h.port}${root}/${k}`,
        (p) => `sftp://127.0.0.1:${h.port}${p}`,
        { uid: h.uid, gid: h.gid },
      );
    },
  },
];

/** Temp folders this process's sinks stage in (each sink removes its own on close). */
const stagingDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`tally-connector-${process.pid}-`) || n.startsWith(`tally-connector-s3-${process.pid}-`));

const SINKS: SinkBackend[] = [
  {
    name: 'ndjson folder',
    uri: /^file:\/\/\/.*\.ndjson$/,
    breakable: true,
    protects: true,
    async place() {
      const root = tempDir('tc-conf-sink-');
      cleanup.push(root);
      const outputs = () => listFiles(root).filter((f) => f.endsWith('.ndjson') && !f.includes('/.staging/'));
      return {
        config: { type: 'ndjson', path: root },
        async delivered() {
          return outputs().map((f) => ({ where: f, bytes: readFileSync(f) }));
        },
        async debris() {
          return listFiles(join(root, '.staging'));
        },
        async breakDelivery() {
          // The partition folder cannot be made: a file stands where its first folder would be.
          writeFileSync(join(root, 'tenant=t1'), 'in the way');
        },
        async checkProtected() {
          for (const f of outputs()) {
            expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
            expect((statSync(join(f, '..')).mode & 0o777).toString(8), f).toBe('700');
          }
        },
      };
    },
  },
  {
    name: 'stdout',
    uri: /^stdout:$/,
    breakable: false,
    protects: false,
    async place() {
      const out = new PassThrough();
      const got: Buffer[] = [];
      out.on('data', (c) => got.push(c));
      return {
        config: { type: 'stdout' },
        stdout: out,
        async delivered() {
          return got.length ? [{ where: 'stdout', bytes: Buffer.concat(got) }] : [];
        },
        async debris() {
          return stagingDirs();
        },
      };
    },
  },
  {
    name: 's3 (s3rver)',
    uri: /^s3:\/\/conf-sink\/.*\.ndjson$/,
    breakable: true,
    protects: true,
    async place() {
      const prefix = `s-${uniq()}/`;
      let broken = false;
      faults = installS3Faults(({ command }) => (broken && command === 'PutObject' ? { kind: 'status', status: 500, code: 'InternalError' } : undefined));
      const f = faults;
      return {
        config: { type: 's3', bucket: SINK, prefix, endpoint: s3.s3.endpoint, force_path_style: true, allow_http_for_local_development: true, max_attempts: 1 },
        async delivered() {
          const page = await s3.admin.send(new ListObjectsV2Command({ Bucket: SINK, Prefix: prefix }));
          const out = [];
          for (const o of page.Contents ?? []) {
            const body = await s3.admin.send(new GetObjectCommand({ Bucket: SINK, Key: o.Key! }));
            out.push({ where: o.Key!, bytes: Buffer.from(await body.Body!.transformToByteArray()) });
          }
          return out;
        },
        async debris() {
          return stagingDirs();
        },
        async breakDelivery() {
          broken = true;
        },
        async checkProtected() {
          const puts = f.calls.filter((c) => c.command === 'PutObject' && c.key?.startsWith(prefix));
          expect(puts.length).toBeGreaterThan(0);
          for (const c of puts) expect(c.headers['x-amz-server-side-encryption']).toBe('AES256');
        },
      };
    },
  },
];

const STORES: Array<[string, () => DocStore | Promise<DocStore>]> = [
  [
    'local folder',
    () => {
      const d = tempDir('tc-conf-store-');
      cleanup.push(d);
      return makeComponent<DocStore>('store', { type: 'local', path: d });
    },
  ],
  // A fresh prefix per store, so each test starts empty; the prefix must isolate stores.
  // s3rver ignores conditional headers: the harness answers 412 as S3 does when a condition fails.
  ['s3 (s3rver)', () => ((faults = installS3Faults(undefined, { conditions: s3.admin })), makeComponent<DocStore>('store', { type: 's3', bucket: REGISTRY, prefix: `r-${uniq()}`, endpoint: s3.s3.endpoint, force_path_style: true, allow_http_for_local_development: true }))],
  ['memory', () => createMemoryDocStore()],
];

for (const b of SOURCES) describeSource(b);
for (const b of SINKS) describeSink(b);
for (const [name, make] of STORES) describeDocStore(name, make);
