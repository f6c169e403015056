import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { RunHistory } from '../../../shared/state/run-history';
import { stateKeys } from '../../../shared/state/state-keys';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('run history (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  afterAll(() => doc.destroy());

  it('returns the latest runs of a job newest first, each expiring by TTL after the retention', async () => {
    const table = await createStateTable();
    const history = new RunHistory(doc, table, 30);
    for (const day of [1, 3, 2]) await history.record('pushOrders', `run-${day}`, Date.UTC(2026, 0, day), { n: day });
    await history.record('syncShipping', 'other', Date.UTC(2026, 0, 9), { n: 9 });

    expect(await history.latest('pushOrders', 2)).toEqual([{ n: 3 }, { n: 2 }]);
    expect((await history.latestRecords('pushOrders', 5)).map((r) => r.runId)).toEqual(['run-3', 'run-2', 'run-1']);
    const item = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.run('pushOrders', Date.UTC(2026, 0, 2), 'run-2') }));
    expect(item.Item).toMatchObject({ sk: '2026-01-02T00:00:00.000Z#run-2', expiresAt: Date.UTC(2026, 0, 2) / 1000 + 30 * 86400 });
  });

  it('bounds every item: a summary beyond 64 KB keeps its counts, lists are halved and the item is marked truncated', async () => {
    const table = await createStateTable();
    const history = new RunHistory(doc, table, 30);
    const failures = Array.from({ length: 5000 }, (_, i) => ({ key: `11000${i}`, reason: `ERP rejected the order (attempt 1): ${'x'.repeat(100)}` }));
    const summary = { job: 'pushOrders', counts: { rejected: 5000 }, failures, details: { payloads: [{ note: 'y'.repeat(300_000) }] } };
    await history.record('pushOrders', 'big', Date.UTC(2026, 0, 5), summary);
    const item = await doc.send(new GetCommand({ TableName: table, Key: stateKeys.run('pushOrders', Date.UTC(2026, 0, 5), 'big') }));
    const stored = item.Item!.summary as { counts: unknown; failures: unknown[]; truncated: boolean; droppedEntries: Record<string, number> };
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(64 * 1024 + 200);
    expect(stored).toMatchObject({ counts: { rejected: 5000 }, truncated: true });
    expect(stored.failures.length + stored.droppedEntries.failures!).toBe(5000);
    expect(await history.latest('pushOrders', 1)).toEqual([stored]);
  });
});
