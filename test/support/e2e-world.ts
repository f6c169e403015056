import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createStoreSchema, type SchemaFlavour } from '../../dev/fecmall/schema';
import { seedStore, type SeededStore } from '../../dev/fecmall/generator';
import { DEMO_SHOP_ID, startJstSandbox, type JstSandbox } from '../../dev/jst-sandbox/server';
import { startDynalite, type DynaliteServer } from '../../dev/local/dynalite-server';
import { createTestDatabase, dropTestDatabase, type TestDatabase } from './mysql';
import { createStateTable } from './state-table';

export interface E2EWorld {
  db: TestDatabase;
  sandbox: JstSandbox;
  dynamo: DynaliteServer;
  table: string;
  seeded: SeededStore;
  nowUnix: number;
}

/**
 * Everything a job needs, real and local: a seeded store database, the ERP sandbox, dynalite with a
 * state table, and the two secrets in moto. Sets the functions' environment variables.
 */
export function useE2EWorld(
  options: { flavour?: SchemaFlavour; products?: number; orders?: number; generation?: 'open' | 'legacy'; env?: Record<string, string> } = {},
): () => E2EWorld {
  let world: E2EWorld | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase('e2e');
    const flavour = options.flavour ?? 'core';
    await createStoreSchema(db.pool, flavour);
    const nowUnix = Math.floor(Date.now() / 1000);
    const seeded = await seedStore(db.pool, { products: options.products ?? 200, orders: options.orders ?? 150, flavour, nowUnix, days: 40 });
    const sandbox = await startJstSandbox({ rateLimit: { perSecond: 200, perMinute: 100_000 } });
    const dynamo = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const table = await createStateTable();
    const secrets = new SecretsManagerClient({});
    const generation = options.generation ?? 'open';
    const jstSecret = `fecjst/e2e/jst-${randomUUID()}`;
    const dbSecret = `fecjst/e2e/db-${randomUUID()}`;
    await secrets.send(new CreateSecretCommand({ Name: jstSecret, SecretString: JSON.stringify(sandbox.credentials[generation]) }));
    await secrets.send(
      new CreateSecretCommand({
        Name: dbSecret,
        SecretString: JSON.stringify({
          host: db.connection.host,
          port: db.connection.port,
          username: db.connection.user,
          password: db.connection.password,
          dbname: db.database,
        }),
      }),
    );
    secrets.destroy();
    Object.assign(process.env, {
      STATE_TABLE: table,
      JST_SECRET_ID: jstSecret,
      DB_SECRET_ID: dbSecret,
      JST_SHOP_ID: String(DEMO_SHOP_ID),
      JST_BASE_URL: generation === 'open' ? sandbox.url : sandbox.legacyUrl,
      JST_RATE_PER_SECOND: '50',
      JST_RATE_PER_MINUTE: '3000',
      JST_BUDGET_PER_SECOND: '50',
      JST_BUDGET_PER_MINUTE: '3000',
      SETTLE_LAG_SECONDS: '0',
      // As under `serverless invoke local`: the handler closes its pool after each invocation.
      IS_LOCAL: 'true',
      LOG_LEVEL: 'WARN',
      ...options.env,
    });
    world = { db, sandbox, dynamo, table, seeded, nowUnix };
  });
  afterAll(async () => {
    if (!world) return;
    await world.sandbox.close();
    await world.dynamo.stop();
    await dropTestDatabase(world.db);
  });
  return () => {
    if (!world) throw new Error('e2e world not ready');
    return world;
  };
}
