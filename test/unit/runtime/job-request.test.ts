import { parseJobEvent } from '../../../shared/runtime/job-request';

describe('parseJobEvent', () => {
  const scheduled = { id: 'ev-1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

  it('runs the normal incremental job on a scheduled event, and full mode from the Scheduler input', () => {
    expect(parseJobEvent('pushOrders', scheduled)).toEqual({ trigger: 'schedule', dryRun: false, mode: 'incremental', eventId: 'ev-1' });
    expect(parseJobEvent('syncInventory', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } })).toMatchObject({ trigger: 'schedule', mode: 'full' });
  });

  it.each([
    ['syncInventory', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'fulll' } }, /detail\.mode: expected "incremental", "full" or "reconcile"/],
    ['pushOrders', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } }, /detail\.mode: expected "incremental" or "reconcile"/],
    ['syncShipping', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { dryRun: true } }, /unknown field "detail\.dryRun"/],
  ] as const)('%s rejects the scheduled event %j naming the field', (job, event, message) => {
    expect(() => parseJobEvent(job, event)).toThrow(message);
  });

  it('accepts the manual fields of docs/design.md §9', () => {
    expect(parseJobEvent('syncInventory', { dryRun: true, mode: 'full', skus: ['A', 'B'] })).toEqual({ trigger: 'manual', dryRun: true, mode: 'full', skus: ['A', 'B'], window: undefined, orders: undefined });
    expect(parseJobEvent('syncShipping', { from: '2026-11-28T00:00:00+08:00', to: '2026-11-28T12:00:00Z' }).window).toEqual({ fromMs: Date.UTC(2026, 10, 27, 16), toMs: Date.UTC(2026, 10, 28, 12) });
    expect(parseJobEvent('pushOrders', { orders: ['1100000001'] }).orders).toEqual(['1100000001']);
    expect(parseJobEvent('pushOrders', {})).toMatchObject({ trigger: 'manual', mode: 'incremental', dryRun: false });
    expect(parseJobEvent('pushOrders', undefined)).toMatchObject({ trigger: 'manual' });
  });

  it('accepts mode "reconcile" for all three jobs, by hand and from a schedule', () => {
    for (const job of ['pushOrders', 'syncShipping', 'syncInventory'] as const) {
      expect(parseJobEvent(job, { mode: 'reconcile' })).toMatchObject({ trigger: 'manual', mode: 'reconcile', dryRun: false });
      expect(parseJobEvent(job, { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'reconcile' } })).toMatchObject({ trigger: 'schedule', mode: 'reconcile' });
    }
    expect(parseJobEvent('pushOrders', { mode: 'reconcile', dryRun: true })).toMatchObject({ mode: 'reconcile', dryRun: true });
  });

  it.each([
    ['pushOrders', { dryrun: true }, /unknown field "dryrun" \(allowed: dryRun, from, to, mode, orders\)/],
    ['pushOrders', { skus: ['A'] }, /unknown field "skus"/],
    ['syncShipping', { mode: 'full' }, /mode: expected "incremental" or "reconcile"/],
    ['syncInventory', { mode: 'everything' }, /mode: expected "incremental", "full" or "reconcile"/],
    ['pushOrders', { mode: 'reconcile', orders: ['1'] }, /mode "reconcile" checks the whole horizon/],
    ['syncShipping', { mode: 'reconcile', from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z' }, /mode "reconcile" checks the whole horizon/],
    ['syncInventory', { dryRun: 'yes' }, /dryRun: expected true or false/],
    ['syncShipping', { from: '2026-11-28 10:00:00', to: '2026-11-29T00:00:00Z' }, /from: expected an ISO-8601 time with offset/],
    ['syncShipping', { from: '2026-11-28T10:00:00Z' }, /"from" and "to" go together/],
    ['syncShipping', { from: '2026-11-29T10:00:00Z', to: '2026-11-28T10:00:00Z' }, /"from" must be before "to"/],
    ['pushOrders', { orders: [] }, /orders: give at least one/],
    ['pushOrders', [1], /must be a JSON object/],
    ['pushOrders', 'run please', /must be a JSON object/],
    ['pushOrders', { dryrun: true, orders: 'A' }, /orders: expected a list of order increment ids; unknown field "dryrun"/],
    ['syncInventory', { from: '2026-02-30T10:00:00Z', to: '2026-03-01T00:00:00Z' }, /from: not a valid date/],
  ] as const)('%s rejects %j naming the field', (job, event, message) => {
    expect(() => parseJobEvent(job, event)).toThrow(message);
  });
});
