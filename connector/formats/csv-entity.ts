import { sha256Hex } from '../hashing.js';

/**
 * Entity of a CSV file. tally-database-loader writes `<table>.csv` (mst_*, trn_*); a dated copy such
 * as `trn_voucher_2025-09-30.csv` is the same table. Otherwise the header is compared with the
 * loader's column lists, and last the file name (without dates and counters) is used.
 */
export const LOADER_TABLES: Record<string, string[]> = {
  mst_group: ['guid', 'name', 'parent', 'primary_group', 'is_revenue', 'is_deemedpositive', 'is_reserved', 'affects_gross_profit', 'sort_position'],
  mst_ledger: ['guid', 'name', 'parent', 'alias', 'description', 'notes', 'is_revenue', 'is_deemedpositive', 'opening_balance', 'closing_balance', 'mailing_name', 'mailing_address', 'mailing_state', 'mailing_country', 'mailing_pincode', 'email', 'mobile', 'it_pan', 'gstn', 'gst_registration_type', 'gst_supply_type', 'gst_duty_head', 'tax_rate', 'bank_account_holder', 'bank_account_number', 'bank_ifsc', 'bank_swift', 'bank_name', 'bank_branch', 'bill_credit_period'],
  mst_vouchertype: ['guid', 'name', 'parent', 'numbering_method', 'is_deemedpositive', 'affects_stock'],
  mst_uom: ['guid', 'name', 'formalname', 'is_simple_unit', 'base_units', 'additional_units', 'conversion'],
  mst_godown: ['guid', 'name', 'parent', 'address'],
  mst_stock_category: ['guid', 'name', 'parent'],
  mst_stock_group: ['guid', 'name', 'parent'],
  mst_stock_item: ['guid', 'name', 'parent', 'category', 'alias', 'description', 'notes', 'part_number', 'uom', 'alternate_uom', 'conversion', 'opening_balance', 'opening_rate', 'opening_value', 'closing_balance', 'closing_rate', 'closing_value', 'costing_method', 'gst_type_of_supply', 'gst_hsn_code', 'gst_hsn_description', 'gst_rate', 'gst_taxability'],
  mst_cost_category: ['guid', 'name', 'allocate_revenue', 'allocate_non_revenue'],
  mst_cost_centre: ['guid', 'name', 'parent', 'category'],
  mst_attendance_type: ['guid', 'name', 'parent', 'uom', 'attendance_type', 'attendance_period'],
  trn_voucher: ['guid', 'date', 'voucher_type', 'voucher_number', 'reference_number', 'reference_date', 'narration', 'party_name', 'place_of_supply', 'is_invoice', 'is_accounting_voucher', 'is_inventory_voucher', 'is_order_voucher'],
  trn_accounting: ['guid', 'ledger', 'amount', 'amount_forex', 'currency'],
  trn_inventory: ['guid', 'item', 'quantity', 'rate', 'amount', 'additional_amount', 'discount_amount', 'godown', 'tracking_number', 'order_number', 'order_duedate'],
  trn_cost_centre: ['guid', 'ledger', 'costcentre', 'amount'],
  trn_cost_category_centre: ['guid', 'ledger', 'costcategory', 'costcentre', 'amount'],
  trn_cost_inventory_category_centre: ['guid', 'ledger', 'item', 'costcategory', 'costcentre', 'amount'],
  trn_bill: ['guid', 'ledger', 'name', 'amount', 'billtype', 'bill_credit_period'],
  trn_bank: ['guid', 'ledger', 'transaction_type', 'instrument_date', 'instrument_number', 'bank_name', 'amount', 'bankers_date'],
  trn_batch: ['guid', 'item', 'name', 'quantity', 'amount', 'godown', 'destination_godown', 'tracking_number'],
  trn_inventory_additional_cost: ['guid', 'ledger', 'amount', 'additional_allocation_type', 'rate_of_invoice_tax'],
  /** Before tally-database-loader v1.0.40. */
  trn_inventory_accounting: ['guid', 'ledger', 'amount', 'additional_allocation_type'],
  trn_employee: ['guid', 'category', 'employee_name', 'amount', 'employee_sort_order'],
  trn_payhead: ['guid', 'category', 'employee_name', 'employee_sort_order', 'payhead_name', 'payhead_sort_order', 'amount'],
  trn_attendance: ['guid', 'employee_name', 'attendancetype_name', 'time_value', 'type_value'],
};

const TABLES_LONGEST_FIRST = Object.keys(LOADER_TABLES).sort((a, b) => b.length - a.length);

/**
 * The entity of a CSV file: a known loader table (by its file name, which then carries nothing but
 * the table's name, or by its header); otherwise a name derived from the header. The file name
 * itself is used only with `clearNames`: file names carry customer identifiers
 * (`acme_customer_pan_abcde1234f.csv`), and the entity is in every envelope, dead letter, log line
 * and registry key.
 */
export function csvEntity(key: string, header: string[], clearNames = false): string {
  const base = (key.split('/').pop() ?? key).replace(/\.gz$/i, '').replace(/\.[^.]*$/, '').toLowerCase();
  for (const t of TABLES_LONGEST_FIRST) {
    if (base === t || (base.startsWith(t) && /^[^a-z0-9]/.test(base.slice(t.length)) && !/^_[a-z]/.test(base.slice(t.length)))) return t;
  }
  // Header match: the table whose columns cover most of the header (at least 80 % both ways).
  const cols = new Set(header.map((h) => h.toLowerCase()));
  let best: string | undefined;
  let bestScore = 0;
  for (const [t, tc] of Object.entries(LOADER_TABLES)) {
    let common = 0;
    for (const c of tc) if (cols.has(c)) common++;
    const score = Math.min(common / tc.length, common / cols.size);
    if (score > bestScore) {
      bestScore = score;
      best = t;
    }
  }
  if (best && bestScore >= 0.8) return best;
  if (!clearNames) return 'csv_' + sha256Hex(header.join('\0')).slice(0, 8);
  const cleaned = base
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/(_?(\d{4}_?\d{2}_?\d{2}|\d{8}|\d{6}|\d+))+$/g, '')
    .replace(/^_+|_+$/g, '');
  const name = /^[a-z]/.test(cleaned) ? cleaned : 'csv_' + cleaned;
  return name.slice(0, 64) || 'csv';
}
