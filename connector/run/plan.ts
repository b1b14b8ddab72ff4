import type { ResolvedStream } from '../config.js';
import { ConnectorError, isConnectorError } from '../errors.js';
import type { RefusedEntry, RemoteFile, Source } from '../sources/source.js';
import { backupKind, compileMatcher } from '../sources/match.js';
import type { FileEntry, StreamState } from '../../state/state-registry.js';

export type PlanAction =
  /** New, changed, or retryable: read it. */
  | 'process'
  /** Same path, same size, different mtime/etag: hash it first; unchanged bytes are skipped. */
  | 'verify'
  /** Committed, refused or failed with the same bytes: nothing to do. */
  | 'skip'
  /** Modified too recently: still being written, left for the next run. */
  | 'pending'
  /** A Tally backup or an archive: never parsed. */
  | 'refuse'
  /** Held by an open drift alert (quarantined) or rejected by an engineer. */
  | 'hold';

export interface PlanItem {
  /** Why the listing refused the entry (a link leaving the root, a name that is not UTF-8...). */
  refusal?: { code: string; reason: string };
  stream: ResolvedStream | undefined;
  /** State key of the stream (the reserved `_unmatched` for backups that match no stream). */
  stream_id: string;
  file: RemoteFile;
  action: PlanAction;
  reason: string;
  prev: FileEntry | undefined;
}

const UNMATCHED_STREAM = '_unmatched';

/** A file's version hint matches the committed one: same size and mtime (and ETag when the store has one). */
function sameHint(f: RemoteFile, e: FileEntry): boolean {
  if (f.size !== e.hint.size) return false;
  if (f.etag && e.hint.etag) return f.etag === e.hint.etag;
  return f.mtimeMs === e.hint.mtime_ms;
}

/**
 * List the landing once and decide, per stream and file, what to do. Committed path + checksum is
 * the identity: a file is skipped when its version hint (size + mtime, or ETag) is unchanged; a file
 * with the same size but a new hint is verified by hashing before anything is emitted; any other
 * change is read again. Order does not matter: a file that lands late with an early name is new all
 * the same.
 */
export async function planRun(
  source: Source,
  streams: ResolvedStream[],
  loadState: (streamId: string) => Promise<StreamState>,
  opts: { now?: number; isHeld?: (streamId: string, entry: FileEntry) => 'hold' | 'release' | 'rejected' } = {},
): Promise<PlanItem[]> {
  const now = opts.now ?? Date.now();
  const matchers = streams.map((s) => ({ s, m: compileMatcher(s.patterns) }));
  const files: RemoteFile[] = [];
  const refusals: RefusedEntry[] = [];
  try {
    for await (const f of source.list((r) => refusals.push(r))) files.push(f);
  } catch (e) {
    if (isConnectorError(e)) throw e;
    throw new ConnectorError('E_SOURCE', `listing ${source.rootUri} failed: ${(e as Error).message}`, { cause: e });
  }
  files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const states = new Map<string, StreamState>();
  const stateOf = async (id: string) => {
    let st = states.get(id);
    if (!st) {
      st = await loadState(id);
      states.set(id, st);
    }
    return st;
  };

  const items: PlanItem[] = [];
  // Entries the listing refused are reported like backups: in their stream, or in `_unmatched`.
  for (const r of refusals) {
    const f = r.file;
    let matched = false;
    for (const { s, m } of matchers) {
      if (!m(f.key)) continue;
      matched = true;
      items.push(refusedItem(s, s.id, r, (await stateOf(s.id)).files.get(f.key)));
    }
    if (!matched) items.push(refusedItem(undefined, UNMATCHED_STREAM, r, (await stateOf(UNMATCHED_STREAM)).files.get(f.key)));
  }
  for (const f of files) {
    const backup = backupKind(f.key);
    let matched = false;
    for (const { s, m } of matchers) {
      if (!m(f.key)) continue;
      matched = true;
      const st = await stateOf(s.id);
      items.push(decide(s, s.id, f, st.files.get(f.key), backup, now, source.settleMs, opts.isHeld));
    }
    if (!matched && backup) {
      const st = await stateOf(UNMATCHED_STREAM);
      items.push(decide(undefined, UNMATCHED_STREAM, f, st.files.get(f.key), backup, now, source.settleMs, opts.isHeld));
    }
  }
  return items;
}

function refusedItem(stream: ResolvedStream | undefined, streamId: string, r: RefusedEntry, prev: FileEntry | undefined): PlanItem {
  const unchanged = prev?.status === 'refused' && sameHint(r.file, prev);
  return { stream, stream_id: streamId, file: r.file, action: unchanged ? 'skip' : 'refuse', reason: unchanged ? 'refused before, unchanged' : r.reason, prev, refusal: { code: r.code, reason: r.reason } };
}

function decide(
  stream: ResolvedStream | undefined,
  streamId: string,
  f: RemoteFile,
  prev: FileEntry | undefined,
  backup: 'backup' | 'archive' | undefined,
  now: number,
  settleMs: number,
  isHeld: ((streamId: string, entry: FileEntry) => 'hold' | 'release' | 'rejected') | undefined,
): PlanItem {
  const item = (action: PlanAction, reason: string): PlanItem => ({ stream, stream_id: streamId, file: f, action, reason, prev });
  if (settleMs > 0 && now - f.mtimeMs < settleMs) return item('pending', `modified ${Math.round((now - f.mtimeMs) / 1000)} s ago; waiting ${Math.round(settleMs / 1000)} s for the upload to settle`);
  if (backup) {
    if (prev && prev.status === 'refused' && sameHint(f, prev)) return item('skip', 'refused before, unchanged');
    return item('refuse', backup === 'backup' ? 'Tally backup or data file' : 'archive');
  }
  if (!prev) return item('process', 'new file');
  const unchanged = sameHint(f, prev);
  switch (prev.status) {
    case 'committed':
      if (unchanged) return item('skip', 'already committed');
      if (f.size === prev.hint.size && prev.sha256) return item('verify', 'same size, new modification time: checking the checksum');
      return item('process', 'changed since it was committed');
    case 'failed':
      if (prev.error?.retryable) return item('process', 'retrying a read that broke last time');
      if (unchanged) return item('skip', `failed before (${prev.error?.code ?? 'error'}), unchanged`);
      if (f.size === prev.hint.size && prev.sha256) return item('verify', 'failed before; checking whether the bytes changed');
      return item('process', 'failed before, changed since');
    case 'refused':
      if (unchanged) return item('skip', 'refused before, unchanged');
      return item('process', 'refused before, changed since');
    case 'delivering':
      // The output was being made visible when a run stopped: read again, delivered under the same name.
      return item('process', 'delivered before its checkpoint was committed (the run stopped): delivering it again under the same name');
    case 'quarantined': {
      const v = isHeld?.(streamId, prev) ?? 'hold';
      if (v === 'release') return item('process', 'drift alert accepted: ingesting with the new schema');
      if (!unchanged && !(f.size === prev.hint.size && prev.sha256)) return item('process', 'quarantined before, changed since');
      if (!unchanged) return item('verify', 'quarantined before; checking whether the bytes changed');
      if (v === 'rejected') return item('hold', 'drift alert rejected: the file stays refused until it changes');
      return item('hold', 'quarantined until its drift alert is accepted or rejected');
    }
  }
}
