import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreSchema } from '../../../dev/fecmall/schema';
import { runOps } from '../../../scripts/ops/main';
import { OpsUsageError, type OpsTarget } from '../../../scripts/ops/ops-target';
import { parseSkuTransform, SkuTransform } from '../../../shared/domain/sku-mapping';
import { createJstClient } from '../../../shared/jst/client';
import { SkuMapStore } from '../../../shared/state/sku-map';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { useJstSandbox } from '../../support/jst-sandbox';
import { useTestDatabase } from '../../support/mysql';
import { createStateTable } from '../../support/state-table';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadEnvironment } from '../../../shared/config/environment';
import { SharedErpBudget } from '../../../shared/state/erp-budget';
import { budgetConfig } from '../../../shared/state/erp-budget-config';
import { ErpBudgetStore } from '../../../shared/state/erp-budget-store';

/**
 * `npm run ops -- sku-map import|list|check` (#24, docs/design.md §19) through the CLI's own argument parsing:
 * the table on dynalite, check against a MariaDB store and the ERP sandbox over HTTP.
 */
describe('npm run ops -- sku-map (#24)', () => {
  useDynalite();
  const sandbox = useJstSandbox();
  const db = useTestDatabase('skumap');
  const doc = createStateDocumentClient();
  const dir = mkdtempSync(join(tmpdir(), 'sku-map-'));
  let table: string;
  let lines: string[];
  let answers: boolean[];
  const io = {
    out: (line: string) => void lines.push(line),
    confirm: () => Promise.resolve(answers.shift() ?? false),
  };
  const target = (): OpsTarget => ({
    stage: 'test',
    table,
    doc,
    clock: { now: () => Date.UTC(2026, 11, 6, 12) },
    operator: 'ops:tester',
    invoker: { invokeAsync: () => Promise.reject(new Error('no runs in this test')) },
    schedules: { setEnabled: () => Promise.reject(new Error('no schedules in this test')) },
    shopId: () => Promise.resolve(1),
    erp: async () =>
      createJstClient({
        credentials: { generation: 'open', ...sandbox().credentials.open },
        baseUrl: sandbox().url,
        rateLimit: { perSecond: 500, perMinute: 50_000 },
      }),
    // As the stage targets give it: the ERP drawing from the shared budget in the state table, as job `manual`.
    budgetedErp: async () =>
      createJstClient({
        credentials: { generation: 'open', ...sandbox().credentials.open },
        baseUrl: sandbox().url,
        rateLimit: {
          perSecond: 50,
          perMinute: 3000,
          budget: new SharedErpBudget({ store: new ErpBudgetStore(doc, table, 'default'), config: budgetConfig(env()), job: 'manual', account: 'default' }),
        },
      }),
    store: async () => ({ pool: db().pool, close: async () => undefined }),
    skuTransform: async () => 'strip-prefix:SHOP-,upper',
  });
  const ops = (command: string) => runOps([...command.split(' '), '--stage', 'test'], io, target);
  const csv = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const store = () => new SkuMapStore(doc, table);
  const env = () =>
    loadEnvironment({
      STATE_TABLE: table,
      JST_SECRET_ID: 'x',
      DB_SECRET_ID: 'x',
      JST_SHOP_ID: '1',
      JST_BUDGET_PER_SECOND: '50',
      JST_BUDGET_PER_MINUTE: '3000',
    });

  beforeAll(async () => {
    await createStoreSchema(db().pool, 'core');
  });
  beforeEach(async () => {
    table = await createStateTable();
    lines = [];
    answers = [];
  });
  afterAll(() => doc.destroy());

  it('import writes the rows after confirmation, bumps the version; list prints them', async () => {
    const file = csv('map.csv', '\uFEFFstore_sku,erp_sku\r\n# kits\r\nSHOP-kit-9,KIT9-NEW\r\n"legacy,1",L-0001\r\n');
    answers = [true];
    await ops(`sku-map import ${file}`);
    expect(lines.at(-1)).toBe(
      `imported ${file}: 2 added, 0 changed, 0 removed, 0 unchanged, 0 not in the file kept; the next run of syncInventory and pushOrders uses it`,
    );
    expect((await store().list()).map((r) => [r.storeSku, r.erpSku, r.changedBy])).toEqual([
      ['SHOP-kit-9', 'KIT9-NEW', 'ops:tester'],
      ['legacy,1', 'L-0001', 'ops:tester'],
    ]);
    expect(await store().meta()).toMatchObject({ version: 1, rows: 2, importedBy: 'ops:tester' });
    expect(await store().meta()).not.toHaveProperty('importingSince');
    lines = [];
    await ops('sku-map list');
    expect(lines[0]).toMatch(/^test: 2 SKU mapping row\(s\) \(version 1, imported .* by ops:tester\); store SKU → ERP sku_id:$/);
    expect(lines.slice(1).map((l) => l.replace(/\s+/g, ' ').trim())).toEqual(['SHOP-kit-9 → KIT9-NEW', 'legacy,1 → L-0001']);
  });

  it('refuses a file in which two store SKUs claim one ERP SKU (or the reverse), naming both lines; nothing is written', async () => {
    const file = csv('bad.csv', 'store_sku,erp_sku\nSHOP-a1,A1\nSHOP-b1,A1\nSHOP-c1,C1\nSHOP-c1,C2\n');
    const error = await ops(`sku-map import ${file} --yes`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsUsageError);
    expect((error as Error).message).toContain('line 2 (SHOP-a1 → A1) and line 3 (SHOP-b1 → A1) both claim ERP SKU A1');
    expect((error as Error).message).toContain('line 4 (SHOP-c1 → C1) and line 5 (SHOP-c1 → C2) both claim store SKU SHOP-c1');
    expect((error as Error).message).toContain('nothing written');
    expect(await store().list()).toEqual([]);
    expect((await store().meta()).version).toBe(0);
  });

  it('refuses bad lines with their numbers, nothing written', async () => {
    const file = csv('lines.csv', 'store_sku,erp_sku\nSHOP-a1, A1\nSHOP-b1\n,X\n');
    const error = (await ops(`sku-map import ${file} --yes`).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('line 2: the ERP SKU " A1" has leading or trailing white space');
    expect(error.message).toContain('line 3: expected 2 fields');
    expect(error.message).toContain('line 4: the store SKU is empty');
    expect(await store().list()).toEqual([]);
  });

  it('refuses a row that conflicts with one kept, unless --replace makes the file the whole table', async () => {
    await ops(`sku-map import ${csv('one.csv', 'store_sku,erp_sku\nSHOP-a1,A1\nSHOP-b1,B1\n')} --yes`);
    const second = csv('two.csv', 'store_sku,erp_sku\nSHOP-z9,B1\nSHOP-a1,A2\n');
    const error = (await ops(`sku-map import ${second} --yes`).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('the table (SHOP-a1 → A1) and line 3 (SHOP-a1 → A2) both claim store SKU SHOP-a1');
    expect(error.message).toContain('the table (SHOP-b1 → B1) and line 2 (SHOP-z9 → B1) both claim ERP SKU B1');
    expect(error.message).toContain('--replace');
    expect((await store().list()).map((r) => `${r.storeSku}=${r.erpSku}`)).toEqual(['SHOP-a1=A1', 'SHOP-b1=B1']);
    expect((await store().meta()).version).toBe(1);
    lines = [];
    await ops(`sku-map import ${second} --replace --yes`);
    expect(lines.at(-1)).toBe(`imported ${second}: 1 added, 1 changed, 1 removed, 0 unchanged; the next run of syncInventory and pushOrders uses it`);
    expect((await store().list()).map((r) => `${r.storeSku}=${r.erpSku}`)).toEqual(['SHOP-a1=A2', 'SHOP-z9=B1']);
    expect((await store().meta()).version).toBe(2);
  });

  it('a warm container reads the rows once, and again only after an import', async () => {
    const transform = parseSkuTransform('strip-prefix:SHOP-') as SkuTransform;
    const warm = new SkuMapStore(doc, table, { transform });
    expect((await warm.mapping()).toErp('SHOP-a1')).toBe('a1');
    await ops(`sku-map import ${csv('w.csv', 'store_sku,erp_sku\nSHOP-a1,A-ONE\n')} --yes`);
    expect((await warm.mapping()).toErp('SHOP-a1')).toBe('A-ONE');
    await warm.mapping();
    await warm.mapping();
    expect(warm.rowReads).toBe(2);
  });

  it('check looks the whole catalogue up in the ERP and reports per rule how many it knows', async () => {
    await db().pool.query('DELETE FROM product_flat');
    const storeSkus = ['SHOP-aa-1', 'SHOP-aa-2', 'SHOP-aa-3', 'SHOP-kit-9', 'SHOP-Mixed', 'PLAIN-1', 'SHOP-bb-1'];
    for (const sku of storeSkus) await db().pool.query("INSERT INTO product_flat (name, spu, sku, qty, price) VALUES ('P', ?, ?, 1, 1.00)", [sku, sku]);
    sandbox().reset();
    for (const erp of ['AA-1', 'AA-2', 'KIT9-NEW', 'SHOP-Mixed', 'PLAIN-1']) sandbox().state.setStock(erp, { qty: 5 });
    await ops(`sku-map import ${csv('kit.csv', 'store_sku,erp_sku\nSHOP-kit-9,KIT9-NEW\nSHOP-gone,GONE\n')} --yes`);
    lines = [];
    await ops('sku-map check');
    expect(lines).toEqual([
      'test: 7 store SKU(s) looked up in the ERP (SKU_TRANSFORM strip-prefix:SHOP-,upper; 2 table row(s)):',
      '  table      1 of 1 matched',
      '  transform  2 of 4 matched',
      // SHOP-Mixed does not round-trip through upper: identity.
      '  identity   1 of 1 matched',
      // The ERP's PLAIN-1 is the store's SHOP-plain-1 under the transform: the store's own PLAIN-1 needs a table row.
      '  unmapped   1 (no ERP code: not synced, their order lines refused; a table row gives one)',
      '  all        4 of 7 matched',
      '  not known to the ERP, e.g.: SHOP-aa-3 (transform → AA-3), SHOP-bb-1 (transform → BB-1)',
      "  unmapped, e.g.: PLAIN-1 (the transform makes ERP SKU PLAIN-1 the store's SHOP-plain-1)",
      '  1 table row(s) name a store SKU the store does not have',
    ]);
    // Its ERP calls were drawn from the account's shared budget, so the jobs see them.
    expect((await doc.send(new GetCommand({ TableName: table, Key: { pk: 'BUDGET#default', sk: 'BUDGET' } }))).Item).toBeDefined();
  });
});
