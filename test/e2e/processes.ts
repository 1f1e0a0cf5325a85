/** Real `hotline` processes for end-to-end tests: started, waited for, killed, always reaped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOTLINE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'cli', 'dist', 'src', 'bin.js');

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly logKey: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `hotline relay --json` and resolves once it prints its URL. */
export function startRelayProcess(args: readonly string[], timeoutMs = 15_000): Promise<RelayProcess> {
  const child = spawn(process.execPath, [HOTLINE_BIN, 'relay', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { url: string; logKey: string };
      resolve({ child, url: info.url, logKey: info.logKey, stderr: () => stderr, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before starting:\n${stderr}`));
    });
  });
}

export async function kill(relay: RelayProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  relay.child.kill(signal);
  return relay.exited;
}
