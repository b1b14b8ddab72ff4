import { sep } from 'node:path';

/**
 * Paths and keys, the one place for "is this inside the root" and prefix joining, for every
 * transport (local folders, SFTP, S3 keys) and every store.
 */

/**
 * A key relative to a landing root that could be read as leaving it: `..` or `.` segments, a leading
 * `/`, empty segments, backslashes or NUL. S3 keys are opaque strings, but the same key becomes a
 * path in SFTP, in local sinks and in messages, so every remote source refuses these.
 */
export function unsafeRelativeKey(key: string): boolean {
  if (!key || key.startsWith('/') || key.includes('\\') || key.includes('\0')) return true;
  return key.split('/').some((s) => s === '..' || s === '.' || s === '');
}

/**
 * True when `p` is `root` or below it. Both must be absolute and normalised (real paths);
 * `separator` is `/` for remote (POSIX) paths, the platform's for local ones.
 */
export function isInside(root: string, p: string, separator: string = sep): boolean {
  if (p === root) return true;
  return p.startsWith(root.endsWith(separator) ? root : root + separator);
}

/** A key prefix as a folder: '' or ending with '/', never starting with '/'. */
export function normalizePrefix(prefix: string | undefined): string {
  let p = (prefix ?? '').replace(/^\/+/, '');
  if (p && !p.endsWith('/')) p += '/';
  return p;
}

/** `a` + `b` as key prefixes: `tenant/` + `schemas` → `tenant/schemas`; '' + `b` → `b`. */
export function joinPrefix(a: string, b: string): string {
  if (!a) return b;
  return a.endsWith('/') ? a + b : a + '/' + b;
}
