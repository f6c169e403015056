import { userInfo } from 'node:os';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { systemClock } from '../../shared/domain/ports';
import { SecretsLoader } from '../../shared/config/secrets-loader';
import { createJstClient } from '../../shared/jst/client';
import { createStorePool } from '../../shared/fecmall/store-pool';
import { loadEnvironment } from '../../shared/config/environment';
import { SharedErpBudget } from '../../shared/state/erp-budget';
import { budgetConfig } from '../../shared/state/erp-budget-config';
import { ErpBudgetStore } from '../../shared/state/erp-budget-store';
import type { OpsTarget } from '../../scripts/ops/ops-target';
import { useLocalStackEndpoints, type LocalStack } from './local-stack-file';
import { LocalProcessInvoker } from './local-invoker';

/**
 * The ops commands' target on the local stack: its state table on dynalite, runs started as local
 * processes, the sandbox ERP through the stack's secret, and no schedules (pause is the state-table switch alone: there is nothing to disable).
 * connect writes and doctor reads the stack's two secrets; nothing is deployed, so doctor compares no function configuration.
 */
export function localOpsTarget(stack: LocalStack): OpsTarget {
  useLocalStackEndpoints(stack);
  return {
    stage: 'local',
    table: stack.table,
    doc: createStateDocumentClient(),
    invoker: new LocalProcessInvoker(),
    schedules: { setEnabled: async () => ['local stack: no schedules to change (the pause switch alone applies)'] },
    clock: systemClock,
    operator: `ops:${userInfo().username}`,
    shopId: async () => stack.shopId,
    setup: { secretIds: { jst: stack.jstSecretId, db: stack.dbSecretId }, erpBaseUrl: async () => stack.sandbox.url },
    erp: async () => {
      const loader = new SecretsLoader();
      return createJstClient({
        credentials: await loader.loadJstCredentials(stack.jstSecretId),
        baseUrl: stack.sandbox.url,
        tokenStore: loader.jstTokenStore(stack.jstSecretId),
      });
    },
    // The local jobs share the stack's ERP budget (JST_BUDGET=shared by default): a bulk command draws from it too.
    budgetedErp: async () => {
      const env = loadEnvironment({
        STATE_TABLE: stack.table,
        JST_SECRET_ID: stack.jstSecretId,
        DB_SECRET_ID: stack.dbSecretId,
        JST_SHOP_ID: String(stack.shopId),
      });
      const loader = new SecretsLoader();
      return createJstClient({
        credentials: await loader.loadJstCredentials(stack.jstSecretId),
        baseUrl: stack.sandbox.url,
        tokenStore: loader.jstTokenStore(stack.jstSecretId),
        rateLimit: {
          perSecond: env.JST_BUDGET_PER_SECOND,
          perMinute: env.JST_BUDGET_PER_MINUTE,
          budget: new SharedErpBudget({
            store: new ErpBudgetStore(createStateDocumentClient(), stack.table, env.JST_BUDGET_ACCOUNT),
            config: budgetConfig(env),
            job: 'manual',
            account: env.JST_BUDGET_ACCOUNT,
          }),
        },
      });
    },
    store: async () => {
      const pool = createStorePool(await new SecretsLoader().loadDbCredentials(stack.dbSecretId), { connectionLimit: 1 });
      return { pool, close: () => pool.end() };
    },
    // The local jobs take their environment from the process (npm run local -- invoke): the same variable here.
    skuTransform: async () => process.env.SKU_TRANSFORM || undefined,
  };
}
