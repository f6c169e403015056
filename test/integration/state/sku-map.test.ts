import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SkuMapCorruptError, SkuMapStore } from '../../../shared/state/sku-map';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

/** The SKU mapping table on dynalite (docs/design.md §19): paged read, validation, the version-checked cache. */
describe('SkuMapStore', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  let table: string;
  beforeEach(async () => {
    table = await createStateTable();
  });
  afterAll(() => doc.destroy());

  it('reads a table of several Query pages (8,000 rows over 1 MB) in one mapping, once per version', async () => {
    const store = new SkuMapStore(doc, table);
    const rows = Array.from({ length: 8000 }, (_, i) => ({ storeSku: `${i}-${'x'.repeat(150)}`.slice(0, 145), erpSku: `E${i}` }));
    await store.apply(await store.plan(rows, false), 1, 'test');
    const mapping = await store.mapping();
    expect(mapping.tableSize).toBe(8000);
    expect(mapping.toStore('E7999')).toBe(rows[7999]!.storeSku);
    await store.mapping();
    expect(store.rowReads).toBe(2); // the plan's read of the current rows, then the run's
  });

  it('fails a run on a corrupt row or rows that are not one-to-one, naming the row', async () => {
    const store = new SkuMapStore(doc, table);
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP', sk: 'SHOP-a1', erpSku: 'A1' } }));
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP', sk: 'SHOP-b1', erpSku: 'A1' } }));
    const error = (await store.mapping().catch((e: unknown) => e)) as SkuMapCorruptError;
    expect(error).toBeInstanceOf(SkuMapCorruptError);
    expect(error.code).toBe('SKU_MAP_CORRUPT');
    expect(error.message).toContain('both claim ERP SKU A1');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP', sk: 'SHOP-b1', erpSku: 42 } }));
    const corrupt = (await store.mapping().catch((e: unknown) => e)) as SkuMapCorruptError;
    expect(corrupt.context).toMatchObject({ row: 'SHOP-b1' });
  });

  it('keeps a warm container on its mapping while an import writes; re-reads when it is done', async () => {
    const store = new SkuMapStore(doc, table, { now: () => 10_000 });
    await store.apply(await store.plan([{ storeSku: 'SHOP-a1', erpSku: 'A1' }], false), 1, 'test');
    expect((await store.mapping()).toErp('SHOP-a1')).toBe('A1');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP_META', sk: 'META', version: 1, rows: 1, importingSince: 9_000 } }));
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP', sk: 'SHOP-a1', erpSku: 'A2' } }));
    expect((await store.mapping()).toErp('SHOP-a1')).toBe('A1');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SKU_MAP_META', sk: 'META', version: 2, rows: 1 } }));
    expect((await store.mapping()).toErp('SHOP-a1')).toBe('A2');
  });
});
