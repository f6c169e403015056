import { OutcomeRecorder } from '../../../shared/jobs/outcome-recorder';

describe('OutcomeRecorder', () => {
  it('counts by name and reason, caps the failure list but counts all, keeps a few masked examples', () => {
    const r = new OutcomeRecorder(['done', 'skipped'] as const, { maxFailures: 2, maxExamples: 1 });
    r.add('done', 3);
    r.addWithReason('skipped', 'shipped');
    r.addWithReason('skipped', 'shipped');
    r.addWithReason('skipped', 'unpaid');
    for (const key of ['a', 'b', 'c']) r.fail({ key, reason: 'x' });
    r.example('payloads', { so_id: '1', receiver_phone: '13800000000', receiver_name: 'Li Lei' });
    r.example('payloads', { so_id: '2' });
    expect(r.counts).toEqual({ done: 3, skipped: 3 });
    expect(r.byReason('skipped')).toEqual({ shipped: 2, unpaid: 1 });
    expect(r.failures.map((f) => f.key)).toEqual(['a', 'b']);
    expect(r.failed).toBe(3);
    expect(r.examples()).toEqual({ payloads: [{ so_id: '1', receiver_phone: '***', receiver_name: '***' }], payloadsOmitted: 1 });
  });
});
