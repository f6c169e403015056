import { loadEnvironment, notifyFunctionNames } from '../../../shared/config/environment';

const valid = { STATE_TABLE: 'fecjst-prod-state', JST_SECRET_ID: 'fecjst/jst', DB_SECRET_ID: 'fecjst/db', JST_SHOP_ID: '10001' };

function errorOf(env: NodeJS.ProcessEnv): { code?: string; message: string } {
  try {
    loadEnvironment(env);
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected loadEnvironment to fail');
}

describe('loadEnvironment', () => {
  it('defaults each function to a share that, taken three times, stays within the account budget (5/s, 100/min)', () => {
    const env = loadEnvironment(valid);
    expect(3 * env.JST_RATE_PER_SECOND).toBeLessThanOrEqual(5);
    expect(3 * env.JST_RATE_PER_MINUTE).toBeLessThanOrEqual(100);
  });

  it('applies the documented defaults', () => {
    expect(loadEnvironment(valid)).toEqual({
      ...valid,
      JST_SHOP_ID: 10001,
      LOG_LEVEL: 'INFO',
      JST_RATE_PER_SECOND: 1,
      JST_RATE_PER_MINUTE: 33,
      JST_TIMEOUT_MS: 15_000,
      SETTLE_LAG_SECONDS: 10,
      LOOKBACK_SECONDS: 600,
      LOOKBACK_EVERY_SECONDS: 300,
      ERP_CANCEL_APPLY: false,
      ERP_CANCEL_POLL_MINUTES: 10,
      DEADLINE_MARGIN_MS: 20_000,
      LEASE_SECONDS: 900,
      SECRETS_CACHE_SECONDS: 300,
      RUN_HISTORY_DAYS: 30,
      STOCK_FORMULA: 'available',
      STOCK_WAREHOUSES: { kind: 'main' },
      INVENTORY_INITIAL_LOOKBACK_HOURS: 24,
      INVENTORY_COMBINED_SKUS: [],
      INVENTORY_RETRY_MAX_ATTEMPTS: 8,
      ORDER_HORIZON_DAYS: 30,
      ORDER_PUSH_BATCH_SIZE: 50,
      ORDER_CURRENCY: 'order',
      ORDER_HOLD_AFTER_PUSH: false,
      ORDER_MAX_ATTEMPTS: 10,
      CARRIER_MAP: {},
      SHIPPING_INITIAL_LOOKBACK_HOURS: 72,
      SHIPPING_RETRY_MAX_ATTEMPTS: 8,
      JST_BUDGET: 'shared',
      JST_BUDGET_PER_SECOND: 5,
      JST_BUDGET_PER_MINUTE: 100,
      JST_BUDGET_ACCOUNT: 'default',
      JST_BUDGET_PRIORITIES: ['pushOrders', 'syncShipping', 'syncInventory'],
      JST_BUDGET_SLICE: 20,
      JST_BUDGET_SKEW_MS: 100,
      JST_BUDGET_JITTER_MS: 100,
      JST_BUDGET_HEADROOM_PERCENT: 15,
      JST_BUDGET_FLOOR_PERCENT: 10,
      JST_BUDGET_BACKOFF_SECONDS: 60,
      RECONCILE_MIN_INTERVAL_HOURS: 72,
      PUSH_TIMESTAMP_WINDOW_SECONDS: 300,
      PUSH_MAX_BODY_KB: 256,
      PUSH_STATE_TIMEOUT_MS: 400,
    });
  });

  it('reads every optional variable, treating empty values as unset', () => {
    const env = loadEnvironment({
      ...valid,
      JST_BASE_URL: 'http://127.0.0.1:8080',
      LOG_LEVEL: 'debug',
      JST_RATE_PER_MINUTE: '40',
      STOCK_FORMULA: 'qty',
      STOCK_WAREHOUSE_ID: '',
      ORDER_READY_STATUSES: 'payment_confirmed, processing',
      ORDER_CURRENCY: 'base',
      ORDER_HOLD_AFTER_PUSH: 'TRUE',
      CARRIER_MAP: '{"SF":"sf-express","YTO":"yto"}',
    });
    expect(env).toMatchObject({
      JST_BASE_URL: 'http://127.0.0.1:8080',
      LOG_LEVEL: 'DEBUG',
      JST_RATE_PER_MINUTE: 40,
      STOCK_FORMULA: 'qty',
      STOCK_WAREHOUSES: { kind: 'main' },
      ORDER_READY_STATUSES: ['payment_confirmed', 'processing'],
      ORDER_CURRENCY: 'base',
      ORDER_HOLD_AFTER_PUSH: true,
      CARRIER_MAP: { SF: 'sf-express', YTO: 'yto' },
    });
    expect(loadEnvironment({ ...valid, ORDER_HOLD_AFTER_PUSH: '0' }).ORDER_HOLD_AFTER_PUSH).toBe(false);
    expect(loadEnvironment({ ...valid, ORDER_HOLD_AFTER_PUSH: '1' }).ORDER_HOLD_AFTER_PUSH).toBe(true);
  });

  it('names every missing variable with what it is for', () => {
    const error = errorOf({});
    expect(error.code).toBe('ENV_INVALID');
    expect(error.message).toMatch(/STATE_TABLE: required \(the DynamoDB state table name\)/);
    expect(error.message).toMatch(/JST_SECRET_ID: required/);
    expect(error.message).toMatch(/DB_SECRET_ID: required/);
    expect(error.message).toMatch(/JST_SHOP_ID: required/);
  });

  it.each([
    ['JST_SHOP_ID', 'shop-7', /JST_SHOP_ID: expected the ERP shop number \(a positive integer\)/],
    ['JST_SHOP_ID', '0', /JST_SHOP_ID: expected the ERP shop number/],
    ['JST_BASE_URL', 'ftp://erp.example', /JST_BASE_URL: expected an http\(s\) URL/],
    ['LOG_LEVEL', 'LOUD', /LOG_LEVEL: expected one of TRACE, DEBUG, INFO/],
    ['STOCK_FORMULA', 'stock-formula-typo', /STOCK_FORMULA: expected available or qty/],
    ['STOCK_WAREHOUSE_ID', '-1', /STOCK_WAREHOUSE_ID: expected at least 0/],
    ['STOCK_WAREHOUSES', 'main,3pl', /STOCK_WAREHOUSES: expected main, all, or comma-separated ERP warehouse ids/],
    ['STOCK_WAREHOUSES', '12,,x1', /STOCK_WAREHOUSES: expected main, all, or comma-separated/],
    ['ORDER_PUSH_BATCH_SIZE', '500', /ORDER_PUSH_BATCH_SIZE: expected at most 50/],
    ['ORDER_HOLD_AFTER_PUSH', 'yes', /ORDER_HOLD_AFTER_PUSH: expected true or false/],
    ['ORDER_CURRENCY', 'usd', /ORDER_CURRENCY: expected order or base/],
    ['CARRIER_MAP', '[1,2]', /CARRIER_MAP: expected a JSON object/],
    ['JST_RATE_PER_SECOND', 'fast', /JST_RATE_PER_SECOND: expected a number/],
    ['LEASE_SECONDS', '1.5', /LEASE_SECONDS: expected a whole number/],
    ['JST_BUDGET', 'global', /JST_BUDGET: expected shared or local/],
    ['JST_BUDGET_PRIORITIES', 'pushOrders,refunds', /JST_BUDGET_PRIORITIES.*expected a comma-separated order of pushOrders, syncShipping, syncInventory/],
    ['JST_BUDGET_ACCOUNT', 'a b', /JST_BUDGET_ACCOUNT: expected 1-64 letters/],
    ['RECONCILE_MIN_INTERVAL_HOURS', '-3', /RECONCILE_MIN_INTERVAL_HOURS: expected at least 0/],
  ])('rejects %s=%j naming the variable and never echoing the value', (name, value, message) => {
    const error = errorOf({ ...valid, [name]: value });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(value);
  });
});

describe('STOCK_WAREHOUSES: which ERP warehouses the stock sync reads', () => {
  const read = (vars: Record<string, string>) => loadEnvironment({ ...valid, ...vars }).STOCK_WAREHOUSES;

  it('is the main warehouse unless told otherwise', () => expect(read({})).toEqual({ kind: 'main' }));
  it('reads all, main, or a list of warehouse ids (spaces, case and repeats forgiven)', () => {
    expect(read({ STOCK_WAREHOUSES: ' ALL ' })).toEqual({ kind: 'all' });
    expect(read({ STOCK_WAREHOUSES: 'main' })).toEqual({ kind: 'main' });
    expect(read({ STOCK_WAREHOUSES: '10001, 10002,10001' })).toEqual({ kind: 'list', ids: [10001, 10002] });
  });
  it('keeps the older STOCK_WAREHOUSE_ID meaning when only it is set: 0 = all, an id = that warehouse', () => {
    expect(read({ STOCK_WAREHOUSE_ID: '0' })).toEqual({ kind: 'all' });
    expect(read({ STOCK_WAREHOUSE_ID: '7' })).toEqual({ kind: 'list', ids: [7] });
  });
  it('refuses both set at once, naming both', () => {
    expect(() => read({ STOCK_WAREHOUSES: 'main', STOCK_WAREHOUSE_ID: '7' })).toThrow(/either STOCK_WAREHOUSES or the older STOCK_WAREHOUSE_ID/);
  });
});

describe('erpNotify environment', () => {
  it('names the function variables erpNotify needs when they are unset', () => {
    const env = loadEnvironment({
      STATE_TABLE: 't',
      JST_SECRET_ID: 'j',
      DB_SECRET_ID: 'd',
      JST_SHOP_ID: '1',
      SYNC_SHIPPING_FUNCTION: 'fecjst-prod-syncShipping',
    });
    expect(() => notifyFunctionNames(env)).toThrow('SYNC_INVENTORY_FUNCTION: required by erpNotify (the Lambda function it starts)');
    expect(notifyFunctionNames({ ...env, SYNC_INVENTORY_FUNCTION: 'fecjst-prod-syncInventory' })).toEqual({
      syncInventory: 'fecjst-prod-syncInventory',
      syncShipping: 'fecjst-prod-syncShipping',
    });
  });
});
