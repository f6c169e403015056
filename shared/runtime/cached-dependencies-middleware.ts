import { SecretsLoader } from '../config/secrets-loader';
import { errorMessage } from '../errors';
import { isAuthenticationFailure } from './authentication-failure';
import type { JobRuntime } from './job-runtime';
import { runState, type JobMiddleware } from './run-request';

/**
 * The job's adapters, built once per cold start (before the lease: a malformed secret touches no
 * state) and shared by later invocations. Built again after a failed build, and after an
 * authentication failure (with the cached secrets forgotten: an operator may have rotated them).
 *
 * Under `invoke local` (IS_LOCAL=true) the adapters are disposed once no invocation uses them any
 * more, so the process can exit; an invocation that ends early (skipped by the lease) never closes
 * the pool of another one still running in the same process.
 */
export function cachedDependencies<Deps>(runtime: JobRuntime<Deps>): JobMiddleware {
  const { definition, logger } = runtime;
  const authFailure = definition.isAuthenticationFailure ?? isAuthenticationFailure;
  let secrets: SecretsLoader | undefined;
  let deps: Promise<Deps> | undefined;
  /** Invocations currently using `deps`. */
  let users = 0;
  const holding = 'fecjstHoldsDependencies';

  function dependencies(): Promise<Deps> {
    const env = runtime.environment();
    secrets ??= new SecretsLoader({ maxAgeSeconds: env.SECRETS_CACHE_SECONDS });
    deps ??= definition.buildDependencies(env, { secrets, logger, metrics: runtime.metrics, stateClient: runtime.state().doc }).catch((error: unknown) => {
      deps = undefined;
      throw error;
    });
    return deps;
  }

  /** Forgets the built dependencies and disposes them; with `forgetSecrets`, the cached secrets too. */
  async function drop(forgetSecrets: boolean): Promise<void> {
    if (forgetSecrets) secrets?.invalidate();
    const current = deps;
    deps = undefined;
    const built = await current?.catch(() => undefined);
    if (built !== undefined && definition.dispose) {
      await definition.dispose(built).catch((error: unknown) => logger.warn('could not dispose the dependencies', { error: errorMessage(error) }));
    }
  }

  async function release(request: Parameters<NonNullable<JobMiddleware['after']>>[0]): Promise<void> {
    if (request.internal[holding] !== true) return;
    request.internal[holding] = false;
    users -= 1;
    if (request.error !== undefined && authFailure(request.error)) await drop(true);
    else if (runtime.isLocal && users === 0) await drop(false);
  }

  return {
    async before(request) {
      users += 1;
      request.internal[holding] = true;
      runState(request).deps = await dependencies();
    },
    after: release,
    onError: release,
  };
}
