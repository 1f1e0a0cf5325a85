/** `--listen HOST:PORT` for the server commands. */
import { UsageError } from './args.js';

export function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):([0-9]{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65535) throw new UsageError(`--listen must be HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Resolves on SIGINT or SIGTERM: servers then shut down cleanly. */
export function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
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
