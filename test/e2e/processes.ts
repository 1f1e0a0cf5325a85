/** Real `hotline` processes for end-to-end tests. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnHotlineProcess, spawnRelayProcess, stopRelayProcess, type HotlineProcess, type RelayProcess } from '@hotline/relay/child';

export type { HotlineProcess, RelayProcess };
export const HOTLINE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'cli', 'dist', 'src', 'bin.js');

export function startRelayProcess(args: readonly string[]): Promise<RelayProcess> {
  return spawnRelayProcess(HOTLINE_BIN, args);
}

export function startWitnessProcess(args: readonly string[]): Promise<HotlineProcess> {
  return spawnHotlineProcess(HOTLINE_BIN, 'witness', args);
}

export function kill(relay: HotlineProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  return stopRelayProcess(relay, signal);
}
