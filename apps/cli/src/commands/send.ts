/** `hotline send CHANNEL [TEXT]` — a signed, MLS-encrypted statement, acknowledged only when durable. */
import { toHex } from '@hotline/log';
import { Precedence, StatementType } from '@hotline/protocol';
import { catchUp, findStatement, sendMessage } from '@hotline/terminal';
import { statementId } from '@hotline/protocol';
import { parseArgs, UsageError } from '../args.js';
import { CommandFailure, withTerminal } from '../session.js';

export const SEND_HELP = `usage: hotline send CHANNEL [TEXT] [--precedence P] [--reply-to ID] [--language TAG] [--home DIR]

Signs TEXT (or standard input, if TEXT is omitted) with this device's key, encrypts it for the
channel's members with MLS, and hands it to the relay. Prints the relay's receipt once the
envelope is durable: its seq in the channel and its index in the transparency log. If the relay
cannot be reached the message is kept and sent by the next hotline command.

CHANNEL is the channel's name or a prefix of its id (hotline channel list). A precedence the
charter's two-person rule covers is refused here: use hotline draft.

Options:
  --precedence P   flash, immediate, priority or routine (default routine)
  --language TAG   BCP 47 language of the text (default en)
  --reply-to ID    a reply to message ID (its thread)
  --home DIR       state directory (default: $HOTLINE_HOME, else ~/.hotline)

Exit status: 0 sent, 1 not sent (kept for later), 2 bad usage.`;

/** A statement body holds at most 64 KiB; leave room for the rest of the message body. */
const MAX_TEXT_BYTES = 60_000;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}

export async function runSend(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['home', 'precedence', 'language', 'reply-to'] });
  const [channel, text, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('send needs a CHANNEL');
  if (extra.length > 0) throw new UsageError('send takes one TEXT argument: quote it');
  const precedenceName = (args.values.get('precedence') ?? 'routine').toLowerCase();
  const precedence = Object.hasOwn(Precedence, precedenceName) ? (Precedence as Record<string, Precedence>)[precedenceName] : undefined;
  if (precedence === undefined) throw new UsageError(`--precedence must be flash, immediate, priority or routine, got ${JSON.stringify(precedenceName)}`);
  const language = args.values.get('language') ?? 'en';
  const message = text ?? (await readStdin());
  if (message.length === 0) throw new UsageError('nothing to send: the message is empty');
  if (Buffer.byteLength(message) > MAX_TEXT_BYTES) throw new UsageError(`the message is ${Buffer.byteLength(message)} bytes; at most ${MAX_TEXT_BYTES} fit in one statement`);
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language) || language.length > 35) throw new UsageError(`--language must be a BCP 47 tag such as en or ru, got ${JSON.stringify(language)}`);
  return withTerminal(args, async (t) => {
    const charter = t.charters.find(channel);
    await catchUp(t, { only: charter, join: false });
    const replyTo = args.values.get('reply-to');
    const parent = replyTo === undefined ? undefined : statementId(findStatement(t, charter, replyTo, [StatementType.message]).statement);
    const sent = await sendMessage(t, charter, { precedence, language, text: message }, parent);
    if (sent.receipt === undefined) throw new CommandFailure(`not sent now (${sent.error}); it is kept and goes out with the next hotline command`);
    print(`sent to ${charter.name}: seq ${sent.receipt.seq}, log index ${sent.receipt.logIndex}, statement ${toHex(sent.statementId).slice(0, 16)}…${sent.receipt.duplicate ? ' (already there)' : ''}`);
    return 0;
  });
}
