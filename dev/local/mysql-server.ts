import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { findExecutable } from './find-executable';
import { freePort, waitFor } from './free-port';

const execFileAsync = promisify(execFile);
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/mysql/bin'];
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

export interface MysqlServer {
  /** `mysql://user:password@host:port` without a database name. */
  url: string;
  /** How it was found: an explicit MYSQL_URL, the machine's server, or a private throwaway instance. */
  source: 'MYSQL_URL' | 'local-server' | 'private-instance';
  /** PID of a private instance this process started (so a parent can stop it), if any. */
  pid?: number;
  stop(): Promise<void>;
}

export class MysqlUnavailableError extends Error {
  readonly code = 'MYSQL_UNAVAILABLE';
}

async function answers(url: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 1500 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a MySQL/MariaDB server for tests and the demo, in this order: `MYSQL_URL`; the server on
 * 127.0.0.1:3306 (root, empty password); a throwaway private `mariadbd` in a temp dir on a free port
 * (stack.md §3). If none can be had, the error names the package to install.
 */
export async function resolveMysqlServer(log: (line: string) => void = () => {}): Promise<MysqlServer> {
  const explicit = process.env.MYSQL_URL;
  if (explicit) {
    if (!(await answers(explicit))) {
      throw new MysqlUnavailableError(`MYSQL_URL is set but no server answers there (${redactUrl(explicit)})`);
    }
    return { url: explicit, source: 'MYSQL_URL', stop: async () => {} };
  }
  if (await answers(DEFAULT_MYSQL_URL)) {
    return { url: DEFAULT_MYSQL_URL, source: 'local-server', stop: async () => {} };
  }
  return startPrivateMariadb(log);
}

export async function startPrivateMariadb(log: (line: string) => void = () => {}): Promise<MysqlServer> {
  const mariadbd = findExecutable(['mariadbd', 'mysqld'], SBIN);
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], SBIN);
  if (!mariadbd || !installDb) {
    throw new MysqlUnavailableError(
      'No MySQL server answers on 127.0.0.1:3306, MYSQL_URL is not set, and no mariadbd binary is installed. ' +
        'Install one with: sudo apt-get install mariadb-server  (or set MYSQL_URL=mysql://user:pass@host:port)',
    );
  }
  const base = mkdtempSync(join(tmpdir(), 'fecjst-mdb-'));
  const port = await freePort();
  const runAs = userInfo().username;
  log(`starting a private MariaDB in ${base} on port ${port}`);
  await execFileAsync(installDb, [
    '--no-defaults',
    `--datadir=${base}/data`,
    `--user=${runAs}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
    '--innodb-log-file-size=16M',
  ]);
  const child: ChildProcess = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${base}/data`,
      `--user=${runAs}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${base}/mysqld.sock`,
      `--pid-file=${base}/mysqld.pid`,
      `--log-error=${base}/err.log`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=128M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=2',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--max-connections=500',
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  const url = `mysql://root@127.0.0.1:${port}`;
  try {
    await waitFor(() => answers(url), 30000, 'the private MariaDB to answer');
  } catch (error) {
    let tail = '';
    try {
      tail = readFileSync(`${base}/err.log`, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      // no log yet
    }
    child.kill('SIGKILL');
    throw new MysqlUnavailableError(`The private MariaDB did not start: ${(error as Error).message}\n${tail}`);
  }
  const pid = child.pid;
  return {
    url,
    source: 'private-instance',
    pid,
    stop: async () => {
      await stopPid(pid);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export async function stopPid(pid: number | undefined): Promise<void> {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
