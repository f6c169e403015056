import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layering of docs/architecture.md, enforced: every import in `shared/**` points down.
 *
 *   index  >  wiring  >  runtime  >  jobs  >  config | jst | fecmall | state  >  domain
 *
 * - A module may import its own layer and the layers below it, never one above (adapters never import
 *   jobs/ or runtime/; domain/ imports nothing of shared/ besides domain/). `shared/errors.ts` is part of
 *   the ground floor (pure, imported by all). The four adapters are one rank: they may use each other.
 * - Use cases get behaviour through their ports (docs/design.md §1): jobs/ imports adapters for their
 *   types only (`import type`); a pure helper a use case needs belongs in domain/.
 * - domain/ and jobs/ import no I/O package (mysql2, axios, the AWS SDK, Powertools, middy).
 * - Handlers (`functions/**`) import only the layer's entry point, `shared/index.ts`.
 *
 * Type-only imports count for the layer order: a type from above is still a dependency on above.
 * The allow-lists below are today's known violations, each with what fixes it. An entry that is no longer
 * needed fails the test too, so the lists only shrink: delete the line when the move has landed.
 */

const ROOT = path.resolve(__dirname, '../../..');
const SHARED = path.join(ROOT, 'shared');

/** Rank of each layer (first folder under shared/, or the top-level file without extension). */
const LAYER_RANK: Record<string, number> = {
  domain: 0,
  errors: 0,
  config: 1,
  jst: 1,
  fecmall: 1,
  state: 1,
  jobs: 2,
  runtime: 3,
  wiring: 4,
  index: 5,
};
const ADAPTERS = new Set(['config', 'jst', 'fecmall', 'state']);
const IO_PACKAGES = /^(mysql2|axios|@aws-sdk\/|@aws-lambda-powertools\/|@middy\/)/;

/**
 * Known upward imports, as `<importing files> -> <imported module>` (paths relative to shared/, the target
 * without extension; `*` matches within a folder, `**` across folders), each with what fixes it.
 */
const ALLOWED_UPWARD: Record<string, string> = {
  // The ERP adapter logs through the runtime's Logger port: declare the port in domain/.
  'jst/** -> runtime/ports': 'Logger port belongs in domain/',
  // Use cases take RunContext from runtime/run-context.ts: the type belongs with the use cases' ports (domain/).
  'jobs/** -> runtime/run-context': 'RunContext type (no longer from the handler factory; with its ports it belongs in domain/)',
  // Use cases return the runtime's RunOutcome / ItemFailure: the outcome types belong below jobs/.
  'jobs/** -> runtime/run-summary': 'RunOutcome/ItemFailure types',
  // Use cases name their metrics from the runtime's list: the names (metric-names.json) belong below jobs/.
  'jobs/** -> runtime/metric-names': 'metric names',
};

/** Known value imports from adapters into jobs/, same notation: the helper is pure and belongs in domain/, or comes through a port. */
const ALLOWED_JOB_VALUE_IMPORTS: Record<string, string> = {
  // A generic list helper (chunkList) and the time-range splitter live in the ERP adapter.
  'jobs/** -> jst/time-chunks': 'chunkList, chunkTimeRange',
  // Beijing-time conversion is pure (the ERP adapter would use it from domain/ too).
  'jobs/** -> jst/beijing-time': 'formatBeijingSeconds, parseBeijing',
  // Retry backoff arithmetic is pure (or the ledger port decides when to retry).
  'jobs/** -> state/order-ledger': 'nextRetryAt',
};

function globRegExp(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** The allow-list entry an import `file -> target` falls under, if any. */
function allowedBy(list: Record<string, string>, found: string): string | undefined {
  const [file, target] = found.split(' -> ');
  return Object.keys(list).find((entry) => {
    const [fromGlob, to] = entry.split(' -> ');
    return to === target && globRegExp(fromGlob!).test(file!);
  });
}

/** Imports not covered by the list, and list entries that no import needs any more. */
function checkAgainst(list: Record<string, string>, found: string[]): { unexpected: string[]; stale: string[] } {
  const used = new Set(found.map((f) => allowedBy(list, f)).filter((e): e is string => e !== undefined));
  return { unexpected: found.filter((f) => allowedBy(list, f) === undefined), stale: Object.keys(list).filter((e) => !used.has(e)) };
}

interface ImportEdge {
  /** Importing file, relative to the repository root. */
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every static import, re-export, `import()` and `require()` of a file, with whether it is type-only. */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const rel = path.relative(ROOT, file);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      edges.push({ file: rel, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly));
      edges.push({ file: rel, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      edges.push({ file: rel, specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) edges.push({ file: rel, specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      edges.push({ file: rel, specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Path relative to shared/ of a relative import's target, without extension (`undefined`: not in shared/). */
function sharedTarget(edge: ImportEdge): string | undefined {
  if (!edge.specifier.startsWith('.')) return undefined;
  const resolved = path.resolve(ROOT, path.dirname(edge.file), edge.specifier);
  const rel = path.relative(SHARED, resolved);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel
    .split(path.sep)
    .join('/')
    .replace(/\.(ts|js|json)$/, '');
}

/** The layer of a path relative to shared/: its first folder, or the top-level module's name. */
function layerOf(relToShared: string): string {
  const [first, ...rest] = relToShared.split('/');
  return rest.length > 0 ? first! : first!.replace(/\.(ts|js|json)$/, '');
}

const sharedFiles = tsFiles(SHARED);
const sharedEdges = sharedFiles.flatMap(importsOf);
const key = (edge: ImportEdge, target: string) => `${path.relative(SHARED, path.resolve(ROOT, edge.file)).split(path.sep).join('/')} -> ${target}`;

function upwardImports(): string[] {
  const found: string[] = [];
  for (const edge of sharedEdges) {
    const target = sharedTarget(edge);
    if (target === undefined) continue;
    const from = layerOf(path.relative(SHARED, path.resolve(ROOT, edge.file)).split(path.sep).join('/'));
    const to = layerOf(target);
    if (LAYER_RANK[to]! > LAYER_RANK[from]!) found.push(key(edge, target));
  }
  return found.sort();
}

function jobValueImportsFromAdapters(): string[] {
  const found: string[] = [];
  for (const edge of sharedEdges) {
    if (edge.typeOnly) continue;
    const target = sharedTarget(edge);
    if (target === undefined) continue;
    const from = layerOf(path.relative(SHARED, path.resolve(ROOT, edge.file)).split(path.sep).join('/'));
    if (from === 'jobs' && ADAPTERS.has(layerOf(target))) found.push(key(edge, target));
  }
  return [...new Set(found)].sort();
}

describe('layering of shared/ (docs/architecture.md)', () => {
  it('finds the code it checks', () => {
    expect(sharedFiles.length).toBeGreaterThan(20);
    expect(sharedEdges.some((e) => e.specifier.startsWith('.'))).toBe(true);
  });

  it('knows the layer of every module in shared/', () => {
    const unknown = sharedFiles.map((f) => path.relative(SHARED, f).split(path.sep).join('/')).filter((rel) => LAYER_RANK[layerOf(rel)] === undefined);
    // A new top-level folder or file needs a place in the order: add it to LAYER_RANK and docs/architecture.md.
    expect(unknown).toEqual([]);
  });

  it('imports only point down (or are known violations still to fix)', () => {
    const { unexpected, stale } = checkAgainst(ALLOWED_UPWARD, upwardImports());
    expect(unexpected).toEqual([]);
    // Fixed violations leave the allow-list, so it only shrinks.
    expect(stale).toEqual([]);
  });

  it('use cases import adapters for types only (or are known exceptions still to move)', () => {
    const { unexpected, stale } = checkAgainst(ALLOWED_JOB_VALUE_IMPORTS, jobValueImportsFromAdapters());
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('domain/ and jobs/ import no I/O package', () => {
    const offenders = sharedEdges
      .filter((e) => IO_PACKAGES.test(e.specifier))
      .filter((e) => ['domain', 'jobs', 'errors'].includes(layerOf(path.relative(SHARED, path.resolve(ROOT, e.file)).split(path.sep).join('/'))))
      .map((e) => `${e.file} -> ${e.specifier}`);
    expect(offenders).toEqual([]);
  });

  it('handlers import only the layer entry point shared/index.ts', () => {
    const offenders = tsFiles(path.join(ROOT, 'functions'))
      .flatMap(importsOf)
      .filter((e) => e.specifier.startsWith('.'))
      .filter((e) => {
        const target = sharedTarget(e);
        // `../../shared` resolves to the folder, i.e. its index.ts.
        return target !== undefined && target !== '' && target !== 'index';
      })
      .map((e) => `${e.file} -> ${e.specifier}`);
    expect(offenders).toEqual([]);
  });
});

describe('the allow-list notation', () => {
  it('matches files by glob and the target exactly', () => {
    const list = { 'jobs/** -> runtime/run-summary': '', 'fecmall/order-repository.ts -> jobs/x': '', 'jst/* -> runtime/ports': '' };
    expect(allowedBy(list, 'jobs/orders/push-orders.ts -> runtime/run-summary')).toBe('jobs/** -> runtime/run-summary');
    expect(allowedBy(list, 'jobs/walk.ts -> runtime/run-summary')).toBe('jobs/** -> runtime/run-summary');
    expect(allowedBy(list, 'jobs/walk.ts -> runtime/run-summary-x')).toBeUndefined();
    expect(allowedBy(list, 'fecmall/order-repository.ts -> jobs/x')).toBe('fecmall/order-repository.ts -> jobs/x');
    expect(allowedBy(list, 'fecmall/order-repositoryXts -> jobs/x')).toBeUndefined();
    expect(allowedBy(list, 'jst/a/b.ts -> runtime/ports')).toBeUndefined();
    expect(checkAgainst(list, ['jobs/a.ts -> runtime/run-summary', 'state/x.ts -> jobs/y'])).toEqual({
      unexpected: ['state/x.ts -> jobs/y'],
      stale: ['fecmall/order-repository.ts -> jobs/x', 'jst/* -> runtime/ports'],
    });
  });
});

describe('the import scanner', () => {
  const parse = (code: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-'));
    const file = path.join(dir, 'x.ts');
    try {
      fs.writeFileSync(file, code);
      return importsOf(file).map((e) => `${e.specifier}${e.typeOnly ? ' (type)' : ''}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('sees imports, type-only imports, re-exports, dynamic imports and require', () => {
    expect(
      parse(
        [
          "import a from './a';",
          "import type { B } from './b';",
          "import { type C, type D } from './c';",
          "import { type E, f } from './e';",
          "export { g } from './g';",
          "export type { H } from './h';",
          "const i = await import('./i');",
          "const j = require('./j');",
          "let k: import('./k').K;",
        ].join('\n'),
      ),
    ).toEqual(['./a', './b (type)', './c (type)', './e', './g', './h (type)', './i', './j', './k (type)']);
  });
});
