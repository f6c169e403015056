import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_EVENT_AGE_MS, ReservedConcurrencyGate, throttledRetryDelayMs } from '../../../dev/bench/_freshness-concurrency-gate';

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

describe('a throttled asynchronous event is retried as Lambda retries it', () => {
  it('waits 1 s, then twice as long each time, at most 5 min', () => {
    expect([1, 2, 3, 4, 9, 10, 20].map(throttledRetryDelayMs)).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
  });

  it('keeps an event for the maximum event age every job function has in serverless.yml', () => {
    const ages = [...readFileSync(join(__dirname, '../../../serverless.yml'), 'utf8').matchAll(/maximumEventAge: (\d+)/g)].map((m) => Number(m[1]) * 1000);
    expect(ages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ages)).toEqual(new Set([MAX_EVENT_AGE_MS]));
  });
});
