import { ruleName, stockRuleProblem, STOCK_RULE_KINDS, type StockBuffer, type StockRule, type StockRuleKind } from '../../shared/domain/safety-stock';

/**
 * The CSV of `npm run ops -- stock-rules import FILE.csv` (docs/design.md §14): a header `kind,key,buffer`,
 * then one rule a line — `global,,2`, `prefix,TS-,10%`, `sku,TS-001,0`; the buffer is units (a whole
 * number) or a percentage (ending in %, at most two decimals). Blank lines and lines starting with # are
 * skipped; fields may be double-quoted ("" inside for a quote); a UTF-8 BOM and CRLF line ends are fine.
 */
export const STOCK_RULES_CSV_HEADER = 'kind,key,buffer';

export interface CsvRules {
  rules: StockRule[];
  /** One message per bad line (`line 4: …`); the rules are not to be written unless this is empty. */
  problems: string[];
}

/** Parses a buffer as an operator writes it: `3` (units) or `12.5%` (percent). */
export function parseBuffer(text: string): StockBuffer | string {
  const value = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (percent) return { type: 'percent', percent: Number(percent[1]) };
  if (/^\d+$/.test(value)) return { type: 'units', units: Number(value) };
  return `buffer "${text}" is neither units (a whole number, e.g. 3) nor a percentage (e.g. 10%)`;
}

/** Every rule of the file and every problem found, with line numbers (the whole file is checked). */
export function parseStockRulesCsv(text: string): CsvRules {
  const rules: StockRule[] = [];
  const problems: string[] = [];
  const firstLine = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerSeen = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const fields = splitCsvLine(raw);
    if (typeof fields === 'string') return void problems.push(`line ${line}: ${fields}`);
    if (!headerSeen) {
      headerSeen = true;
      if (fields.map((f) => f.trim().toLowerCase()).join(',') !== STOCK_RULES_CSV_HEADER)
        problems.push(`line ${line}: the first line must be the header ${STOCK_RULES_CSV_HEADER} (got ${raw.trim()})`);
      return;
    }
    if (fields.length !== 3) return void problems.push(`line ${line}: expected 3 fields (${STOCK_RULES_CSV_HEADER}), got ${fields.length}`);
    const kind = fields[0]!.trim().toLowerCase() as StockRuleKind;
    if (!STOCK_RULE_KINDS.includes(kind)) return void problems.push(`line ${line}: kind "${fields[0]}" is not one of ${STOCK_RULE_KINDS.join(', ')}`);
    const buffer = parseBuffer(fields[2]!);
    if (typeof buffer === 'string') return void problems.push(`line ${line}: ${buffer}`);
    const rule: StockRule = { kind, key: fields[1]!, buffer };
    const problem = stockRuleProblem(rule);
    if (problem) return void problems.push(`line ${line}: ${problem}`);
    const name = ruleName(rule);
    const seen = firstLine.get(name);
    if (seen !== undefined) return void problems.push(`line ${line}: ${name} is given twice (first on line ${seen})`);
    firstLine.set(name, line);
    rules.push(rule);
  });
  if (!headerSeen) problems.push(`the file is empty: expected the header ${STOCK_RULES_CSV_HEADER} and one rule a line`);
  return { rules, problems };
}

/** The fields of one CSV line, or what is wrong with its quoting. */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return 'a quoted field is not closed';
  fields.push(field);
  return fields;
}
