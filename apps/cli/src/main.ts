/**
 * hotline — drives Hotline's relay, witnesses and terminals (DESIGN.md §7).
 * Exit status (docs/spec/cli.md): 0 success, 1 a verification failure or an open alert, 2 bad usage, 3 relay not serving.
 */
import { HelpRequested, parseCommand, UsageError, type CommandSpec } from './args.js';
import { DEMO, runDemo } from './commands/demo.js';
import { DEMO_LOG } from './commands/demo-log.js';
import { RELAY, runRelay } from './commands/relay.js';
import { WITNESS, runWitness } from './commands/witness.js';
import { PARTY, runParty } from './commands/party.js';
import { INIT, runInit } from './commands/init.js';
import { CHANNEL, runChannel } from './commands/channel.js';
import { SEND, runSend } from './commands/send.js';
import { WATCH, runWatch } from './commands/watch.js';
import { STATUS, runStatus } from './commands/status.js';
import { TERMINAL, runTerminal } from './commands/terminal.js';
import { EXIT, failureLines, failureOf } from './failures.js';
import { RULES, runRule } from './commands/rules.js';
import { EXPORT, runExport } from './commands/export.js';
import { VERIFY, runVerify } from './commands/verify.js';
import { RENDER, runRender } from './commands/render.js';
import { CONSOLE, runConsole } from './commands/console.js';
import { renderHelp } from './help.js';
import { processIo, type CommandIo } from './command-io.js';
import { commandOf, forwardToService, serviceCommand } from './forwarding.js';

/** Every command's table, subcommands included: what --help is generated from (and tested against). */
export const COMMAND_SPECS: readonly CommandSpec[] = [DEMO, DEMO_LOG, RELAY, WITNESS, PARTY, ...(PARTY.subcommands ?? []), INIT, CHANNEL, ...(CHANNEL.subcommands ?? []), SEND, WATCH, STATUS, TERMINAL, EXPORT, VERIFY, ...Object.values(RULES), RENDER, CONSOLE];

const HELP = `usage: hotline <command> [options]

Commands:
  demo        the two-party demo: starts a relay and a witness per party, sets up
              Washington and Moscow, and runs a verified exchange under the hotline rules;
              the servers run until Ctrl-C (hotline demo --help)
  demo log    walk through the transparency log alone: checkpoint, witness
              cosignatures, an offline receipt, and tampering caught
  relay       run a relay: sequencing, transparency log, tiles, checkpoints,
              fan-out (hotline relay --help)
  witness     run a party's witness: cosigns consistent checkpoints only
              (hotline witness --help)
  party       create this party's root key, export it, pin other parties' roots,
              certify devices (hotline party --help)
  init        set up this terminal's device key and register it (hotline init --help)
  terminal    run this home's terminal, always connected: verifies as envelopes arrive,
              heartbeats, receipts, alarms, --on-message hooks (hotline terminal --help)
  channel     charters signed by every party; open, join and list channels
  send        send a signed, end-to-end encrypted message to a channel
  watch       stream a channel's verified messages and any alert
  status      the board: log, device, channels, members, verified heads, liveness,
              acknowledgement deadlines, alarms and alerts
  ack         acknowledge a message ("received and understood"; co-signs the transcript)
  draft, drafts, approve
              the two-person rule: draft in the party's internal channel, approve, sent
              automatically once approved
  freeze, unfreeze, edit, close
              a principal freezes a channel; edit a message; close a thread
  forward     quote a message in another channel with its proof ("origin verified")
  export      a channel's record bundle from this home's archive, no relay needed
              (hotline export --help)
  verify      check a record bundle offline against the parties' roots and the
              witness policy; names the first thing wrong (hotline verify --help)
  render      draw a verified record bundle as HTML or PDF (a rendering, not evidence)
  console     a session of the running terminal's console, the web page a duty
              officer uses: prints its URL (hotline console --help)

Not built yet (see the README's status table):
  leak-check, bench (use: npm run bench)

Options:
  --help      show help for hotline or for a command
  --version   print the version

Exit status: 0 on success; 1 on a verification failure or an open evidence alert
(or an open stale or coverage_overdue condition); 2 on bad usage; 3 when the relay
cannot be reached or is not serving (send queues the message, status and watch --once
show the last verified state from the archive). 1 wins over 3.`;

const NOT_YET = new Set(['leak-check', 'bench']);

type Run = (argv: readonly string[], io: CommandIo) => Promise<number>;

/** Each command's entry point; each parses its own arguments with its table. */
const COMMANDS: Readonly<Record<string, Run>> = {
  demo: (argv, io) => runDemo(argv, io.print),
  relay: (argv, io) => runRelay(argv, io.print),
  witness: (argv, io) => runWitness(argv, io.print),
  party: runParty,
  init: (argv, io) => runInit(argv, io.print),
  channel: runChannel,
  send: runSend,
  watch: runWatch,
  status: runStatus,
  render: runRender,
  console: runConsole,
  terminal: (argv, io) => runTerminal(argv, io.print, runInService, runForConsole),
  export: runExport,
  verify: runVerify,
  ...Object.fromEntries(Object.keys(RULES).map((name) => [name, (argv: readonly string[], io: CommandIo) => runRule(name, argv, io)])),
};

/** `hotline ARGV` in this process: handed to the home's running terminal if it runs this command, else run here. */
export async function main(argv: readonly string[], print = (line: string) => console.log(line), printError = (line: string) => console.error(line)): Promise<number> {
  const io = processIo(print, printError);
  try {
    return await exitStatusOf(argv, io, async () => {
      const found = serviceCommand(argv, COMMAND_SPECS);
      const forwarded = found === undefined ? undefined : await forwardToService(argv, found, io);
      return forwarded ?? (await dispatch(argv, io));
    });
  } finally {
    io.dispose();
  }
}

/** A command forwarded over the local socket, run by the service with the service's terminal (io.host). */
function runInService(argv: readonly string[], io: CommandIo): Promise<number> {
  return exitStatusOf(argv, io, async () => {
    if (serviceCommand(argv, COMMAND_SPECS) === undefined) throw new UsageError(`the running terminal runs only commands that use MLS state; run this one in its own process`);
    return dispatch(argv, io);
  });
}

/** A command the console runs for its page: a service command, or export and render (they read the archive only). */
function runForConsole(argv: readonly string[], io: CommandIo): Promise<number> {
  return exitStatusOf(argv, io, async () => {
    if (serviceCommand(argv, COMMAND_SPECS) === undefined && !['export', 'render'].includes(argv[0] ?? '')) throw new UsageError(`the console runs no ${JSON.stringify(argv[0])} command`);
    return dispatch(argv, io);
  });
}

async function dispatch(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.print(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version') {
    io.print('hotline 0.1.0');
    return EXIT.ok;
  }
  // Each command parses its own arguments with its table: --help is found there, as an
  // option before `--`, never as a word inside a message's text.
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run !== undefined) return run(rest, io);
  if (NOT_YET.has(command)) {
    io.printError(`hotline: '${command}' is not built yet; see the README's status table.`);
    return EXIT.usage;
  }
  throw new UsageError(`unknown command '${command}'`);
}

/**
 * The one place failures become exit statuses and words (docs/spec/errors.md): by code, from
 * failures.ts's one table; in the running terminal too, for a forwarded command. An error
 * without a code is a bug and surfaces as one.
 */
async function exitStatusOf(argv: readonly string[], io: CommandIo, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.print(renderHelp(error.spec));
      return EXIT.ok;
    }
    const failure = failureOf(error);
    if (failure === undefined) throw error;
    io.printError(failureLines(failure, wantsJson(argv)));
    return failure.status;
  }
}

/**
 * True if the command line parses and asks for --json: its failures are then one JSON object
 * (failures.ts). A line that does not parse is bad usage, answered in words: whether `--json`
 * there is the option or the value of another is what did not parse.
 */
function wantsJson(argv: readonly string[]): boolean {
  try {
    const found = commandOf(argv, COMMAND_SPECS);
    return found !== undefined && parseCommand(found.rest, found.spec).booleans.has('json');
  } catch {
    return false;
  }
}
