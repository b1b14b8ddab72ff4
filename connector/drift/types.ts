/**
 * Schema inference and drift: the vocabulary.
 *
 * A shape is a flat map from a field path to what was seen there. Paths are JSON-pointer-like:
 * `/amount`, `/udf/pkt`, `/languagename/[]/name/[]` (`[]` = the items of a list); `~` and `/` in
 * names are escaped as `~0` and `~1`.
 */

export type { AlertStatus, DriftAction, DriftAlert, FieldChange, FieldInfo, FieldSample, LogicalType, SchemaVersion, Severity, Shape } from '../../state/types.js';
import type { FieldInfo } from '../../state/types.js';

export function displayPath(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((s) => (s === '[]' ? '[]' : s.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('.')
    .replace(/\.\[\]/g, '[]');
}

export function escapeSeg(s: string): string {
  return s.indexOf('~') >= 0 || s.indexOf('/') >= 0 ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function describeType(f: FieldInfo | null): string {
  if (!f) return '-';
  let t: string = f.type;
  if (f.type === 'decimal') t = `decimal(${f.scale ?? 0})`;
  if (f.type === 'integer' && f.repr === 'string') t = 'integer (as text)';
  return t + (f.required ? ', required' : '') + (f.nullable ? ', nullable' : '');
}
