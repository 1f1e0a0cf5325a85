/**
 * `hotline demo` — the main job on embedded defaults: a relay and a witness per party as real
 * processes, terminals for Washington and Moscow (a principal and an operator each), a charter
 * both roots sign, an MLS channel, a few messages both ways, the verified transcript and the
 * status board — then it keeps the servers running and prints the commands to try in another
 * shell. Ctrl-C stops everything it started. `hotline demo log` walks through the log alone.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMessageBody, Precedence, StatementType } from '@hotline/protocol';
import { catchUp, formatLine, sendStatement, transcript, type Terminal } from '@hotline/terminal';
import { integerFlag, parseArgs, UsageError } from '../args.js';
import { untilSignalled } from '../listen.js';
import { buildWorld, CHANNEL_NAME, type World } from '../demo/world.js';
import { DEMO_LOG_HELP, runLogDemo } from './demo-log.js';
import { runStatus } from './status.js';

export const DEMO_HELP = `usage: hotline demo [--dir DIR] [--exit] [--follow-ms MS]
       hotline demo log [--entries N] [--json]

Runs Hotline end to end on this machine:
  1. Washington and Moscow create root keys and pin each other's;
  2. a relay (SQLite, transparency log) and one witness per party start as processes;
  3. a principal and an operator per party get device keys, certified and logged;
  4. a charter for channel ${CHANNEL_NAME} is signed by both roots;
  5. the channel is opened as an MLS group and every device joins;
  6. messages go both ways; every terminal verifies them (log inclusion under a checkpoint
     both witnesses cosigned, chain, MLS, signatures, commitments);
  7. the verified transcript and the status board are printed, with the commands to send
     and watch as either party from another shell.
The servers keep running until Ctrl-C.

Options:
  --dir DIR        where homes, relay and witness data go (default ./hotline-demo; a previous
                   demo there is replaced, any other non-empty directory is refused)
  --exit           stop after printing, instead of running until Ctrl-C
  --follow-ms MS   how often the demo shows new messages while running (default 1000)

'hotline demo log': ${DEMO_LOG_HELP.split('\n').slice(2, 3).join('').trim()} (see hotline demo log --help)`;

const hotlineBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin.js');

const SCRIPT: readonly { from: string; precedence: Precedence; text: string }[] = [
  { from: 'washington-principal', precedence: Precedence.flash, text: 'Washington to Moscow: confirm you receive this line, end to end.' },
  { from: 'moscow-principal', precedence: Precedence.flash, text: 'Moscow confirms: received and verified at our end.' },
  { from: 'washington-operator', precedence: Precedence.routine, text: 'Washington operator: hourly line test.' },
  { from: 'moscow-operator', precedence: Precedence.routine, text: 'Moscow operator: line test received.' },
];

async function syncEveryone(world: World, seq: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const name of ['washington-principal', 'washington-operator', 'moscow-principal', 'moscow-operator']) {
    const t = world.open(name);
    try {
      for (;;) {
        await catchUp(t);
        if ((t.archive.position(world.charter.channelId)?.nextSeq ?? 0) > seq) break;
        if (Date.now() > deadline) throw new Error(`${name} did not verify up to seq ${seq} within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      t.close();
    }
  }
}

function commands(world: World): string[] {
  const run = 'npm run -s hotline --';
  const at = (name: string) => `--home ${world.home(name)}`;
  return [
    'Try it from another shell in this directory (the relay and both witnesses keep running here):',
    `  ${run} watch ${CHANNEL_NAME} ${at('moscow-operator')}`,
    `  ${run} send ${CHANNEL_NAME} "Washington here: please acknowledge." --precedence flash ${at('washington-principal')}`,
    `  ${run} send ${CHANNEL_NAME} "Moscow acknowledges." ${at('moscow-principal')}`,
    `  ${run} status ${at('washington-operator')}`,
    `  ${run} channel show ${world.charterFile}`,
    'Every command verifies what the relay says before showing it. Ctrl-C here stops the servers.',
  ];
}

async function follow(world: World, everyMs: number, print: (line: string) => void): Promise<void> {
  const watcher: Terminal = world.open('moscow-principal');
  let stopped = false;
  const signalled = untilSignalled().then(() => {
    stopped = true;
  });
  try {
    while (!stopped) {
      await Promise.race([signalled, new Promise((r) => setTimeout(r, everyMs))]);
      if (stopped) break;
      try {
        const round = await catchUp(watcher);
        for (const a of round.logAlerts) print(`[moscow principal's terminal] !! ALERT ${a.code}: ${a.message}`);
        for (const { outcome } of round.channels.values()) {
          for (const s of outcome.accepted) print(`[moscow principal's terminal] ${formatLine(transcript(watcher, world.charter, s.seq, 1)[0]!)}`);
          for (const a of outcome.alerts) print(`[moscow principal's terminal] !! ALERT ${a.code}: ${a.message}`);
        }
      } catch (error) {
        print(`(demo: ${error instanceof Error ? error.message : String(error)}; retrying)`);
      }
    }
  } finally {
    watcher.close();
  }
}

export async function runDemo(argv: readonly string[], print: (line: string) => void): Promise<number> {
  if (argv[0] === 'log') return runLogDemo(argv.slice(1), print);
  const args = parseArgs(argv, { values: ['dir', 'follow-ms'], booleans: ['exit'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])} (did you mean: hotline demo log?)`);
  const followMs = integerFlag(args, 'follow-ms', 1000, 100, 60_000);
  print('Hotline demo: two parties, real processes, real keys, real MLS, every message verified.\n');
  let world: World;
  try {
    world = await buildWorld(args.values.get('dir') ?? 'hotline-demo', hotlineBin, print);
  } catch (error) {
    throw new UsageError(`the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    print('6. Messages, each signed by its device, MLS-encrypted, sequenced and logged by the relay:');
    let last = 0;
    for (const line of SCRIPT) {
      const t = world.open(line.from);
      try {
        const sent = await sendStatement(t, world.charter, { type: StatementType.message, body: encodeMessageBody({ precedence: line.precedence, language: 'en', text: line.text }) });
        if (sent.receipt === undefined) throw new Error(`the relay did not take ${line.from}'s message: ${sent.error}`);
        last = sent.receipt.seq;
        print(`   ${line.from} sent seq ${sent.receipt.seq} (log index ${sent.receipt.logIndex})`);
      } finally {
        t.close();
      }
    }
    await syncEveryone(world, last);
    const viewer = world.open('moscow-operator');
    try {
      print(`\n7. The transcript as Moscow's operator verified it (the same on all four terminals):`);
      for (const line of transcript(viewer, world.charter)) print(`   ${formatLine(line)}`);
    } finally {
      viewer.close();
    }
    print(`\n8. Washington principal's status board:`);
    await runStatus(['--home', world.home('washington-principal')], (l) => print(l.split('\n').map((x) => `   ${x}`).join('\n')));
    print('');
    for (const line of commands(world)) print(line);
    if (!args.booleans.has('exit')) {
      print(`\nShowing what Moscow's principal verifies from now on:`);
      await follow(world, followMs, print);
    }
    return 0;
  } finally {
    await world.stop();
    print('stopped the relay and the witnesses');
  }
}
