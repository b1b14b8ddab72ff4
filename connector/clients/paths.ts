/**
 * A key relative to a landing root that could be read as leaving it: `..` or `.` segments, a leading
 * `/`, empty segments, backslashes or NUL. S3 keys are opaque strings, but the same key becomes a
 * path in SFTP, in local sinks and in messages, so every remote source refuses these.
 */
export function unsafeRelativeKey(key: string): boolean {
  if (!key || key.startsWith('/') || key.includes('\\') || key.includes('\0')) return true;
  return key.split('/').some((s) => s === '..' || s === '.' || s === '');
}
