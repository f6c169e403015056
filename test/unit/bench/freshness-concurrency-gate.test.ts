import { ReservedConcurrencyGate } from '../../../dev/bench/_freshness-concurrency-gate';

describe('the freshness scheduler applies reserved concurrency 1', () => {
  it('runs an invocation that arrives while the function is idle', () => {
    const gate = new ReservedConcurrencyGate();
    expect(gate.arrive()).toBe('invoke');
    expect(gate.running).toBe(true);
  });

  it('throttles and counts every invocation that arrives while one runs', () => {
    const gate = new ReservedConcurrencyGate();
    gate.arrive();
    expect(gate.arrive()).toBe('throttled');
    expect(gate.arrive()).toBe('throttled');
    expect({ invoked: gate.invoked, throttled: gate.throttled }).toEqual({ invoked: 1, throttled: 2 });
  });

  it('runs the next arrival once the running invocation finished', () => {
    const gate = new ReservedConcurrencyGate();
    gate.arrive();
    gate.finished();
    expect(gate.arrive()).toBe('invoke');
    expect({ invoked: gate.invoked, throttled: gate.throttled }).toEqual({ invoked: 2, throttled: 0 });
  });

  it('refuses a finish without a running invocation (a scheduler bug, not a figure)', () => {
    expect(() => new ReservedConcurrencyGate().finished()).toThrow(/without a running invocation/);
  });
});
