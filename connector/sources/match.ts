import picomatch from 'picomatch';

type Matcher = (key: string) => boolean;

/**
 * A stream's globs, matched case-insensitively on the key relative to the landing root. A compressed
 * copy matches when the uncompressed name does (`daybook.xml.gz` matches `**\/*.xml`). Hidden files
 * and folders (a leading dot, as upload tools use for partial files) never match.
 */
export function compileMatcher(patterns: string[]): Matcher {
  const ms = patterns.map((p) => picomatch(p, { nocase: true, dot: false }));
  return (key: string) => {
    const plain = key.replace(/\.gz$/i, '');
    for (const m of ms) if (m(key) || (plain !== key && m(plain))) return true;
    return false;
  };
}

/**
 * Tally backups and data folders: `.tsb`, company data files (`.900` in Tally.ERP 9, `.1800` in
 * TallyPrime, `.tsf`), the numbered backup archives `TBK*.001`, and zip/7z/rar archives. They are never
 * parsed; the message says what to do instead.
 */
const BACKUP_NAME = /\.(tsb|900|1800|tsf)$|(^|\/)tbk[^/]*\.\d{3}$/i;
const ARCHIVE_NAME = /\.(zip|7z|rar|tar|tgz|tar\.gz)$/i;

export function backupKind(key: string): 'backup' | 'archive' | undefined {
  if (BACKUP_NAME.test(key)) return 'backup';
  if (ARCHIVE_NAME.test(key)) return 'archive';
  return undefined;
}

export const BACKUP_MESSAGE =
  'this looks like a Tally backup or data file; backups are never parsed. Restore it into Tally, export the company to XML (Data Interchange) or CSV, and land those files instead';
export const ARCHIVE_MESSAGE =
  'archives are not read. If it is a Tally backup, restore it into Tally and export XML or CSV; otherwise extract it and land the CSV/XML files (a .gz of a single file is fine)';
