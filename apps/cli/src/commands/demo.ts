/**
 * `hotline demo` — the main job on embedded defaults: a relay and a witness per party as real
 * processes, terminals for Washington and Moscow (a principal and an operator each, and a
 * deputy for Washington), a charter
 * both roots sign, an MLS channel, a few messages both ways, the verified transcript and the
 * status board — then it keeps the servers running and prints the commands to try in another
 * shell. Ctrl-C stops everything it started. `hotline demo log` walks through the log alone.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerifierKey, toHex } from '@hotline/log';
import { Precedence, type Charter } from '@hotline/protocol';
import type { HotlineProcess } from '@hotline/relay/child';
import { acknowledge, approveDraft, catchUp, draftMessage, draftsView, KeyStore, sendMessage, transcriptView, type Sent, type Terminal } from '@hotline/terminal';
import { integerFlag, parseCommand, UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { onStopSignal, type StopRequest } from '../listen.js';
import { archivedSince, cursorAtEnd } from '../demo/follow.js';
import { alarmLine, alertLine, entryLine } from '../render/lines.js';
import { buildWorld, CHANNEL_NAME, INTERNAL_NAME, PEOPLE, PRIORITY_DEADLINE_SECONDS, type RelayLayout, type World } from '../demo/world.js';
import { runLogDemo } from './demo-log.js';
import { processIo } from '../command-io.js';
import { runStatus } from './status.js';
import { runExport } from './export.js';
import { runVerify } from './verify.js';
import { runRender } from './render.js';
import { startConsole } from '../demo/consoles.js';

export const DEMO: CommandSpec = {
  command: 'demo',
  summary: 'the two-party demo: a relay and a witness per party, Washington and Moscow, a verified exchange under the hotline rules',
  description: `Runs Hotline end to end on this machine:
  1. Washington and Moscow create root keys and pin each other's;
  2. a relay (SQLite, transparency log) and one witness per party start as processes;
  3. a principal and an operator per party (and a deputy for Washington) get device keys,
     certified and logged;
  4. a charter for channel ${CHANNEL_NAME} is signed by both roots;
  5. the channel is opened as an MLS group and every device joins;
  6. a FLASH from Washington is drafted in Washington's internal channel, approved by two
     members (the charter's two-person rule) and sent carrying the approvals;
  7. Moscow acknowledges it within its deadline and replies; a PRIORITY message goes
     unacknowledged past its deadline, and the alarm is raised;
  8. every terminal verifies everything (log inclusion under a checkpoint both witnesses
     cosigned, chain, MLS, signatures, commitments, the hotline rules); the verified
     transcript and the status board are printed, with the commands to send, watch and
     acknowledge as either party from another shell;
  9. Moscow's principal exports the channel's record bundle from its archive alone, and it is
     verified offline with only the two roots and the witness policy; it is rendered as HTML
     and PDF (record.html, record.pdf: for reading, bound to the bundle by its SHA-256), and
     the verify commands are printed to run again;
  10. unless --exit, each party's principal gets its always-on terminal (hotline terminal) with
     its console, the web page a duty officer uses: one line "console: URL" each, to open in a
     browser on this machine.
The servers keep running, and the demo shows what Moscow's principal verifies, until Ctrl-C
(or SIGTERM): then it stops the relay and the witnesses it started, by PID, and exits 0.`,
  options: [
    { name: 'dir', type: 'string', placeholder: 'DIR', default: 'hotline-demo', description: 'where homes, relay and witness data go (a previous demo there is replaced, any other non-empty directory is refused)' },
    { name: 'exit', type: 'boolean', description: 'stop the servers and exit after printing, instead of running until Ctrl-C' },
    { name: 'follow-ms', type: 'string', placeholder: 'MS', default: '1000', description: 'how often the demo shows new messages while running' },
    { name: 'store', type: 'string', placeholder: 'URL', description: 'run the relay over this PostgreSQL database (postgres://…; a fresh one: the demo makes a new log) instead of SQLite' },
    { name: 'relays', type: 'string', placeholder: 'N', default: '1', description: 'with --store: N relay nodes over the one database (one log); every home lists them all and fails over' },
    { name: 'nats', type: 'string', placeholder: 'URL', description: 'with --store: NATS the nodes announce new entries on (default nats://127.0.0.1:4222; the nodes poll the database when it is unreachable)' },
  ],
  footer: `With --store postgres://… --relays 3 the demo runs over a three-node relay cluster and prints
one line per node, "relay pid <PID> <URL>": kill -9 any of them and the terminals go on through
the others.

'hotline demo log' walks through the transparency log alone (see hotline demo log --help).`,
};

const hotlineBin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin.js');

/** Opens a home's terminal for one step and closes it after. */
async function as<T>(world: World, name: string, work: (t: Terminal) => Promise<T>): Promise<T> {
  const t = world.open(name);
  try {
    return await work(t);
  } finally {
    t.close();
  }
}

/** Catches a terminal up until it has verified `seq` of `charter` (a witnessed checkpoint must cover it). */
async function verifiedTo(t: Terminal, charter: Charter, seq: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((t.archive.position(charter.channelId)?.nextSeq ?? 0) <= seq) {
    if (Date.now() > deadline) throw new Error(`did not verify ${charter.name} up to seq ${seq} within 30 s`);
    await catchUp(t);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function receipt(sent: Sent): string {
  if (sent.receipt === undefined) throw new Error(`the relay did not take it: ${sent.error}`);
  return `seq ${sent.receipt.seq}, log index ${sent.receipt.logIndex}, id ${toHex(sent.statementId).slice(0, 12)}`;
}

/** The exchange: a FLASH under the two-person rule, acknowledged in time; a PRIORITY whose deadline passes. */
async function exchange(world: World, print: (line: string) => void): Promise<{ last: number; overdueId: string }> {
  print('6. A FLASH from Washington needs two approvals by other members (the charter\'s two-person rule):');
  const draft = await as(world, 'washington-principal', async (t) => draftMessage(t, world.charter, { precedence: Precedence.flash, language: 'en', text: 'Washington to Moscow: FLASH. Confirm this line is secure, end to end.' }));
  print(`   the principal drafts it in ${INTERNAL_NAME}: ${receipt(draft)}`);
  const draftId = toHex(draft.statementId).slice(0, 12);
  for (const name of ['washington-operator', 'washington-deputy']) {
    const approval = await as(world, name, async (t) => {
      await verifiedTo(t, t.charters.find(INTERNAL_NAME), draft.receipt!.seq);
      return approveDraft(t, draftId);
    });
    print(`   ${name.replace('-', ' ')} approves: ${receipt(approval)}`);
  }
  const flash = await as(world, 'washington-principal', async (t) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await catchUp(t);
      const sent = draftsView(t).find((d) => d.id.startsWith(draftId))?.sent;
      if (sent !== undefined && sent !== null) return sent;
      if (Date.now() > deadline) throw new Error('the approved FLASH was not sent');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  print(`   two approvals: the principal's terminal sends the FLASH carrying both (id ${flash.slice(0, 12)})`);

  print('7. Moscow acknowledges the FLASH within its deadline, and replies; the operators test the line:');
  const ack = await as(world, 'moscow-principal', async (t) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await catchUp(t);
      try {
        return await acknowledge(t, world.charter, flash.slice(0, 12));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  print(`   moscow principal acknowledges: ${receipt(ack)}`);
  const reply = await as(world, 'moscow-principal', async (t) => sendMessage(t, world.charter, { precedence: Precedence.immediate, language: 'en', text: 'Moscow confirms: received and verified at our end.' }));
  print(`   moscow principal replies (IMMEDIATE): ${receipt(reply)}`);
  const test = await as(world, 'washington-operator', async (t) => sendMessage(t, world.charter, { precedence: Precedence.routine, language: 'en', text: 'Washington operator: hourly line test.' }));
  print(`   washington operator: ${receipt(test)}`);
  const overdue = await as(world, 'washington-operator', async (t) => sendMessage(t, world.charter, { precedence: Precedence.priority, language: 'en', text: `Washington operator: PRIORITY, acknowledge within ${PRIORITY_DEADLINE_SECONDS} s.` }));
  print(`   washington operator sends a PRIORITY that nobody in Moscow acknowledges: ${receipt(overdue)}`);
  return { last: overdue.receipt!.seq, overdueId: toHex(overdue.statementId).slice(0, 12) };
}

async function syncEveryone(world: World, seq: number): Promise<void> {
  for (const name of PEOPLE.map((p) => p.home)) await as(world, name, (t) => verifiedTo(t, world.charter, seq));
}

function commands(world: World, overdueId: string, keepRunning: boolean): string[] {
  const run = 'npm run -s hotline --';
  const at = (name: string) => `--home ${world.home(name)}`;
  return [
    keepRunning ? 'Try it from another shell in this directory (the relay and both witnesses keep running here):' : 'The commands to try, once the servers run (without --exit they keep running; this run stops them now):',
    `  ${run} watch ${CHANNEL_NAME} ${at('moscow-operator')}`,
    `  ${run} send ${CHANNEL_NAME} "Washington here: please acknowledge." --precedence immediate ${at('washington-principal')}`,
    `  ${run} send ${CHANNEL_NAME} "Moscow here: your message is received." ${at('moscow-principal')}`,
    `  ${run} ack ${CHANNEL_NAME} ${overdueId} ${at('moscow-principal')}`,
    `      (Moscow's principal acknowledges the overdue PRIORITY; 'watch' shows every message's id to ack)`,
    `  ${run} status ${at('washington-operator')}`,
    `  ${run} draft ${CHANNEL_NAME} "Washington: second FLASH." ${at('washington-principal')}   (then: approve <id>, from the operator's and the deputy's homes)`,
    `  ${run} channel show ${world.charterFile}`,
    keepRunning ? 'Every command verifies what the relay says before showing it. Ctrl-C here stops the servers.' : 'Every command verifies what the relay says before showing it.',
  ];
}

/**
 * Step 10: the record. Exported from Moscow's principal's archive (no relay involved), verified
 * with nothing but the two parties' roots and the witness policy file, and the verify command
 * printed for the reader to run again — or to run on another machine, with the file.
 */
async function record(world: World, print: (line: string) => void): Promise<void> {
  const bundle = join(world.dir, 'record.json');
  const policy = join(world.dir, 'witness-policy.txt');
  const home = world.home('moscow-principal');
  print(`\n10. The record: Moscow's principal exports ${CHANNEL_NAME} from its archive alone, and anyone holding the two roots and the witness policy verifies it offline:`);
  const indented = (l: string) => print(l.split('\n').map((x) => `   ${x}`).join('\n'));
  const exported = await runExport([CHANNEL_NAME, '--out', bundle, '--force', '--home', home], processIo(indented, indented));
  if (exported !== 0) throw new Error(`the demo's export failed (exit ${exported})`);
  const roots = new KeyStore(home).trusted().map((k) => formatVerifierKey(k)).sort();
  const verifyArgs = [bundle, ...roots.flatMap((r) => ['--root', r]), '--policy', policy];
  const verified = await runVerify(verifyArgs, processIo(indented, indented));
  if (verified !== 0) throw new Error(`the demo's bundle did not verify (exit ${verified})`);
  print('   Verify it again (offline, anywhere, with the file):');
  print(`  npm run -s hotline -- verify ${verifyArgs.join(' ')}`);
  // Renderings for people (not evidence): the demo's own files, so an earlier run's are replaced.
  const renderings = { html: join(world.dir, 'record.html'), pdf: join(world.dir, 'record.pdf') };
  for (const [format, out] of Object.entries(renderings)) {
    rmSync(out, { force: true });
    const rendered = await runRender([bundle, `--${format}`, out, ...verifyArgs.slice(1)], processIo(indented, indented));
    if (rendered !== 0) throw new Error(`the demo's ${format} rendering failed (exit ${rendered})`);
  }
  print(`   Renderings of the record (for reading; the bundle is the evidence): ${renderings.html} and ${renderings.pdf}`);
  print('   Check that a rendering is this bundle\'s, byte for byte:');
  print(`  npm run -s hotline -- verify ${verifyArgs.join(' ')} --rendering ${renderings.pdf}`);
}

/**
 * Shows, until a stop signal, what Moscow's principal's archive gains (see demo/follow.ts). Its
 * always-on terminal (step 11) verifies and archives; this only reads the archive, so the two
 * never both advance the home's MLS state.
 */
async function follow(world: World, everyMs: number, print: (line: string) => void, stop: StopRequest): Promise<void> {
  const watcher: Terminal = world.open('moscow-principal');
  const say = (line: string) => print(`[moscow principal's terminal] ${line}`);
  let cursor = cursorAtEnd(watcher);
  let alerts = watcher.archive.lastAlertId();
  try {
    while (!stop.requested()) {
      await Promise.race([stop.signalled, new Promise((r) => setTimeout(r, everyMs))]);
      if (stop.requested()) break;
      for (const a of watcher.archive.alertsAfter(alerts)) {
        say(alertLine(a.code, a.message));
        alerts = a.id;
      }
      const since = archivedSince(watcher, cursor);
      for (const { entry } of since.lines) say(entryLine(entry));
      cursor = since.cursor;
    }
  } finally {
    watcher.close();
  }
}

/** Step 11: each principal's always-on terminal with its console; one `console: URL` line each. */
async function consoles(world: World, print: (line: string) => void, spawned: (p: HotlineProcess) => void): Promise<void> {
  print(`\n11. Each party's console, the web page its duty officer uses (open the URL in a browser on this machine; a session is a secret: whoever holds the URL holds it):`);
  for (const [name, label] of [['washington-principal', "Washington's principal"], ['moscow-principal', "Moscow's principal"]] as const) {
    const running = await startConsole(hotlineBin, world.home(name), spawned);
    print(`   ${label}, served by its always-on terminal (pid ${running.process.child.pid}):`);
    print(`console: ${running.sessionUrl}`);
  }
  print(`   (a new session any time: npm run -s hotline -- console --home ${world.home('moscow-principal')})`);
}

/**
 * Stops every server the demo started, by PID: SIGTERM, then SIGKILL for one that has not
 * exited within 5 s. Safe to call more than once and for processes that already exited.
 */
async function stopServers(children: readonly HotlineProcess[]): Promise<void> {
  await Promise.all(children.map(async (p) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
    try {
      process.kill(p.child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => p.child.pid !== undefined && p.child.exitCode === null && p.child.kill('SIGKILL'), 5000);
    await p.exited;
    clearTimeout(timer);
  }));
}

/** --store, --relays and --nats: SQLite and one relay unless a PostgreSQL store is named. */
function relayLayout(args: ParsedArgs): RelayLayout {
  const store = args.values.get('store');
  const nodes = integerFlag(args, 'relays', 1, 1, 9);
  const nats = args.values.get('nats');
  if (store === undefined) {
    if (nodes > 1) throw new UsageError('--relays N needs --store postgres://…: several relay nodes share one PostgreSQL database');
    if (nats !== undefined) throw new UsageError('--nats needs --store postgres://…');
    return { nodes: 1 };
  }
  if (!/^postgres(ql)?:\/\//.test(store)) throw new UsageError(`--store must be a postgres:// URL (SQLite is the default without --store), got ${JSON.stringify(store.replace(/:[^:@/]*@/, ':***@'))}`);
  if (nats !== undefined && !/^nats:\/\//.test(nats)) throw new UsageError(`--nats must be a nats:// URL, got ${JSON.stringify(nats)}`);
  return { store, nodes, nats: nats ?? 'nats://127.0.0.1:4222' };
}

export async function runDemo(argv: readonly string[], print: (line: string) => void): Promise<number> {
  if (argv[0] === 'log') return runLogDemo(argv.slice(1), print);
  const args = parseCommand(argv, DEMO);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])} (did you mean: hotline demo log?)`);
  const followMs = integerFlag(args, 'follow-ms', 1000, 100, 60_000);
  const layout = relayLayout(args);
  const keepRunning = !args.booleans.has('exit');
  // From the first moment: a signal while the demo sets up must stop what it already started,
  // not kill the demo alone and leave the relay and witnesses running.
  const stop = onStopSignal();
  const children: HotlineProcess[] = [];
  const spawned = (p: HotlineProcess) => {
    children.push(p);
    if (stop.requested()) void stopServers([p]);
  };
  void stop.signalled.then(async () => {
    await stopServers(children);
    // Servers are stopped; if a step in flight keeps the event loop alive, do not hang for it.
    setTimeout(() => process.exit(0), 5000).unref();
  });
  try {
    print('Hotline demo: two parties, real processes, real keys, real MLS, every message verified.\n');
    const world = await buildWorld(args.values.get('dir') ?? 'hotline-demo', hotlineBin, print, spawned, layout).catch((error: unknown) => {
      if (stop.requested()) return undefined;
      throw new UsageError(`the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (world === undefined) {
      print('stopped while setting up: stopped the relay and the witnesses');
      return 0;
    }
    try {
      await show(world, print, stop, keepRunning, followMs, spawned);
    } catch (error) {
      if (!stop.requested()) throw error; // a step cut short by the stop is not a failure
    } finally {
      await world.stop();
      await stopServers(children);
      print('stopped the relay and the witnesses');
    }
    return 0;
  } finally {
    stop.dispose();
  }
}

/** Steps 6 to 9, the commands to try, and (unless --exit) the live view until a stop signal. */
async function show(world: World, print: (line: string) => void, stop: StopRequest, keepRunning: boolean, followMs: number, spawned: (p: HotlineProcess) => void): Promise<void> {
  const { last, overdueId } = await exchange(world, print);
  await syncEveryone(world, last);
  print(`   … waiting ${PRIORITY_DEADLINE_SECONDS} s for the PRIORITY deadline to pass …`);
  await Promise.race([stop.signalled, new Promise((r) => setTimeout(r, PRIORITY_DEADLINE_SECONDS * 1000 + 500))]);
  if (stop.requested()) return;
  const viewer = world.open('moscow-operator');
  try {
    const round = await catchUp(viewer);
    for (const { alarm } of round.alarms) print(`   ${alarmLine(alarm)}`);
    print(`\n8. The transcript as Moscow's operator verified it (receipts and heartbeats hidden; the same on every terminal):`);
    for (const entry of transcriptView(viewer, world.charter)) print(`   ${entryLine(entry)}`);
  } finally {
    viewer.close();
  }
  print(`\n9. Washington principal's status board (liveness, who co-signed how far, deadlines, alarms):`);
  const indented = (l: string) => print(l.split('\n').map((x) => `   ${x}`).join('\n'));
  await runStatus(['--home', world.home('washington-principal')], processIo(indented, indented));
  await record(world, print);
  if (keepRunning) await consoles(world, print, spawned);
  print('');
  for (const line of commands(world, overdueId, keepRunning)) print(line);
  if (keepRunning) {
    print(`\nShowing what Moscow's principal verifies from now on:`);
    await follow(world, followMs, print, stop);
  }
}
