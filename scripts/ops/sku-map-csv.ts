import { skuKeyProblem, type SkuPair } from '../../shared/domain/sku-mapping';
import { splitCsvLine } from './stock-rules-csv';

/**
 * The CSV of `npm run ops -- sku-map import FILE.csv` (docs/design.md §19): a header `store_sku,erp_sku`,
 * then one row a line — `SHOP-kit-9,KIT9-NEW`. Blank lines and lines starting with # are skipped; fields
 * may be double-quoted; a UTF-8 BOM and CRLF line ends are fine. SKUs are taken exactly (case-sensitive;
 * leading or trailing white space is refused, not trimmed).
 */
export const SKU_MAP_CSV_HEADER = 'store_sku,erp_sku';

export interface CsvSkuMap {
  rows: Array<SkuPair & { line: number }>;
  /** One message per bad line (`line 4: …`); nothing is to be written unless this is empty. */
  problems: string[];
}

export function parseSkuMapCsv(text: string): CsvSkuMap {
  const rows: CsvSkuMap['rows'] = [];
  const problems: string[] = [];
  let headerSeen = false;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
      const fields = splitCsvLine(raw);
      if (typeof fields === 'string') return void problems.push(`line ${line}: ${fields}`);
      if (!headerSeen) {
        headerSeen = true;
        if (fields.map((f) => f.trim().toLowerCase()).join(',') !== SKU_MAP_CSV_HEADER)
          problems.push(`line ${line}: the first line must be the header ${SKU_MAP_CSV_HEADER} (got ${raw.trim()})`);
        return;
      }
      if (fields.length !== 2) return void problems.push(`line ${line}: expected 2 fields (${SKU_MAP_CSV_HEADER}), got ${fields.length}`);
      const [storeSku, erpSku] = fields as [string, string];
      const problem = skuKeyProblem('store SKU', storeSku) ?? skuKeyProblem('ERP SKU', erpSku);
      if (problem) return void problems.push(`line ${line}: ${problem}`);
      rows.push({ storeSku, erpSku, line });
    });
  if (!headerSeen) problems.push(`the file is empty: expected the header ${SKU_MAP_CSV_HEADER} and one row a line`);
  return { rows, problems };
}
