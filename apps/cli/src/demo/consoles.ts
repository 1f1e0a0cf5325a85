/**
 * The demo's always-on terminals with their consoles (issue 13 item 6): `hotline terminal
 * --console 127.0.0.1:0` as a real process for a home, and a session of its console. While it
 * runs, the home's commands (the ones the demo prints, typed in another shell) go through it.
 */
import { spawn } from 'node:child_process';
import { localSocketPath, requestConsoleSession } from '@hotline/terminal';
import type { HotlineProcess } from '@hotline/relay/child';

const START_TIMEOUT_MS = 30_000;

export interface RunningConsole {
  readonly process: HotlineProcess;
  /** `http://127.0.0.1:PORT/?token=…`: what `hotline console` prints. */
  readonly sessionUrl: string;
}

/** Starts the home's terminal with its console and opens a session; the process is reported to `spawned` at once. */
export async function startConsole(hotlineBin: string, home: string, spawned: (p: HotlineProcess) => void): Promise<RunningConsole> {
  const child = spawn(process.execPath, [hotlineBin, 'terminal', '--home', home, '--console', '127.0.0.1:0', '--log-format', 'text'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the terminal for ${home} did not start its console within ${START_TIMEOUT_MS} ms:\n${stderr}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /console listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m === null) return;
      clearTimeout(timer);
      resolve(m[1]!);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the terminal for ${home} exited with ${code}:\n${stderr}`));
    });
  });
  const process_: HotlineProcess = { child, url, info: { url }, stderr: () => stderr, exited };
  spawned(process_);
  const session = await requestConsoleSession(localSocketPath(home));
  if (session === undefined) throw new Error(`the terminal for ${home} does not answer on its local socket`);
  return { process: process_, sessionUrl: session.url };
}
