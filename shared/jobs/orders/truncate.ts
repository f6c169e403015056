/** A field shortened to the ERP's length limit. Only the field and lengths: never the value. */
export interface TruncationWarning {
  field: string;
  length: number;
  limit: number;
}

/**
 * Collects truncations while a payload is built. Lengths count characters (the ERP limits are
 * character counts of its nvarchar columns).
 */
export class Truncator {
  readonly warnings: TruncationWarning[] = [];

  fit(field: string, value: string, limit: number): string {
    const chars = Array.from(value);
    if (chars.length <= limit) return value;
    this.warnings.push({ field, length: chars.length, limit });
    return chars.slice(0, limit).join('');
  }
}
