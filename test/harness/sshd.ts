import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { stopChild } from './s3rver.js';

/**
 * A real OpenSSH sshd as a child process on 127.0.0.1, with its own config, host key, client key and
 * a test user, serving SFTP (internal-sftp) with its start folder in a temp dir. Follows
 * ../shared/docs/real-parts.md: StrictModes no and a traversable temp dir (files live under /tmp),
 * /run/sshd for privilege separation, ForceCommand internal-sftp -d (no chroot under /tmp).
 * It throws, never skips, when the server cannot start: the SFTP tests must fail then.
 */
export const SSHD = '/usr/sbin/sshd';
export const SFTP_USER = 'sftptest';
export const SFTP_PASSWORD = 'sftptest-pw-7f3a';

export interface SshdHandle {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** The SFTP start folder; owned by the test user. */
  data: string;
  user: string;
  uid: number;
  gid: number;
  password: string;
  clientKeyFile: string;
  /** SHA256:... of the host key, as ssh-keygen -lf prints it. */
  hostKeyFingerprint: string;
  /** A valid fingerprint of some other key, for the mismatch test. */
  otherFingerprint: string;
  listenerPid: number;
  log(): string;
  /** SIGKILL the per-connection sshd processes of this listener (not the listener): the sessions drop. */
  killSessions(): number[];
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) });
}

export function fingerprintOfPub(pubFile: string): string {
  const blob = Buffer.from(readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1]!, 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Descendants of a pid, deepest first. */
function descendants(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = run('ps', ['-o', 'pid=', '--ppid', String(pid)]).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
  return kids.flatMap((k) => [...descendants(k), k]);
}

export async function startSshd(): Promise<SshdHandle> {
  const made: { dir?: string } = {};
  try {
    return await start(made);
  } catch (e) {
    if (made.dir) rmSync(made.dir, { recursive: true, force: true });
    throw e;
  }
}

async function start(made: { dir?: string }): Promise<SshdHandle> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run scripts/ensure-sshd.sh (make test does) to install openssh-server`);
  if (process.getuid?.() !== 0) throw new Error('the SFTP tests start sshd and add a test user, which needs root');
  const dir = mkdtempSync(join(tmpdir(), 'tc-sshd-'));
  made.dir = dir;
  chmodSync(dir, 0o755); // sshd reads authorized_keys as the user: the folder must be traversable
  const data = join(dir, 'data');
  mkdirSync(data);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_ed25519')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')), { mode: 0o644 });
  try {
    run('id', [SFTP_USER]);
  } catch {
    run('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SFTP_USER]);
  }
  run('chpasswd', [], `${SFTP_USER}:${SFTP_PASSWORD}\n`);
  const uid = Number(run('id', ['-u', SFTP_USER]).trim());
  const gid = Number(run('id', ['-g', SFTP_USER]).trim());
  chownSync(data, uid, gid);

  const hostKeyFingerprint = fingerprintOfPub(join(dir, 'host_ed25519.pub'));
  // Cross-check against ssh-keygen itself, so the fingerprint format the config documents is real.
  const printed = run('ssh-keygen', ['-lf', join(dir, 'host_ed25519.pub')]).split(/\s+/)[1];
  if (printed !== hostKeyFingerprint) throw new Error(`fingerprint mismatch: computed ${hostKeyFingerprint}, ssh-keygen says ${printed}`);

  let lastErr: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const cfg = join(dir, 'sshd_config');
    writeFileSync(
      cfg,
      `ListenAddress 127.0.0.1:${port}
HostKey ${join(dir, 'host_ed25519')}
PidFile none
AuthorizedKeysFile ${join(dir, 'authorized_keys')}
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${SFTP_USER}
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d ${data}
AllowTcpForwarding no
X11Forwarding no
MaxStartups 50
LogLevel VERBOSE
`,
    );
    run(SSHD, ['-t', '-f', cfg]);
    const child = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('sshd did not report "Server listening" within 10 s')), 10_000);
        child.stderr!.on('data', (c: Buffer) => {
          log = (log + c.toString('utf8')).slice(-200_000);
          if (log.includes('Server listening on 127.0.0.1')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`sshd exited with code ${code} before listening`));
        });
      });
    } catch (e) {
      await stopChild(child);
      lastErr = new Error(`${(e as Error).message}\n--- sshd log ---\n${log}`);
      if (/Address already in use/.test(log)) continue;
      break;
    }
    child.removeAllListeners('exit');
    return handle(child, port, () => log);
  }
  throw lastErr ?? new Error('sshd did not start');

  function handle(child: ChildProcess, port: number, log: () => string): SshdHandle {
    const pid = child.pid!;
    const killSessions = () => {
      const pids = descendants(pid);
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return pids;
    };
    return {
      host: '127.0.0.1',
      port,
      dir,
      data,
      user: SFTP_USER,
      uid,
      gid,
      password: SFTP_PASSWORD,
      clientKeyFile: join(dir, 'client_ed25519'),
      hostKeyFingerprint,
      otherFingerprint: fingerprintOfPub(join(dir, 'other_ed25519.pub')),
      listenerPid: pid,
      log,
      killSessions,
      async stop() {
        killSessions();
        await stopChild(child, () => rmSync(dir, { recursive: true, force: true }));
      },
    };
  }
}

/**
 * Start sshd for a test file (stopped by pid after its last test). If it cannot start, every test
 * of the file fails with the reason: it never skips. The handle is filled in before the first test.
 */
export function useSshd(): { h: SshdHandle } {
  const ctx = {} as { h: SshdHandle };
  let error: Error | undefined;
  beforeAll(async () => {
    try {
      ctx.h = await startSshd();
    } catch (e) {
      error = e as Error;
    }
  });
  beforeEach(() => {
    if (error) throw new Error(`sshd did not start, so this test cannot run: ${error.message}`);
  });
  afterAll(async () => {
    await ctx.h?.stop();
  });
  return ctx;
}
