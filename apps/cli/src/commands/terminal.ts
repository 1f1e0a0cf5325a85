/** `hotline terminal` — the always-on terminal for one home: connected, verifying, on time. */
import { spawn } from 'node:child_process';
import { InsecureFileError, readSecretFile } from '@hotline/node-files';
import { Precedence } from '@hotline/protocol';
import { realpathSync } from 'node:fs';
import { LocalSocketServer, localSocketPath, TerminalAlreadyRunning, TerminalService, type Alarm, type CommandOutput, type ForwardedCommand, type IncomingMessage, type Terminal } from '@hotline/terminal';
import type { CommandIo } from '../command-io.js';
import { serviceHost } from '../hosting.js';
import { integerFlag, parseCommand, UsageError, type CommandSpec } from '../args.js';
import { existingHome, HOME_OPTION } from '../home.js';
import { onStopSignal } from '../listen.js';
import { LOG_FORMAT_OPTION, serverLogger } from '../log-format.js';
import { openTerminal } from '../session.js';
import { consolePort, startConsole, type ConsoleRunner } from '../console-hosting.js';
import type { ConsoleServer } from '@hotline/console';

export const TERMINAL: CommandSpec = {
  command: 'terminal',
  summary: 'run this home\'s terminal, always connected: verifies as envelopes arrive, heartbeats, receipts, alarms, --on-message hooks',
  description: `Runs this home's terminal until SIGINT or SIGTERM: it holds the relay's WebSocket subscription
(reconnecting with backoff), and on every push and on a tick verifies the log and every
channel, archives what arrives, sends delivered receipts (read receipts only when a person is
shown a message: hotline watch, the console), heartbeats at the charter's interval, approved
drafts and key updates, and raises alarms at deadlines — with no command typed.

While it runs, the hotline commands that use this home's MLS state (send, watch, status, ack,
draft, drafts, approve, freeze, unfreeze, edit, close, channel open/join/add/remove/list) are
run by it, over the home's local socket (HOME/terminal.sock, 0600; a short path under the
temporary directory when HOME's is too long), between its rounds: exactly one process ever
advances the home's MLS state. They print what they would print on their own and need no
passphrase. GET /healthz and /metrics (OpenMetrics) answer on the same socket:
  curl --unix-socket HOME/terminal.sock http://terminal/healthz

--console 127.0.0.1:PORT serves the console, the web page a duty officer uses, on 127.0.0.1
only (PORT 0 picks a free one; the address is printed). Without it the console starts the
first time hotline console asks for a session. Each session is a token that hotline console
prints as a URL; the page trades it for a cookie (docs/spec/console-api.md).

--on-message CMD runs (through sh) for each valid message from another party at or above
--on-message-precedence, with HOTLINE_CHANNEL, HOTLINE_CHANNEL_ID, HOTLINE_SEQ,
HOTLINE_STATEMENT_ID (64 hex), HOTLINE_PRECEDENCE and HOTLINE_AUTHOR set: never the text,
unless --with-text gives it to CMD on its standard input. --on-alarm CMD runs for each new
alarm, once per level, with HOTLINE_ALARM_CODE, HOTLINE_ALARM_LEVEL, HOTLINE_ALARM_MESSAGE and
HOTLINE_CHANNEL set.`,
  options: [
    { name: 'on-message', type: 'string', placeholder: 'CMD', description: 'run CMD for each incoming message at or above --on-message-precedence' },
    { name: 'on-message-precedence', type: 'string', placeholder: 'P', default: 'immediate', description: 'flash, immediate, priority or routine' },
    { name: 'with-text', type: 'boolean', description: 'give the message text to --on-message on its standard input' },
    { name: 'on-alarm', type: 'string', placeholder: 'CMD', description: 'run CMD for each new alarm, once per level' },
    { name: 'passphrase-file', type: 'string', placeholder: 'FILE', description: 'the passphrase for sealed keys, from a 0600 file (never argv or the environment)' },
    { name: 'console', type: 'string', placeholder: '127.0.0.1:PORT', description: 'serve the console on 127.0.0.1:PORT (0: any free port) from the start' },
    { name: 'tick-ms', type: 'string', placeholder: 'MS', default: '1000', description: 'how often to run a round with nothing pushed' },
    LOG_FORMAT_OPTION,
    HOME_OPTION,
  ],
  footer: `It logs one line per event (JSON unless --log-format text) on standard error (subscribed, disconnected, message, alarm,
alert): channel names, seqs, codes — never message text or key material.

Exit status: 0 stopped by SIGINT or SIGTERM, 2 bad usage, a home that is not set up, or a
terminal already running for this home.`,
};

const PRECEDENCES: Record<string, number> = { flash: Precedence.flash, immediate: Precedence.immediate, priority: Precedence.priority, routine: Precedence.routine };

function precedenceName(p: number): string {
  return Object.entries(PRECEDENCES).find(([, v]) => v === p)?.[0] ?? String(p);
}

/** Runs a hook through sh; its failure is logged, never fatal to the service. */
function runHook(command: string, env: Record<string, string>, stdin: string | undefined, log: (event: string, fields: Record<string, unknown>) => void): void {
  const child = spawn('sh', ['-c', command], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  child.once('error', (error) => log('hook_failed', { error: error.message }));
  child.once('exit', (code) => {
    if (code !== 0) log('hook_exit', { code });
  });
  if (stdin !== undefined) {
    child.stdin!.on('error', () => undefined); // a hook that does not read its input is not an error
    child.stdin!.end(stdin);
  }
}

function readPassphraseFile(path: string): string {
  let text: string | undefined;
  try {
    text = readSecretFile(path);
  } catch (error) {
    if (error instanceof InsecureFileError) throw new UsageError(`--passphrase-file ${path}: ${error.message}`);
    throw new UsageError(`--passphrase-file ${path}: ${(error as Error).message}`);
  }
  if (text === undefined) throw new UsageError(`--passphrase-file ${path}: no such file`);
  return text.replace(/\r?\n$/, '');
}

/** Runs a command line forwarded over the local socket, with the service's terminal; main's dispatcher. */
export type ForwardedRunner = (argv: readonly string[], io: CommandIo) => Promise<number>;

/** The io of a forwarded command: its output, stdin, cwd and hooks are the forwarding command's. */
function forwardedIo(service: TerminalService, t: Terminal, command: ForwardedCommand, output: CommandOutput, signal: AbortSignal): CommandIo {
  let noticed = false;
  const waiting = () => {
    if (!noticed) output.err('(waiting for this home\'s running terminal to finish its round)');
    noticed = true;
  };
  return {
    print: output.out,
    printError: output.err,
    host: serviceHost(service, t, waiting),
    cwd: command.cwd,
    readStdin: async () => command.stdin ?? '',
    stopSignal: () => signal,
    runHook: output.hook,
  };
}

/** The console of this terminal: started with --console, or on the first session asked for. */
class ConsoleSlot {
  private starting: Promise<ConsoleServer> | undefined;
  constructor(private readonly start: (port: number) => Promise<ConsoleServer>) {}
  get(port = 0): Promise<ConsoleServer> {
    this.starting ??= this.start(port);
    return this.starting;
  }
  async close(): Promise<void> {
    await (await this.starting?.catch(() => undefined))?.close();
  }
}

async function startSocket(home: string, service: TerminalService, t: Terminal, runForwarded: ForwardedRunner, log: (event: string, fields: Record<string, unknown>) => void, consoles: ConsoleSlot): Promise<LocalSocketServer> {
  const commands = service.metrics.counter('hotline_terminal_commands', 'commands run for this home over the local socket, by exit status');
  try {
    return await LocalSocketServer.start(localSocketPath(home, { prepare: true }), {
      health: () => service.health(),
      metrics: () => service.metrics.render(),
      consoleSession: async () => ({ url: (await consoles.get()).newSessionUrl() }),
      runCommand: async (command, output, signal) => {
        if (command.home !== home) {
          output.err(`hotline: this terminal runs for ${home}, not ${command.home}`);
          return 2;
        }
        const exit = await runForwarded(command.argv, forwardedIo(service, t, command, output, signal));
        commands(1, { exit: String(exit) });
        log('command', { command: command.argv[0] ?? '', exit }); // the command word only: arguments may be message text
        return exit;
      },
    });
  } catch (error) {
    if (error instanceof TerminalAlreadyRunning) throw error; // terminal_running: exit 2, its own words
    throw new UsageError(`cannot listen on this home's local socket: ${(error as Error).message}`);
  }
}

export async function runTerminal(argv: readonly string[], print: (line: string) => void, runForwarded: ForwardedRunner, runForConsole: ConsoleRunner): Promise<number> {
  const args = parseCommand(argv, TERMINAL);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const consoleFlag = args.values.get('console');
  const port = consoleFlag === undefined ? undefined : consolePort(consoleFlag);
  if (typeof port === 'string') throw new UsageError(port);
  const precedenceText = (args.values.get('on-message-precedence') ?? 'immediate').toLowerCase();
  const minPrecedence = PRECEDENCES[precedenceText];
  if (minPrecedence === undefined) throw new UsageError(`--on-message-precedence must be flash, immediate, priority or routine, got ${JSON.stringify(precedenceText)}`);
  const tickMs = integerFlag(args, 'tick-ms', 1000, 20, 60_000);
  const passFile = args.values.get('passphrase-file');
  const logger = serverLogger(args);
  const stop = onStopSignal(); // before anything slow: a signal while starting still ends cleanly
  const t = openTerminal(args, passFile === undefined ? undefined : readPassphraseFile(passFile));
  const log = (event: string, fields: Record<string, unknown>) => logger.log(event === 'alert' || event.endsWith('_failed') ? 'warn' : 'info', event, fields);
  const onMessage = args.values.get('on-message');
  const onAlarm = args.values.get('on-alarm');
  const withText = args.booleans.has('with-text');
  const service = new TerminalService(t, {
    minPrecedence,
    log,
    ...(onMessage === undefined ? {} : {
      onMessage: (m: IncomingMessage) => runHook(onMessage, { HOTLINE_CHANNEL: m.channel, HOTLINE_CHANNEL_ID: m.channelId, HOTLINE_SEQ: String(m.seq), HOTLINE_STATEMENT_ID: m.statementId, HOTLINE_PRECEDENCE: precedenceName(m.precedence), HOTLINE_AUTHOR: m.author }, withText ? m.text : undefined, log),
    }),
    ...(onAlarm === undefined ? {} : {
      onAlarm: (channel: string, a: Alarm) => runHook(onAlarm, { HOTLINE_ALARM_CODE: a.code, HOTLINE_ALARM_LEVEL: a.level, HOTLINE_ALARM_MESSAGE: a.message, HOTLINE_CHANNEL: channel }, undefined, log),
    }),
  }, { tickMs });
  void stop.signalled.then((signal) => {
    log('stopping', { signal });
    service.stop();
  });
  let socket: LocalSocketServer | undefined;
  const home = realpathSync(existingHome(args));
  const consoles = new ConsoleSlot(async (p) => {
    const server = await startConsole({ home, service, terminal: t, run: runForConsole, log }, p);
    print(`console listening on http://127.0.0.1:${server.port}/ (hotline console --home ${home} prints a URL with a session)`);
    return server;
  });
  try {
    socket = await startSocket(home, service, t, runForwarded, log, consoles);
    print(`terminal running for ${t.certificate.party} / ${t.certificate.member} (relay ${t.relayUrl}); commands for this home go through ${socket.path}; SIGINT or SIGTERM stops it`);
    if (port !== undefined) await consoles.get(port).catch((error: unknown) => {
      throw new UsageError(`cannot serve the console on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (stop.requested()) service.stop();
    await service.run();
    await socket.close(); // forwarded commands finish (a watch is stopped) before the terminal closes
    socket = undefined;
    await consoles.close();
    log('stopped', {});
    return 0;
  } finally {
    await socket?.close();
    await consoles.close();
    stop.dispose();
    t.close();
  }
}
