/** Real `hotline` processes for end-to-end tests. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRelayProcess, stopRelayProcess, type RelayProcess } from '@hotline/relay/child';

export type { RelayProcess };
export const HOTLINE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'cli', 'dist', 'src', 'bin.js');

export function startRelayProcess(args: readonly string[]): Promise<RelayProcess> {
  return spawnRelayProcess(HOTLINE_BIN, args);
}

export function kill(relay: RelayProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  return stopRelayProcess(relay, signal);
}
