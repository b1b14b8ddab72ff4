import type { Shape } from '../../state/types.js';
import { FNV_OFFSET, FNV_PRIME } from '../hashing.js';
import { VClass } from '../formats/classify.js';
import type { Cells, FieldKey, RowNote, RowSink } from '../rows/row-sink.js';
import { DoubleBuffer, type ByteSink } from './byte-buffer.js';

const ENVELOPE_VERSION = 1;

/** Per-file facts that every envelope of the file repeats. Serialised once per file (and entity). */
export interface EnvelopeContext {
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  run_id: string;
  file_id: string;
  /** Clear path, only when the config allows clear names. */
  path?: string;
  format: 'tally-xml' | 'csv';
  encoding: string;
  /** Bytes written before/after each envelope on its line (used by `read` to wrap messages). */
  wrap?: { open: string; close: string };
}

const HEX = Buffer.from('0123456789abcdef');

/**
 * The NDJSON envelope writer, a consumer of the row seam: it builds envelope lines straight into a
 * byte buffer, pino-style. The constant part of a line (tenant, connector, stream, entity, run,
 * time, schema version, file) is serialised once and copied; each row appends only its ordinal,
 * line, record id and record. Record ids are deterministic: `<file id>.<ordinal>.<content hash>`,
 * so the same bytes give the same ids. The content hash is FNV-1a-32: over the record's JSON for a
 * whole record (XML objects); for rows given field by field (CSV), over each field's text as read
 * (a 0xff before each field), or over its JSON where the value was normalised.
 *
 * This module owns the line format: it alone writes lines, and it alone rewrites them
 * (`finalizeLines`) when the drift gate's decision stamps another version or withholds rows.
 */
export class EnvelopeWriter extends DoubleBuffer implements RowSink {
  rows = 0;
  private readonly prefixes = new Map<string, Buffer>();
  private emittedAt = '';
  private lastTick = 0;
  private readonly idHead: Buffer;
  private readonly mid: Buffer;
  private readonly close: Buffer;
  /** Entities written, with the schema version their envelopes carry. */
  readonly stamped = new Map<string, number>();
  // The row being written.
  private hashAt = 0;
  private recStart = 0;
  private h = FNV_OFFSET;
  private whole = false;

  constructor(
    readonly ctx: EnvelopeContext,
    sink: ByteSink,
    private readonly schemaVersion: (entity: string) => number,
  ) {
    super(sink);
    this.idHead = Buffer.from(`,"record_id":"${ctx.file_id}.`);
    this.mid = Buffer.from('","record":');
    this.close = Buffer.from('}' + (ctx.wrap?.close ?? '') + '\n');
    this.tick(true);
  }

  /** Refresh `emitted_at` (called once per input chunk; the time has millisecond precision). */
  tick(force = false): void {
    const now = Date.now();
    if (!force && now === this.lastTick) return;
    this.lastTick = now;
    this.emittedAt = new Date(now).toISOString();
    this.prefixes.clear();
  }

  /** Forget cached prefixes, e.g. after the schema version of an entity changed. */
  invalidate(): void {
    this.prefixes.clear();
  }

  private prefix(entity: string): Buffer {
    let p = this.prefixes.get(entity);
    if (!p) {
      const c = this.ctx;
      const version = this.schemaVersion(entity);
      this.stamped.set(entity, version);
      const src = `"source":{"file_id":${JSON.stringify(c.file_id)},${c.path !== undefined ? `"path":${JSON.stringify(c.path)},` : ''}"format":"${c.format}","encoding":"${c.encoding}","ordinal":`;
      p = Buffer.from(
        (c.wrap?.open ?? '') +
          `{"envelope_version":${ENVELOPE_VERSION},"tenant_id":${JSON.stringify(c.tenant_id)},"connector_id":${JSON.stringify(c.connector_id)},"stream_id":${JSON.stringify(c.stream_id)},"entity":${JSON.stringify(entity)},"run_id":${JSON.stringify(c.run_id)},"emitted_at":"${this.emittedAt}","schema_version":${version},` +
          src,
      );
      this.prefixes.set(entity, p);
    }
    return p;
  }

  /** Everything of an envelope up to `"record":`; returns where the 8 hex digits of the content hash go. */
  private head(entity: string, line: number | undefined, ordinal: number, note: RowNote | undefined): number {
    const p = this.prefix(entity);
    this.ensure(p.length + 96);
    const b = this.buf;
    let o = this.pos;
    b.set(p, o);
    o += p.length;
    o = writeUint(b, o, ordinal);
    if (line !== undefined) {
      b.set(LINE_KEY, o);
      o += LINE_KEY.length;
      o = writeUint(b, o, line);
    }
    b[o++] = 0x7d; // }
    if (note?.quality) {
      const q = ',"quality":' + JSON.stringify(note.quality);
      this.pos = o;
      this.ensure(q.length * 3 + 96);
      o += this.buf.write(q, o, 'utf8');
    }
    return this.tail(o, ordinal);
  }

  /** From `,"record_id":` to `"record":`; returns where the 8 hex digits of the content hash go. */
  private tail(o: number, ordinal: number): number {
    const b = this.buf;
    b.set(this.idHead, o);
    o += this.idHead.length;
    o = writeUint(b, o, ordinal);
    b[o++] = 0x2e; // .
    const hashAt = o;
    o += 8;
    b.set(this.mid, o);
    o += this.mid.length;
    this.pos = o;
    return hashAt;
  }

  // --- the row seam -----------------------------------------------------------------------------

  beginRow(entity: string, ordinal: number, line: number, note?: RowNote): void {
    this.hashAt = this.head(entity, line, ordinal, note);
    this.recStart = this.pos;
    this.h = FNV_OFFSET;
    this.whole = false;
  }

  /** The key bytes of the columns last declared: rows of one entity repeat them. */
  private cellKeys: readonly FieldKey[] | undefined;
  private cellKeyBytes = 0;
  /**
   * Per column, what precedes its value, made once per header: `{` or `,`, the key, and the value's
   * start (`"` for a string) or the whole value (`null`, `true`, `false`). One copy per cell.
   */
  private leadStr: Buffer[] = [];
  private leadNull: Buffer[] = [];
  private leadTrue: Buffer[] = [];
  private leadFalse: Buffer[] = [];
  private leadKey: Buffer[] = [];

  columns(_entity: string, keys: readonly FieldKey[]): void {
    this.cellKeys = keys;
    this.cellKeyBytes = keyBytes(keys);
    const lead = (i: number, after: string) => Buffer.concat([Buffer.from(i === 0 ? '{' : ','), keys[i]!.json, Buffer.from(after)]);
    this.leadKey = keys.map((_, i) => lead(i, ''));
    this.leadStr = keys.map((_, i) => lead(i, '"'));
    this.leadNull = keys.map((_, i) => lead(i, 'null'));
    this.leadTrue = keys.map((_, i) => lead(i, 'true'));
    this.leadFalse = keys.map((_, i) => lead(i, 'false'));
  }

  /** A flat row: the record is built field by field from the input's bytes. */
  cells(row: Cells): void {
    const { b, n, F, cls, norm, values, keys } = row;
    if (keys !== this.cellKeys) this.columns('', keys);
    const kb = this.cellKeyBytes;
    // Worst case: every byte escaped as \u00XX (6x), plus keys and their lead-ins.
    const rowBytes = F[(n - 1) * 3 + 1]! - F[0]!;
    this.ensure(rowBytes * 6 + n * 16 + 64 + kb);
    let out = this.buf;
    let o = this.pos;
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ 0xff, FNV_PRIME);
      const c = cls[i]!;
      if (norm[i] === 1) {
        // A normalised value: its JSON, hashed as written.
        const k = this.leadKey[i]!;
        out.set(k, o);
        o += k.length;
        const json = JSON.stringify(values[i]);
        this.pos = o;
        this.ensure(json.length * 3 + 16 + (rowBytes - (F[i * 3]! - F[0]!)) * 6 + n * 16 + kb);
        out = this.buf;
        const w = out.write(json, o, 'utf8');
        for (let j = o; j < o + w; j++) h = Math.imul(h ^ (out[j] as number), FNV_PRIME);
        o += w;
        continue;
      }
      const s = F[i * 3]!;
      const e = F[i * 3 + 1]!;
      if (c === VClass.Null) {
        const k = this.leadNull[i]!;
        out.set(k, o);
        o += k.length;
        continue;
      }
      if (c === VClass.Bool) {
        const t = b[s] === 49;
        const k = t ? this.leadTrue[i]! : this.leadFalse[i]!;
        out.set(k, o);
        o += k.length;
        h = Math.imul(h ^ (t ? 1 : 2), FNV_PRIME);
        continue;
      }
      const k = this.leadStr[i]!;
      out.set(k, o);
      o += k.length;
      const dq = F[i * 3 + 2] === 2;
      if (c !== VClass.Text && !dq) {
        // Integers, decimals and dates in normal form are digits, `.` and `-`: nothing to escape.
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          out[o++] = ch;
        }
      } else if (!dq) {
        // Text: hash it and look for bytes to escape in one pass; most text has none, and is copied whole.
        let esc = 0;
        let h2 = h;
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h2 = Math.imul(h2 ^ ch, FNV_PRIME);
          esc |= ESC[ch]!;
        }
        h = h2;
        if (esc === 0) {
          // A loop: Buffer#copy costs more in its checks than it saves on cells this short (measured).
          for (let j = s; j < e; j++) out[o++] = b[j]!;
        } else {
          for (let j = s; j < e; j++) {
            const ch = b[j]!;
            if (ESC[ch] === 0) out[o++] = ch;
            else o = escapeByte(out, o, ch);
          }
        }
      } else {
        for (let j = s; j < e; j++) {
          const ch = b[j]!;
          h = Math.imul(h ^ ch, FNV_PRIME);
          if (ESC[ch] === 0) out[o++] = ch;
          else {
            o = escapeByte(out, o, ch);
            if (ch === Q) j++; // the second quote of a doubled pair
          }
        }
      }
      out[o++] = Q;
    }
    out[o++] = 0x7d; // }
    this.pos = o;
    this.h = h;
  }

  record(rec: Record<string, unknown>): void {
    const json = JSON.stringify(rec);
    this.ensure(json.length * 3 + 16);
    this.pos += this.buf.write(json, this.pos, 'utf8');
    this.whole = true;
  }

  /** The content hash of the last row written (the 8 hex digits of its record id), for consumers after this one. */
  lastHash = 0;

  endRow(): void {
    let h: number;
    if (this.whole) {
      h = FNV_OFFSET;
      const b = this.buf;
      for (let i = this.recStart; i < this.pos; i++) h = Math.imul(h ^ (b[i] as number), FNV_PRIME);
    } else h = this.h;
    const b = this.buf;
    const hashAt = this.hashAt;
    h >>>= 0;
    this.lastHash = h;
    for (let k = 7; k >= 0; k--) {
      b[hashAt + k] = HEX[h & 15] as number;
      h >>>= 4;
    }
    this.ensure(this.close.length);
    this.buf.set(this.close, this.pos);
    this.pos += this.close.length;
    this.rows++;
  }
}

const LINE_KEY = Buffer.from(',"line":');

/** Bytes of every key of a row. */
function keyBytes(keys: readonly FieldKey[]): number {
  let n = 0;
  for (const k of keys) n += k.json.length + 1;
  return n;
}
const Q = 34;
/** 1 where a byte needs escaping inside a JSON string. */
const ESC = new Uint8Array(256);
for (let i = 0; i < 32; i++) ESC[i] = 1;
ESC[34] = 1;
ESC[92] = 1;

/** The JSON escape of byte `ch` at `o` (control characters as \u00XX); returns the new offset. */
function escapeByte(out: Buffer, o: number, ch: number): number {
  out[o++] = 92;
  switch (ch) {
    case Q:
      out[o++] = Q;
      return o;
    case 92:
      out[o++] = 92;
      return o;
    case 10:
      out[o++] = 110;
      return o;
    case 13:
      out[o++] = 114;
      return o;
    case 9:
      out[o++] = 116;
      return o;
    default:
      out[o++] = 117;
      out[o++] = 48;
      out[o++] = 48;
      out[o++] = HEX[ch >> 4]!;
      out[o++] = HEX[ch & 15]!;
      return o;
  }
}

/** Decimal digits of a non-negative integer, written in place (no string allocation). */
function writeUint(b: Buffer, o: number, n: number): number {
  if (n < 10) {
    b[o] = 48 + n;
    return o + 1;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  let i = o + digits - 1;
  for (let t = n; i >= o; i--) {
    b[i] = 48 + (t % 10);
    t = Math.floor(t / 10);
  }
  return o + digits;
}

// ---------------------------------------------------------------------------------------------
// Finalising staged lines: how a decision about a file (drift) is applied to what was written.

/** What must change in a file's staged envelopes before they are delivered. */
export interface LineDecision {
  /** The schema version each entity's envelopes carry. */
  versions: Record<string, number>;
  /** The shape of each of those versions (what typed outputs take their column types from). */
  shapes?: Record<string, Shape>;
  /** Per entity: why a record does not fit (its envelope is withheld), or undefined. */
  divert: Record<string, (record: unknown) => string | undefined>;
}

/** An envelope withheld by a decision: where its row came from and why. */
export interface DivertedRow {
  entity: string;
  ordinal: number | undefined;
  line: number | undefined;
  reason: string;
  /** The record as JSON, cut at 4 KiB. */
  raw: string;
}

export interface LineRewrite {
  /** The line as delivered, or null when it is withheld. */
  line(line: string): string | null;
  readonly diverted: DivertedRow[];
}

const ENTITY_KEY = ',"entity":"';
const VERSION_KEY = ',"schema_version":';

/**
 * The rewrite a decision needs for lines written with the versions in `stamped`, or undefined when
 * the staged lines are final as written (the common case: nothing is re-read).
 */
export function lineRewrite(decision: LineDecision, stamped: ReadonlyMap<string, number>): LineRewrite | undefined {
  const restamp = new Map<string, string>();
  for (const [e, v] of Object.entries(decision.versions)) if (stamped.has(e) && stamped.get(e) !== v) restamp.set(e, String(v));
  const divert = new Map(Object.entries(decision.divert).filter(([e]) => stamped.has(e)));
  if (!restamp.size && !divert.size) return undefined;
  const diverted: DivertedRow[] = [];
  return {
    diverted,
    line(line: string): string | null {
      // The head of every line is ours: `…,"entity":"<entity>",…,"schema_version":<n>,…` (the
      // record comes last, so the first occurrences are the envelope's).
      const es = line.indexOf(ENTITY_KEY);
      if (es < 0) return line;
      const eStart = es + ENTITY_KEY.length;
      const entity = line.slice(eStart, line.indexOf('"', eStart));
      const check = divert.get(entity);
      if (check) {
        const msg = JSON.parse(line);
        const env = msg.type === 'RECORD' ? msg.record : msg;
        const reason = check(env.record);
        if (reason !== undefined) {
          diverted.push({ entity, ordinal: env.source?.ordinal, line: env.source?.line, reason, raw: JSON.stringify(env.record).slice(0, 4096) });
          return null;
        }
      }
      const to = restamp.get(entity);
      if (to === undefined) return line;
      const vs = line.indexOf(VERSION_KEY, eStart) + VERSION_KEY.length;
      const ve = line.indexOf(',', vs);
      return line.slice(0, vs) + to + line.slice(ve);
    },
  };
}
