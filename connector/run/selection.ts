import type { Config } from '../config.js';
import { ConnectorError } from '../errors.js';
import { normalizePrefix } from '../clients/paths.js';
import { sha256Hex } from '../hashing.js';

/** Which files of the landing one worker takes: named keys, or a shard of a stable hash. */
export interface Selection {
  /** Only these keys (for sharded workers and targeted re-runs). */
  onlyKeys?: Set<string>;
  /** Only the files of this shard: a stable hash of the path, modulo `of` (parallel workers on one landing). */
  shard?: { index: number; of: number };
}

/** `--shard I/N`. */
export function parseShard(cmd: string, value: string): { index: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new ConnectorError('E_USAGE', `${cmd}: --shard must be I/N with 0 <= I < N, e.g. --shard 0/2`);
  return { index: Number(m[1]), of: Number(m[2]) };
}

/** The shard a landing path belongs to: the same for every worker and every run. */
function shardOf(key: string, of: number): number {
  return parseInt(sha256Hex(key).slice(0, 8), 16) % of;
}

export function selects(sel: Selection, key: string): boolean {
  if (sel.onlyKeys && !sel.onlyKeys.has(key)) return false;
  if (sel.shard && shardOf(key, sel.shard.of) !== sel.shard.index) return false;
  return true;
}

/**
 * The keys a sharded worker owns: --only values, plus a JSON array in an environment variable
 * (paths, or S3 listing items whose Key carries the source prefix).
 */
export function onlyKeys(only: string[] | undefined, envName: string | undefined, env: NodeJS.ProcessEnv, config: Config): Set<string> {
  const keys = new Set(only ?? []);
  if (envName === undefined) return keys;
  const raw = env[envName];
  if (raw === undefined) throw new ConnectorError('E_USAGE', `--only-env ${envName}: the variable is not set`);
  let items: unknown;
  try {
    items = JSON.parse(raw);
  } catch {
    throw new ConnectorError('E_USAGE', `--only-env ${envName}: not JSON; expected an array of paths or of {"Key": ...} items`);
  }
  const list = Array.isArray(items) ? items : items && typeof items === 'object' && Array.isArray((items as { Items?: unknown }).Items) ? (items as { Items: unknown[] }).Items : undefined;
  if (!list) throw new ConnectorError('E_USAGE', `--only-env ${envName}: expected a JSON array (or {"Items": [...]})`);
  const prefix = config.source.type === 's3' ? normalizePrefix(config.source.prefix) : '';
  for (const it of list) {
    const k = typeof it === 'string' ? it : it && typeof it === 'object' && typeof (it as { Key?: unknown }).Key === 'string' ? (it as { Key: string }).Key : undefined;
    if (k === undefined) throw new ConnectorError('E_USAGE', `--only-env ${envName}: an item is neither a path nor {"Key": ...}`);
    keys.add(prefix && k.startsWith(prefix) ? k.slice(prefix.length) : k);
  }
  return keys;
}
