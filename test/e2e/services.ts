/** `hotline terminal` as a test runs it: a real process per home, its log kept, stopped by PID. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { HOTLINE_BIN } from './processes.js';
import { until } from './helpers.js';

export interface Service {
  readonly child: ChildProcess;
  /** Its standard error: the JSON event log. */
  log(): string;
  /** SIGTERM, then its exit status. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, leaving whatever it left. */
  kill(): Promise<void>;
}

/** Starts `hotline terminal --home HOME --tick-ms 200 …EXTRA` and waits until it says it runs. */
export async function startService(home: string, extra: readonly string[] = []): Promise<Service> {
  const child = spawn(process.execPath, [HOTLINE_BIN, 'terminal', '--home', home, '--tick-ms', '200', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await until('the service is running', () => out.includes('terminal running for') || child.exitCode !== null, 300);
  assert.equal(child.exitCode, null, `hotline terminal exited:\n${err}`);
  return {
    child,
    log: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
