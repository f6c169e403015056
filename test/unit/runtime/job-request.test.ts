import { parseJobEvent } from '../../../shared/runtime/job-request';

describe('parseJobEvent', () => {
  const scheduled = { id: 'ev-1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

  it('runs the normal incremental job on a scheduled event, and full mode from the Scheduler input', () => {
    expect(parseJobEvent('pushOrders', scheduled)).toEqual({ trigger: 'schedule', dryRun: false, mode: 'incremental', eventId: 'ev-1' });
    expect(parseJobEvent('syncInventory', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } })).toMatchObject({
      trigger: 'schedule',
      mode: 'full',
    });
  });

  it.each([
    [
      'syncInventory',
      { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'fulll' } },
      /detail\.mode: expected "incremental", "full" or "reconcile"/,
    ],
    [
      'pushOrders',
      { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } },
      /detail\.mode: expected "incremental" or "reconcile"/,
    ],
    ['syncShipping', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { dryRun: true } }, /unknown field "detail\.dryRun"/],
  ] as const)('%s rejects the scheduled event %j naming the field', (job, event, message) => {
    expect(() => parseJobEvent(job, event)).toThrow(message);
  });

  it('runs a push-started incremental run on erpNotify\'s {"trigger":"push"}, for the two jobs pushes start', () => {
    expect(parseJobEvent('syncInventory', { trigger: 'push' })).toEqual({ trigger: 'push', dryRun: false, mode: 'incremental' });
    expect(parseJobEvent('syncShipping', { trigger: 'push' })).toEqual({ trigger: 'push', dryRun: false, mode: 'incremental' });
  });

  it.each([
    ['syncInventory', { trigger: 'push', skus: ['A'] }, /field "skus" beside "trigger"/],
    ['syncShipping', { trigger: 'push', dryRun: true, mode: 'reconcile' }, /fields "dryRun", "mode" beside "trigger"/],
    ['syncShipping', { trigger: 'schedule' }, /"trigger" may only be "push"/],
    ['pushOrders', { trigger: 'push' }, /pushes start syncInventory and syncShipping only, not pushOrders/],
  ] as const)('%s refuses the push event %j, naming why', (job, event, message) => {
    expect(() => parseJobEvent(job, event)).toThrow(message);
  });

  it('accepts the manual fields of docs/design.md §9', () => {
    expect(parseJobEvent('syncInventory', { dryRun: true, skus: ['A', 'B'] })).toEqual({
      trigger: 'manual',
      dryRun: true,
      mode: 'incremental',
      skus: ['A', 'B'],
      window: undefined,
      orders: undefined,
    });
    expect(parseJobEvent('syncInventory', { dryRun: true, mode: 'full' })).toMatchObject({ mode: 'full', dryRun: true });
    expect(parseJobEvent('syncShipping', { from: '2026-11-28T00:00:00+08:00', to: '2026-11-28T12:00:00Z' }).window).toEqual({
      fromMs: Date.UTC(2026, 10, 27, 16),
      toMs: Date.UTC(2026, 10, 28, 12),
    });
    expect(parseJobEvent('pushOrders', { orders: ['1100000001'] }).orders).toEqual(['1100000001']);
    expect(parseJobEvent('pushOrders', {})).toMatchObject({ trigger: 'manual', mode: 'incremental', dryRun: false });
    expect(parseJobEvent('pushOrders', undefined)).toMatchObject({ trigger: 'manual' });
  });

  it('accepts mode "reconcile" for all three jobs, by hand and from a schedule', () => {
    for (const job of ['pushOrders', 'syncShipping', 'syncInventory'] as const) {
      expect(parseJobEvent(job, { mode: 'reconcile' })).toMatchObject({ trigger: 'manual', mode: 'reconcile', dryRun: false });
      expect(parseJobEvent(job, { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'reconcile' } })).toMatchObject({
        trigger: 'schedule',
        mode: 'reconcile',
      });
    }
    expect(parseJobEvent('pushOrders', { mode: 'reconcile', dryRun: true })).toMatchObject({ mode: 'reconcile', dryRun: true });
  });

  it.each([
    ['pushOrders', { dryrun: true }, /unknown field "dryrun" \(allowed: dryRun, mode, from, to, force, orders\)/],
    ['pushOrders', { skus: ['A'] }, /unknown field "skus"/],
    ['syncShipping', { mode: 'full' }, /mode: expected "incremental" or "reconcile"/],
    ['syncInventory', { mode: 'everything' }, /mode: expected "incremental", "full" or "reconcile"/],
    ['pushOrders', { mode: 'reconcile', orders: ['1'] }, /"orders" and "mode": "reconcile" cannot be combined/],
    [
      'syncShipping',
      { mode: 'reconcile', from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z' },
      /"mode": "reconcile" and "from"\/"to" cannot be combined/,
    ],
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

describe('parseJobEvent: bounds and conflicts of manual events (#20)', () => {
  const now = Date.UTC(2026, 11, 2, 12);
  const limits = { nowMs: now, maxWindowDays: 30 };
  const iso = (ms: number) => new Date(ms).toISOString();
  const day = 86_400_000;

  it('accepts mode "reconcile" for all three jobs, by hand and from a schedule', () => {
    for (const job of ['syncInventory', 'pushOrders', 'syncShipping'] as const) {
      expect(parseJobEvent(job, { mode: 'reconcile' }, limits)).toMatchObject({ trigger: 'manual', mode: 'reconcile' });
      expect(parseJobEvent(job, { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'reconcile' } }, limits)).toMatchObject({
        trigger: 'schedule',
        mode: 'reconcile',
      });
    }
  });

  it('accepts force with named orders (pushOrders) and with a window longer than the horizon', () => {
    expect(parseJobEvent('pushOrders', { orders: ['1100000001'], force: true }, limits)).toMatchObject({ orders: ['1100000001'], force: true });
    expect(parseJobEvent('syncShipping', { from: iso(now - 90 * day), to: iso(now), force: true }, limits).window).toEqual({
      fromMs: now - 90 * day,
      toMs: now,
    });
    expect(parseJobEvent('pushOrders', { from: iso(now - 30 * day), to: iso(now) }, limits).force).toBeUndefined();
  });

  it.each([
    ['syncInventory', { skus: ['A'], mode: 'full' }, /"skus" and "mode": "full" cannot be combined/],
    ['syncInventory', { mode: 'full', from: iso(now - day), to: iso(now) }, /"mode": "full" and "from"\/"to" cannot be combined/],
    ['syncInventory', { skus: ['A'], from: iso(now - day), to: iso(now) }, /"skus" and "from"\/"to" cannot be combined/],
    ['pushOrders', { orders: ['1'], from: iso(now - day), to: iso(now) }, /"orders" and "from"\/"to" cannot be combined/],
    ['pushOrders', { orders: ['1'], mode: 'reconcile' }, /"orders" and "mode": "reconcile" cannot be combined/],
    ['pushOrders', { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', dryRun: true }, /window is 9497 days; at most 30 days \(the order horizon\)/],
    ['syncShipping', { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', force: true }, /at most 366 days even with "force"/],
    ['syncShipping', { from: '9999-01-01T00:00:00Z', to: '9999-01-02T00:00:00Z' }, /"to" is in the future \(9999-01-02T08:00:00\+08:00\)/],
    ['syncInventory', { skus: ['A'.repeat(200_000)] }, /skus\.0: each SKU has at most 150 characters/],
    ['pushOrders', { orders: ['9'.repeat(26)] }, /each order increment id has at most 25 characters/],
    ['syncInventory', { skus: Array.from({ length: 1001 }, (_, i) => `S${i}`) }, /at most 1000 SKUs per run/],
    ['pushOrders', { force: true }, /"force" applies only to a "from"\/"to" window or to "orders"/],
    ['syncInventory', { force: true, skus: ['A'] }, /"force" applies only to a "from"\/"to" window/],
  ] as const)('%s rejects an event matching %s', (job, event, message) => {
    expect(() => parseJobEvent(job, event, limits)).toThrow(message);
  });

  it('refuses manual fields beside a scheduled-event envelope instead of running a real scheduled run', () => {
    expect(() => parseJobEvent('pushOrders', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, dryRun: true }, limits)).toThrow(
      /field "dryRun" beside a scheduled-event envelope/,
    );
    expect(() =>
      parseJobEvent('syncInventory', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, skus: ['A'], from: iso(now) }, limits),
    ).toThrow(/fields "skus", "from" beside/);
    const full = {
      version: '0',
      id: 'e',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '1',
      time: iso(now),
      region: 'eu-west-1',
      resources: ['arn'],
      detail: {},
    };
    expect(parseJobEvent('pushOrders', full, limits)).toMatchObject({ trigger: 'schedule', eventId: 'e' });
  });
});
