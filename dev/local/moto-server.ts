import { spawn } from 'node:child_process';
import { findExecutable } from './find-executable';
import { freePort, waitFor } from './free-port';
import { stopPid } from './mysql-server';

export interface MotoServer {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/** Where moto_server is, or undefined when it is not installed. */
export function findMotoServer(): string | undefined {
  return findExecutable(['moto_server']);
}

/** Starts moto_server on 127.0.0.1 on a free port and waits until it answers. */
export async function startMotoServer(): Promise<MotoServer> {
  const bin = findMotoServer();
  if (!bin) throw new Error('moto_server is not installed (it ships with the Python package moto: pip install "moto[server]")');
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: true });
  child.unref();
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).ok, 20000, 'moto_server to answer');
  const pid = child.pid as number;
  return { endpoint, pid, stop: () => stopPid(pid) };
}
