import type { FieldChange, FieldInfo, FieldSample, LogicalType } from './types.js';

/** Samples kept per change, and the number of changes of one alert that carry them. */
export const SAMPLES_PER_CHANGE = 3;
export const CHANGES_WITH_SAMPLES = 50;

/**
 * The changes of an alert with the values behind each: what an engineer needs to see before
 * accepting a change. A type change shows the first rows whose value the registered type cannot
 * hold, a required field turning null its first nulls, a new field its first values. The values
 * come from inference (drift/infer.ts); nothing is read again. Bounded: a few per change, each cut
 * to 80 characters, for the first 50 changes.
 */
export function withSamples(changes: FieldChange[], samples: Record<string, FieldSample[]> | undefined): FieldChange[] {
  if (!samples) return changes;
  let budget = CHANGES_WITH_SAMPLES;
  return changes.map((c) => {
    if (budget <= 0) return c;
    const picked = pick(c, samples[c.path] ?? []);
    if (!picked.length) return c;
    budget--;
    return { ...c, samples: picked };
  });
}

function pick(c: FieldChange, all: FieldSample[]): FieldSample[] {
  let chosen: FieldSample[];
  switch (c.kind) {
    case 'removed':
      return [];
    case 'added':
      chosen = all.filter((s) => s.type !== 'null');
      break;
    case 'nullability_changed':
      chosen = all.filter((s) => s.type === 'null');
      break;
    case 'type_changed': {
      const before = c.before;
      chosen = all.filter((s) => s.type !== 'null' && !(before && fits(before, s.type)));
      if (!chosen.length) chosen = all.filter((s) => s.type !== 'null');
      break;
    }
  }
  return [...chosen].sort((a, b) => a.row - b.row || a.line - b.line).slice(0, SAMPLES_PER_CHANGE);
}

/** Whether a value read as `t` is one the registered field's type holds. */
function fits(before: FieldInfo, t: LogicalType): boolean {
  if (before.type === 'any' || before.type === t) return true;
  if (before.type === 'decimal' && t === 'integer') return true;
  if (before.type === 'string' && (t === 'integer' || t === 'decimal' || t === 'date')) return true;
  return false;
}
