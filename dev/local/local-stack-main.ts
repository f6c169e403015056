/**
 * `npm run local -- up | invoke <fn> [--data '<json>'] [--param name=value] | status | down`
 *
 * - up: starts (or reuses) the ERP sandbox, DynamoDB and Secrets Manager emulators and a seeded store
 *   database; creates the state table and both secrets; serves erpNotify on a local Function URL and
 *   points the sandbox's pushes at it (see local-stack-up.ts).
 * - invoke: runs one function against it as `serverless invoke local` would, and prints its summary.
 * - status: the stack's services, then `npm run ops -- status --stage local`.
 * - down: stops the processes it started, by PID, and drops the store database.
 */
import mysql from 'mysql2/promise';
import { parseCliArgs, parseEventData } from '../../scripts/ops/cli-args';
import { parseJob } from '../../scripts/ops/ops-target';
import { isAlive, forgetLocalStack, readLocalStack } from './local-stack-file';
import { localStackUp, stackIsUp } from './local-stack-up';
import { invokeLocally } from './local-invoke';
import { stopPid } from './mysql-server';
import { localOpsTarget } from './local-ops-target';
import { statusCommand } from '../../scripts/ops/status-command';

const USAGE = 'usage: npm run local -- up | invoke <syncInventory|pushOrders|syncShipping> [--data \'{"dryRun":true}\'] [--param name=value] | status | down';

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  const [command, job] = args.positional;
  switch (command) {
    case 'up': {
      const stack = await localStackUp((line) => console.log(line));
      console.log(`local stack up. Next: npm run local -- invoke pushOrders --data '{"dryRun":true}'   (stage "${stack.stage}" for npm run ops)`);
      return 0;
    }
    case 'invoke': {
      const stack = readLocalStack();
      if (!stackIsUp(stack)) throw new Error('the local stack is not up: npm run local -- up');
      const summary = await invokeLocally(stack, parseJob(job), parseEventData(args.flags.data), { runId: args.flags['run-id'], params: args.params });
      console.log(JSON.stringify(summary, null, 2));
      return 0;
    }
    case 'status': {
      const stack = readLocalStack();
      if (!stack) {
        console.log('the local stack is down (npm run local -- up)');
        return 0;
      }
      for (const [name, pid, where] of [
        ['ERP sandbox', stack.sandbox.pid, stack.sandbox.url],
        ['DynamoDB (dynalite)', stack.dynamodb.pid, stack.dynamodb.endpoint],
        ['Secrets Manager (moto_server)', stack.secretsManager.pid, stack.secretsManager.endpoint],
        ['MySQL', stack.mysql.pid, `${stack.mysql.source}, database ${stack.mysql.database}`],
        ...(stack.erpNotify ? ([['erpNotify (the ERP pushes here)', stack.erpNotify.pid, stack.erpNotify.url]] as const) : []),
      ] as const) {
        console.log(`${name}: ${pid === undefined ? 'not ours' : isAlive(pid) ? `up (pid ${pid})` : `DOWN (pid ${pid})`} ${where}`);
      }
      if (stackIsUp(stack)) await statusCommand(localOpsTarget(stack), { out: (l) => console.log(l), confirm: async () => false });
      return 0;
    }
    case 'down': {
      const stack = readLocalStack();
      if (!stack) {
        console.log('the local stack is already down');
        return 0;
      }
      if (stack.mysql.pid === undefined || isAlive(stack.mysql.pid)) {
        const admin = await mysql.createConnection({ uri: stack.mysql.url }).catch(() => undefined);
        await admin?.query(`DROP DATABASE IF EXISTS \`${stack.mysql.database}\``);
        await admin?.end();
      }
      for (const pid of [stack.erpNotify?.pid, stack.sandbox.pid, stack.dynamodb.pid, stack.secretsManager.pid, stack.mysql.pid]) await stopPid(pid);
      forgetLocalStack();
      console.log('local stack down: processes stopped, store database dropped');
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✖ ${(error as Error).message}`);
    process.exit(1);
  },
);
