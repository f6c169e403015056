import { planWindow } from '../../../shared/jobs/time-window';

const MIN = 60_000;
const base = { nowMs: 1_000 * MIN, settleLagMs: 1 * MIN, lookbackMs: 10 * MIN, initialLookbackMs: 24 * 60 * MIN };

describe('planWindow', () => {
  it('ends settleLag before now and starts lookback before the cursor', () => {
    expect(planWindow({ ...base, cursorMs: 900 * MIN })).toEqual({ fromMs: 890 * MIN, toMs: 999 * MIN });
  });

  it('starts a first run initialLookback before its end', () => {
    expect(planWindow({ ...base, cursorMs: undefined })).toEqual({ fromMs: (999 - 1440) * MIN, toMs: 999 * MIN });
  });

  it('never starts after it ends, even with a cursor in the future', () => {
    const w = planWindow({ ...base, cursorMs: 2_000 * MIN });
    expect(w.fromMs).toBeLessThanOrEqual(w.toMs);
  });

  it('uses an explicit window as given', () => {
    const explicit = { fromMs: 5, toMs: 10 };
    expect(planWindow({ ...base, cursorMs: 900 * MIN, explicit })).toBe(explicit);
  });
});
