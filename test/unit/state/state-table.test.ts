import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_TTL_ATTRIBUTE, stateTableDefinition } from '../../../shared/state/state-table';

describe('the state table definition', () => {
  it('has the key schema and TTL attribute that serverless.yml deploys', () => {
    const definition = stateTableDefinition('t');
    expect(definition).toMatchObject({
      TableName: 't',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });

    const yml = readFileSync(join(__dirname, '../../../serverless.yml'), 'utf8');
    for (const key of definition.KeySchema!) expect(yml).toMatch(new RegExp(`AttributeName: ${key.AttributeName}, KeyType: ${key.KeyType}`));
    expect(yml).toContain(`TimeToLiveSpecification: { AttributeName: ${STATE_TTL_ATTRIBUTE}, Enabled: true }`);
  });
});
