/**
 * A key field over the ERP's length limit (docs/erp-api.md §3b: so_id ≤50, sku_id ≤40, shop_sku_id
 * ≤128, outer_oi_id ≤50). Cutting a key would turn it into another value (`…-XL` and `…-XS` into the
 * same ERP SKU), so such an order is never sent: it is a local rejection naming the field and limit.
 */
export interface KeyFieldProblem {
  field: string;
  length: number;
  limit: number;
  /** A key that cannot be given at all (an item whose store SKU has no ERP code, docs/design.md §19). */
  reason?: string;
}

/** Collects key fields over their limit while a payload is built; values pass through unchanged. */
export class KeyFieldCheck {
  readonly problems: KeyFieldProblem[] = [];

  keep(field: string, value: string, limit: number): string {
    const length = Array.from(value).length;
    if (length > limit) this.problems.push({ field, length, limit });
    return value;
  }

  /** A key with no value to send: the order is a local rejection naming the field and why. */
  missing(field: string, reason: string): void {
    this.problems.push({ field, length: 0, limit: 0, reason });
  }
}

/** The operator-readable reason of a local rejection (field names and lengths only, never a value). */
export function describeKeyFieldProblems(problems: readonly KeyFieldProblem[]): string {
  const list = problems.map((p) => (p.reason ? `${p.field}: ${p.reason}` : `${p.field} has ${p.length} characters, the ERP allows ${p.limit}`)).join('; ');
  return `${list} (a key field is never cut, as that could make it another order's or SKU's key)`;
}
