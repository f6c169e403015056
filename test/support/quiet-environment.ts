import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

/**
 * The node test environment, quiet: the structured JSON lines the code under test writes straight to
 * stdout/stderr (Powertools log lines, EMF metric lines) are held per test and printed only when that test
 * (or a hook) fails, so a green `npm test` shows just the results. Tests that assert on those lines still
 * see them (they capture the streams themselves, on top of this). Everything else passes through.
 * `TEST_VERBOSE=1` prints them all as they come.
 */
const JSON_LINE = /^\s*(\{"|No application metrics to publish)/;

export default class QuietEnvironment extends TestEnvironment {
  private held: string[] = [];
  private readonly restore: Array<() => void> = [];

  override async setup(): Promise<void> {
    await super.setup();
    if (process.env.TEST_VERBOSE) return;
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (!JSON_LINE.test(text)) return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
        this.held.push(text);
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
      this.restore.push(() => (stream.write = original));
    }
  }

  override async teardown(): Promise<void> {
    this.restore.forEach((r) => r());
    await super.teardown();
  }

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_start') this.held = [];
    const failed = (event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure';
    if (failed && this.held.length > 0) {
      const title = event.name === 'test_done' ? event.test.name : `${event.hook.type} hook`;
      process.stderr.write(`\n--- output of failed test "${title}" ---\n${this.held.join('')}--- end of output ---\n`);
    }
    if (event.name === 'test_done' || event.name === 'hook_failure') this.held = [];
  }
}
