/**
 * Normalisation of Tally values: dates to ISO, amounts to exact decimal strings, Yes/No to booleans,
 * quantities split from their units, Tally's number formatting (leading space) trimmed.
 * Pure functions; each returns `undefined` when the text is not of that shape, so callers keep the
 * original text instead of inventing a value.
 */

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  return d <= dim && y >= 1800 && y <= 2200;
}

/** `YYYYMMDD`, `YYYY-MM-DD`, `D-MMM-YY`, `D-MMM-YYYY` (Tally reports) → `YYYY-MM-DD`. */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(t) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) {
    const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
    return validYmd(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  }
  m = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})$/.exec(t);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    if (!mo) return undefined;
    let y = +m[3]!;
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
    const d = +m[1]!;
    return validYmd(y, +mo, d) ? `${y}-${mo}-${String(d).padStart(2, '0')}` : undefined;
  }
  return undefined;
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Amounts as exact decimal strings: `-12000.00`, `20,00,000.00` (Indian grouping), `(-)1,234.50`,
 * `1,234.00 Dr` (Dr = debit = negative), `500 Cr`, `₹ 1,000.00`, forex `$ 100.00 @ ₹ 80.00/$ = ₹ 8000.00`
 * (the part after `=`). The scale is kept as written; a binary float is never involved.
 */
export function parseAmount(text: string): string | undefined {
  let t = text.trim();
  if (t === '') return undefined;
  if (PLAIN_DECIMAL.test(t)) return normaliseDecimal(t);
  const eq = t.lastIndexOf('=');
  if (eq >= 0) t = t.slice(eq + 1).trim();
  let neg = false;
  if (t.startsWith('(-)')) {
    neg = true;
    t = t.slice(3).trim();
  }
  const drcr = /\s*(Dr|Cr)\.?$/i.exec(t);
  if (drcr) {
    if (drcr[1]!.toLowerCase() === 'dr') neg = !neg;
    t = t.slice(0, drcr.index).trim();
  }
  // Currency symbol or code in front.
  t = t.replace(/^[^\d\-+.(]+/u, '').trim();
  if (t.startsWith('(') && t.endsWith(')')) {
    neg = !neg;
    t = t.slice(1, -1).trim();
  }
  if (t.startsWith('-')) {
    neg = !neg;
    t = t.slice(1).trim();
  } else if (t.startsWith('+')) {
    t = t.slice(1).trim();
  }
  if (!/^(\d{1,3}(,\d{2,3})*|\d+)(\.\d+)?$/.test(t)) return undefined;
  t = t.replace(/,/g, '');
  const out = normaliseDecimal(t);
  return neg && !/^0+(\.0+)?$/.test(out) ? '-' + out : out;
}

function normaliseDecimal(t: string): string {
  // Drop redundant leading zeros but keep the scale as written.
  const neg = t.startsWith('-');
  let s = neg ? t.slice(1) : t;
  s = s.replace(/^0+(?=\d)/, '');
  return neg ? '-' + s : s;
}

/** A quantity with its unit: ` 19 Nos`, ` 10.00 MTR`, `-5 kg`, `1,200 pcs`. */
export function parseQuantity(text: string): { value: string; unit: string | null } | undefined {
  const m = /^\s*(\(-\)|-)?\s*([\d,]*\d(?:\.\d+)?)\s*(.*?)\s*$/.exec(text);
  if (!m) return undefined;
  const num = m[2]!.replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(num)) return undefined;
  const unit = m[3] ?? '';
  if (unit && !/^[^\d\s][^]*$/u.test(unit)) return undefined;
  const value = normaliseDecimal(num);
  return { value: m[1] && !/^0+(\.0+)?$/.test(value) ? '-' + value : value, unit: unit === '' ? null : unit };
}

/** A rate with its unit: `80.00/Number`, `22.00/nos`, `1,000.00/kg`. */
export function parseRate(text: string): { value: string; unit: string | null } | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const numPart = slash >= 0 ? t.slice(0, slash) : t;
  const v = parseAmount(numPart);
  if (v === undefined) return undefined;
  const unit = slash >= 0 ? t.slice(slash + 1).trim() : '';
  return { value: v, unit: unit === '' ? null : unit };
}

/** `Yes`/`No`, `true`/`false`, `1`/`0` (CSV only), any case. */
export function parseBoolean(text: string, allowDigits = false): boolean | undefined {
  // Fast path for what Tally writes; most values are not booleans and are rejected by length.
  const n = text.length;
  if (n === 3 && text === 'Yes') return true;
  if (n === 2 && text === 'No') return false;
  if (n === 0 || n > 16) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'yes' || t === 'true') return true;
  if (t === 'no' || t === 'false') return false;
  if (allowDigits) {
    if (t === '1') return true;
    if (t === '0') return false;
  }
  return undefined;
}

/** Integers as Tally writes them (` 18`): trimmed; outside the safe range they stay decimal strings. */
export function parseInteger(text: string): number | string | undefined {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : normaliseDecimal(t);
}

/**
 * Tally's text cleaning: `&#4;` (decoded to U+0004) prefixes enum values (`&#4; Not Applicable`) and
 * is dropped with the space after it; U+0005 is Tally's internal space in system names.
 */
export function cleanTallyText(s: string): string {
  if (s.indexOf('\u0004') >= 0) s = s.replace(/^\u0004 ?|\u0004/g, '');
  if (s.indexOf('\u0005') >= 0) s = s.replace(/\u0005/g, ' ');
  return s;
}
