/**
 * Commands that advance a home's MLS state run in the home's running terminal when there is one
 * (issue 11 item 1): ts-mls state used by two processes would encrypt twice under one key and
 * nonce. This side parses the command line first — help and usage errors are answered here,
 * without the service — then hands it over the home's local socket. With no service answering,
 * the command runs in this process, under the home's lock.
 */
import { realpathSync, statSync } from 'node:fs';
import { forwardCommand, localSocketPath } from '@hotline/terminal';
import { parseCommand, splitSubcommand, type CommandSpec } from './args.js';
import type { CommandIo } from './command-io.js';
import { terminalHome } from './home.js';

/**
 * The commands the running terminal runs: each reads or advances MLS state (catch-up decrypts,
 * sends encrypt, member changes commit). Commands that only use keys or files (`party`,
 * `channel create/sign/show`, `init`) and the servers run in their own process.
 */
export const RUN_IN_SERVICE: ReadonlySet<string> = new Set(['send', 'watch', 'status', 'ack', 'draft', 'drafts', 'approve', 'freeze', 'unfreeze', 'edit', 'close', 'forward', 'channel open', 'channel join', 'channel add', 'channel remove', 'channel list']);

/** The spec of the (sub)command `argv` names, and its arguments; undefined if it names none. */
export function commandOf(argv: readonly string[], specs: readonly CommandSpec[]): { spec: CommandSpec; rest: readonly string[] } | undefined {
  const [word, ...rest] = argv;
  const top = specs.find((s) => s.command === word);
  if (top === undefined) return undefined;
  const { spec, rest: subRest } = top.subcommands === undefined ? { spec: top, rest } : splitSubcommand(rest, top);
  return spec === undefined ? undefined : { spec, rest: subRest };
}

/** The spec of the (sub)command `argv` names, and its arguments, if the running terminal runs it. */
export function serviceCommand(argv: readonly string[], specs: readonly CommandSpec[]): { spec: CommandSpec; rest: readonly string[] } | undefined {
  const found = commandOf(argv, specs);
  return found !== undefined && RUN_IN_SERVICE.has(found.spec.command) ? found : undefined;
}

/** The command's exit status from the home's running terminal, or undefined if none runs. */
export async function forwardToService(argv: readonly string[], found: { spec: CommandSpec; rest: readonly string[] }, io: CommandIo): Promise<number | undefined> {
  const args = parseCommand(found.rest, found.spec); // --help and bad usage: answered here
  // No home there: the command itself says so, after its own checks, in its own order.
  const home = existingDirectory(terminalHome(args));
  if (home === undefined) return undefined;
  const path = localSocketPath(home); // a SocketPathError names what is wrong with the fallback directory
  const stdin = found.spec.readsStdin?.(args) === true ? await io.readStdin() : undefined;
  // Only a command that runs until stopped (watch) turns Ctrl-C into a request to the service;
  // any other is short, and Ctrl-C ends this process as usual (the service finishes the command).
  const stopRequested = found.spec.command === 'watch' ? new Promise((resolve) => io.stopSignal().addEventListener('abort', resolve, { once: true })) : undefined;
  // A service that goes away mid-command rejects with TerminalVanished (terminal_vanished, exit 1).
  return forwardCommand(path, { argv, home, cwd: io.cwd, ...(stdin === undefined ? {} : { stdin }) }, { out: io.print, err: io.printError, hook: io.runHook }, stopRequested === undefined ? {} : { stopRequested });
}

function existingDirectory(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
}
