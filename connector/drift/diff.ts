import { describeType, displayPath, type FieldChange, type FieldInfo, type Severity, type Shape } from './types.js';

/**
 * Compare a file's shape with the registered one. The rules (also in the README):
 * - a field that is new in the file: compatible (the schema is open; old readers ignore it);
 * - a field the schema requires (a CSV column, an XML key such as guid) missing from the file: breaking;
 *   an optional field missing is not a change (Tally leaves out empty tags);
 * - a type that widens (null → anything, integer → decimal, a larger decimal scale): compatible;
 * - a value the registered type cannot hold (number → text, date → text, boolean → text, scalar ↔ list): breaking;
 *   data narrower than the registered type (integers in a decimal field) fits and is not a change;
 * - a required field that starts to hold nulls: breaking;
 * - anything under `udf` (Tally user-defined fields) is never breaking.
 */
export function diffShapes(registered: Shape, file: Shape): FieldChange[] {
  const changes: FieldChange[] = [];
  const udf = (p: string) => p === '/udf' || p.startsWith('/udf/');
  for (const [path, after] of Object.entries(file)) {
    const before = registered[path];
    if (!before) {
      // A nested path under a field that is itself new is reported with its parent only.
      const parent = path.slice(0, path.lastIndexOf('/'));
      if (parent && !registered[parent] && file[parent]) continue;
      if (after.type === 'null' && !after.required) continue; // only nulls: nothing to learn yet
      changes.push(change('added', path, null, after, 'compatible', udf(path) ? 'new user-defined field' : 'new field'));
      continue;
    }
    const t = compareTypes(before, after);
    if (t) changes.push(change('type_changed', path, before, after, udf(path) ? 'compatible' : t.severity, t.why));
    if (before.required && !before.nullable && after.nullable) {
      changes.push(change('nullability_changed', path, before, after, udf(path) ? 'compatible' : 'breaking', 'a required field now holds nulls'));
    }
  }
  for (const [path, before] of Object.entries(registered)) {
    if (file[path] || !before.required) continue;
    changes.push(change('removed', path, before, null, udf(path) ? 'compatible' : 'breaking', 'a required field is missing from the file'));
  }
  return changes;
}

function change(kind: FieldChange['kind'], path: string, before: FieldInfo | null, after: FieldInfo | null, severity: Severity, why: string): FieldChange {
  return { kind, path, field: displayPath(path), before, after, severity, why };
}

function compareTypes(before: FieldInfo, after: FieldInfo): { severity: Severity; why: string } | undefined {
  const b = before.type;
  const a = after.type;
  if (a === 'null' || b === 'any') return undefined;
  if (a === b) {
    if (a === 'decimal' && (after.scale ?? 0) > (before.scale ?? 0)) return { severity: 'compatible', why: `more decimals (${before.scale ?? 0} → ${after.scale})` };
    if (a === 'integer' && before.repr !== after.repr) return { severity: 'breaking', why: 'integers changed between JSON numbers and text' };
    return undefined;
  }
  if (b === 'null') return { severity: 'compatible', why: 'the field had only nulls so far' };
  if (b === 'decimal' && a === 'integer' && after.repr === 'string') return undefined; // fits
  if (b === 'integer' && a === 'decimal' && before.repr === 'string') return { severity: 'compatible', why: 'widened from integer to decimal' };
  if (b === 'string' && (a === 'integer' || a === 'decimal' || a === 'date') && (after.repr ?? 'string') === 'string') return undefined; // text fits
  return { severity: 'breaking', why: `${describeType({ ...before, required: false, nullable: false })} cannot hold ${describeType({ ...after, required: false, nullable: false })}` };
}

/** The shape to register when a file's changes are accepted: old ∪ new, types widened. */
export function mergeShapes(registered: Shape, file: Shape): Shape {
  const out: Shape = {};
  for (const [p, f] of Object.entries(registered)) out[p] = { ...f };
  for (const [p, f] of Object.entries(file)) {
    const cur = out[p];
    if (!cur) {
      // New in this file: optional for the data registered before it.
      out[p] = { ...f, required: Object.keys(registered).length === 0 ? f.required : false };
      continue;
    }
    out[p] = widen(cur, f);
  }
  // A required field the file lacks (accepted removal) becomes optional.
  for (const [p, f] of Object.entries(out)) if (f.required && !file[p] && Object.keys(file).length) out[p] = { ...f, required: false };
  return out;
}

function widen(a: FieldInfo, b: FieldInfo): FieldInfo {
  const nullable = a.nullable || b.nullable;
  const required = a.required && b.required && !b.nullable;
  if (b.type === 'null' || a.type === b.type) {
    const f: FieldInfo = { ...a, nullable, required };
    if (a.type === 'decimal') f.scale = Math.max(a.scale ?? 0, b.scale ?? 0);
    if (a.type === 'integer' && b.type === 'integer' && a.repr !== b.repr) return { type: 'any', nullable, required };
    return f;
  }
  if (a.type === 'null') return { ...b, nullable: true, required };
  const nums = new Set([a.type, b.type]);
  if (nums.has('integer') && nums.has('decimal') && a.repr !== 'number' && b.repr !== 'number') {
    return { type: 'decimal', scale: Math.max(a.scale ?? 0, b.scale ?? 0), nullable, required };
  }
  const str = (f: FieldInfo) => ['string', 'decimal', 'date'].includes(f.type) || (f.type === 'integer' && f.repr === 'string');
  if (str(a) && str(b)) return { type: 'string', nullable, required };
  return { type: 'any', nullable, required };
}

export function maxSeverity(changes: FieldChange[]): Severity | undefined {
  if (!changes.length) return undefined;
  return changes.some((c) => c.severity === 'breaking') ? 'breaking' : 'compatible';
}
