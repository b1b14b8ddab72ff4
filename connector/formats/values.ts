/**
 * Normalisation of Tally values: dates to ISO, amounts to exact decimal strings, Yes/No to booleans,
 * quantities split from their units, Tally's number formatting (leading space) trimmed.
 *
 * Each parser accepts only the shapes Tally and its tools really write (tally-formats.md, Q6-Q12)
 * and returns `undefined` for anything else, so the caller keeps the text as it is and the drift
 * gate sees the change of type: a value the file does not hold is never made up. Pure functions.
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

/**
 * Tally's date-time stamps (`UPDATEDDATETIME`: `YYYYMMDDhhmmssSSS`, local time) → `YYYY-MM-DDThh:mm:ss.SSS`.
 */
export function parseDateTime(text: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  if (!validYmd(+y!, +mo!, +d!) || +h! > 23 || +mi! > 59 || +s! > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}`;
}

/** A Tally day number (the `JD` attribute of due dates: 1 = 1900-01-01) → `YYYY-MM-DD`. */
export function dateOfDayNumber(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) return undefined;
  const n = Number(t);
  if (n < 1) return undefined;
  const d = new Date(Date.UTC(1900, 0, 1) + (n - 1) * 86_400_000);
  const y = d.getUTCFullYear();
  if (y < 1900 || y > 2200) return undefined;
  return d.toISOString().slice(0, 10);
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Digits as Tally groups them: plain (`2000000`), western (`2,000,000`) or Indian (`20,00,000`:
 * twos, then the last three). A lone 2-digit group (`1,00`, a decimal comma) or a mix (`1,234,56`)
 * is not a grouping.
 */
const GROUPED = /^(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})+,\d{3})(\.\d+)?$/;

/**
 * Currency in front of an amount: a symbol, or a known ISO code or Tally's `Rs`/`Rs.`. A word that
 * is not in this list is not a currency: `Total 500` and `INV-2025` stay text.
 */
const CURRENCIES = new Set([
  '₹', '$', '€', '£', '¥', '؋', '৳', '₨', '₩', '₦', '₱', '₫', '₺', '₽', '฿', '₴', '₪', 'Rs', 'Rs.',
  'INR', 'USD', 'EUR', 'GBP', 'JPY', 'AED', 'SAR', 'QAR', 'OMR', 'KWD', 'BHD', 'SGD', 'MYR', 'IDR',
  'THB', 'CNY', 'HKD', 'AUD', 'NZD', 'CAD', 'CHF', 'SEK', 'NOK', 'DKK', 'ZAR', 'KES', 'NGN', 'NPR',
  'LKR', 'BDT', 'PKR', 'AFN', 'MVR', 'BTN', 'MMK', 'PHP', 'VND', 'KRW', 'TWD', 'RUB', 'TRY', 'ILS',
  'EGP', 'BRL', 'MXN',
]);

function normaliseDecimal(t: string): string {
  // Drop redundant leading zeros but keep the scale as written.
  const neg = t.startsWith('-');
  let s = neg ? t.slice(1) : t;
  s = s.replace(/^0+(?=\d)/, '');
  return neg ? '-' + s : s;
}

const isZero = (d: string) => /^-?0+(\.0+)?$/.test(d);

/**
 * One signed amount: `-12000.00`, `20,00,000.00`, `(-)1,234.50`, `1,234.00 Dr` (Dr = debit =
 * negative), `500 Cr`, `₹ 1,000.00`, `-₹ 252255.82`, `INR 500`, `Rs. 10`. The scale is kept as
 * written; a binary float is never involved.
 */
function parseSimpleAmount(text: string): string | undefined {
  let t = text.trim();
  if (t === '') return undefined;
  if (PLAIN_DECIMAL.test(t)) return normaliseDecimal(t);
  let neg = false;
  if (t.startsWith('(-)')) {
    neg = true;
    t = t.slice(3).trimStart();
  } else if (t.startsWith('-')) {
    neg = true;
    t = t.slice(1);
  } else if (t.startsWith('+')) t = t.slice(1);
  const drcr = /\s*\b(Dr|Cr)$/.exec(t);
  if (drcr) {
    if (drcr[1] === 'Dr') neg = !neg;
    t = t.slice(0, drcr.index).trimEnd();
  }
  // A currency in front: a symbol (possibly with no space), or a code from the list.
  const cur = /^([^\d\s.,()+-]+\.?)\s*/.exec(t);
  if (cur) {
    if (!CURRENCIES.has(cur[1]!)) return undefined;
    t = t.slice(cur[0].length);
    // `₹ -100` or `₹ (-)100`: the sign after the symbol.
    if (t.startsWith('(-)')) {
      neg = !neg;
      t = t.slice(3).trimStart();
    } else if (t.startsWith('-')) {
      neg = !neg;
      t = t.slice(1);
    }
  }
  if (!GROUPED.test(t)) return undefined;
  const out = normaliseDecimal(t.replace(/,/g, ''));
  return neg && !isZero(out) ? '-' + out : out;
}

/**
 * Amounts as exact decimal strings: every shape of `parseSimpleAmount`, and the forex form
 * `$ 100.00 @ ₹ 80.00/$ = ₹ 8000.00` (the amount in the base currency, after the `=`), whose
 * parts before the `=` must be an amount and a rate too.
 */
export function parseAmount(text: string): string | undefined {
  const eq = text.lastIndexOf('=');
  if (eq < 0) return parseSimpleAmount(text);
  const left = text.slice(0, eq);
  const at = left.indexOf('@');
  if (at < 0 || parseSimpleAmount(left.slice(0, at)) === undefined || parseRate(left.slice(at + 1)) === undefined) return undefined;
  return parseSimpleAmount(text.slice(eq + 1));
}

/**
 * A unit: a word that starts with a letter (`Nos`, `MTR`, `Sq.Ft`, `kg`, `%`), optionally a
 * compound tail (`Box of 10 Nos`).
 */
const UNIT = /^(%|[\p{L}][\p{L}\p{N}.%/_-]*)( of \d+(\.\d+)? [\p{L}][\p{L}\p{N}.%/_-]*)?$/u;

/**
 * A quantity with its unit after a space: ` 19 Nos`, ` 10.00 MTR`, `-5 kg`, `(-)2 Box`,
 * `1,200 pcs`, ` 5`. Anything after the number that is not a unit word (`1-Apr-24`,
 * ` 4; Not Applicable`, `5 = 10 Nos`) is not a quantity.
 */
export function parseQuantity(text: string): { value: string; unit: string | null } | undefined {
  const m = /^\s*(\(-\)|-)?\s*(\d[\d,]*(?:\.\d+)?)(?:\s+(.+?))?\s*$/su.exec(text);
  if (!m) return undefined;
  if (!GROUPED.test(m[2]!)) return undefined;
  const unit = m[3];
  if (unit !== undefined && !UNIT.test(unit)) return undefined;
  const value = normaliseDecimal(m[2]!.replace(/,/g, ''));
  return { value: m[1] && !isZero(value) ? '-' + value : value, unit: unit ?? null };
}

/**
 * A rate with its unit: `80.00/Number`, `22.00/nos`, `1,000.00/kg`, `12.5` (no unit), and the
 * forex form `$ 200.0000 = ₹ 8500.00/Nos` (the base-currency rate, after the `=`).
 */
export function parseRate(text: string): { value: string; unit: string | null } | undefined {
  let t = text.trim();
  const eq = t.lastIndexOf('=');
  if (eq >= 0) {
    if (parseSimpleAmount(t.slice(0, eq).split('/')[0]!) === undefined) return undefined;
    t = t.slice(eq + 1).trim();
  }
  const slash = t.indexOf('/');
  const v = parseSimpleAmount(slash >= 0 ? t.slice(0, slash) : t);
  if (v === undefined) return undefined;
  if (slash < 0) return { value: v, unit: null };
  const unit = t.slice(slash + 1).trim();
  if (!/^[\p{L}\p{Sc}%][\p{L}\p{N}.%_ -]*$/u.test(unit)) return undefined;
  return { value: v, unit };
}

/** A decimal that is not money (a rate of exchange, a GST %): plain digits, Tally's leading space trimmed. */
export function parseNumber(text: string): string | undefined {
  const t = text.trim();
  return PLAIN_DECIMAL.test(t) ? normaliseDecimal(t) : undefined;
}

/**
 * Tally's `Yes`/`No`, the TallyConnector dialect's `true`/`false`, and in CSV (`allowDigits`)
 * tally-database-loader's `1`/`0`. No other spelling is a boolean.
 */
export function parseBoolean(text: string, allowDigits = false): boolean | undefined {
  const n = text.length;
  if (n === 3 && text === 'Yes') return true;
  if (n === 2 && text === 'No') return false;
  if (n === 0 || n > 16) return undefined;
  const t = text.trim();
  if (t === 'Yes' || t === 'true') return true;
  if (t === 'No' || t === 'false') return false;
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
