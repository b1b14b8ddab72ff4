import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ROOT } from '../helpers/index.js';

/**
 * A real S3 API server (s3rver 3.7.1) as a child process on 127.0.0.1.
 * `--openssl-legacy-provider` is for that process only: s3rver encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 refuses, so any second page would be a 500 without it.
 * `-p 0` lets the kernel pick a free port; the readiness line names it.
 */
export interface S3rverHandle {
  endpoint: string;
  port: number;
  pid: number;
  dir: string;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Credentials s3rver accepts (it does not verify SigV4), set in the environment for the SDK's default
 * chain; instance metadata is switched off so nothing in a test ever reaches beyond loopback.
 */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_EC2_METADATA_DISABLED: 'true' };

export async function startS3rver(buckets: string[], timeoutMs = 20_000): Promise<S3rverHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-s3rver-'));
  const bin = join(ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js');
  const args = ['--openssl-legacy-provider', bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--silent'];
  for (const b of buckets) args.push('--configure-bucket', b);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`s3rver did not report readiness within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`${e.message}\n--- s3rver output ---\n${out}`));
    };
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /S3rver listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, sig) => fail(new Error(`s3rver exited before it was ready (code ${code}, signal ${sig})`)));
  });
  child.removeAllListeners('exit');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dir,
    output: () => out,
    stop: () => stopChild(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** Stop a child we started, by its own pid: SIGTERM, then SIGKILL after 3 s. */
export async function stopChild(child: ChildProcess, after?: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  }
  after?.();
}

export interface S3rverContext {
  /** The running server (set before the first test). */
  s3: S3rverHandle;
  /** A client for the tests' own setup and checks (not the connector's). */
  admin: S3Client;
}

/**
 * Start s3rver for a test file: credentials for the SDK's default chain in the environment (restored
 * after), the server stopped by pid after the last test. If the server cannot start, every test of
 * the file fails with the reason (vitest would only mark them skipped if beforeAll threw).
 */
export function useS3rver(buckets: string[]): S3rverContext {
  const ctx = {} as S3rverContext;
  const saved: Record<string, string | undefined> = {};
  let error: Error | undefined;
  beforeAll(async () => {
    for (const [k, v] of Object.entries(S3RVER_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    try {
      ctx.s3 = await startS3rver(buckets);
    } catch (e) {
      error = e as Error;
      return;
    }
    ctx.admin = new S3Client({
      region: 'us-east-1',
      endpoint: ctx.s3.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  beforeEach(() => {
    if (error) throw new Error(`s3rver did not start, so this test cannot run: ${error.message}`);
  });
  afterAll(async () => {
    ctx.admin?.destroy();
    await ctx.s3?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  return ctx;
}
