import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type SftpClient from 'ssh2-sftp-client';
import { ConnectorError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * The one place SFTP sessions are made, for every SFTP path (the landing now, a sink later): host
 * key pinning, secrets from a file or an environment variable, and reconnection after a session
 * drops. Nothing here ever logs or repeats a secret. ssh2 loads on the first connection.
 */
export interface SftpConnection {
  host: string;
  port: number;
  username: string;
  private_key_file?: string;
  private_key_env?: string;
  passphrase_env?: string;
  password_file?: string;
  password_env?: string;
  host_key_sha256: string;
  connect_timeout_ms: number;
}

/** The SFTP connection fields, declared once (`#/$defs/sftpConnection`). */
export const SFTP_CONNECTION_SCHEMA = {
  type: 'object',
  required: ['host', 'username', 'host_key_sha256'],
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 22 },
    username: { type: 'string', minLength: 1 },
    private_key_file: { type: 'string' },
    private_key_env: { type: 'string' },
    passphrase_env: { type: 'string' },
    password_file: { type: 'string' },
    password_env: { type: 'string' },
    host_key_sha256: { type: 'string', pattern: '^(SHA256:)?[A-Za-z0-9+/]{43}=?$', description: "The server's host key fingerprint as printed by ssh-keygen -lf (SHA256:...). A different key is refused." },
    connect_timeout_ms: { type: 'integer', minimum: 100, default: 10000 },
  },
} as const;

/** The fields of an SFTP connection that are local files, resolved from the config's folder. */
export const SFTP_PATH_FIELDS = ['private_key_file', 'password_file'] as const;

/** An SFTP component needs some way to authenticate; the schema alone cannot say "one of". */
export function sftpAuthProblem(cfg: Partial<SftpConnection>): string | undefined {
  if (cfg.private_key_file || cfg.private_key_env || cfg.password_file || cfg.password_env) return undefined;
  return 'an SFTP source needs one of private_key_file, private_key_env, password_file, password_env';
}

/** `SHA256:abc…` or `abc…`, with or without base64 padding → the bare unpadded base64. */
export function normalizeFingerprint(fp: string): string {
  return fp.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
}

/** The fingerprint `ssh-keygen -lf` prints: unpadded base64 of the SHA-256 of the raw public key blob. */
export function fingerprintOf(rawKey: Buffer): string {
  return createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '');
}

interface Secrets {
  privateKey?: Buffer;
  passphrase?: string;
  password?: string;
}

/** Read the key or password now, so a missing file or variable is a config error before any connection. */
function loadSftpSecrets(cfg: SftpConnection, env: NodeJS.ProcessEnv = process.env): Secrets {
  const out: Secrets = {};
  const fromEnv = (field: string, name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') {
      throw new ConnectorError('E_CONFIG', `source.${field} names the environment variable ${name}, which is not set`, { hint: `export ${name} before the run, or use the *_file form` });
    }
    return v;
  };
  const fromFile = (field: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new ConnectorError('E_CONFIG', `source.${field}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, { hint: 'the file must exist and be readable by the user running the connector' });
    }
  };
  if (cfg.private_key_file) out.privateKey = fromFile('private_key_file', cfg.private_key_file);
  else if (cfg.private_key_env) out.privateKey = Buffer.from(fromEnv('private_key_env', cfg.private_key_env).replace(/\\n/g, '\n'));
  if (cfg.passphrase_env) out.passphrase = fromEnv('passphrase_env', cfg.passphrase_env);
  // A password file usually ends with a newline that is not part of the password.
  if (cfg.password_file) out.password = fromFile('password_file', cfg.password_file).toString('utf8').replace(/\r?\n$/, '');
  else if (cfg.password_env) out.password = fromEnv('password_env', cfg.password_env);
  if (!out.privateKey && out.password === undefined) {
    throw new ConnectorError('E_CONFIG', 'source: an SFTP source needs one of private_key_file, private_key_env, password_file, password_env');
  }
  return out;
}

export interface SftpSession {
  readonly id: number;
  readonly client: SftpClient;
  /** False once the connection closed, ended or failed; a dead session is never reused. */
  alive: boolean;
  /** Why it died, for messages. */
  deathReason?: string;
  /**
   * Call `fn` when the session dies (at once if it is dead already); returns the unsubscribe.
   * Listeners, not a promise, so that nothing a finished read produced stays reachable from a
   * long-lived session (racing each chunk against a "dead" promise kept every chunk in memory).
   */
  onDeath(fn: () => void): () => void;
  /** Open read streams and when each settles: the session is not ended before they have (see `track`). */
  readonly streams: Map<{ destroy(): unknown; destroyed: boolean }, Promise<void>>;
}

export interface SftpConnector {
  /** sftp://host:port, for messages. */
  readonly address: string;
  /** A live session: the current one, or a new connection when there is none or it died. */
  acquire(): Promise<SftpSession>;
  /**
   * Keep the session open until `settled` resolves. ssh2's read stream closes its remote handle
   * after 'end'; ending the connection before that answer arrives makes the stream emit an
   * unhandled 'error' ("No response from server") that crashed the process about one run in three.
   */
  track(session: SftpSession, stream: { destroy(): unknown; destroyed: boolean }, settled: Promise<void>): void;
  close(): Promise<void>;
}

let nextSessionId = 1;

export function createSftpConnector(cfg: SftpConnection, log: Logger, env: NodeJS.ProcessEnv = process.env): SftpConnector {
  const port = cfg.port;
  const host = cfg.host;
  const address = `sftp://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const pinned = normalizeFingerprint(cfg.host_key_sha256);
  const secrets = loadSftpSecrets(cfg, env);
  let current: SftpSession | undefined;
  let connecting: Promise<SftpSession> | undefined;
  let closed = false;

  async function connect(): Promise<SftpSession> {
    const id = nextSessionId++;
    const { default: Client } = await import('ssh2-sftp-client');
    const client = new Client(`tally-${id}`, {
      // ssh2-sftp-client logs to the console by default; these events are handled below instead.
      error: () => {},
      end: () => {},
      close: () => {},
    });
    const deathListeners = new Set<() => void>();
    let dead = false;
    const session: SftpSession = {
      id,
      client,
      alive: false,
      streams: new Map(),
      onDeath(fn) {
        if (dead) {
          fn();
          return () => {};
        }
        deathListeners.add(fn);
        return () => deathListeners.delete(fn);
      },
    };
    let presented: string | undefined;
    const die = (why: string) => {
      if (session.alive) log.debug({ event: 'sftp_session_lost', session: id, why }, 'SFTP session lost');
      session.alive = false;
      session.deathReason ??= why;
      if (dead) return;
      dead = true;
      for (const fn of [...deathListeners]) fn();
      deathListeners.clear();
    };
    client.on('close', () => die('connection closed'));
    client.on('end', () => die('connection ended by the server'));
    client.on('error', (e: Error) => die(errorMessage(e)));
    const started = Date.now();
    let sftp: { on(ev: 'close', cb: () => void): unknown };
    try {
      sftp = await client.connect({
        host,
        port,
        username: cfg.username,
        ...(secrets.privateKey ? { privateKey: secrets.privateKey } : {}),
        ...(secrets.passphrase !== undefined ? { passphrase: secrets.passphrase } : {}),
        ...(secrets.password !== undefined ? { password: secrets.password } : {}),
        readyTimeout: cfg.connect_timeout_ms,
        // Host key pinning: the key is checked before any credential is sent. There is no
        // accept-any-key mode.
        hostVerifier: (key: Buffer) => {
          presented = fingerprintOf(key);
          return presented === pinned;
        },
        // Notice a dead peer within ~30 s instead of hanging on a half-open TCP connection.
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        retries: 0,
      } as SftpClient.ConnectOptions);
    } catch (e) {
      session.alive = false;
      await client.end().catch(() => {});
      throw connectError(e, presented);
    }
    // The SFTP channel can close while the SSH connection stays up (the server's subsystem died).
    sftp.on('close', () => die('the SFTP channel closed'));
    session.alive = true;
    log.debug({ event: 'sftp_connected', session: id, address, ms: Date.now() - started }, 'SFTP session open');
    return session;
  }

  function connectError(e: unknown, presented: string | undefined): ConnectorError {
    const msg = errorMessage(e);
    const code = (e as NodeJS.ErrnoException).code;
    const mk = (m: string, hint: string) => new ConnectorError('E_SOURCE', m, { cause: e, hint });
    if (presented !== undefined && presented !== pinned) {
      return mk(
        `host key mismatch at ${address}: the server presented SHA256:${presented}, but host_key_sha256 pins SHA256:${pinned}; refusing to connect`,
        `if the server's key was really changed, verify the new one out of band (ssh-keyscan -p ${port} ${host} | ssh-keygen -lf -) and update host_key_sha256; otherwise this may be an impostor`,
      );
    }
    if (/authentication methods failed/i.test(msg)) {
      const how = secrets.privateKey ? (secrets.password !== undefined ? 'key and password' : 'private key') : 'password';
      return mk(`authentication failed at ${address} for user ${cfg.username}: the server refused the ${how}`, 'check username and the key or password (the file or environment variable named in the config); the server log says which');
    }
    if (code === 'ECONNREFUSED' || /ECONNREFUSED|refused connection/i.test(msg)) {
      return mk(`cannot connect to ${address}: connection refused (no SSH server is listening there)`, 'check host and port, and that the SFTP server is running');
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /lookup failed|ENOTFOUND/i.test(msg)) {
      return mk(`cannot connect to ${address}: the host name does not resolve`, 'check `host` in the config');
    }
    if (/timed out|ETIMEDOUT|handshake/i.test(msg) || code === 'ETIMEDOUT') {
      return mk(`cannot connect to ${address}: no SSH handshake within ${cfg.connect_timeout_ms} ms`, 'check host, port and firewalls; raise connect_timeout_ms on a slow link');
    }
    if (/Cannot parse privateKey|Encrypted private key detected|passphrase/i.test(msg)) {
      // Reported as a landing failure (exit 5, like other credential problems), found on connect.
      return mk(`the SFTP private key cannot be used: ${msg.replace(/^getConnection: /, '')}`, 'give an OpenSSH or PEM private key, and passphrase_env when it is encrypted');
    }
    if (/subsystem|sftp/i.test(msg) && /denied|fail|refused/i.test(msg)) {
      return mk(`connected to ${address}, but the server refused the SFTP subsystem: ${msg}`, 'the account must be allowed to use SFTP');
    }
    return mk(`cannot connect to ${address}: ${msg.replace(/^getConnection: /, '')}`, 'check host, port, credentials and host_key_sha256');
  }

  return {
    address,
    async acquire(): Promise<SftpSession> {
      if (closed) throw new ConnectorError('E_INTERNAL', 'the SFTP source was already closed');
      if (current?.alive) return current;
      if (!connecting) {
        const old = current;
        current = undefined;
        if (old) void endSession(old);
        connecting = connect().then(
          (s) => {
            current = s;
            connecting = undefined;
            return s;
          },
          (e) => {
            connecting = undefined;
            throw e;
          },
        );
      }
      return connecting;
    },
    track(session, stream, settled) {
      // A stream of a dead session never reports 'close': its death settles it too.
      let off = () => {};
      const dead = new Promise<void>((r) => (off = session.onDeath(r)));
      const p: Promise<void> = Promise.race([settled, dead]).finally(() => {
        off();
        session.streams.delete(stream);
      });
      session.streams.set(stream, p);
    },
    async close() {
      closed = true;
      const s = current ?? (await connecting?.catch(() => undefined));
      current = undefined;
      if (s) await endSession(s);
    },
  };

  async function endSession(s: SftpSession): Promise<void> {
    // Wait for every read stream's 'close' (bounded: a stream of a dead session never closes).
    if (s.streams.size) {
      // A stream its reader abandoned without destroying it still holds a remote handle: release it.
      for (const st of s.streams.keys()) if (!st.destroyed) st.destroy();
      await Promise.race([Promise.allSettled([...s.streams.values()]), delay(10_000)]);
    }
    s.alive = false;
    await s.client.end().catch(() => {});
  }
}

/**
 * Settle `p`, or fail as soon as the session dies. ssh2 registers a request sent on a channel that
 * already closed and never answers it, so anything awaited on a session must also watch its death.
 */
export function onSession<T>(s: SftpSession, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = s.onDeath(() => reject(sessionLost(s)));
    p.then(
      (v) => {
        off();
        resolve(v);
      },
      (e) => {
        off();
        reject(e);
      },
    );
  });
}

function sessionLost(s: SftpSession): Error {
  return Object.assign(new Error(`the SFTP session was lost (${s.deathReason ?? 'closed'})`), { code: 'ESESSIONLOST' });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
