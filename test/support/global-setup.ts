import { resolveMysqlServer } from '../../dev/local/mysql-server';
import { findMotoServer, startMotoServer } from '../../dev/local/moto-server';
import { applyTestAwsEnvironment } from './aws-env';

/**
 * Runs once per `npm test`, before any worker starts. Workers inherit the environment set here:
 * FECJST_TEST_MYSQL_URL (a server each test file makes its own database on) and
 * AWS_ENDPOINT_URL_SECRETS_MANAGER (moto_server), or FECJST_TEST_MOTO_SKIP with the reason.
 */
export default async function globalSetup(): Promise<void> {
  applyTestAwsEnvironment();
  const log = (line: string) => process.stdout.write(`[test services] ${line}\n`);

  const mysql = await resolveMysqlServer(log);
  process.env.FECJST_TEST_MYSQL_URL = mysql.url;
  log(`MySQL: ${mysql.source}`);
  (globalThis as Record<string, unknown>).__fecjstStops = [mysql.stop];

  if (findMotoServer()) {
    const moto = await startMotoServer();
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
    process.env.FECJST_TEST_MOTO_ENDPOINT = moto.endpoint;
    (globalThis as { __fecjstStops?: Array<() => Promise<void>> }).__fecjstStops?.push(moto.stop);
    log(`moto_server: ${moto.endpoint} (pid ${moto.pid})`);
  } else if (process.env.CI === 'true') {
    throw new Error('moto_server is not installed, and CI=true requires it: the Secrets Manager tests cannot be skipped in CI');
  } else {
    process.env.FECJST_TEST_MOTO_SKIP = 'moto_server is not installed (Python package moto[server]); Secrets Manager tests are skipped';
    log(process.env.FECJST_TEST_MOTO_SKIP);
  }
}
