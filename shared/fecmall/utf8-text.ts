/**
 * Fecmall's order and product tables are `utf8` (3-byte) in MySQL: a 4-byte character (emoji, rare
 * CJK extension B) makes the write fail or truncates it. Such characters are replaced before writing.
 */
export function toUtf8mb3(text: string, replacement = '\uFFFD'): string {
  return text.replace(/[\u{10000}-\u{10FFFF}]/gu, replacement);
}
