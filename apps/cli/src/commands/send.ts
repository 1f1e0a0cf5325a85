/** `hotline send CHANNEL [TEXT]` — a signed, MLS-encrypted statement, acknowledged only when durable. */
import { toHex } from '@hotline/log';
import { Precedence, StatementType } from '@hotline/protocol';
import { catchUp, findStatement, isRelayAnswer, isRelayUnavailable, sendMessage } from '@hotline/terminal';
import { statementId } from '@hotline/protocol';
import { parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION } from '../home.js';
import { withTerminal } from '../session.js';
import { CliError, EXIT, relayAnswer } from '../failures.js';
import type { CommandIo } from '../command-io.js';

export const SEND: CommandSpec = {
  command: 'send',
  operands: 'CHANNEL [TEXT]',
  summary: 'send a signed, end-to-end encrypted message to a channel',
  description: `Signs TEXT (or standard input, if TEXT is omitted) with this device's key, encrypts it for the
channel's members with MLS, and hands it to the relay. Prints the relay's receipt once the
envelope is durable: "seq N, log index M, statement <64 hex>". The receipt is a promise the
terminal checks against the log: if no cosigned checkpoint covers it within the coverage bound,
or the log contradicts it, status and watch raise an alert naming the statement.

If the relay cannot be reached, the message is signed, encrypted and stored in this home's
outbox first, durably, and "queued (id <64 hex>)" is printed (exit 3); it goes out with the next
hotline command that reaches the relay (or the running terminal).

CHANNEL is the channel's name or a prefix of its id (hotline channel list). A precedence the
charter's two-person rule covers is refused here: use hotline draft.

Text that begins with "-" goes after "--", which ends the options:
  hotline send CHANNEL -- "--- STOP ---"`,
  options: [
    { name: 'precedence', type: 'string', placeholder: 'P', default: 'routine', description: 'flash, immediate, priority or routine' },
    { name: 'language', type: 'string', placeholder: 'TAG', default: 'en', description: 'BCP 47 language of the text' },
    { name: 'reply-to', type: 'string', placeholder: 'ID', description: 'a reply to message ID (its thread)' },
    { name: 'json', type: 'boolean', description: 'print {"channel","seq","logIndex","statement","duplicate"}, or {"queued","statement"} when the relay cannot be reached' },
    HOME_OPTION,
  ],
  readsStdin: (args) => args.positionals.length < 2,
  footer: `Exit status: 0 sent, 1 refused by the relay (kept in the outbox) or an alert, 2 bad usage
(including a channel frozen by a principal, or a message the two-person rule covers),
3 relay unreachable (queued).`,
};

/** A statement body holds at most 64 KiB; leave room for the rest of the message body. */
const MAX_TEXT_BYTES = 60_000;

export async function runSend(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print } = io;
  const args = parseCommand(argv, SEND);
  const [channel, text, ...extra] = args.positionals;
  if (channel === undefined) throw new UsageError('send needs a CHANNEL');
  if (extra.length > 0) throw new UsageError('send takes one TEXT argument: quote it');
  const precedenceName = (args.values.get('precedence') ?? 'routine').toLowerCase();
  const precedence = Object.hasOwn(Precedence, precedenceName) ? (Precedence as Record<string, Precedence>)[precedenceName] : undefined;
  if (precedence === undefined) throw new UsageError(`--precedence must be flash, immediate, priority or routine, got ${JSON.stringify(precedenceName)}`);
  const language = args.values.get('language') ?? 'en';
  const message = text ?? (await io.readStdin()).replace(/\n$/, '');
  if (message.length === 0) throw new UsageError('nothing to send: the message is empty');
  if (Buffer.byteLength(message) > MAX_TEXT_BYTES) throw new UsageError(`the message is ${Buffer.byteLength(message)} bytes; at most ${MAX_TEXT_BYTES} fit in one statement`);
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language) || language.length > 35) throw new UsageError(`--language must be a BCP 47 tag such as en or ru, got ${JSON.stringify(language)}`);
  return withTerminal(io.host, args, async (t) => {
    const charter = t.charters.find(channel);
    // Catch up first so the message cites the newest verified head — but an unreachable relay
    // must not lose the message: it is then queued from what the archive already verified.
    try {
      await catchUp(t, { only: charter, join: false });
    } catch (error) {
      // Whatever the relay did (not reachable, 5xx, a refusal), the message is signed and kept.
      if (!isRelayUnavailable(error) && !isRelayAnswer(error)) throw error;
    }
    const replyTo = args.values.get('reply-to');
    const parent = replyTo === undefined ? undefined : statementId(findStatement(t, charter, replyTo, [StatementType.message]).statement);
    const sent = await sendMessage(t, charter, { precedence, language, text: message }, parent);
    const id = toHex(sent.statementId);
    if (sent.receipt === undefined && sent.unreachable === true) {
      print(args.booleans.has('json') ? JSON.stringify({ queued: true, statement: id }) : `queued (id ${id}): the relay at ${t.relayUrl} cannot be reached; the message is kept in this home's outbox and goes out with the next hotline command that reaches it`);
      return EXIT.unreachable;
    }
    if (sent.receipt === undefined) throw new CliError('not_sent', `the relay refused the message (${sent.error}); it is kept in the outbox (id ${id}) and resubmitted by the next hotline command`, { channel: charter.name, ...relayAnswer(sent) });
    if (args.booleans.has('json')) print(JSON.stringify({ channel: charter.name, seq: sent.receipt.seq, logIndex: sent.receipt.logIndex, statement: id, duplicate: sent.receipt.duplicate }));
    else print(`sent to ${charter.name}: seq ${sent.receipt.seq}, log index ${sent.receipt.logIndex}, statement ${id}${sent.receipt.duplicate ? ' (already there)' : ''}`);
    return EXIT.ok;
  });
}
