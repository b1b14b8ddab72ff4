/**
 * Exact conversions from envelope values to columnar ones. Strict: anything that is not the normal
 * form the readers emit (ISO dates, plain decimal text) throws, naming the column; nothing rounds.
 */

function bad(name: string, what: string, v: string): never {
  throw new RangeError(`${name}: ${JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v)} is not ${what}`);
}

function digit(s: string, i: number, name: string): number {
  const c = s.charCodeAt(i) - 48;
  if (c < 0 || c > 9) bad(name, 'an ISO date', s);
  return c;
}

/** "2025-09-30" → days since 1970-01-01 (days_from_civil; no Date object). */
export function dateToDays(s: string, name = 'date'): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) bad(name, 'an ISO date', s);
  const y = digit(s, 0, name) * 1000 + digit(s, 1, name) * 100 + digit(s, 2, name) * 10 + digit(s, 3, name);
  const m = digit(s, 5, name) * 10 + digit(s, 6, name);
  const d = digit(s, 8, name) * 10 + digit(s, 9, name);
  if (m < 1 || m > 12 || d < 1 || d > 31) bad(name, 'an ISO date', s);
  return civilToDays(y, m, d);
}

/** Days since 1970-01-01 of a valid year, month and day (days_from_civil). */
function civilToDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since 1970-01-01 → "YYYY-MM-DD". */
export function daysToDate(z: number): string {
  return new Date(z * 86_400_000).toISOString().slice(0, 10);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Plain decimal text (`-?digits(.digits)?`) → its unscaled integer at `scale`: a number while it is
 * exact in a double (15 digits), else a BigInt. More decimals than the scale, more digits than the
 * precision, or any other text throws.
 */
export function decimalUnscaled(s: string, scale: number, precision = 38, name = 'decimal'): number | bigint {
  if (typeof s !== 'string') bad(name, 'decimal text', String(s));
  const n = s.length;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  if (i >= n) bad(name, 'a decimal', s);
  let v = 0;
  let digits = 0;
  let frac = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (frac >= 0) bad(name, 'a decimal', s);
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) bad(name, 'a decimal', s);
    if (frac >= 0 && ++frac > scale) bad(name, `a decimal with at most ${scale} decimals`, s);
    v = v * 10 + d;
    digits++;
  }
  if (digits === 0 || frac === 0) bad(name, 'a decimal', s);
  const pad = scale - (frac < 0 ? 0 : frac);
  if (digits + pad > precision) bad(name, `a decimal of at most ${precision} digits`, s);
  if (digits + pad <= 15) {
    v *= POW10[pad]!;
    return neg ? -v : v;
  }
  let t = neg ? s.slice(1) : s;
  const dot = t.indexOf('.');
  if (dot >= 0) t = t.slice(0, dot) + t.slice(dot + 1);
  const u = BigInt(t) * 10n ** BigInt(pad);
  return neg ? -u : u;
}

/** ISO timestamp → epoch milliseconds. */
export function timestampMs(s: string, name = 'timestamp'): number {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) bad(name, 'an ISO timestamp', s);
  return ms;
}

/** dateToDays over UTF-8 bytes b[s, e). */
export function dateToDaysBytes(b: Uint8Array, s: number, e: number, name = 'date'): number {
  if (e - s !== 10) return dateToDays(Buffer.from(b.subarray(s, e)).toString('utf8'), name);
  const d = (i: number) => {
    const c = b[s + i]! - 48;
    if (c < 0 || c > 9) dateToDays(Buffer.from(b.subarray(s, e)).toString('utf8'), name);
    return c;
  };
  if (b[s + 4] !== 45 || b[s + 7] !== 45) return dateToDays(Buffer.from(b.subarray(s, e)).toString('utf8'), name);
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const dd = d(8) * 10 + d(9);
  if (m < 1 || m > 12 || dd < 1 || dd > 31) return dateToDays(Buffer.from(b.subarray(s, e)).toString('utf8'), name);
  return civilToDays(y, m, dd);
}

/** decimalUnscaled over UTF-8 bytes b[s, e): digits only, so no string unless it is long. */
export function decimalUnscaledBytes(b: Uint8Array, s: number, e: number, scale: number, precision = 38, name = 'decimal'): number | bigint {
  let i = s;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let digits = 0;
  let frac = -1;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c === 46) {
      if (frac >= 0) break;
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) break;
    if (frac >= 0) frac++;
    v = v * 10 + d;
    digits++;
  }
  const pad = scale - (frac < 0 ? 0 : frac);
  // Anything unusual (a bad byte, too many decimals, long values) takes the string path, which checks and explains.
  if (i !== e || digits === 0 || frac === 0 || pad < 0 || digits + pad > 15) return decimalUnscaled(Buffer.from(b.subarray(s, e)).toString('utf8'), scale, precision, name);
  v *= POW10[pad]!;
  return neg ? -v : v;
}
