/**
 * Runs `hotline relay --json` (or `hotline witness --json`) as a child process and waits for
 * its start-up line: for end-to-end tests and benchmarks, which need servers in their own
 * processes (and on their own cores). Children still running when this process exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface HotlineProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The start-up line, parsed: {url, origin, logKey} for a relay, {url, name, vkey} for a witness. */
  readonly info: Readonly<Record<string, string>>;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

export interface RelayProcess extends HotlineProcess {
  readonly logKey: string;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `hotlineBin` is the path of apps/cli's dist/src/bin.js. */
export async function spawnRelayProcess(hotlineBin: string, args: readonly string[], timeoutMs = 15_000): Promise<RelayProcess> {
  const started = await spawnHotlineProcess(hotlineBin, 'relay', args, timeoutMs);
  return { ...started, logKey: started.info['logKey']! };
}

export function spawnHotlineProcess(hotlineBin: string, command: 'relay' | 'witness', args: readonly string[], timeoutMs = 15_000): Promise<HotlineProcess> {
  // HOTLINE_RELAY_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof") for profiling.
  const nodeArgs = (process.env['HOTLINE_RELAY_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, hotlineBin, command, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      reject(new Error(`${command} did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as Record<string, string>;
      resolve({ child, url: info['url']!, info, stderr: () => stderr, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before starting:\n${stderr}`));
    });
  });
}

export async function stopRelayProcess(relay: HotlineProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (relay.child.exitCode !== null) return relay.child.exitCode;
  relay.child.kill(signal);
  return relay.exited;
}
