import { parseJobEvent } from '../../../shared/runtime/job-request';
import { redact } from '../../../shared/runtime/redact';
import { loadEnvironment } from '../../../shared/config/environment';

describe('parseJobEvent', () => {
  const scheduled = { id: 'ev-1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

  it('runs the normal incremental job on a scheduled event, and full mode from the Scheduler input', () => {
    expect(parseJobEvent('pushOrders', scheduled)).toEqual({ trigger: 'schedule', dryRun: false, mode: 'incremental', eventId: 'ev-1' });
    expect(parseJobEvent('syncInventory', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } })).toMatchObject({ trigger: 'schedule', mode: 'full' });
  });

  it('accepts the manual fields of design.md §9', () => {
    expect(parseJobEvent('syncInventory', { dryRun: true, mode: 'full', skus: ['A', 'B'] })).toEqual({ trigger: 'manual', dryRun: true, mode: 'full', skus: ['A', 'B'], window: undefined, orders: undefined });
    expect(parseJobEvent('syncShipping', { from: '2026-11-28T00:00:00+08:00', to: '2026-11-28T12:00:00Z' }).window).toEqual({ fromMs: Date.UTC(2026, 10, 27, 16), toMs: Date.UTC(2026, 10, 28, 12) });
    expect(parseJobEvent('pushOrders', { orders: ['1100000001'] }).orders).toEqual(['1100000001']);
    expect(parseJobEvent('pushOrders', {})).toMatchObject({ trigger: 'manual', mode: 'incremental', dryRun: false });
    expect(parseJobEvent('pushOrders', undefined)).toMatchObject({ trigger: 'manual' });
  });

  it.each([
    ['pushOrders', { dryrun: true }, /unknown field "dryrun" \(allowed: dryRun, from, to, orders\)/],
    ['pushOrders', { skus: ['A'] }, /unknown field "skus"/],
    ['syncShipping', { mode: 'full' }, /unknown field "mode"/],
    ['syncInventory', { mode: 'everything' }, /mode: expected "incremental" or "full"/],
    ['syncInventory', { dryRun: 'yes' }, /dryRun: expected true or false/],
    ['syncShipping', { from: '2026-11-28 10:00:00', to: '2026-11-29T00:00:00Z' }, /from: expected an ISO-8601 time with offset/],
    ['syncShipping', { from: '2026-11-28T10:00:00Z' }, /"from" and "to" go together/],
    ['syncShipping', { from: '2026-11-29T10:00:00Z', to: '2026-11-28T10:00:00Z' }, /"from" must be before "to"/],
    ['pushOrders', { orders: [] }, /orders: give at least one/],
    ['pushOrders', [1], /must be a JSON object/],
  ] as const)('%s rejects %j naming the field', (job, event, message) => {
    expect(() => parseJobEvent(job, event)).toThrow(message);
  });
});

describe('redact', () => {
  it('masks secrets, tokens, signs, phones and addresses at any depth, and keeps the rest', () => {
    const out = redact({ sku: 'A', accessToken: 't', nested: { partnerKey: 'k', receiver_phone: '138', customer_address_street1: 's', sign: 'x', list: [{ password: 'p', qty: 1 }] } });
    expect(out).toEqual({ sku: 'A', accessToken: '***', nested: { partnerKey: '***', receiver_phone: '***', customer_address_street1: '***', sign: '***', list: [{ password: '***', qty: 1 }] } });
  });
});

describe('loadEnvironment', () => {
  const valid = { STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '10001' };

  it('applies defaults and treats empty optional values as unset', () => {
    const env = loadEnvironment({ ...valid, JST_BASE_URL: '', ORDER_HOLD_AFTER_PUSH: 'true', CARRIER_MAP: '{"SF":"SF-EXPRESS"}' });
    expect(env).toMatchObject({ JST_SHOP_ID: 10001, JST_BASE_URL: undefined, JST_RATE_PER_MINUTE: 100, STOCK_FORMULA: 'available', ORDER_HOLD_AFTER_PUSH: true, CARRIER_MAP: { SF: 'SF-EXPRESS' } });
  });

  it('names every bad variable and never echoes a value', () => {
    let message = '';
    try {
      loadEnvironment({ JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: 'abc', STOCK_FORMULA: 'secret-ish', CARRIER_MAP: '[1]' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/STATE_TABLE/);
    expect(message).toMatch(/JST_SHOP_ID/);
    expect(message).toMatch(/STOCK_FORMULA: expected available or qty/);
    expect(message).toMatch(/CARRIER_MAP: expected a JSON object/);
    expect(message).not.toContain('secret-ish');
  });
});
