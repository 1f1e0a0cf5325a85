/**
 * The hotline rules from the command line: `hotline ack`, `draft`, `drafts`, `approve`,
 * `freeze`, `unfreeze`, `edit`, `close`. Each catches up first (so ids are current and the
 * statement cites the latest verified head), then says one signed statement.
 */
import { toHex } from '@hotline/log';
import { Precedence } from '@hotline/protocol';
import { acknowledge, approveDraft, catchUp, closeThread, draftMessage, draftsView, editMessage, forwardStatement, internalChannel, setFrozen, type Sent, type Terminal } from '@hotline/terminal';
import { parseCommand, UsageError, type CommandSpec, type OptionSpec, type ParsedArgs } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { withTerminal } from '../session.js';
import { CliError, relayAnswer } from '../failures.js';
import type { TerminalHost } from '../hosting.js';
import type { CommandIo } from '../command-io.js';
import { printDrafts } from '../render/drafts.js';

const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', description: 'machine-readable output (docs/spec/cli.md): the statement said, or the drafts, as one JSON object with whole ids' };

function rule(command: string, operands: string | undefined, summary: string, description: string, options: readonly OptionSpec[] = []): CommandSpec {
  return { command, ...(operands === undefined ? {} : { operands }), summary, description, options: [...options, HOME_OPTION, JSON_OPTION] };
}

export const RULES: Record<string, CommandSpec> = {
  ack: rule('ack', 'CHANNEL ID', 'acknowledge a message ("received and understood"; co-signs the transcript)', `Acknowledges message ID ("received and understood"): a signed statement that also co-signs
the transcript up to this terminal's verified head. Only roles the charter allows (by default
principals) may acknowledge. ID is the 12-digit id hotline watch shows (6 digits suffice if unique).`),
  draft: rule('draft', 'CHANNEL [TEXT]', "draft a message the two-person rule covers, in the party's internal channel", `Drafts a message that the charter's two-person rule says needs approvals. The draft goes only to
this party's internal channel; once enough members approve it (hotline approve), this terminal
sends it carrying their approvals, and every receiving terminal checks them.`, [
    { name: 'precedence', type: 'string', placeholder: 'P', default: 'flash', description: 'flash, immediate, priority or routine' },
    { name: 'language', type: 'string', placeholder: 'TAG', default: 'en', description: 'BCP 47 language of the text' },
  ]),
  drafts: rule('drafts', undefined, "list this party's drafts and their approvals", `Lists this party's drafts, who approved each, how many approvals the rule needs, and whether it
was sent.`),
  approve: rule('approve', 'DRAFT', 'approve a draft (the two-person rule)', `Approves draft DRAFT (its id from hotline drafts): a signed approval of exactly that content for
that channel, in this party's internal channel.`),
  freeze: rule('freeze', 'CHANNEL', 'a principal freezes a channel', `A principal freezes the channel: every terminal then refuses everything but heartbeats and
unfreeze (marked invalid, with an alert) until a principal unfreezes it.`),
  unfreeze: rule('unfreeze', 'CHANNEL', 'a principal unfreezes a channel', 'A principal unfreezes the channel.'),
  edit: rule('edit', 'CHANNEL ID TEXT', 'send a new version of a message', `Sends a new version of message ID (yours only); earlier versions stay in the transcript.`),
  close: rule('close', 'CHANNEL ID', 'close the thread a message starts', 'Closes the thread that message ID starts.'),
  forward: rule('forward', 'CHANNEL ID [TEXT]', 'quote a message of one channel in another, with its proof', `Forwards message ID of CHANNEL to the channel --to names, with TEXT as a comment: the signed
original, its log record, a tlog-proof against a cosigned checkpoint this terminal holds and
CHANNEL's charter, so every receiving terminal (and hotline verify) shows "origin verified:
channel, seq, author, checkpoint" — or "origin unverifiable: party X not pinned" — and raises
forward_invalid for anything changed. Only where CHANNEL's charter names the target among its
forward targets (hotline channel create --forward-to). It reveals the original whole, its log
record and CHANNEL's charter to the target's members (docs/spec/protocol.md §13.3).`, [
    { name: 'to', type: 'string', placeholder: 'CHANNEL', description: 'the channel to forward to (required)' },
  ]),
};

type Report = (what: string, channel: string, sent: Sent) => number;

/** How a rule command reports the statement it said: a line, or with --json what `send --json` prints. */
function reporter(args: ParsedArgs, print: (line: string) => void): Report {
  return (what, channel, sent) => {
    if (sent.receipt === undefined) throw new CliError(sent.unreachable === true ? 'relay_unreachable' : 'not_sent', `${what}: not sent now (${sent.error}); it is kept and goes out with the next hotline command`, { channel, ...relayAnswer(sent) });
    const id = toHex(sent.statementId);
    if (args.booleans.has('json')) print(JSON.stringify({ channel, seq: sent.receipt.seq, logIndex: sent.receipt.logIndex, statement: id, duplicate: sent.receipt.duplicate }));
    else print(`${what}: seq ${sent.receipt.seq}, log index ${sent.receipt.logIndex}, id ${id.slice(0, 12)}`);
    return 0;
  };
}

async function onChannel(host: TerminalHost, args: ParsedArgs, channel: string | undefined, work: (t: Terminal, charter: ReturnType<Terminal['charters']['find']>) => Promise<number>): Promise<number> {
  if (channel === undefined) throw new UsageError('a CHANNEL is required');
  return withTerminal(host, args, async (t) => {
    const charter = t.charters.find(channel);
    await catchUp(t, { only: charter, join: false });
    return work(t, charter);
  });
}

export async function runRule(command: string, argv: readonly string[], io: CommandIo): Promise<number> {
  const { print, host } = io;
  const spec = RULES[command];
  if (spec === undefined) throw new UsageError(`unknown command ${command}`);
  const args = parseCommand(argv, spec);
  const [a, b, c, ...extra] = args.positionals;
  const report = reporter(args, print);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: quote the text`);
  switch (command) {
    case 'ack':
      if (b === undefined) throw new UsageError('ack needs CHANNEL and ID');
      return onChannel(host, args, a, async (t, charter) => report(`acknowledged ${b} in ${charter.name}`, charter.name, await acknowledge(t, charter, b)));
    case 'freeze':
    case 'unfreeze':
      return onChannel(host, args, a, async (t, charter) => report(`${command === 'freeze' ? 'froze' : 'unfroze'} ${charter.name}`, charter.name, await setFrozen(t, charter, command === 'freeze')));
    case 'edit':
      if (b === undefined || c === undefined) throw new UsageError('edit needs CHANNEL, ID and TEXT');
      return onChannel(host, args, a, async (t, charter) => report(`edited ${b}`, charter.name, await editMessage(t, charter, b, c)));
    case 'close':
      if (b === undefined) throw new UsageError('close needs CHANNEL and ID');
      return onChannel(host, args, a, async (t, charter) => report(`closed the thread of ${b}`, charter.name, await closeThread(t, charter, b)));
    case 'forward': {
      const to = args.values.get('to');
      if (b === undefined || to === undefined) throw new UsageError('forward needs CHANNEL, ID and --to CHANNEL');
      return onChannel(host, args, a, async (t, source) => {
        const target = t.charters.find(to);
        await catchUp(t, { only: target, join: false });
        return report(`forwarded ${b} of ${source.name} to ${target.name}`, target.name, await forwardStatement(t, source, target, b, c ?? ''));
      });
    }
    case 'draft': {
      if (b === undefined) throw new UsageError('draft needs CHANNEL and TEXT');
      if (c !== undefined) throw new UsageError('draft takes one TEXT argument: quote it');
      const name = (args.values.get('precedence') ?? 'flash').toLowerCase();
      const precedence = Object.hasOwn(Precedence, name) ? (Precedence as Record<string, Precedence>)[name] : undefined;
      if (precedence === undefined) throw new UsageError(`--precedence must be flash, immediate, priority or routine, got ${JSON.stringify(name)}`);
      return onChannel(host, args, a, async (t, charter) => {
        await catchUp(t, { only: internalChannel(t), join: false });
        return report(`drafted for ${charter.name} (approve with: hotline approve <id>)`, internalChannel(t).name, await draftMessage(t, charter, { precedence, language: args.values.get('language') ?? 'en', text: b }));
      });
    }
    case 'approve':
      if (a === undefined) throw new UsageError('approve needs the DRAFT id');
      return withTerminal(host, args, async (t) => {
        await catchUp(t, { only: internalChannel(t), join: false });
        const code = report(`approved draft ${a}`, internalChannel(t).name, await approveDraft(t, a));
        await catchUp(t); // the author's terminal sends once the quorum is met; if this is the author's, now
        return code;
      });
    case 'drafts':
      return withTerminal(host, args, async (t) => {
        await catchUp(t);
        const list = draftsView(t);
        if (args.booleans.has('json')) print(JSON.stringify({ drafts: list }));
        else printDrafts(list, print);
        return 0;
      });
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
