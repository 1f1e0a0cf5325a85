/**
 * hotline — drives Hotline's relay, witnesses and terminals (DESIGN.md §7).
 * Exit status (docs/spec/cli.md): 0 success, 1 a verification failure or an open alert, 2 bad usage, 3 relay not serving.
 */
import { UsageError } from './args.js';
import { DEMO_HELP, runDemo } from './commands/demo.js';
import { RELAY_HELP, runRelay } from './commands/relay.js';
import { WITNESS_HELP, runWitness } from './commands/witness.js';
import { PARTY_HELP, runParty } from './commands/party.js';
import { INIT_HELP, runInit } from './commands/init.js';
import { CHANNEL_HELP, runChannel } from './commands/channel.js';
import { SEND_HELP, runSend } from './commands/send.js';
import { WATCH_HELP, runWatch } from './commands/watch.js';
import { STATUS_HELP, runStatus } from './commands/status.js';
import { TERMINAL_HELP, runTerminal } from './commands/terminal.js';
import { CommandFailure, EXIT, RelayUnreachable } from './session.js';
import { RULES_HELP, runRule } from './commands/rules.js';

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

Not built yet (see the README's status table):
  export, verify, leak-check, console, bench (use: npm run bench)

Options:
  --help      show help for hotline or for a command
  --version   print the version

Exit status: 0 on success; 1 on a verification failure or an open evidence alert
(or an open stale or coverage_overdue condition); 2 on bad usage; 3 when the relay
cannot be reached or is not serving (send queues the message, status and watch --once
show the last verified state from the archive). 1 wins over 3.`;

const NOT_YET = new Set(['export', 'verify', 'leak-check', 'console', 'bench']);

export async function main(argv: readonly string[], print = (line: string) => console.log(line), printError = (line: string) => console.error(line)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      print(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      print('hotline 0.1.0');
      return 0;
    }
    const commands: Record<string, { help: string; run: (argv: readonly string[], print: (line: string) => void) => Promise<number> }> = {
      demo: { help: DEMO_HELP, run: runDemo },
      relay: { help: RELAY_HELP, run: runRelay },
      witness: { help: WITNESS_HELP, run: runWitness },
      party: { help: PARTY_HELP, run: runParty },
      init: { help: INIT_HELP, run: (argv, p) => runInit(argv, p, printError) },
      channel: { help: CHANNEL_HELP, run: runChannel },
      send: { help: SEND_HELP, run: runSend },
      watch: { help: WATCH_HELP, run: runWatch },
      status: { help: STATUS_HELP, run: runStatus },
      terminal: { help: TERMINAL_HELP, run: runTerminal },
      ...Object.fromEntries(Object.entries(RULES_HELP).map(([name, help]) => [name, { help, run: (argv: readonly string[], p: (line: string) => void) => runRule(name, argv, p) }])),
    };
    const selected = commands[command];
    if (selected !== undefined) {
      if (rest.includes('--help') || rest.includes('-h')) {
        print(selected.help);
        return 0;
      }
      return await selected.run(rest, print);
    }
    if (NOT_YET.has(command)) {
      printError(`hotline: '${command}' is not built yet; see the README's status table.`);
      return 2;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof RelayUnreachable) {
      printError(`hotline: ${error.message}`);
      return EXIT.unreachable;
    }
    if (error instanceof CommandFailure) {
      printError(`hotline: ${error.message}`);
      return EXIT.alert;
    }
    if (error instanceof Error && error.name === 'ClockError') {
      printError(`hotline: ${error.message}`); // HOTLINE_CLOCK_OFFSET_FILE is set but unreadable: a setup error
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      printError(`hotline: ${error.message}\nRun 'hotline --help' for usage.`);
      return 2;
    }
    throw error;
  }
}
