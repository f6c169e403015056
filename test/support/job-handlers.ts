import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type Handler = (event: unknown, context: unknown) => Promise<any>;
export type JobHandlers = Record<'inventory' | 'orders' | 'shipping', Handler>;

export const scheduledEvent = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** The three functions' handlers, imported after the test has set the environment they read. */
export async function loadJobHandlers(): Promise<JobHandlers> {
  return {
    inventory: (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler,
    orders: (await import('../../functions/push-orders/handler')).handler as unknown as Handler,
    shipping: (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler,
  };
}

/** The ERP secret as stored now (its AWSCURRENT version), parsed. */
export async function storedJstSecret(): Promise<Record<string, string>> {
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.JST_SECRET_ID, VersionStage: 'AWSCURRENT' }));
    return JSON.parse(out.SecretString!) as Record<string, string>;
  } finally {
    client.destroy();
  }
}
