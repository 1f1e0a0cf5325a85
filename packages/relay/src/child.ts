/**
 * Runs `hotline relay --json` as a child process and waits for its start-up line: for
 * end-to-end tests and benchmarks, which need a relay in its own process (and on its own core).
 * Children still running when this process exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';

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

/** `hotlineBin` is the path of apps/cli's dist/src/bin.js. */
export function spawnRelayProcess(hotlineBin: string, args: readonly string[], timeoutMs = 15_000): Promise<RelayProcess> {
  // HOTLINE_RELAY_NODE_ARGS passes flags to the relay's node (e.g. "--cpu-prof") for profiling.
  const nodeArgs = (process.env['HOTLINE_RELAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, hotlineBin, 'relay', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function stopRelayProcess(relay: RelayProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (relay.child.exitCode !== null) return relay.child.exitCode;
  relay.child.kill(signal);
  return relay.exited;
}
