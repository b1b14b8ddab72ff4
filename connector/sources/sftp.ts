import { Readable, addAbortSignal } from 'node:stream';
import { posix } from 'node:path';
import type { ReadStream } from 'ssh2';
import { ConnectorError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { isInside, unsafeRelativeKey } from '../clients/paths.js';
import { SFTP_PATH_FIELDS, createSftpConnector, onSession, sftpAuthProblem, type SftpConnection, type SftpSession } from '../clients/sftp.js';
import type { RuntimeDeps } from '../component.js';
import type { DisposeAction, OpenOptions, RefusalReport, RemoteFile, Source, SourceComponent } from './source.js';

export interface SftpSourceConfig extends SftpConnection {
  type: 'sftp';
  root: string;
  settle_seconds: number;
  read_chunk_bytes: number;
  max_attempts: number;
  archive_to?: string;
}

export const sftpSource: SourceComponent<SftpSourceConfig> = {
  type: 'sftp',
  schema: {
    $ref: '#/$defs/sftpConnection',
    required: ['root'],
    properties: {
      root: { type: 'string', minLength: 1, description: 'Folder on the server; nothing outside it is listed or read.' },
      settle_seconds: { type: 'number', minimum: 0, default: 60, description: 'Files modified more recently than this are left for the next run (still being uploaded).' },
      read_chunk_bytes: { type: 'integer', minimum: 32768, default: 4194304, description: 'Read-ahead per request; 4 MiB measured about twice the speed of 64 KiB against OpenSSH.' },
      max_attempts: { type: 'integer', minimum: 1, maximum: 20, default: 4, description: 'Attempts per file read that breaks mid-transfer (read again from its start on a new session).' },
      archive_to: { type: 'string', minLength: 1, description: 'Folder on the server that streams with `after_commit: archive` move committed files to, keeping their relative paths (relative folders are relative to the login folder, like root). Beside the root or inside it (then it is not listed); never the root itself or a folder above it. The account needs write permission on both.' },
    },
  },
  paths: SFTP_PATH_FIELDS,
  check(cfg) {
    const auth = sftpAuthProblem(cfg);
    if (auth) return auth;
    if (cfg.archive_to && cfg.root) {
      const norm = (p: string) => posix.normalize(p.startsWith('/') ? p : `/~/${p}`).replace(/\/+$/, '') || '/';
      const a = norm(cfg.archive_to);
      const r = norm(cfg.root);
      if (r === a || r.startsWith(a.endsWith('/') ? a : a + '/')) return 'archive_to is the root folder or a folder above it; give a folder beside or inside the root';
    }
    return undefined;
  },
  async create(cfg, ctx) {
    return createSftpSource(cfg, ctx.log, ctx.env, ctx.deps);
  },
};

/** SFTP status codes (draft-ietf-secsh-filexfer-02) as ssh2 reports them in `err.code`. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

function sftpCode(e: unknown): number | string | undefined {
  return (e as { code?: number | string })?.code;
}

/**
 * A folder on an SFTP server. Everything is confined to `root`: the listing never leaves it, keys
 * with `..` or absolute paths are refused, and a symlink is followed only when its real target is
 * inside the root. Reads stream with a large read-ahead (4 MiB requests measured about twice the
 * speed of the 64 KiB default against OpenSSH).
 */
function createSftpSource(cfg: SftpSourceConfig, log: Logger, env: NodeJS.ProcessEnv, deps: RuntimeDeps): Source {
  const conn = createSftpConnector(cfg, log, env);
  const chunk = cfg.read_chunk_bytes;
  const onChunk = deps.onSftpChunk;
  const rootCfg = cfg.root.length > 1 ? cfg.root.replace(/\/+$/, '') : cfg.root;
  // A relative root is relative to the login folder; the URI says so with `~` (as sftp URIs do).
  const rootUri = `${conn.address}${rootCfg.startsWith('/') ? rootCfg : `/~/${rootCfg}`}`;
  const uriOf = (key: string) => (rootUri.endsWith('/') ? rootUri + key : `${rootUri}/${key}`);
  let realRoot: string | undefined;
  /** archive_to as an absolute path on the server (known once a session is open). */
  let archiveAbs: string | undefined;

  async function session(): Promise<{ s: SftpSession; root: string }> {
    const s = await conn.acquire();
    if (!realRoot) {
      let r: string;
      try {
        r = await onSession(s, s.client.realPath(rootCfg));
      } catch (e) {
        throw rootError(e);
      }
      if (!r) throw new ConnectorError('E_SOURCE', `the root folder ${rootCfg} does not exist on ${conn.address}`, { hint: 'create it or fix `root` in the config' });
      let st;
      try {
        st = await onSession(s, s.client.stat(r));
      } catch (e) {
        throw rootError(e);
      }
      if (!st.isDirectory) throw new ConnectorError('E_SOURCE', `the root ${rootCfg} on ${conn.address} is not a folder`, { hint: 'point `root` at the folder the exports land in' });
      if (cfg.archive_to) {
        const home = cfg.archive_to.startsWith('/') ? '/' : await onSession(s, s.client.realPath('.'));
        archiveAbs = posix.normalize(posix.join(home, cfg.archive_to)).replace(/\/+$/, '') || '/';
      }
      realRoot = r;
    }
    return { s, root: realRoot };
  }

  function rootError(e: unknown): ConnectorError {
    const code = sftpCode(e);
    const msg = errorMessage(e);
    if (code === SFTP_PERMISSION_DENIED || /permission denied/i.test(msg)) {
      return new ConnectorError('E_SOURCE', `permission denied on the root folder ${rootCfg} at ${conn.address} for user ${cfg.username}`, { cause: e, hint: 'the account needs read and list (r-x) permission on the root and its sub-folders' });
    }
    if (code === SFTP_NO_SUCH_FILE || code === 'ENOENT' || /no such file/i.test(msg)) {
      return new ConnectorError('E_SOURCE', `the root folder ${rootCfg} does not exist on ${conn.address}`, { cause: e, hint: 'create it or fix `root` in the config' });
    }
    return new ConnectorError('E_SOURCE', `the root folder ${rootCfg} at ${conn.address} cannot be used: ${msg}`, { cause: e, hint: 'check the root and the session' });
  }

  /** Resolve a path on the server and refuse it when its real location is outside the root. */
  async function resolveInside(s: SftpSession, root: string, path: string): Promise<string | undefined> {
    const real = await onSession(s, s.client.realPath(path));
    if (!real) return undefined;
    return isInside(root, real, '/') ? real : '';
  }

  /**
   * Every file under `dir`. Links are not followed: a target inside the root is listed on its own
   * (each real file once; no loops), one outside it, or none, is refused and reported.
   */
  async function* walk(s: SftpSession, root: string, dir: string, relDir: string, refused: RefusalReport | undefined): AsyncGenerator<RemoteFile> {
    let entries;
    try {
      entries = await onSession(s, s.client.list(dir));
    } catch (e) {
      if (relDir === '') throw rootError(e);
      if (!s.alive) throw droppedWhileListing(s, e);
      log.warn({ event: 'folder_unreadable', source: 'sftp' , err: errorMessage(e) }, 'a sub-folder of the landing cannot be listed; skipped');
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name === '.' || ent.name === '..' || ent.name.includes('/')) continue;
      const full = posix.join(dir, ent.name);
      const key = relDir ? `${relDir}/${ent.name}` : ent.name;
      const file: RemoteFile = { key, uri: uriOf(key), size: ent.size, mtimeMs: ent.modifyTime };
      if (ent.name.includes('\ufffd')) {
        refused?.({ file, code: 'E_NAME_ENCODING', reason: 'the file name is not valid UTF-8 as the server sent it (rename it in UTF-8)' });
        continue;
      }
      if (unsafeRelativeKey(key)) {
        refused?.({ file, code: 'E_KEY_UNSAFE', reason: 'a file name with a backslash or NUL' });
        continue;
      }
      if (ent.type === 'l') {
        let target: string | undefined;
        try {
          target = await resolveInside(s, root, full);
        } catch (e) {
          if (!s.alive) throw droppedWhileListing(s, e);
          target = undefined;
        }
        if (target) {
          // Inside the root: listed on its own, if it exists (the server resolves a dangling link too).
          const exists = await onSession(s, s.client.exists(target)).catch((e) => {
            if (!s.alive) throw droppedWhileListing(s, e);
            return false;
          });
          if (exists) continue;
          target = undefined;
        }
        if (target === undefined) refused?.({ file, code: 'E_LINK_DANGLING', reason: 'a symbolic link whose target does not exist' });
        else refused?.({ file, code: 'E_LINK_OUTSIDE', reason: 'a symbolic link whose target is outside the landing root' });
        continue;
      }
      if (ent.type === 'd') {
        if (archiveAbs && full === archiveAbs) continue; // where committed files are archived
        yield* walk(s, root, full, key, refused);
      }
      else if (ent.type === '-') yield file;
    }
  }

  function droppedWhileListing(s: SftpSession, e: unknown): ConnectorError {
    return new ConnectorError('E_SOURCE', `the SFTP session to ${conn.address} dropped while listing: ${s.deathReason ?? errorMessage(e)}`, { cause: e, hint: 'run again; nothing was read' });
  }

  function readError(e: unknown, s: SftpSession): ConnectorError {
    if (e instanceof ConnectorError) return e;
    const code = sftpCode(e);
    const msg = errorMessage(e);
    if (e && (e as Error).name === 'AbortError') return new ConnectorError('E_READ', 'the read was aborted', { cause: e, retryable: false });
    if (!s.alive || code === 'ESESSIONLOST' || code === 'ERR_NOT_CONNECTED' || /No response from server|ECONNRESET|not connected|connection (lost|closed)/i.test(msg)) {
      return new ConnectorError('E_READ', `the SFTP session to ${conn.address} dropped mid-file (${s.deathReason ?? msg})`, { cause: e, retryable: true, hint: 'the file is read again from its start on a new session' });
    }
    if (code === SFTP_NO_SUCH_FILE || code === 'ENOENT') return new ConnectorError('E_VANISHED', 'the file vanished between listing and reading', { cause: e });
    if (code === SFTP_PERMISSION_DENIED) return new ConnectorError('E_READ', `permission denied reading the file as ${cfg.username}`, { cause: e, hint: 'the account needs read permission on the landed files' });
    return new ConnectorError('E_READ', `reading the file over SFTP failed: ${msg}`, { cause: e, retryable: true });
  }

  return {
    kind: 'sftp',
    rootUri,
    settleMs: cfg.settle_seconds * 1000,
    readAttempts: cfg.max_attempts,
    async *list(refused?: RefusalReport): AsyncGenerator<RemoteFile> {
      const { s, root } = await session();
      yield* walk(s, root, root, '', refused);
    },
    async open(file: RemoteFile, opts: OpenOptions = {}): Promise<Readable> {
      if (unsafeRelativeKey(file.key)) {
        throw new ConnectorError('E_READ', 'refusing to read a path with `..`, `.` or an absolute part: it could leave the landing root');
      }
      let s: SftpSession;
      let root: string;
      try {
        ({ s, root } = await session());
      } catch (e) {
        // The landing was listed a moment ago; a connection that fails now is worth another try.
        const ce = e instanceof ConnectorError ? e : new ConnectorError('E_READ', errorMessage(e), { cause: e });
        throw new ConnectorError('E_READ', `cannot reopen the SFTP session: ${ce.message}`, { cause: e, retryable: true, ...(ce.hint ? { hint: ce.hint } : {}) });
      }
      const full = posix.join(root, file.key);
      let real: string | undefined;
      try {
        real = await resolveInside(s, root, full);
        if (real === undefined) throw new ConnectorError('E_VANISHED', 'the file vanished between listing and reading');
        if (real === '') throw new ConnectorError('E_READ', 'refusing to read a symbolic link that leaves the landing root');
        const st = await onSession(s, s.client.stat(real));
        if (!st.isFile) throw new ConnectorError('E_READ', 'the path is no longer a regular file');
      } catch (e) {
        throw readError(e, s);
      }
      let rs: ReadStream;
      try {
        rs = s.client.createReadStream(real, { highWaterMark: chunk });
      } catch (e) {
        throw readError(e, s);
      }
      // Closed (remote handle released) or failed: either way the session may be ended after it.
      let streamError: unknown;
      const settled = new Promise<void>((resolve) => {
        rs.once('close', () => resolve());
        rs.on('error', (e: Error) => {
          streamError ??= e; // a listener always: a late error must never crash the process
          resolve();
        });
      });
      conn.track(s, rs, settled);
      const key = file.key;
      async function* pass(): AsyncGenerator<Buffer> {
        let bytes = 0;
        const it = (rs as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        try {
          for (;;) {
            // Raced with the session's death: a read issued after the channel closed never returns.
            const n = await onSession(s, it.next());
            if (n.done) break;
            bytes += n.value.length;
            if (onChunk) await onChunk({ key, bytes });
            yield n.value;
          }
          if (streamError) throw streamError;
        } catch (e) {
          throw readError(e, s);
        } finally {
          // Releases the remote handle, then 'close' (on a dead session the session's death settles it).
          if (!rs.destroyed) rs.destroy();
        }
      }
      const out = Readable.from(pass(), { objectMode: false, highWaterMark: chunk });
      if (opts.signal) addAbortSignal(opts.signal, out);
      return out;
    },
    async dispose(file: RemoteFile, action: DisposeAction) {
      if (unsafeRelativeKey(file.key)) throw new ConnectorError('E_DISPOSE', 'refusing to move a path that could leave the landing root');
      const { s, root } = await session();
      const full = posix.join(root, file.key);
      let st;
      try {
        st = await onSession(s, s.client.stat(full));
      } catch (e) {
        if (sftpCode(e) === SFTP_NO_SUCH_FILE || sftpCode(e) === 'ENOENT' || /no such file/i.test(errorMessage(e))) throw new ConnectorError('E_CHANGED', 'the file is gone from the landing', { cause: e });
        throw new ConnectorError('E_DISPOSE', `cannot check the file before moving it: ${errorMessage(e)}`, { cause: e });
      }
      // Only the file that was read: a new version uploaded since is left for the next run.
      if (!st.isFile || st.size !== file.size || st.modifyTime !== file.mtimeMs) throw new ConnectorError('E_CHANGED', 'the file changed after it was read; left in place for the next run');
      try {
        if (action === 'delete') {
          await onSession(s, s.client.delete(full));
          return {};
        }
        if (!archiveAbs) throw new ConnectorError('E_CONFIG', 'after_commit: archive needs source.archive_to');
        const dest = posix.join(archiveAbs, file.key);
        await onSession(s, s.client.mkdir(posix.dirname(dest), true));
        // posix-rename@openssh.com replaces an earlier archived copy; plain SFTP rename refuses to.
        await onSession(s, s.client.posixRename(full, dest));
        return { uri: `${conn.address}${dest}` };
      } catch (e) {
        if (e instanceof ConnectorError) throw e;
        throw new ConnectorError('E_DISPOSE', `the file could not be ${action === 'archive' ? 'archived' : 'deleted'}: ${errorMessage(e)}`, { cause: e, hint: 'the account needs write permission on the landing and the archive folder' });
      }
    },
    async close() {
      await conn.close();
    },
  };
}
