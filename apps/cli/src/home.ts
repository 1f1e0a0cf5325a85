/** Which terminal home a command works on: --home DIR, else $HOTLINE_HOME, else ~/.hotline. */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import { CliError } from './failures.js';

/** --home, in every table of a command that works on a home. */
export const HOME_OPTION: OptionSpec = { name: 'home', type: 'string', placeholder: 'DIR', description: 'state directory (default: $HOTLINE_HOME, else ~/.hotline)' };

export function terminalHome(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  return args.values.get('home') ?? env['HOTLINE_HOME'] ?? join(homedir(), '.hotline');
}

/**
 * The home of a command that works on an existing one (every command but `init` and `party
 * create`, which make it). A mistyped --home must be an error, not a new empty home.
 */
export function existingHome(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  const home = terminalHome(args, env);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(home).isDirectory();
  } catch {
    throw new CliError('not_set_up', `no Hotline home at ${home}: run hotline init --relay URL (or hotline party create NAME) to make one, or check --home / HOTLINE_HOME`);
  }
  if (!isDirectory) throw new UsageError(`${home} is not a directory, so not a Hotline home: check --home / HOTLINE_HOME`);
  return home;
}

/** The passphrase for sealed keys, from the environment only (never a command-line argument). */
export function passphrase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env['HOTLINE_PASSPHRASE'];
  return value === undefined || value === '' ? undefined : value;
}
