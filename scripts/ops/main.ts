/**
 * `npm run ops -- <command> --stage <stage> [--region r] [--yes]`: operating a deployed stage (AWS SDK,
 * your credentials) or the local stack (`--stage local`, after `npm run local -- up`).
 *
 *   status                               per job: pause switch, lease, cursors and their age, retry set, last runs
 *   runs <job> [--limit N]               the last run summaries
 *   cursor <job> show                    the committed positions
 *   cursor <job> set <name> <value>      value: ISO time with offset (time cursors) or JSON
 *   cursor <job> reset <name>            the next run starts from its initial lookback / a full pass
 *   replay <job> --data '<event>'        (alias invoke) a manual run, asynchronous; waits for its summary
 *   failed <job>                         retry set: items waiting for a retry and items given up
 *   pause <job> [--reason text]          scheduled runs stop (schedules disabled + pause switch)
 *   resume <job>
 *   warehouses                           the ERP's warehouses: id, name, which is main (for STOCK_WAREHOUSES)
 *   stock-rules list                     the safety-stock rules (docs/design.md §14)
 *   stock-rules set (--sku S | --prefix P | --global) (--units N | --percent P)
 *   stock-rules remove (--sku S | --prefix P | --global)
 *   stock-rules import FILE.csv [--replace]   header kind,key,buffer (e.g. prefix,TS-,10%); checked whole first
 *   sku-map import FILE.csv [--replace]  the SKU mapping table (docs/design.md §19): header store_sku,erp_sku
 *   sku-map list                         its rows
 *   sku-map check [--transform SPEC]     the whole store catalogue looked up in the ERP, per rule (table, transform, identity)
 *   cancellations [--limit N]            the ERP's cancellations recorded by syncShipping (applied, refused, …)
 *   connect [--from-file F] [--shop N]   checks the ERP credentials (shop query; getInitToken for a self-developed
 *                                        open-platform app given without tokens) and the store database, then writes
 *                                        both secrets; secrets come from hidden prompts or the JSON file F
 *                                        ({"jst":{…},"db":{…}}), never from the command line; nothing written on a blocker
 *   doctor                               the same checks read-only, plus the functions' configuration, schedules, token
 *                                        expiry, a store SKU sample looked up in the ERP and each job's last success;
 *                                        exit code 1 on a blocker (README "Connect your shop")
 *
 * Mutating commands ask for confirmation unless --yes, and print what they changed.
 */
import { createInterface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { systemClock } from '../../shared/domain/ports';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { readLocalStack } from '../../dev/local/local-stack-file';
import { localOpsTarget } from '../../dev/local/local-ops-target';
import { stackIsUp } from '../../dev/local/local-stack-up';
import { AwsSchedules, deployedFunction, LambdaInvoker } from './aws-adapters';
import { expectedFunctionEnvironment, stageParams } from './stage-params';
import { parseCliArgs, parseEventData } from './cli-args';
import { cursorCommand } from './cursor-command';
import { cancellationsCommand } from './cancellations-command';
import { failedCommand } from './failed-command';
import { OpsUsageError, parseCursorScope, parseJob, stageNames, type OpsIo, type OpsTarget } from './ops-target';
import { pauseCommand } from './pause-command';
import { replayCommand } from './replay-command';
import { runsCommand, statusCommand } from './status-command';
import { stockRulesCommand } from './stock-rules-command';
import { skuMapCommand } from './sku-map-command';
import { warehousesCommand } from './warehouses-command';
import { SecretsLoader } from '../../shared/config/secrets-loader';
import { createJstClient } from '../../shared/jst/client';
import { createStorePool } from '../../shared/fecmall/store-pool';
import { loadEnvironment } from '../../shared/config/environment';
import { SharedErpBudget } from '../../shared/state/erp-budget';
import { budgetConfig } from '../../shared/state/erp-budget-config';
import { ErpBudgetStore } from '../../shared/state/erp-budget-store';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { hasBlocker } from './checks/finding';
import { connectCommand, type ConnectTarget } from './connect-command';
import { promptConnectInput, readConnectFile } from './connect-input';
import { DoctorFoundBlockersError, doctorCommand } from './doctor-command';
import { SecretsManagerWriter } from './secret-writer';

function target(stage: string, region: string | undefined): OpsTarget {
  if (stage === 'local') {
    const stack = readLocalStack();
    if (!stackIsUp(stack)) throw new OpsUsageError('the local stack is not up: npm run local -- up');
    return localOpsTarget(stack);
  }
  if (region) process.env.AWS_REGION = region;
  const names = stageNames(stage);
  const lambda = new LambdaClient({});
  const functionArn = async (job: Parameters<typeof names.functionName>[0]) => {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: names.functionName(job) }));
    return out.Configuration!.FunctionArn!;
  };
  const schedules = new AwsSchedules(new EventBridgeClient({}), new SchedulerClient({}), functionArn);
  const params = stageParams(stage);
  const deployed = (job: Parameters<typeof names.functionName>[0]) => deployedFunction(lambda, names.functionName(job));
  const doc = createStateDocumentClient();
  /**
   * The ERP as the functions reach it, paced at 1/s and 10/min; `budgeted`: also drawing from the stage's
   * shared ERP budget (docs/design.md §7) as job `manual`, last in priority, for commands that make many calls.
   */
  const stageErp = async (budgeted: boolean) => {
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: names.functionName('syncInventory') }));
    const variables = out.Environment?.Variables ?? {};
    const secretId = variables.JST_SECRET_ID;
    if (!secretId) throw new OpsUsageError(`stage ${stage}: the syncInventory function has no JST_SECRET_ID`);
    const loader = new SecretsLoader();
    let budget: SharedErpBudget | undefined;
    if (budgeted && variables.JST_BUDGET !== 'local') {
      const env = loadEnvironment(variables);
      budget = new SharedErpBudget({
        store: new ErpBudgetStore(doc, env.STATE_TABLE, env.JST_BUDGET_ACCOUNT),
        config: budgetConfig(env),
        job: 'manual',
        account: env.JST_BUDGET_ACCOUNT,
      });
    }
    return createJstClient({
      credentials: await loader.loadJstCredentials(secretId),
      baseUrl: variables.JST_BASE_URL || undefined,
      rateLimit: { perSecond: 1, perMinute: 10, ...(budget ? { budget } : {}) },
      tokenStore: loader.jstTokenStore(secretId),
    });
  };
  return {
    stage,
    table: names.table,
    doc,
    invoker: new LambdaInvoker(lambda, names.functionName),
    schedules,
    setup: {
      secretIds: { jst: params.jstSecretId || `fecjst/${stage}/jst`, db: params.dbSecretId || `fecjst/${stage}/db` },
      configuredShopId: () => Number(params.jstShopId) || undefined,
      erpBaseUrl: async () => (await deployed('syncInventory'))?.environment.JST_BASE_URL || params.jstBaseUrl || undefined,
      deployedFunction: deployed,
      expectedEnvironment: () => expectedFunctionEnvironment(params),
      // A job whose function is not deployed has no schedules (doctor reports the function itself).
      scheduleStates: async (job) => ((await deployed(job)) ? schedules.states(job) : []),
    },
    clock: systemClock,
    operator: `ops:${userInfo().username}`,
    shopId: async () => {
      const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: names.functionName('pushOrders') }));
      return Number(out.Environment?.Variables?.JST_SHOP_ID);
    },
    erp: () => stageErp(false),
    budgetedErp: () => stageErp(true),
    store: async () => {
      const secretId = (await deployed('syncInventory'))?.environment.DB_SECRET_ID || params.dbSecretId || `fecjst/${stage}/db`;
      const pool = createStorePool(await new SecretsLoader().loadDbCredentials(secretId), { connectionLimit: 1 });
      return { pool, close: () => pool.end() };
    },
    skuTransform: async () => (await deployed('syncInventory'))?.environment.SKU_TRANSFORM || params.skuTransform || undefined,
  };
}

const terminalIo: OpsIo = {
  out: (line) => console.log(line),
  ask: async (question) => {
    if (!process.stdin.isTTY) throw new OpsUsageError(`${question}\n  (not a terminal: give the input with --from-file F)`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  },
  askSecret: async (question) => {
    if (!process.stdin.isTTY) throw new OpsUsageError(`${question}\n  (not a terminal: give the secrets with --from-file F)`);
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Hidden input: the question is written, the typed characters are not.
    const muted = rl as unknown as { _writeToOutput: (text: string) => void };
    muted._writeToOutput = (text) => {
      if (text.includes(question)) process.stdout.write(question);
    };
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
      process.stdout.write('\n');
    }
  },
  confirm: async (question) => {
    if (!process.stdin.isTTY) throw new OpsUsageError(`${question}\n  (not a terminal: add --yes to confirm)`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
};

export async function runOps(argv: string[], io: OpsIo = terminalIo, makeTarget = target): Promise<void> {
  const args = parseCliArgs(argv);
  const [command, jobArg, ...rest] = args.positional;
  const stage = args.flags.stage;
  if (!command || args.switches.has('help'))
    throw new OpsUsageError(
      'usage: npm run ops -- <status|runs|cursor|replay|failed|pause|resume|warehouses|stock-rules|sku-map|cancellations|connect|doctor> [job] --stage <stage> (see scripts/ops/main.ts)',
    );
  if (!stage) throw new OpsUsageError('--stage is required (e.g. --stage prod, or --stage local for the local stack)');
  if (command === 'connect') refuseSecretsOnTheCommandLine(args.flags);
  const t = makeTarget(stage, args.flags.region);
  const yes = args.switches.has('yes');
  switch (command) {
    case 'status':
      await statusCommand(t, io, jobArg ? [parseJob(jobArg)] : undefined);
      return;
    case 'runs':
      await runsCommand(t, io, parseJob(jobArg), Number(args.flags.limit ?? 10));
      return;
    case 'cursor':
      await cursorCommand(t, io, parseCursorScope(jobArg), rest[0] ?? 'show', rest[1], rest[2], yes);
      return;
    case 'replay':
    case 'invoke':
      await replayCommand(t, io, parseJob(jobArg), {
        event: parseEventData(args.flags.data),
        yes,
        waitMs: args.flags.wait ? Number(args.flags.wait) * 1000 : undefined,
      });
      return;
    case 'failed':
      await failedCommand(t, io, parseJob(jobArg));
      return;
    case 'warehouses':
      await warehousesCommand(t, io);
      return;
    case 'stock-rules':
      await stockRulesCommand(t, io, { action: jobArg, flags: args.flags, switches: args.switches, file: rest[0], yes });
      return;
    case 'sku-map':
      await skuMapCommand(t, io, { action: jobArg, flags: args.flags, switches: args.switches, file: rest[0], yes });
      return;
    case 'cancellations':
      await cancellationsCommand(t, io, Number(args.flags.limit ?? 50));
      return;
    case 'connect': {
      const input = args.flags['from-file'] ? readConnectFile(args.flags['from-file']) : await promptConnectInput(io.ask ?? noPrompt, io.askSecret ?? noPrompt);
      await connectCommand(await makeConnectTarget(stage, t, args.flags), io, input, { yes });
      return;
    }
    case 'doctor': {
      const findings = await doctorCommand(t, io);
      if (hasBlocker(findings)) throw new DoctorFoundBlockersError(findings);
      return;
    }
    case 'pause':
    case 'resume':
      await pauseCommand(t, io, parseJob(jobArg), command === 'pause', yes, args.flags.reason);
      return;
    default:
      throw new OpsUsageError(`unknown command ${command}`);
  }
}

const CONNECT_FLAGS = new Set(['stage', 'region', 'from-file', 'shop', 'base-url', 'jst-secret-id', 'db-secret-id']);

/** Secrets never come from argv (shell history, process lists): any other flag of connect is refused. */
function refuseSecretsOnTheCommandLine(flags: Record<string, string>): void {
  const other = Object.keys(flags).filter((f) => !CONNECT_FLAGS.has(f));
  if (other.length > 0)
    throw new OpsUsageError(`connect takes no --${other.join(', --')}: secrets are read from hidden prompts or --from-file F, never from the command line`);
}

const noPrompt = (): Promise<string> => Promise.reject(new OpsUsageError('no terminal to ask on: give the input with --from-file F'));

/** Where connect writes: the stage's secret names (serverless.yml params), its shop and ERP URL. */
async function makeConnectTarget(stage: string, t: OpsTarget, flags: Record<string, string>): Promise<ConnectTarget> {
  const setup = t.setup ?? { secretIds: { jst: `fecjst/${stage}/jst`, db: `fecjst/${stage}/db` } };
  const deployedShop = await t.shopId().catch(() => NaN);
  const shopId = flags.shop ? Number(flags.shop) : Number.isInteger(deployedShop) && deployedShop > 0 ? deployedShop : (setup.configuredShopId?.() ?? NaN);
  if (!Number.isInteger(shopId) || shopId <= 0)
    throw new OpsUsageError(
      `--shop N is needed: the ERP shop number (店铺编号) of stage ${stage} (neither the deployed functions nor serverless.yml params.${stage}.jstShopId give one)`,
    );
  return {
    stage,
    secretIds: { jst: flags['jst-secret-id'] ?? setup.secretIds.jst, db: flags['db-secret-id'] ?? setup.secretIds.db },
    shopId,
    erpBaseUrl: flags['base-url'] ?? (await setup.erpBaseUrl?.()),
    secrets: new SecretsManagerWriter(new SecretsManagerClient({})),
  };
}

if (require.main === module) {
  runOps(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`✖ ${(error as Error).message}`);
      process.exit(error instanceof OpsUsageError ? 2 : 1);
    },
  );
}
