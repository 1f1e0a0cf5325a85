/** `hotline terminal --console 127.0.0.1:0` for a home, as its own process, and a session of its console. */
import { spawn, type ChildProcess } from 'node:child_process';
import { localSocketPath, requestConsoleSession } from '@hotline/terminal';
import { HOTLINE_BIN } from '../relay/harness.js';

export interface ConsoleProcess {
  readonly child: ChildProcess;
  readonly sessionUrl: string;
  stop(): Promise<void>;
}

export async function startConsoleProcess(home: string, timeoutMs = 60_000): Promise<ConsoleProcess> {
  // The terminal as a person runs it: its default tick.
  const child = spawn(process.execPath, [HOTLINE_BIN, 'terminal', '--home', home, '--console', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`the terminal's console did not start within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (!stdout.includes('console listening on')) return;
        clearTimeout(timer);
        resolve();
      });
      void exited.then(() => reject(new Error(`the terminal exited:\n${stderr}`)));
    });
    const session = await requestConsoleSession(localSocketPath(home));
    if (session === undefined) throw new Error('the terminal does not answer on its local socket');
    return { child, sessionUrl: session.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
