/** Which terminal home a command works on: --home DIR, else $HOTLINE_HOME, else ~/.hotline. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedArgs } from './args.js';

export function terminalHome(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  return args.values.get('home') ?? env['HOTLINE_HOME'] ?? join(homedir(), '.hotline');
}

/** The passphrase for sealed keys, from the environment only (never a command-line argument). */
export function passphrase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env['HOTLINE_PASSPHRASE'];
  return value === undefined || value === '' ? undefined : value;
}
