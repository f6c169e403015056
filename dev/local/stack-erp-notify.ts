/**
 * erpNotify on the local stack (`npm run local -- up` starts it detached): the real handler behind a
 * local Function URL on PORT, with the function's environment as the deploy template builds it; the
 * jobs it starts run through the local invoker (a detached `npm run local -- invoke` each), as the
 * Lambda asynchronous invoke starts them when deployed. The sandbox's push target is pointed here by
 * local-stack-up.ts.
 */
import { join } from 'node:path';
import { readLocalStack, useLocalStackEndpoints } from './local-stack-file';
import { functionEnvironment } from './local-invoke';
import { LocalProcessInvoker } from './local-invoker';
import { startErpNotifyServer, type FunctionUrlHandler } from './erp-notify-server';
import { jobOfFunction } from './job-of-function';

async function main(): Promise<void> {
  const stack = readLocalStack();
  if (!stack) throw new Error('no local stack recorded');
  useLocalStackEndpoints(stack);
  const env = await functionEnvironment(stack, 'syncShipping');
  delete env.IS_LOCAL;
  Object.assign(process.env, env, {
    POWERTOOLS_SERVICE_NAME: 'erpNotify',
    SYNC_INVENTORY_FUNCTION: 'fecjst-local-syncInventory',
    SYNC_SHIPPING_FUNCTION: 'fecjst-local-syncShipping',
  });
  const invoker = new LocalProcessInvoker();
  const { handler } = (await import(join(__dirname, '..', '..', 'functions', 'erp-notify', 'handler'))) as { handler: FunctionUrlHandler };
  const server = await startErpNotifyServer({
    handler,
    port: Number(process.env.PORT),
    invoke: async ({ functionName, event }) => {
      const job = jobOfFunction(functionName);
      if (!job) return;
      const { runId } = await invoker.invokeAsync(job, event);
      console.log(`started ${job} (run ${runId}) for a push`);
    },
  });
  process.env.AWS_ENDPOINT_URL_LAMBDA = server.lambdaEndpoint;
  console.log(`erpNotify on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
