import { startDynalite, type DynaliteServer } from '../../dev/local/dynalite-server';

/**
 * Jest helper: an in-process dynalite for this test file. Sets AWS_ENDPOINT_URL_DYNAMODB so the
 * code's ordinary DynamoDB clients reach it. Returns a getter for the endpoint.
 */
export function useDynalite(): () => string {
  let server: DynaliteServer | undefined;
  beforeAll(async () => {
    server = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = server.endpoint;
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('dynalite not started');
    return server.endpoint;
  };
}
