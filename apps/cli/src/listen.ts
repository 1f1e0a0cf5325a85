/** `--listen HOST:PORT` for the server commands. */
import { UsageError } from './args.js';

export function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):([0-9]{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65535) throw new UsageError(`--listen must be HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** A request to stop: the first SIGINT, SIGTERM or SIGHUP after it was created. */
export interface StopRequest {
  /** Resolves with the signal that asked to stop. */
  readonly signalled: Promise<NodeJS.Signals>;
  readonly requested: () => boolean;
  /** Removes the handlers (a command that ends on its own must not keep them). */
  readonly dispose: () => void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Handles the stop signals from now on. A server installs it before it starts, so a signal
 * that arrives while it is starting still ends in a clean close and exit 0, not the default
 * kill. Whatever forwards the signal (a terminal's Ctrl-C to the process group, npm, a
 * supervisor's SIGTERM to one PID), the process that gets it stops what it started.
 */
export function onStopSignal(): StopRequest {
  let requested = false;
  let resolve: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals) => {
    requested = true;
    resolve(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return { signalled, requested: () => requested, dispose: () => STOP_SIGNALS.forEach((s) => process.off(s, handler)) };
}

/** Runs a server from start to a stop signal, then closes it: exit 0 either way. */
export async function serveUntilSignalled<T extends { close(): Promise<void> }>(start: () => Promise<T>, ready: (server: T) => void): Promise<number> {
  const stop = onStopSignal();
  try {
    const server = await start();
    ready(server);
    await stop.signalled;
    await server.close();
    return 0;
  } finally {
    stop.dispose();
  }
}

/**
 * Starts a server, turning a start-up failure (port in use, unreadable or unsafe key file, bad
 * policy) into a one-line usage error instead of a stack trace.
 */
export async function startOrExplain<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    throw new UsageError(`cannot start the ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
