/**
 * The console's commands (docs/spec/console-api.md §3): each POST body becomes the command line
 * of the CLI command of that name, with --json, so a message sent from the page is the same
 * statement, checked by the same code, as one typed in a shell. Only the fields below reach the
 * command line, each checked first: the page cannot pass options of its own.
 */
export type CommandName = 'send' | 'draft' | 'approve' | 'ack' | 'freeze' | 'unfreeze' | 'edit' | 'close';

const PRECEDENCES = ['flash', 'immediate', 'priority', 'routine'];
const ID = /^[0-9a-f]{8,64}$/;
/** BCP 47 in its common shapes (en, ru, en-US, zh-Hant-TW): enough to refuse junk, not a full parser. */
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;
const MAX_TEXT = 60_000;

export class CommandBodyError extends Error {
  override readonly name = 'CommandBodyError';
}

type Body = Record<string, unknown>;

function text(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw new CommandBodyError(`${field} must be a non-empty string`);
  if (v.length > MAX_TEXT) throw new CommandBodyError(`${field} is longer than ${MAX_TEXT} characters`);
  return v;
}

function id(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || !ID.test(v)) throw new CommandBodyError(`${field} must be a statement id: 8 to 64 lower-case hex digits`);
  return v;
}

function precedence(body: Body): string {
  const v = body['precedence'];
  if (typeof v !== 'string' || !PRECEDENCES.includes(v)) throw new CommandBodyError(`precedence must be one of ${PRECEDENCES.join(', ')}`);
  return v;
}

function language(body: Body): string {
  const v = body['language'] ?? 'en';
  if (typeof v !== 'string' || !LANGUAGE.test(v)) throw new CommandBodyError('language must be a BCP 47 tag such as en or ru');
  return v;
}

/**
 * The argv for a command, after `channel` has been resolved to its name by the caller.
 * Text goes after `--`, so a message that starts with a dash is a message, not an option.
 */
export function commandLine(name: CommandName, body: Body, channel: string | undefined): string[] {
  const need = (): string => {
    if (channel === undefined) throw new CommandBodyError('channel must name one of this terminal\'s channels (its name or id)');
    return channel;
  };
  switch (name) {
    case 'send': {
      const reply = body['replyTo'] === undefined || body['replyTo'] === null ? [] : ['--reply-to', id(body, 'replyTo')];
      return ['send', need(), '--precedence', precedence(body), '--language', language(body), ...reply, '--json', '--', text(body, 'text')];
    }
    case 'draft':
      return ['draft', need(), '--precedence', precedence(body), '--language', language(body), '--json', '--', text(body, 'text')];
    case 'approve':
      return ['approve', id(body, 'draft'), '--json'];
    case 'ack':
      return ['ack', need(), id(body, 'id'), '--json'];
    case 'freeze':
    case 'unfreeze':
      return [name, need(), '--json'];
    case 'edit':
      return ['edit', need(), id(body, 'id'), '--json', '--', text(body, 'text')];
    case 'close':
      return ['close', need(), id(body, 'id'), '--json'];
  }
}

export const COMMAND_NAMES: readonly CommandName[] = ['send', 'draft', 'approve', 'ack', 'freeze', 'unfreeze', 'edit', 'close'];
