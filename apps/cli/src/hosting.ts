/**
 * Which terminal a command uses. Run in its own process, a command opens the home (and each MLS
 * operation takes the home's SQLite write lock, so two processes never advance the same state).
 * Forwarded to the home's running terminal, it borrows the service's one open terminal and takes
 * its turn between the service's rounds: exactly one process, and in it one flow at a time,
 * advances the home's MLS state (issue 11 item 1).
 */
import type { Terminal, TerminalService } from '@hotline/terminal';
import type { ParsedArgs } from './args.js';
import { openTerminal } from './session.js';

export interface HostedTerminal {
  readonly terminal: Terminal;
  /** Runs `work` with nothing else in this process using the terminal meanwhile. */
  turn<T>(work: () => Promise<T>): Promise<T>;
  close(): void;
}

export interface TerminalHost {
  /** True inside the running service: the command must not open the home itself. */
  readonly inService: boolean;
  open(args: ParsedArgs): HostedTerminal;
}

export const localHost: TerminalHost = {
  inService: false,
  open(args) {
    const terminal = openTerminal(args);
    return { terminal, turn: (work) => work(), close: () => terminal.close() };
  },
};

/** How long a forwarded command waits for its turn before it says so. */
const WAIT_NOTICE_MS = 2000;

/** The service's terminal, lent to a forwarded command; the service closes it, not the command. */
export function serviceHost(service: TerminalService, terminal: Terminal, waiting: () => void): TerminalHost {
  return {
    inService: true,
    open: () => ({
      terminal,
      turn: (work) => {
        // A round can take long (a large catch-up): say why nothing happens yet, once.
        const notice = setTimeout(waiting, WAIT_NOTICE_MS);
        return service.turn(() => {
          clearTimeout(notice);
          return work();
        });
      },
      close: () => undefined,
    }),
  };
}
