/** Small helpers the end-to-end tests share: running `hotline` as a user would, and waiting. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { HOTLINE_BIN } from './processes.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A `hotline` command in its own process, as a user runs it (same environment, so the same
 * clock file). Asynchronous, so servers in the test's own process keep answering meanwhile.
 */
export function hotline(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HOTLINE_BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

/** Polls `check` every 50 ms, `tries` times at most, and fails naming `what`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** Whether a process with this PID exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
