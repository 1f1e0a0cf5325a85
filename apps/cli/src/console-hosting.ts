/**
 * The console inside `hotline terminal` (issue 13): the HTTP server on 127.0.0.1, its backend
 * over the service's one open terminal, and the runner its commands go through — the same
 * dispatcher as a command forwarded over the local socket, so a message sent from the page is
 * checked and said exactly as `hotline send` would.
 */
import { ConsoleServer, TerminalBackend, type CommandOutcome } from '@hotline/console';
import type { Charter } from '@hotline/protocol';
import { markShown, type Terminal, type TerminalService } from '@hotline/terminal';
import type { CommandIo } from './command-io.js';
import { serviceHost } from './hosting.js';

export type ConsoleRunner = (argv: readonly string[], io: CommandIo) => Promise<number>;

export interface ConsoleHosting {
  readonly home: string;
  readonly service: TerminalService;
  readonly terminal: Terminal;
  readonly run: ConsoleRunner;
  readonly log: (event: string, fields: Record<string, unknown>) => void;
}

/** `--home HOME` goes right after the command's words, before any `--` and the text after it. */
function withHome(argv: readonly string[], home: string): string[] {
  const words = argv[0] === 'channel' ? 2 : 1;
  return [...argv.slice(0, words), '--home', home, ...argv.slice(words)];
}

function runner(h: ConsoleHosting): (argv: readonly string[]) => Promise<CommandOutcome> {
  return async (argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const abort = new AbortController();
    const io: CommandIo = {
      print: (line) => out.push(line),
      printError: (line) => err.push(line),
      host: serviceHost(h.service, h.terminal, () => undefined),
      cwd: h.home,
      readStdin: async () => '',
      stopSignal: () => abort.signal,
      runHook: () => undefined, // no console command runs hooks
    };
    const exit = await h.run(withHome(argv, h.home), io);
    return { exit, out, err };
  };
}

/** Read receipts for what a person was shown, once per message (markShown), in the service's turn. */
function shown(h: ConsoleHosting): (charter: Charter, seqs: readonly number[]) => Promise<number> {
  return (charter, seqs) => h.service.turn(() => markShown(h.terminal, charter, seqs));
}

/** Starts the console on 127.0.0.1:port (0: any free port). */
export function startConsole(h: ConsoleHosting, port: number): Promise<ConsoleServer> {
  const backend = new TerminalBackend({ terminal: h.terminal, home: h.home, run: runner(h), markShown: shown(h) });
  return ConsoleServer.start({ backend, port, howToGetSession: `hotline console --home ${h.home}`, log: h.log });
}

/** `--console 127.0.0.1:PORT`: the port, or what is wrong (the console listens on 127.0.0.1 only). */
export function consolePort(value: string): number | string {
  const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(value) ?? /^()(\d{1,5})$/.exec(value);
  if (m === null) return `--console must be 127.0.0.1:PORT (the console listens on 127.0.0.1 only; port 0 picks a free one), got ${JSON.stringify(value)}`;
  const port = Number(m[2]);
  return port > 65535 ? `--console port ${port} is over 65535` : port;
}
