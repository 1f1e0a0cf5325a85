/**
 * `hotline terminal` on the receiver's home as its own process — node running the CLI
 * directly, no npm or sh in between, so the child's pid is the process that runs the service
 * (what the RSS figure reads). HOTLINE_SERVICE_NODE_ARGS adds node flags (--cpu-prof,
 * --heapsnapshot-signal=SIGUSR2) for looking inside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { HOTLINE_BIN } from '../relay/harness.js';
import type { TwoParties } from './two-parties.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the service with `args` after `terminal --home RECEIVER` and waits until it is subscribed and caught up. */
export async function startService(world: TwoParties, args: readonly string[] = []): Promise<ChildProcess> {
  const nodeArgs = (process.env['HOTLINE_SERVICE_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const service = spawn(process.execPath, [...nodeArgs, HOTLINE_BIN, 'terminal', '--home', world.homes.receiver, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    let out = '';
    service.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; !out.includes('terminal running'); i++) {
      if (i > 300 || service.exitCode !== null) throw new Error('hotline terminal did not start');
      await sleep(50);
    }
    await sleep(1500); // subscribed and caught up
    return service;
  } catch (error) {
    await stopService(service);
    throw error;
  }
}

/** SIGTERM, and waits for the exit (the service drains its round first). */
export async function stopService(service: ChildProcess): Promise<void> {
  if (service.exitCode !== null || service.signalCode !== null) return;
  const exited = new Promise((r) => service.once('exit', r));
  service.kill('SIGTERM');
  await exited;
}
