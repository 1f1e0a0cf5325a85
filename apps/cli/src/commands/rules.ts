/**
 * The hotline rules from the command line: `hotline ack`, `draft`, `drafts`, `approve`,
 * `freeze`, `unfreeze`, `edit`, `close`. Each catches up first (so ids are current and the
 * statement cites the latest verified head), then says one signed statement.
 */
import { toHex } from '@hotline/log';
import { Precedence } from '@hotline/protocol';
import { acknowledge, approveDraft, catchUp, closeThread, draftMessage, drafts, editMessage, internalChannel, setFrozen, type Sent, type Terminal } from '@hotline/terminal';
import { parseArgs, UsageError } from '../args.js';
import { CommandFailure, withTerminal } from '../session.js';

const HOME = '  --home DIR   state directory (default: $HOTLINE_HOME, else ~/.hotline)';

export const RULES_HELP: Record<string, string> = {
  ack: `usage: hotline ack CHANNEL ID [--home DIR]

Acknowledges message ID ("received and understood"): a signed statement that also co-signs
the transcript up to this terminal's verified head. Only roles the charter allows (by default
principals) may acknowledge. ID is the 12-digit id hotline watch shows (6 digits suffice if unique).
${HOME}`,
  draft: `usage: hotline draft CHANNEL [TEXT] [--precedence P] [--language TAG] [--home DIR]

Drafts a message that the charter's two-person rule says needs approvals. The draft goes only to
this party's internal channel; once enough members approve it (hotline approve), this terminal
sends it carrying their approvals, and every receiving terminal checks them.
${HOME}`,
  drafts: `usage: hotline drafts [--home DIR]

Lists this party's drafts, who approved each, how many approvals the rule needs, and whether it
was sent.
${HOME}`,
  approve: `usage: hotline approve DRAFT [--home DIR]

Approves draft DRAFT (its id from hotline drafts): a signed approval of exactly that content for
that channel, in this party's internal channel.
${HOME}`,
  freeze: `usage: hotline freeze CHANNEL [--home DIR]

A principal freezes the channel: every terminal then refuses everything but heartbeats and
unfreeze (marked invalid, with an alert) until a principal unfreezes it.
${HOME}`,
  unfreeze: `usage: hotline unfreeze CHANNEL [--home DIR]\n\nA principal unfreezes the channel.\n${HOME}`,
  edit: `usage: hotline edit CHANNEL ID TEXT [--home DIR]

Sends a new version of message ID (yours only); earlier versions stay in the transcript.
${HOME}`,
  close: `usage: hotline close CHANNEL ID [--home DIR]\n\nCloses the thread that message ID starts.\n${HOME}`,
};

function report(print: (line: string) => void, what: string, sent: Sent): number {
  if (sent.receipt === undefined) throw new CommandFailure(`${what}: not sent now (${sent.error}); it is kept and goes out with the next hotline command`);
  print(`${what}: seq ${sent.receipt.seq}, log index ${sent.receipt.logIndex}, id ${toHex(sent.statementId).slice(0, 12)}`);
  return 0;
}

async function onChannel(args: ReturnType<typeof parseArgs>, channel: string | undefined, work: (t: Terminal, charter: ReturnType<Terminal['charters']['find']>) => Promise<number>): Promise<number> {
  if (channel === undefined) throw new UsageError('a CHANNEL is required');
  return withTerminal(args, async (t) => {
    const charter = t.charters.find(channel);
    await catchUp(t, { only: charter, join: false });
    return work(t, charter);
  });
}

export async function runRule(command: string, argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'precedence', 'language'] });
  const [a, b, c, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: quote the text`);
  switch (command) {
    case 'ack':
      if (b === undefined) throw new UsageError('ack needs CHANNEL and ID');
      return onChannel(args, a, async (t, charter) => report(print, `acknowledged ${b} in ${charter.name}`, await acknowledge(t, charter, b)));
    case 'freeze':
    case 'unfreeze':
      return onChannel(args, a, async (t, charter) => report(print, `${command === 'freeze' ? 'froze' : 'unfroze'} ${charter.name}`, await setFrozen(t, charter, command === 'freeze')));
    case 'edit':
      if (b === undefined || c === undefined) throw new UsageError('edit needs CHANNEL, ID and TEXT');
      return onChannel(args, a, async (t, charter) => report(print, `edited ${b}`, await editMessage(t, charter, b, c)));
    case 'close':
      if (b === undefined) throw new UsageError('close needs CHANNEL and ID');
      return onChannel(args, a, async (t, charter) => report(print, `closed the thread of ${b}`, await closeThread(t, charter, b)));
    case 'draft': {
      if (b === undefined) throw new UsageError('draft needs CHANNEL and TEXT');
      if (c !== undefined) throw new UsageError('draft takes one TEXT argument: quote it');
      const name = (args.values.get('precedence') ?? 'flash').toLowerCase();
      const precedence = Object.hasOwn(Precedence, name) ? (Precedence as Record<string, Precedence>)[name] : undefined;
      if (precedence === undefined) throw new UsageError(`--precedence must be flash, immediate, priority or routine, got ${JSON.stringify(name)}`);
      return onChannel(args, a, async (t, charter) => {
        await catchUp(t, { only: internalChannel(t), join: false });
        return report(print, `drafted for ${charter.name} (approve with: hotline approve <id>)`, await draftMessage(t, charter, { precedence, language: args.values.get('language') ?? 'en', text: b }));
      });
    }
    case 'approve':
      if (a === undefined) throw new UsageError('approve needs the DRAFT id');
      return withTerminal(args, async (t) => {
        await catchUp(t, { only: internalChannel(t), join: false });
        const code = report(print, `approved draft ${a}`, await approveDraft(t, a));
        await catchUp(t); // the author's terminal sends once the quorum is met; if this is the author's, now
        return code;
      });
    case 'drafts':
      return withTerminal(args, async (t) => {
        await catchUp(t);
        const list = drafts(t);
        if (list.length === 0) print('no drafts');
        for (const d of list) {
          print(`${d.id.slice(0, 12)}  ${d.channel}  by ${d.author}  approvals ${d.approvedBy.length}/${d.required}${d.approvedBy.length > 0 ? ` (${d.approvedBy.join(', ')})` : ''}  ${d.sent !== undefined ? `SENT as ${d.sent.slice(0, 12)}` : d.approvedBy.length >= d.required ? 'ready: its author\'s terminal sends it' : 'waiting for approval'}`);
          print(`    ${d.body.text}`);
        }
        return 0;
      });
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
