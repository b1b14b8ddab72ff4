/**
 * Realistic Tally content for the benchmark generator: a tally-database-loader `trn_voucher.csv`
 * row writer and a native "Import Data" voucher writer. Everything is driven by a seeded PRNG, so
 * the same seed always produces the same bytes. Shapes follow shared/docs/tally-formats.md (1A, 1D)
 * and the corpus files (Devinbeater DayBook, khushaal Transactions.xml).
 */
import { Rng } from './prng.js';

export const COMPANY_GUID = '3f9a2c71-5b8e-4d10-a6c4-0e7b9d21c5f8';
export const COMPANY_NAME = 'Shree Ganesh Textiles & Traders Pvt Ltd';

const STATES = [
  'Maharashtra', 'Gujarat', 'Karnataka', 'Tamil Nadu', 'Delhi', 'Uttar Pradesh', 'West Bengal', 'Rajasthan',
  'Telangana', 'Kerala', 'Madhya Pradesh', 'Haryana', 'Punjab', 'Andhra Pradesh', 'Odisha', 'Bihar',
];
const HOME_STATE = 'Maharashtra';

// Parties: plain ASCII, Latin with accents, Devanagari, Gujarati, Tamil; some with commas, quotes, &, '.
const PARTY_FIRST = [
  'Acme', 'Sharma', 'Patel', 'Gupta', 'Reddy', 'Iyer', 'Khan', 'Singh', 'Mehta', 'Agarwal', 'Desai', 'Joshi',
  'Kulkarni', 'Nair', 'Menon', 'Banerjee', 'Chatterjee', 'Bose', 'Rao', 'Pillai', 'Kapoor', 'Malhotra', 'Verma',
  'Shah', 'Jain', 'Goyal', 'Bansal', 'Saxena', 'Mishra', 'Pandey', 'Thakur', 'Chauhan', 'Bhatt', 'Trivedi',
  'Müller', 'Café Noir', 'Société Lumière', 'José Fernandes', 'Zoë', "D'Souza", "O'Brien", 'Ångström',
  'Lakshmi', 'Sai', 'Om', 'Balaji', 'Ganesh', 'Krishna', 'Hanuman', 'Durga', 'Ambika', 'Vinayak',
];
const PARTY_SUFFIX = [
  'Traders', 'Enterprises', '& Sons', 'Pvt Ltd', 'LLP', 'Industries', 'Textiles', 'Steel Works', 'Agencies',
  'Distributors', 'Exports', 'Logistics', 'Hardware', 'Pharma', 'Foods', 'Electricals', 'Plastics', 'Chemicals',
  'Fabrics', 'Motors', 'Stores', 'Corporation', 'Associates', 'Infra Projects', 'Packaging',
];
const PARTY_SPECIAL = [
  'श्री गणेश ट्रेडर्स', 'लक्ष्मी एंटरप्राइजेज', 'भारत स्टील्स प्रा. लि.', 'अग्रवाल एंड संस', 'महालक्ष्मी वस्त्र भंडार',
  'પટેલ ટ્રેડર્સ', 'શ્રી અંબિકા ફેબ્રિક્સ', 'முருகன் ஸ்டோர்ஸ்', 'ಶ್ರೀ ಸಾಯಿ ಏಜೆನ್ಸೀಸ್',
  'Patel, Shah & Co.', 'Rao, Reddy and Associates', 'M/s. "Sai Krupa" Enterprises', 'The "Best" Caterers',
  'Müller & Söhne GmbH', 'Café Coffee Day – Andheri', 'Naïve Crêperie', 'Hôtel Côte d’Azur', 'Ørsted Wind India',
];

const BANKS = ['HDFC Bank Current A/c', 'ICICI Bank A/c 001205', 'State Bank of India', 'Axis Bank OD A/c', 'Kotak Mahindra Bank'];
const EXPENSES = [
  'Rent', 'Office Expenses', 'Freight Inward', 'Freight Outward', 'Electricity Charges', 'Telephone & Internet',
  'Printing & Stationery', 'Travelling Expenses', 'Staff Welfare', 'Repairs & Maintenance', 'Audit Fees',
  'Bank Charges', 'Conveyance', 'Professional Fees', 'कार्यालय व्यय', 'विज्ञापन खर्च', 'Salary Payable',
];
const SALES_LEDGERS = ['Sales @ 18%', 'Sales @ 12%', 'Sales @ 5%', 'Sales - Interstate @ 18%', 'Export Sales'];
const PURCHASE_LEDGERS = ['Purchase @ 18%', 'Purchase @ 12%', 'Purchase @ 5%', 'Purchase - Interstate', 'Import Purchase'];
const MONTHS = ['April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'January', 'February', 'March'];

interface VType {
  name: string;
  weight: number;
  prefix: string;
  invoice: number;
  acct: number;
  inv: number;
  order: number;
}

const VTYPES: VType[] = [
  { name: 'Sales', weight: 30, prefix: 'S', invoice: 1, acct: 1, inv: 1, order: 0 },
  { name: 'Purchase', weight: 15, prefix: 'P', invoice: 1, acct: 1, inv: 1, order: 0 },
  { name: 'Receipt', weight: 18, prefix: 'R', invoice: 0, acct: 1, inv: 0, order: 0 },
  { name: 'Payment', weight: 20, prefix: 'PY', invoice: 0, acct: 1, inv: 0, order: 0 },
  { name: 'Journal', weight: 8, prefix: 'J', invoice: 0, acct: 1, inv: 0, order: 0 },
  { name: 'Contra', weight: 5, prefix: 'C', invoice: 0, acct: 1, inv: 0, order: 0 },
  { name: 'Credit Note', weight: 2, prefix: 'CN', invoice: 1, acct: 1, inv: 0, order: 0 },
  { name: 'Debit Note', weight: 1, prefix: 'DN', invoice: 1, acct: 1, inv: 0, order: 0 },
  { name: 'Sales Order', weight: 1, prefix: 'SO', invoice: 0, acct: 0, inv: 1, order: 1 },
];
const VTYPE_TABLE: VType[] = [];
for (const t of VTYPES) for (let i = 0; i < t.weight; i++) VTYPE_TABLE.push(t);

/** Fixed-width lower-case hex. */
function hex(n: number, width: number): string {
  const s = n.toString(16);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** Paise → "1234.56" / "-1234.56". */
export function money(paise: number): string {
  const neg = paise < 0;
  const p = neg ? -paise : paise;
  const r = p % 100;
  return (neg ? '-' : '') + String((p - r) / 100) + (r < 10 ? '.0' : '.') + String(r);
}

/** Business days of three financial years, as [YYYYMMDD, YYYY-MM-DD]. */
function buildDays(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const start = Date.UTC(2022, 3, 1);
  for (let d = 0; d < 3 * 365 + 1; d++) {
    const t = new Date(start + d * 86400000);
    const y = t.getUTCFullYear();
    const m = pad(t.getUTCMonth() + 1, 2);
    const day = pad(t.getUTCDate(), 2);
    out.push([`${y}${m}${day}`, `${y}-${m}-${day}`]);
  }
  return out;
}
const DAYS = buildDays();

function fyOf(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const start = m >= 4 ? y : y - 1;
  return `${String(start).slice(2)}-${String(start + 1).slice(2)}`;
}

/** Header of one voucher: what both the CSV row and the XML voucher carry. */
export interface VoucherHead {
  index: number;
  guid: string;
  masterId: number;
  alterId: number;
  date: string;
  isoDate: string;
  type: VType;
  number: string;
  reference: string;
  referenceDate: string;
  /** ISO reference date (CSV) */
  referenceIso: string;
  narration: string;
  party: string;
  placeOfSupply: string;
  /** Voucher total in paise (positive). */
  amount: number;
}

export interface GenStats {
  vouchers: number;
  ledgerEntries: number;
  billAllocations: number;
  /** Narrations with an embedded newline / a double quote / a comma. */
  withNewline: number;
  withQuote: number;
  withComma: number;
  multibyte: number;
  /** Dense day books: inventory entries and their batch allocations. */
  inventoryEntries: number;
  batchAllocations: number;
}

export function emptyStats(): GenStats {
  return { vouchers: 0, ledgerEntries: 0, billAllocations: 0, withNewline: 0, withQuote: 0, withComma: 0, multibyte: 0, inventoryEntries: 0, batchAllocations: 0 };
}

/**
 * Produces a deterministic sequence of vouchers. `total` spreads the dates over three financial
 * years, in order, the way a day book is sorted.
 */
export class VoucherFactory {
  private readonly counters = new Map<string, number>();
  private readonly parties: string[];
  private alter = 1000;
  readonly stats = emptyStats();

  /** Dense mode's own choices (items, quantities): the vouchers stay those of the plain day book. */
  private readonly extra = new Rng(0xde45e, 11);

  constructor(
    private readonly rng: Rng,
    private readonly total: number,
    private readonly firstMasterId = 1,
    /** Vouchers as dense as real exports: every flag Tally writes, inventory entries, UDFs, empty lists. */
    private readonly dense = false,
  ) {
    // A fixed party book of ~600 names (a realistic company has hundreds of parties).
    const pr = new Rng(0x5eed, 7);
    const parties: string[] = [];
    for (let i = 0; i < 560; i++) parties.push(`${pr.pick(PARTY_FIRST)} ${pr.pick(PARTY_SUFFIX)}`);
    for (const s of PARTY_SPECIAL) for (let k = 0; k < 3; k++) parties.push(s);
    this.parties = parties;
  }

  head(i: number): VoucherHead {
    const rng = this.rng;
    const type = VTYPE_TABLE[rng.int(VTYPE_TABLE.length)]!;
    const dayIndex = Math.min(DAYS.length - 1, Math.floor((i * DAYS.length) / Math.max(1, this.total)));
    const day = DAYS[dayIndex]!;
    const n = (this.counters.get(type.name) ?? 0) + 1;
    this.counters.set(type.name, n);
    const masterId = this.firstMasterId + i;
    this.alter += 1 + rng.int(3);
    const number = type.invoice || type.order ? `${type.prefix}/${fyOf(day[1])}/${pad(n, 6)}` : String(n);
    let reference = '';
    let referenceDate = '';
    let referenceIso = '';
    if (rng.chance(0.35)) {
      reference = rng.chance(0.5) ? `PO ${rng.digits(4)}` : `INV-${day[1].slice(0, 4)}-${pad(rng.int(100000), 5)}`;
      const back = DAYS[Math.max(0, dayIndex - rng.int(20))]!;
      referenceDate = back[0];
      referenceIso = back[1];
    }
    const party = type.name === 'Contra' || type.name === 'Journal' ? (rng.chance(0.5) ? '' : rng.pick(this.parties)) : rng.pick(this.parties);
    const amount = this.amountPaise();
    const narration = this.narration(type, party, number, reference, amount, day[1]);
    const placeOfSupply = party === '' ? '' : rng.chance(0.7) ? HOME_STATE : rng.pick(STATES);
    this.stats.vouchers++;
    return {
      index: i,
      guid: `${COMPANY_GUID}-${hex(masterId, 8)}`,
      masterId,
      alterId: this.alter,
      date: day[0],
      isoDate: day[1],
      type,
      number,
      reference,
      referenceDate,
      referenceIso,
      narration,
      party,
      placeOfSupply,
      amount,
    };
  }

  /** Mostly hundreds to lakhs of rupees, a long tail to crores. */
  private amountPaise(): number {
    const rng = this.rng;
    const mag = rng.next();
    const rupees = mag < 0.5 ? rng.range(100, 9999) : mag < 0.85 ? rng.range(10000, 99999) : mag < 0.98 ? rng.range(100000, 999999) : rng.range(1000000, 49999999);
    return rupees * 100 + (rng.chance(0.6) ? 0 : rng.int(100));
  }

  private narration(t: VType, party: string, number: string, ref: string, paise: number, iso: string): string {
    const rng = this.rng;
    const s = this.stats;
    const r = rng.next();
    const p = party || 'Cash';
    let text: string;
    if (r < 0.1) text = '';
    else if (r < 0.25) text = `Being goods sold to ${p} vide Inv No. ${number}, dispatched by road`;
    else if (r < 0.37) text = `Received from ${p} by NEFT, UTR ${rng.digits(12)}`;
    else if (r < 0.49) text = `Paid to ${p} against bill ${ref || number}, TDS deducted @ 2%`;
    else if (r < 0.56) text = `Being rent for the month of ${MONTHS[rng.int(12)]} ${iso.slice(0, 4)}`;
    else if (r < 0.63) text = `बिक्री ${p} को, बिल सं. ${number}`;
    else if (r < 0.7) text = `₹ ${money(paise)} advance received from ${p}`;
    else if (r < 0.76) text = `Café & canteen expenses – ${MONTHS[rng.int(12)]}`;
    else if (r < 0.82) text = `Cash withdrawn for petty expenses`;
    else if (r < 0.88) text = `Purchase of raw material from ${p} (lot ${rng.digits(3)})`;
    else if (r < 0.94) text = `Being ${t.name.toLowerCase()} entry for ${p}`;
    else text = `Adjusted against advance; balance carried forward to FY ${fyOf(iso)}`;
    // About 5 % with doubled quotes and about 5 % with embedded newlines (LF, sometimes CRLF).
    const q = rng.next();
    if (q < 0.05) text = `Part payment by NEFT, "UTR ${rng.digits(12)}"${text ? ' — ' + text : ''}`;
    else if (q < 0.085) text = `${text || 'Year-end provision'}\nfor audit fees, FY ${fyOf(iso)}`;
    else if (q < 0.1) text = `${text || 'Being adjustment'}\r\nRef: ${ref || number}`;
    if (text.includes('\n')) s.withNewline++;
    if (text.includes('"')) s.withQuote++;
    if (text.includes(',')) s.withComma++;
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(text) || /[^\x00-\x7f]/.test(party)) s.multibyte++;
    return text;
  }

  // ------------------------------------------------------------------------------------------
  // Loader CSV (trn_voucher)

  /**
   * Header as tally-database-loader's report-based writer emits it: text/date column names quoted,
   * numeric and logical ones bare.
   */
  static csvHeader(): string {
    return '"guid","date","voucher_type","voucher_number","reference_number","reference_date","narration","party_name","place_of_supply",amount,is_invoice,is_accounting_voucher,is_inventory_voucher,is_order_voucher\r\n';
  }

  csvRow(h: VoucherHead): string {
    const t = h.type;
    const amt = t.name === 'Payment' || t.name === 'Purchase' || t.name === 'Debit Note' ? -h.amount : h.amount;
    return (
      `"${h.guid}","${h.isoDate}","${t.name}","${csvText(h.number)}","${csvText(h.reference)}","${h.referenceIso}","${csvText(h.narration)}","${csvText(h.party)}","${h.placeOfSupply}",` +
      `${money(amt)},${t.invoice},${t.acct},${t.inv},${t.order}\r\n`
    );
  }

  // ------------------------------------------------------------------------------------------
  // Native Import Data XML

  /** One `<TALLYMESSAGE>` holding one voucher, LF line ends, Tally's indentation. */
  xmlVoucher(h: VoucherHead): string {
    const rng = this.rng;
    const t = h.type;
    const entries = this.ledgerLines(h);
    const party = h.party;
    const cashflow = t.name === 'Receipt' || t.name === 'Payment' || t.name === 'Contra';
    let x =
      `    <TALLYMESSAGE xmlns:UDF="TallyUDF">\n` +
      `     <VOUCHER REMOTEID="${h.guid}" VCHKEY="${COMPANY_GUID}-0000${hex(0xb146 + (h.index % 900), 4)}:${hex(h.masterId * 8, 8)}" VCHTYPE="${t.name}" ACTION="Create" OBJVIEW="Accounting Voucher View">\n` +
      `      <OLDAUDITENTRYIDS.LIST TYPE="Number">\n       <OLDAUDITENTRYIDS>-1</OLDAUDITENTRYIDS>\n      </OLDAUDITENTRYIDS.LIST>\n` +
      `      <DATE>${h.date}</DATE>\n` +
      `      <GUID>${h.guid}</GUID>\n` +
      (h.narration ? `      <NARRATION>${xmlText(h.narration)}</NARRATION>\n` : '') +
      `      <GSTREGISTRATION TAXTYPE="GST" TAXREGISTRATION="">${HOME_STATE} Registration</GSTREGISTRATION>\n` +
      (h.placeOfSupply ? `      <PLACEOFSUPPLY>${h.placeOfSupply}</PLACEOFSUPPLY>\n` : '') +
      `      <VOUCHERTYPENAME>${t.name}</VOUCHERTYPENAME>\n` +
      (party ? `      <PARTYLEDGERNAME>${xmlText(party)}</PARTYLEDGERNAME>\n` : '') +
      (h.reference ? `      <REFERENCE>${h.reference}</REFERENCE>\n      <REFERENCEDATE>${h.referenceDate}</REFERENCEDATE>\n` : '') +
      `      <VOUCHERNUMBER>${h.number}</VOUCHERNUMBER>\n` +
      `      <CSTFORMISSUETYPE>&#4; Not Applicable</CSTFORMISSUETYPE>\n` +
      `      <CSTFORMRECVTYPE>&#4; Not Applicable</CSTFORMRECVTYPE>\n` +
      `      <VCHGSTCLASS>&#4; Not Applicable</VCHGSTCLASS>\n` +
      VOUCHER_FLAGS +
      (this.dense ? DENSE_VOUCHER_TAGS : '') +
      `      <ISINVOICE>${t.invoice ? 'Yes' : 'No'}</ISINVOICE>\n` +
      `      <HASCASHFLOW>${cashflow ? 'Yes' : 'No'}</HASCASHFLOW>\n` +
      `      <ISPOSTDATED>${rng.chance(0.01) ? 'Yes' : 'No'}</ISPOSTDATED>\n` +
      `      <ISELIGIBLEFORITC>${t.name === 'Purchase' ? 'Yes' : 'No'}</ISELIGIBLEFORITC>\n` +
      `      <ALTERID> ${h.alterId}</ALTERID>\n` +
      `      <MASTERID> ${h.masterId}</MASTERID>\n` +
      `      <VOUCHERKEY>${194914205827072 + h.masterId * 8}</VOUCHERKEY>\n` +
      `      <EWAYBILLDETAILS.LIST>      </EWAYBILLDETAILS.LIST>\n`;
    for (const e of entries) x += e;
    if (this.dense) {
      x += this.inventory;
      this.inventory = '';
      x += DENSE_VOUCHER_LISTS + `      <UDF:VCHNOTES.LIST DESC="\`VchNotes\`" ISLIST="YES" TYPE="String" INDEX="1001">\n       <UDF:VCHNOTES DESC="\`VchNotes\`">Checked by ${xmlText(h.party || 'accounts')} &#4; desk ${h.index % 7}</UDF:VCHNOTES>\n      </UDF:VCHNOTES.LIST>\n`;
    }
    x += `      <GST.LIST>      </GST.LIST>\n     </VOUCHER>\n    </TALLYMESSAGE>\n`;
    return x;
  }

  /** 2 to 4 ledger entries whose signed amounts (negative = debit) sum to zero. */
  private ledgerLines(h: VoucherHead): string[] {
    const rng = this.rng;
    const t = h.type.name;
    const total = h.amount;
    const party = h.party || rng.pick(EXPENSES);
    const lines: Array<{ ledger: string; amount: number; party: boolean; bill: boolean; goods?: boolean }> = [];
    const gst = (base: number) => Math.round((base * 9) / 100);
    switch (t) {
      case 'Sales':
      case 'Credit Note':
      case 'Sales Order': {
        const base = total;
        const inter = h.placeOfSupply !== HOME_STATE && rng.chance(0.8);
        const sign = t === 'Credit Note' ? -1 : 1;
        if (inter) {
          const igst = gst(base) * 2;
          lines.push({ ledger: party, amount: -sign * (base + igst), party: true, bill: true });
          lines.push({ ledger: rng.pick(SALES_LEDGERS), amount: sign * base, party: false, bill: false, goods: true });
          lines.push({ ledger: 'Output IGST 18%', amount: sign * igst, party: false, bill: false });
        } else {
          const c = gst(base);
          lines.push({ ledger: party, amount: -sign * (base + 2 * c), party: true, bill: true });
          lines.push({ ledger: rng.pick(SALES_LEDGERS), amount: sign * base, party: false, bill: false, goods: true });
          lines.push({ ledger: 'Output CGST 9%', amount: sign * c, party: false, bill: false });
          lines.push({ ledger: 'Output SGST 9%', amount: sign * c, party: false, bill: false });
        }
        break;
      }
      case 'Purchase':
      case 'Debit Note': {
        const base = total;
        const sign = t === 'Debit Note' ? -1 : 1;
        const c = gst(base);
        lines.push({ ledger: rng.pick(PURCHASE_LEDGERS), amount: -sign * base, party: false, bill: false, goods: true });
        if (rng.chance(0.5)) {
          lines.push({ ledger: 'Input CGST 9%', amount: -sign * c, party: false, bill: false });
          lines.push({ ledger: 'Input SGST 9%', amount: -sign * c, party: false, bill: false });
          lines.push({ ledger: party, amount: sign * (base + 2 * c), party: true, bill: true });
        } else {
          lines.push({ ledger: 'Input IGST 18%', amount: -sign * 2 * c, party: false, bill: false });
          lines.push({ ledger: party, amount: sign * (base + 2 * c), party: true, bill: true });
        }
        break;
      }
      case 'Receipt': {
        const bank = rng.pick(BANKS);
        if (rng.chance(0.2)) {
          const disc = Math.min(total - 100, Math.round(total / 100));
          lines.push({ ledger: bank, amount: -(total - disc), party: false, bill: false });
          lines.push({ ledger: 'Discount Allowed', amount: -disc, party: false, bill: false });
        } else lines.push({ ledger: bank, amount: -total, party: false, bill: false });
        lines.push({ ledger: party, amount: total, party: true, bill: true });
        break;
      }
      case 'Payment': {
        const bank = rng.pick(BANKS);
        lines.push({ ledger: party, amount: -total, party: true, bill: true });
        if (rng.chance(0.3)) {
          const tds = Math.round(total / 50);
          lines.push({ ledger: 'TDS on Contract 194C', amount: tds, party: false, bill: false });
          lines.push({ ledger: bank, amount: total - tds, party: false, bill: false });
        } else lines.push({ ledger: bank, amount: total, party: false, bill: false });
        if (rng.chance(0.15)) {
          lines.push({ ledger: 'Bank Charges', amount: -1770, party: false, bill: false });
          lines[lines.length - 2]!.amount += 1770;
        }
        break;
      }
      case 'Contra': {
        const bank = rng.pick(BANKS);
        const toCash = rng.chance(0.5);
        lines.push({ ledger: toCash ? 'Cash' : bank, amount: -total, party: false, bill: false });
        lines.push({ ledger: toCash ? bank : 'Cash', amount: total, party: false, bill: false });
        break;
      }
      default: {
        // Journal: 2 to 4 lines.
        const n = 2 + rng.int(3);
        let rest = total;
        for (let k = 0; k < n - 1; k++) {
          const part = k === n - 2 ? rest : Math.max(1, Math.floor(rest / 2));
          rest -= part;
          lines.push({ ledger: rng.pick(EXPENSES), amount: -part, party: false, bill: false });
        }
        lines.push({ ledger: h.party || 'Provision for Expenses', amount: total, party: h.party !== '', bill: false });
      }
    }
    this.stats.ledgerEntries += lines.length;
    const out: string[] = [];
    for (const l of lines) {
      if (this.dense && l.goods) {
        // The goods line of an invoice, as Tally writes it: inventory entries whose accounting
        // allocations carry its amount (the voucher's ledger lines still balance).
        this.inventory += this.inventoryEntries(l.ledger, l.amount);
        continue;
      }
      const deemedPositive = l.amount < 0 ? 'Yes' : 'No';
      let bills = '';
      if (l.bill && rng.chance(0.3)) {
        const n = rng.chance(0.15) ? 2 : 1;
        const first = n === 1 ? l.amount : Math.round(l.amount / 2);
        const amounts = n === 1 ? [first] : [first, l.amount - first];
        for (let k = 0; k < n; k++) {
          const advance = k === 1;
          bills +=
            `       <BILLALLOCATIONS.LIST>\n` +
            `        <NAME>${advance ? h.reference || h.number : h.number}</NAME>\n` +
            `        <BILLCREDITPERIOD JD="${45382 + (h.index % 700)}" P="30 Days">30 Days</BILLCREDITPERIOD>\n` +
            `        <BILLTYPE>${advance ? 'Advance' : t === 'Sales' || t === 'Purchase' ? 'New Ref' : 'Agst Ref'}</BILLTYPE>\n` +
            `        <AMOUNT>${money(amounts[k]!)}</AMOUNT>\n` +
            `       </BILLALLOCATIONS.LIST>\n`;
        }
        this.stats.billAllocations += n;
      } else if (l.bill) {
        bills = `       <BILLALLOCATIONS.LIST>       </BILLALLOCATIONS.LIST>\n`;
      }
      out.push(
        `      <ALLLEDGERENTRIES.LIST>\n` +
          (this.dense ? `       <OLDAUDITENTRYIDS.LIST TYPE="Number">\n        <OLDAUDITENTRYIDS>-1</OLDAUDITENTRYIDS>\n       </OLDAUDITENTRYIDS.LIST>\n` : '') +
          `       <LEDGERNAME>${xmlText(l.ledger)}</LEDGERNAME>\n` +
          (l.party ? `       <GSTCLASS>&#4; Not Applicable</GSTCLASS>\n` : '') +
          `       <ISDEEMEDPOSITIVE>${deemedPositive}</ISDEEMEDPOSITIVE>\n` +
          (this.dense ? DENSE_LEDGER_FLAGS : '') +
          `       <ISPARTYLEDGER>${l.party ? 'Yes' : 'No'}</ISPARTYLEDGER>\n` +
          `       <AMOUNT>${money(l.amount)}</AMOUNT>\n` +
          (this.dense ? `       <VATEXPAMOUNT>${money(l.amount)}</VATEXPAMOUNT>\n` + DENSE_LEDGER_LISTS : '') +
          bills +
          `      </ALLLEDGERENTRIES.LIST>\n`,
      );
    }
    return out;
  }

  private inventory = '';

  /** One to three inventory entries (each with a batch and an accounting allocation) summing to `amount`. */
  private inventoryEntries(ledger: string, amount: number): string {
    const x = this.extra;
    const n = 1 + x.int(3);
    let rest = amount;
    let out = '';
    for (let k = 0; k < n; k++) {
      const part = k === n - 1 ? rest : Math.trunc(amount / n);
      rest -= part;
      const qty = 1 + x.int(40);
      const item = `${x.pick(ITEM_NAMES)} ${100 + x.int(900)}`;
      const rate = money(Math.round(Math.abs(part) / qty));
      const positive = part < 0 ? 'Yes' : 'No';
      out +=
        `      <ALLINVENTORYENTRIES.LIST>\n` +
        `       <STOCKITEMNAME>${item}</STOCKITEMNAME>\n` +
        `       <ISDEEMEDPOSITIVE>${positive}</ISDEEMEDPOSITIVE>\n` +
        DENSE_INVENTORY_FLAGS +
        `       <RATE>${rate}/Nos</RATE>\n` +
        `       <AMOUNT>${money(part)}</AMOUNT>\n` +
        `       <ACTUALQTY> ${qty} Nos</ACTUALQTY>\n` +
        `       <BILLEDQTY> ${qty} Nos</BILLEDQTY>\n` +
        `       <BATCHALLOCATIONS.LIST>\n` +
        `        <GODOWNNAME>Main Location</GODOWNNAME>\n` +
        `        <BATCHNAME>Primary Batch</BATCHNAME>\n` +
        `        <INDENTNO>&#4; Not Applicable</INDENTNO>\n` +
        `        <ORDERNO>&#4; Not Applicable</ORDERNO>\n` +
        `        <TRACKINGNUMBER>&#4; Not Applicable</TRACKINGNUMBER>\n` +
        `        <DYNAMICCSTISCLEARED>No</DYNAMICCSTISCLEARED>\n` +
        `        <AMOUNT>${money(part)}</AMOUNT>\n` +
        `        <ACTUALQTY> ${qty} Nos</ACTUALQTY>\n` +
        `        <BILLEDQTY> ${qty} Nos</BILLEDQTY>\n` +
        `        <ADDITIONALDETAILS.LIST>        </ADDITIONALDETAILS.LIST>\n` +
        `        <VOUCHERCOMPONENTLIST.LIST>        </VOUCHERCOMPONENTLIST.LIST>\n` +
        `       </BATCHALLOCATIONS.LIST>\n` +
        `       <ACCOUNTINGALLOCATIONS.LIST>\n` +
        `        <OLDAUDITENTRYIDS.LIST TYPE="Number">\n         <OLDAUDITENTRYIDS>-1</OLDAUDITENTRYIDS>\n        </OLDAUDITENTRYIDS.LIST>\n` +
        `        <LEDGERNAME>${xmlText(ledger)}</LEDGERNAME>\n` +
        `        <GSTCLASS>&#4; Not Applicable</GSTCLASS>\n` +
        `        <ISDEEMEDPOSITIVE>${positive}</ISDEEMEDPOSITIVE>\n` +
        DENSE_LEDGER_FLAGS +
        `        <ISPARTYLEDGER>No</ISPARTYLEDGER>\n` +
        `        <AMOUNT>${money(part)}</AMOUNT>\n` +
        DENSE_LEDGER_LISTS +
        `       </ACCOUNTINGALLOCATIONS.LIST>\n` +
        `       <DUTYHEADDETAILS.LIST>       </DUTYHEADDETAILS.LIST>\n` +
        `       <SUPPLEMENTARYDUTYHEADDETAILS.LIST>       </SUPPLEMENTARYDUTYHEADDETAILS.LIST>\n` +
        `       <TAXOBJECTALLOCATIONS.LIST>       </TAXOBJECTALLOCATIONS.LIST>\n` +
        `       <REFVOUCHERDETAILS.LIST>       </REFVOUCHERDETAILS.LIST>\n` +
        `       <EXCISEALLOCATIONS.LIST>       </EXCISEALLOCATIONS.LIST>\n` +
        `       <EXPENSEALLOCATIONS.LIST>       </EXPENSEALLOCATIONS.LIST>\n` +
        `      </ALLINVENTORYENTRIES.LIST>\n`;
    }
    // The goods line became n accounting allocations (ledger entries), n inventory entries and n batches.
    this.stats.ledgerEntries += n - 1;
    this.stats.inventoryEntries += n;
    this.stats.batchAllocations += n;
    return out;
  }
}

/** Flags every voucher carries with the same value (Tally writes them all, mostly `No`). */
const VOUCHER_FLAGS = [
  'DIFFACTUALQTY', 'ISMSTFROMSYNC', 'ISDELETED', 'ASORIGINAL', 'AUDITED', 'ISOPTIONAL', 'USEFORINTEREST',
  'ISREVERSECHARGEAPPLICABLE', 'ISSYSTEM', 'ISCANCELLED', 'ISONHOLD', 'IRNCANCELLED', 'ISVOID', 'VCHSTATUSISDELETED',
]
  .map((f) => `      <${f}>No</${f}>\n`)
  .join('');

const ITEM_NAMES = ['Steel Rod', 'Copper Wire', 'PVC Pipe', 'Cement Bag', 'Paint Tin', 'LED Panel', 'Switch Board', 'Cable Tray', 'Bolt Box', 'Valve'];

/** Tags the plain voucher already writes: a dense voucher never writes one twice. */
const WRITTEN = new Set(['DIFFACTUALQTY', 'ISMSTFROMSYNC', 'ISDELETED', 'ASORIGINAL', 'AUDITED', 'ISOPTIONAL', 'USEFORINTEREST', 'ISREVERSECHARGEAPPLICABLE', 'ISSYSTEM', 'ISCANCELLED', 'ISONHOLD', 'IRNCANCELLED', 'ISVOID', 'VCHSTATUSISDELETED', 'ISINVOICE', 'HASCASHFLOW', 'ISPOSTDATED', 'ISELIGIBLEFORITC', 'ISDEEMEDPOSITIVE', 'ISPARTYLEDGER']);

const flags = (names: string, indent: string, value = 'No') =>
  [...new Set(names.split(/\s+/).filter((f) => f && !WRITTEN.has(f)))].map((f) => `${indent}<${f}>${value}</${f}>\n`).join('');

const emptyLists = (names: string, indent: string) =>
  names
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => `${indent}<${f}.LIST>${indent}</${f}.LIST>\n`)
    .join('');

/** The rest of what Tally writes on every voucher (dense day books): flags, mostly `No`, a few empty values. */
const DENSE_VOUCHER_TAGS =
  flags(
    `ISGSTOVERRIDDEN ISCOSTCENTRE ISEXCISEOVERRIDDEN ISREVERSECHARGE ISSYSTEM ISFETCHEDONLY ISGSTOVERRIDDEN ISCANCELLED ISONHOLD
     ISSUMMARY ISECOMMERCESUPPLY ISBOENOTAPPLICABLE ISGSTSECSEVENAPPLICABLE IGNOREEINVVALIDATION CMPGSTISOTHTERRITORYASSESSEE
     PARTYGSTISOTHTERRITORYASSESSEE IRNJSONEXPORTED IRNCANCELLED IGNOREGSTCONFLICTINMIG ISOPBALTRANSACTION IGNOREGSTFORMATVALIDATION
     ISELIGIBLEFORITC UPDATESUMMARYVALUES ISEWAYBILLAPPLICABLE ISDELETEDRETAINED ISNULL ISEXCISEVOUCHER EXCISETAXOVERRIDE
     USEFORTAXUNITTRANSFER ISEXER1NOPOVERWRITE ISEXF2NOPOVERWRITE ISEXER3NOPOVERWRITE IGNOREPOSVALIDATION EXCISEOPENING
     USEFORFINALPRODUCTION ISTDSOVERRIDDEN ISTCSOVERRIDDEN ISTDSTCSCASHVCH INCLUDEADVPYMTVCH ISSUBWORKSCONTRACT ISVATOVERRIDDEN
     IGNOREORIGVCHDATE ISVATPAIDATCUSTOMS ISDECLAREDTOCUSTOMS VATADVANCEPAYMENT VATADVPAY ISCSTDELCAREDGOODSSALES ISVATRESTAXINV
     ISSERVICETAXOVERRIDDEN ISISDVOUCHER ISEXCISEOVERRIDDEN ISEXCISESUPPLYVCH GSTNOTEXPORTED IGNOREGSTINVALIDATION ISGSTREFUND
     OVRDNEWAYBILLAPPLICABILITY ISVATPRINCIPALACCOUNT VCHSTATUSISUNREGISTEREDRCM ISSHIPPINGWITHINSTATE ISOVERSEASTOURISTTRANS
     ISDESIGNATEDZONEPARTY HASCASHFLOW ISPOSTDATED USETRACKINGNUMBER ISINVOICE MFGJOURNAL HASDISCOUNTS ASPAYSLIP ISCOSTCENTRE
     ISSTXNONREALIZEDVCH ISEXCISEMANUFACTURERON ISBLANKCHEQUE ISVOID ORDERLINESTATUS VATISAGNSTCANCSALES VATISPURCEXEMPTED
     ISVATRESTAXINVOICE VATISASSESABLECALCVCH ISVATDUTYPAID ISDELIVERYSAMEASCONSIGNEE ISDISPATCHSAMEASCONSIGNOR ISDELETEDVCHRETAINED
     CHANGEVCHMODE RESETIRNQRCODE`,
    '      ',
  ) +
  `      <ALTEREDBY>accounts</ALTEREDBY>\n      <ENTEREDBY>accounts</ENTEREDBY>\n      <VOUCHERTYPEORIGNAME>Sales</VOUCHERTYPEORIGNAME>\n` +
  `      <FBTPAYMENTTYPE>Default</FBTPAYMENTTYPE>\n      <PERSISTEDVIEW>Invoice Voucher View</PERSISTEDVIEW>\n` +
  `      <VCHENTRYMODE>Item Invoice</VCHENTRYMODE>\n      <EFFECTIVEDATE>20230401</EFFECTIVEDATE>\n      <NUMBERINGSTYLE>Auto Retain</NUMBERINGSTYLE>\n`;

/** Empty lists every voucher carries (dense). */
const DENSE_VOUCHER_LISTS = emptyLists(
  `EWAYBILLERRORLIST IRNERRORLIST HARYANAVAT SUPPLEMENTARYDUTYHEADDETAILS INVOICEDELNOTES INVOICEORDERLIST INVOICEINDENTLIST
   ATTENDANCEENTRIES ORIGINVOICEDETAILS INVOICEEXPORTLIST PAYROLLMODEOFPAYMENT ATTDRECORDS GSTEWAYCONSIGNORADDRESS
   GSTEWAYCONSIGNEEADDRESS TEMPGSTRATEDETAILS TEMPGSTADVADJUSTED`,
  '      ',
);

/** What every ledger line carries (dense). */
const DENSE_LEDGER_FLAGS = flags(
  `LEDGERFROMITEM REMOVEZEROENTRIES GSTOVERRIDDEN ISGSTASSESSABLEVALUEOVERRIDDEN STRDISGSTAPPLICABLE STRDGSTISPARTYLEDGER
   STRDGSTISDUTYLEDGER CONTENTNEGISPOS ISLASTDEEMEDPOSITIVE ISCAPVATTAXALTERED ISCAPVATNOTCLAIMED`,
  '       ',
);

const DENSE_LEDGER_LISTS = emptyLists(
  `SERVICETAXDETAILS BANKALLOCATIONS INTERESTCOLLECTION OLDAUDITENTRIES ACCOUNTAUDITENTRIES AUDITENTRIES INPUTCRALLOCS DUTYHEADDETAILS
   EXCISEDUTYHEADDETAILS RATEDETAILS SUMMARYALLOCS CENVATDUTYALLOCATIONS STPYMTDETAILS EXCISEPAYMENTALLOCATIONS TAXBILLALLOCATIONS
   TAXOBJECTALLOCATIONS TDSEXPENSEALLOCATIONS VATSTATUTORYDETAILS COSTTRACKALLOCATIONS REFVOIDEDINVENTORYENTRIES VOUCHERLINES
   GSTRATEDETAILS`,
  '       ',
);

const DENSE_INVENTORY_FLAGS = flags(
  `ISGSTASSESSABLEVALUEOVERRIDDEN STRDISGSTAPPLICABLE CONTENTNEGISPOS ISLASTDEEMEDPOSITIVE ISAUTONEGATE ISCUSTOMSCLEARANCE
   ISTRACKCOMPONENT ISTRACKPRODUCTION ISPRIMARYITEM ISSCRAP`,
  '       ',
);

/** Number of Yes/No leaves per voucher (constant flags + variable ones; plus 2 per ledger entry). */
export const VOUCHER_FLAG_COUNT = 14 + 4;

function csvText(s: string): string {
  return s.includes('"') ? s.replace(/"/g, '""') : s;
}

const XML_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
function xmlText(s: string): string {
  // Tally writes CR/LF inside a value as character references.
  let out = /[&<>'"]/.test(s) ? s.replace(/[&<>'"]/g, (c) => XML_ESC[c]!) : s;
  if (out.includes('\n') || out.includes('\r')) out = out.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
  return out;
}

/** The envelope around the vouchers of a day book. */
export function xmlPrologue(): string {
  return (
    `<ENVELOPE>\n <HEADER>\n  <TALLYREQUEST>Import Data</TALLYREQUEST>\n </HEADER>\n <BODY>\n  <IMPORTDATA>\n   <REQUESTDESC>\n` +
    `    <REPORTNAME>All Masters</REPORTNAME>\n    <STATICVARIABLES>\n     <SVCURRENTCOMPANY>${xmlText(COMPANY_NAME)}</SVCURRENTCOMPANY>\n    </STATICVARIABLES>\n` +
    `   </REQUESTDESC>\n   <REQUESTDATA>\n`
  );
}

/** The trailing COMPANY object a transaction export ends with (one `company` row), and the close. */
export function xmlEpilogue(): string {
  return (
    `    <TALLYMESSAGE xmlns:UDF="TallyUDF">\n     <COMPANY>\n      <REMOTECMPINFO.LIST MERGE="Yes">\n       <NAME>${COMPANY_GUID}</NAME>\n` +
    `       <REMOTECMPNAME>${xmlText(COMPANY_NAME)}</REMOTECMPNAME>\n       <REMOTECMPSTATE>${HOME_STATE}</REMOTECMPSTATE>\n      </REMOTECMPINFO.LIST>\n` +
    `     </COMPANY>\n    </TALLYMESSAGE>\n   </REQUESTDATA>\n  </IMPORTDATA>\n </BODY>\n</ENVELOPE>\n`
  );
}

/** Rows the trailing COMPANY object yields. */
export const EPILOGUE_ROWS = 1;
