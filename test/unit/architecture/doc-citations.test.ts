import fs from 'node:fs';
import path from 'node:path';

/**
 * Every citation `docs/<page>.md §N` in the code, the tests, the deploy template and the docs themselves
 * names a section that exists in that page (a heading `## N.` / `### N.M` / `### 3a.`, or an item label
 * `**7.1**`). Ranges (`§2–§3`, `§1.2–1.3`) and lists (`§3a, §3c`, `§3b/§5`) are checked part by part.
 */

const ROOT = path.resolve(__dirname, '../../..');
const PAGES = ['design', 'architecture', 'erp-api', 'store-schema'] as const;
const SCANNED_DIRS = ['shared', 'functions', 'dev', 'scripts', 'test', 'types', 'docs'];
const SCANNED_FILES = ['serverless.yml', 'README.md'];
const TEXT_FILE = /\.(ts|js|mjs|cjs|json|yml|yaml|md)$/;

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return TEXT_FILE.test(entry.name) ? [full] : [];
  });
}

/** Section ids a page defines: `3`, `3a`, `1.4`, and item labels like `4.7`. */
function sectionsOf(markdown: string): Set<string> {
  const ids = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,4}\s+(\d+[a-z]?(?:\.\d+)?)\.?\s/gm)) ids.add(m[1]!);
  for (const m of markdown.matchAll(/^\s*[-*]\s+\*\*(\d+\.\d+)\*\*/gm)) ids.add(m[1]!);
  return ids;
}

/** Section ids cited right after `docs/<page>.md`: `§2–§3` → 2, 3; `§1.2–1.3` → 1.2, 1.3; `§3b/§5` → 3b, 5. */
function citedSections(text: string): string[] {
  const m = /^\s*(§\s?[\dA-Za-z.]+(?:\s*(?:–|-|,|\/|and)\s*§?\s?[\d][\dA-Za-z.]*)*)/.exec(text);
  if (!m) return [];
  return m[1]!
    .split(/\s*(?:–|-|,|\/|and)\s*/)
    .map((part) => part.replace(/^§\s?/, '').replace(/\.+$/, ''))
    .filter((id) => /^\d/.test(id));
}

describe('citations of docs/ sections', () => {
  const sections = Object.fromEntries(PAGES.map((p) => [p, sectionsOf(fs.readFileSync(path.join(ROOT, 'docs', `${p}.md`), 'utf8'))]));
  const scanned = [...SCANNED_DIRS.flatMap((d) => files(path.join(ROOT, d))), ...SCANNED_FILES.map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f))];

  it('reads the section headings of each page', () => {
    expect([...sections['design']!]).toEqual(expect.arrayContaining(['1', '3', '9']));
    expect([...sections['erp-api']!]).toEqual(expect.arrayContaining(['0', '1.3', '2.7', '3a', '3d', '4.7', '5']));
    expect([...sections['store-schema']!]).toEqual(expect.arrayContaining(['1.5', '3.3', '4', '7.1', '7.12']));
  });

  it('parses ranges and lists', () => {
    expect(citedSections(' §2–§3): plan')).toEqual(['2', '3']);
    expect(citedSections(' §1.2–1.3: system')).toEqual(['1.2', '1.3']);
    expect(citedSections(' §3a, §3c, §3d).')).toEqual(['3a', '3c', '3d']);
    expect(citedSections(' §3b/§5 [U]')).toEqual(['3b', '5']);
    expect(citedSections(' §1.')).toEqual(['1']);
    expect(citedSections(' "not found"')).toEqual([]);
  });

  it('code cites the docs/ pages, not the team notes they came from', () => {
    const code = scanned.filter((f) => !path.relative(ROOT, f).startsWith('docs'));
    const oldNames = /(^|[^/A-Za-z0-9_.-])(jst-api|fecmall-schema|design)\.md/;
    const found = code.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => oldNames.test(line))
        .map((line) => `${path.relative(ROOT, file)}: ${line.trim()}`),
    );
    // Cite docs/erp-api.md, docs/store-schema.md and docs/design.md (the former team notes are not in the repository).
    expect(found).toEqual([]);
  });

  it('every cited section exists', () => {
    const missing: string[] = [];
    for (const file of scanned) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/docs\/(design|architecture|erp-api|store-schema)\.md/g)) {
        for (const id of citedSections(text.slice(m.index! + m[0].length, m.index! + m[0].length + 40))) {
          if (!sections[m[1]!]!.has(id)) missing.push(`${path.relative(ROOT, file)}: docs/${m[1]}.md §${id}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
