import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CursorStore } from '../../../shared/state/cursor-store';
import { LeaseStore } from '../../../shared/state/lease';
import { createStateDocumentClient } from '../../../shared/state/state-table';
import { useDynalite } from '../../support/dynamo';
import { createStateTable } from '../../support/state-table';

describe('cursor positions written by hand (dynalite)', () => {
  useDynalite();
  const doc = createStateDocumentClient();
  afterAll(() => doc.destroy());

  it('reads a bare epoch-ms value an operator wrote into positions.incremental as the position, not as "no cursor"', async () => {
    const table = await createStateTable();
    const lease = (await new LeaseStore(doc, table).acquire('syncShipping', 'run', 60_000, 0))!;
    const cursors = new CursorStore(doc, table);
    await cursors.advance('syncShipping', 'full', { afterSku: 'A' }, lease.fence, 10);
    // What the old README told operators to do, with the attribute aliases DynamoDB needs.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'CURSOR#syncShipping', sk: 'CURSOR' },
        UpdateExpression: 'SET #p.#n = :v',
        ExpressionAttributeNames: { '#p': 'positions', '#n': 'incremental' },
        ExpressionAttributeValues: { ':v': Date.UTC(2026, 10, 28) },
      }),
    );
    expect(await cursors.read('syncShipping', 'incremental')).toMatchObject({ position: Date.UTC(2026, 10, 28), updatedAt: 0 });
    expect((await cursors.readAll('syncShipping')).positions).toMatchObject({
      incremental: { position: Date.UTC(2026, 10, 28) },
      full: { position: { afterSku: 'A' }, updatedAt: 10 },
    });
  });
});
