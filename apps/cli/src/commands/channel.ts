/** `hotline channel` — charters signed by every party, and the MLS channels they create. */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromHex, toHex } from '@hotline/log';
import { writeSecretFile } from '@hotline/node-files';
import { decodeCharter, draftCharter, isRole, partyRootSigner, signCharter, verifyCharter, type Charter, type Role } from '@hotline/protocol';
import { acceptInvitations, addMembers, charterView, KeyStore, openChannel, removeMember, type DirectoryEntry, type Terminal } from '@hotline/terminal';
import { integerFlag, parseCommand, splitSubcommand, UsageError, type CommandSpec, type OptionSpec, type ParsedArgs } from '../args.js';
import { existingHome, HOME_OPTION, passphrase } from '../home.js';
import { requirePartyName } from '../party-name.js';
import { withTerminal } from '../session.js';
import type { TerminalHost } from '../hosting.js';
import type { CommandIo } from '../command-io.js';
import { describeCharter } from '../render/charter.js';

const CHANNEL_FOOTER = `Environment: HOTLINE_PASSPHRASE opens sealed keys.
Exit status: 0 success, 1 the relay or a verification refused, 2 bad usage, 3 the relay
cannot be reached or is not serving.`;

function channelCommand(name: string, spec: Omit<CommandSpec, 'command' | 'options' | 'footer'>, options: readonly OptionSpec[] = [HOME_OPTION]): CommandSpec {
  return { command: `channel ${name}`, ...spec, options: [...options, JSON_OPTION], footer: CHANNEL_FOOTER };
}

const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', description: 'machine-readable output (docs/spec/cli.md): one JSON object, whole ids and keys' };

/** A device as --json names it: by the verified directory, with its whole key. */
function deviceJson(e: DirectoryEntry) {
  return { party: e.party, member: e.member, deviceKey: toHex(e.deviceKey) };
}

/** The charter's terms, as `channel create` takes them. */
const CHARTER_OPTIONS: readonly OptionSpec[] = [
  { name: 'with', type: 'string', multiple: true, placeholder: 'PARTY', description: 'a party whose root this home pinned, to share the channel with' },
  { name: 'internal', type: 'boolean', description: "this party's internal channel, where drafts circulate for approval (the two-person rule); the counterparty never sees it" },
  { name: 'out', type: 'string', placeholder: 'FILE', description: 'where to write the charter (default NAME.charter)' },
  { name: 'role', type: 'string', multiple: true, placeholder: 'ROLE', description: 'roles admitted as members (default principal, operator)' },
  { name: 'ack-role', type: 'string', multiple: true, placeholder: 'ROLE', description: 'roles that may acknowledge (default principal)' },
  { name: 'ack-deadline', type: 'string', multiple: true, placeholder: 'P=SECONDS', description: 'how fast a message of precedence P must be acknowledged (defaults flash=300, immediate=1800, priority=3600, routine=0 meaning none)' },
  { name: 'approval', type: 'string', multiple: true, placeholder: 'PARTY:P:K:ROLE[+ROLE]', description: 'the two-person rule: messages of precedence P from PARTY need K approvals from members with one of the roles' },
  { name: 'forward-to', type: 'string', multiple: true, placeholder: 'CHANNEL-ID', description: "a channel (its 32-digit id) this channel's messages may be forwarded to with their proof (hotline forward); default none" },
  { name: 'policy', type: 'string', placeholder: 'FILE', description: "witness policy (c2sp.org/tlog-policy); default: this home's" },
  { name: 'key-update-hours', type: 'string', placeholder: 'N', default: '24', description: 'how often each device replaces its MLS keys' },
  { name: 'heartbeat-minutes', type: 'string', placeholder: 'N', default: '60', description: 'liveness test interval' },
  HOME_OPTION,
];

export const CHANNEL: CommandSpec = {
  command: 'channel',
  summary: 'charters signed by every party; open, join and list channels',
  description: `A channel is created by a charter that every party's root key signs (DESIGN.md §4). The
charter travels between the parties' administrators as a file; then one member device opens
the channel and every other admitted device joins it.`,
  options: [],
  footer: CHANNEL_FOOTER,
  subcommands: [
    channelCommand('create', {
      operands: 'NAME',
      summary: "draft a charter for a channel with the pinned parties (--with), or this party's internal channel (--internal), sign it with this home's party root, and write it to a file",
      description: `Drafts a charter for a channel with the pinned PARTY (or parties), signs it with this home's
party root, and writes it to FILE (default NAME.charter). With --internal instead of --with:
this party's internal channel, where drafts circulate for approval (the two-person rule); the
counterparty never sees it.`,
    }, CHARTER_OPTIONS),
    channelCommand('show', { operands: 'FILE', summary: 'print what a charter says and who has signed it', description: 'Prints what a charter says and who has signed it.' }, []),
    channelCommand('sign', { operands: 'FILE', summary: "sign the charter with this home's party root (after reading 'show')", description: "Signs the charter with this home's party root (after reading 'show')." }),
    channelCommand('open', {
      operands: 'FILE',
      summary: 'on a member device: create the channel from a charter every party signed, adding every device the verified directory admits, and invite them',
      description: `On a member device: creates the channel from a charter every party signed, adding every
device the verified directory admits, and invites them.`,
    }),
    channelCommand('join', {
      summary: 'join the channels this device was invited to',
      description: 'Joins the channels this device was invited to, waiting up to SECONDS for the log to cover an invitation.',
    }, [{ name: 'wait', type: 'string', placeholder: 'SECONDS', default: '15', description: 'how long to wait for the log to cover an invitation' }, HOME_OPTION]),
    channelCommand('list', { summary: 'the channels this terminal belongs to', description: 'Lists the channels this terminal belongs to.' }),
    channelCommand('add', {
      operands: 'CHANNEL',
      summary: 'on a member device with the admin role: add every device the verified directory has admitted since (members enrolled later), and invite them',
      description: `On a member device with the admin role: adds every device the verified directory has admitted since
(members enrolled later), and invites them.`,
    }),
    channelCommand('remove', {
      operands: 'CHANNEL DEVICE',
      summary: 'on a member device with the admin role: remove a device (64 hex digits, or a prefix of at least 8) — it reads nothing sent after, and the relay stops serving it',
      description: `On a member device with the admin role: removes a device (64 hex digits, or a prefix of at least 8) —
it reads nothing sent after, and the relay stops serving it.`,
    }),
  ],
};

const ARMOR = 'hotline charter v1';

export function formatCharterFile(charter: Charter): string {
  return `${ARMOR}\n${Buffer.from(charter.bytes).toString('base64')}\n`;
}

export function readCharterFile(path: string): Charter {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read charter file ${path}`);
  }
  const [armor, body] = text.trim().split('\n');
  if (armor !== ARMOR || body === undefined || !/^[A-Za-z0-9+/=]+$/.test(body)) throw new UsageError(`${path} is not a charter file (it should start with "${ARMOR}")`);
  const decoded = decodeCharter(new Uint8Array(Buffer.from(body, 'base64')));
  if (!decoded.ok) throw new UsageError(`${path}: ${decoded.error.message}`);
  return decoded.value;
}

function writeCharterFile(path: string, charter: Charter): void {
  writeSecretFile(path, formatCharterFile(charter));
}

function rolesFrom(args: ParsedArgs): Role[] {
  const given = args.repeated.get('role') ?? ['principal', 'operator'];
  return given.map((r) => {
    if (!isRole(r)) throw new UsageError(`unknown role ${JSON.stringify(r)}`);
    return r;
  });
}

const PRECEDENCES = ['flash', 'immediate', 'priority', 'routine'];

function deadlinesFrom(args: ParsedArgs): [number, number, number, number] {
  const deadlines: [number, number, number, number] = [300, 1800, 3600, 0];
  for (const spec of args.repeated.get('ack-deadline') ?? []) {
    const match = /^([a-z]+)=([0-9]{1,9})$/.exec(spec.toLowerCase());
    const index = match === null ? -1 : PRECEDENCES.indexOf(match[1]!);
    if (match === null || index < 0) throw new UsageError(`--ack-deadline must be PRECEDENCE=SECONDS (e.g. flash=300), got ${JSON.stringify(spec)}`);
    deadlines[index] = Number(match[2]);
  }
  return deadlines;
}

function approvalsFrom(args: ParsedArgs, parties: readonly string[]): { party: number; precedence: number; required: number; roles: Role[] }[] {
  return (args.repeated.get('approval') ?? []).map((spec) => {
    const [party, precedence, required, roles] = spec.split(':');
    const partyIndex = parties.indexOf(party ?? '');
    const precedenceIndex = PRECEDENCES.indexOf((precedence ?? '').toLowerCase());
    const k = Number(required);
    const roleList = (roles ?? '').split('+');
    if (partyIndex < 0 || precedenceIndex < 0 || !Number.isInteger(k) || k < 1 || k > 16 || !roleList.every(isRole)) {
      throw new UsageError(`--approval must be PARTY:PRECEDENCE:COUNT:ROLE[+ROLE] with a party of this charter (e.g. ${parties[0]}:flash:2:principal+operator), got ${JSON.stringify(spec)}`);
    }
    return { party: partyIndex, precedence: precedenceIndex + 1, required: k, roles: roleList as Role[] };
  });
}

/**
 * Where `channel create` writes the charter: --out FILE, else NAME.charter here. The file's
 * directory must already exist — writing would otherwise create every missing directory on
 * the way, wherever a typo points.
 */
function charterOut(args: ParsedArgs, name: string): string {
  const out = args.values.get('out') ?? `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.charter`;
  let isDirectory = false;
  try {
    isDirectory = statSync(dirname(out)).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new UsageError(`--out ${out}: the directory ${dirname(out)} does not exist (create it first, or choose another path)`);
  return out;
}

function create(args: ParsedArgs, name: string | undefined, print: (line: string) => void): number {
  if (name === undefined) throw new UsageError('channel create needs a NAME');
  const out = charterOut(args, name);
  const store = new KeyStore(existingHome(args));
  const root = store.party(passphrase());
  const pinned = new Map(store.trusted().map((k) => [k.name, k]));
  const others = (args.repeated.get('with') ?? []).map((p) => requirePartyName(p));
  const internal = args.booleans.has('internal');
  if (internal && others.length > 0) throw new UsageError('an --internal channel belongs to this party alone: no --with');
  if (!internal && others.length === 0) throw new UsageError('channel create needs --with PARTY (a party whose root this home pinned), or --internal');
  const parties = [root.name, ...(internal ? [] : others)].map((p) => {
    const key = pinned.get(p);
    if (key === undefined) throw new UsageError(`party ${p} is not pinned here: hotline party trust VKEY first`);
    return { name: p, rootKey: key.publicKey };
  });
  const policyFile = args.values.get('policy');
  let policy: string | undefined;
  try {
    policy = policyFile !== undefined ? readFileSync(policyFile, 'utf8') : store.config()?.policy;
  } catch {
    throw new UsageError(`cannot read the witness policy file ${policyFile}`);
  }
  if (policy === undefined) throw new UsageError('no witness policy: pass --policy FILE (c2sp.org/tlog-policy) or set one with hotline init --policy');
  let draft: Charter;
  try {
    draft = draftCharter({
      channelId: new Uint8Array(randomBytes(16)),
      name,
      created: Date.now(),
      parties,
      memberRoles: rolesFrom(args),
      ackRoles: (args.repeated.get('ack-role') ?? ['principal']).map((r) => {
        if (!isRole(r)) throw new UsageError(`unknown role ${JSON.stringify(r)}`);
        return r;
      }),
      ackDeadlines: deadlinesFrom(args),
      heartbeatSeconds: integerFlag(args, 'heartbeat-minutes', 60, 1, 10080) * 60,
      keyUpdateSeconds: integerFlag(args, 'key-update-hours', 24, 1, 8760) * 3600,
      approvals: approvalsFrom(args, parties.map((p) => p.name)),
      witnessPolicy: policy,
      forwardTo: forwardTargetsFrom(args),
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const signed = signCharter(draft, partyRootSigner(root));
  if (!signed.ok) throw new UsageError(signed.error.message);
  writeCharterFile(out, signed.value);
  if (args.booleans.has('json')) print(JSON.stringify({ file: out, charter: charterView(signed.value) }));
  else print(`${describeCharter(charterView(signed.value))}\n\nwrote ${out}, signed by ${root.name}. Send it to the other parties' administrators: hotline channel sign ${out}`);
  return 0;
}

function sign(args: ParsedArgs, file: string | undefined, print: (line: string) => void): number {
  if (file === undefined) throw new UsageError('channel sign needs the charter FILE');
  const charter = readCharterFile(file);
  const store = new KeyStore(existingHome(args));
  const signed = signCharter(charter, partyRootSigner(store.party(passphrase())));
  if (!signed.ok) throw new UsageError(signed.error.message);
  writeCharterFile(file, signed.value);
  const view = charterView(signed.value);
  if (args.booleans.has('json')) {
    print(JSON.stringify({ file, charter: view }));
    return 0;
  }
  const missing = view.unsigned;
  print(`${describeCharter(view)}\n\n${missing.length === 0 ? `signed by every party. A member device opens the channel: hotline channel open ${file}` : `signed; still to sign: ${missing.join(', ')}`}`);
  return 0;
}

async function open(host: TerminalHost, args: ParsedArgs, file: string | undefined, print: (line: string) => void): Promise<number> {
  if (file === undefined) throw new UsageError('channel open needs the charter FILE');
  const charter = readCharterFile(file);
  return withTerminal(host, args, async (t) => {
    const inForce = verifyCharter(charter, t.roots());
    if (!inForce.ok) throw new UsageError(`the charter is not in force: ${inForce.error.message}`);
    const opened = await openChannel(t, charter);
    if (args.booleans.has('json')) {
      print(JSON.stringify({ channel: charter.name, id: toHex(charter.channelId), commitSeq: opened.commitSeq, invited: opened.invited.map(deviceJson), skipped: opened.skipped.map((s) => ({ ...deviceJson(s.entry), reason: s.reason })) }));
      return 0;
    }
    print(`opened channel ${charter.name} (id ${toHex(charter.channelId)}), commit at seq ${opened.commitSeq}`);
    for (const e of opened.invited) print(`  invited ${e.party} / ${e.member}`);
    for (const s of opened.skipped) print(`  NOT added ${s.entry.party} / ${s.entry.member}: ${s.reason}`);
    print(`they join with: hotline channel join`);
    return 0;
  });
}

async function join(host: TerminalHost, args: ParsedArgs, print: (line: string) => void): Promise<number> {
  const waitSeconds = integerFlag(args, 'wait', 15, 0, 3600);
  const json = args.booleans.has('json');
  const say = json ? () => undefined : print;
  // One turn per look at the mailbox, not one for the whole wait: in the running terminal,
  // rounds (heartbeats, alarms) go on while this waits for invitations.
  const hosted = host.open(args);
  try {
    const t = hosted.terminal;
    const deadline = Date.now() + waitSeconds * 1000;
    const joined: Charter[] = [];
    const refused: string[] = [];
    for (;;) {
      const outcome = await hosted.turn(() => acceptInvitations(t));
      for (const c of outcome.joined) say(`joined ${c.name} (id ${toHex(c.channelId)})`);
      for (const r of outcome.refused) say(`refused: ${r}`);
      joined.push(...outcome.joined);
      refused.push(...outcome.refused);
      // Kept invitations need the user (party trust), not time: report them without waiting.
      if (outcome.waiting.length === 0 || Date.now() > deadline) {
        for (const w of outcome.waiting) say(`still waiting: ${w}`);
        for (const u of outcome.untrusted) say(`kept, not joined: ${u}; then run hotline channel join again`);
        if (joined.length + refused.length + outcome.waiting.length + outcome.untrusted.length === 0) say('no invitations in this device\'s mailbox');
        if (json) print(JSON.stringify({ joined: joined.map((c) => ({ name: c.name, id: toHex(c.channelId) })), refused, waiting: outcome.waiting, untrusted: outcome.untrusted }));
        return refused.length + outcome.untrusted.length > 0 ? 1 : 0;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    hosted.close();
  }
}

async function list(host: TerminalHost, args: ParsedArgs, print: (line: string) => void): Promise<number> {
  return withTerminal(host, args, async (t) => {
    const charters = t.charters.all();
    if (args.booleans.has('json')) {
      print(JSON.stringify({ channels: charters.map((c) => ({ name: c.name, id: toHex(c.channelId), parties: c.parties.map((p) => p.name), internal: c.parties.length === 1 })) }));
      return 0;
    }
    if (charters.length === 0) print('this terminal belongs to no channel yet');
    for (const c of charters) print(`${toHex(c.channelId).slice(0, 8)}  ${c.name}  (${c.parties.map((p) => p.name).join(', ')})`);
    return 0;
  });
}

async function add(host: TerminalHost, args: ParsedArgs, channel: string | undefined, print: (line: string) => void): Promise<number> {
  if (channel === undefined) throw new UsageError('channel add needs a CHANNEL');
  return withTerminal(host, args, async (t) => {
    const charter = t.charters.find(channel);
    const added = await addMembers(t, charter);
    if (args.booleans.has('json')) {
      print(JSON.stringify({ channel: charter.name, id: toHex(charter.channelId), commitSeq: added.receipt?.seq ?? null, invited: added.invited.map(deviceJson), skipped: added.skipped.map((s) => ({ ...deviceJson(s.entry), reason: s.reason })) }));
      return 0;
    }
    for (const e of added.invited) print(`  invited ${e.party} / ${e.member}`);
    for (const s of added.skipped) print(`  NOT added ${s.entry.party} / ${s.entry.member}: ${s.reason}`);
    print(added.receipt === undefined ? 'no new device to add' : `added ${added.invited.length} device(s) to ${charter.name}: commit at seq ${added.receipt.seq}; they join with hotline channel join`);
    return 0;
  });
}

async function remove(host: TerminalHost, args: ParsedArgs, channel: string | undefined, device: string | undefined, print: (line: string) => void): Promise<number> {
  if (channel === undefined || device === undefined) throw new UsageError('channel remove needs a CHANNEL and a DEVICE key');
  return withTerminal(host, args, async (t) => {
    const charter = t.charters.find(channel);
    const prefix = device.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(prefix)) throw new UsageError('DEVICE is a device key: 64 hex digits, or a prefix of at least 8');
    const matches = t.directory.all().filter((e) => toHex(e.deviceKey).startsWith(prefix));
    if (matches.length !== 1) throw new UsageError(matches.length === 0 ? `no verified device ${prefix}` : `${prefix} matches ${matches.length} devices: give more digits`);
    const receipt = await removeMember(t, charter, matches[0]!.deviceKey);
    if (args.booleans.has('json')) {
      print(JSON.stringify({ channel: charter.name, id: toHex(charter.channelId), commitSeq: receipt.seq, removed: deviceJson(matches[0]!) }));
      return 0;
    }
    print(`removed ${matches[0]!.party} / ${matches[0]!.member} from ${charter.name}: commit at seq ${receipt.seq}`);
    return 0;
  });
}

export async function runChannel(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print, host } = io;
  const path = (file: string | undefined) => (file === undefined ? undefined : resolve(io.cwd, file));
  const { name: command, spec, rest } = splitSubcommand(argv, CHANNEL);
  if (spec === undefined) throw new UsageError(command === undefined ? 'channel needs a command: create, show, sign, open, join, list, add or remove' : `unknown channel command ${JSON.stringify(command)}`);
  const args = parseCommand(rest, spec);
  const [operand, ...extra] = args.positionals;
  if (extra.length > (command === 'remove' ? 1 : 0)) throw new UsageError(`unexpected argument ${JSON.stringify(extra.at(-1))}`);
  switch (command) {
    case 'create':
      return create(args, operand, print);
    case 'show':
      if (operand === undefined) throw new UsageError('channel show needs the charter FILE');
      print(args.booleans.has('json') ? JSON.stringify({ file: operand, charter: charterView(readCharterFile(path(operand)!)) }) : describeCharter(charterView(readCharterFile(path(operand)!))));
      return 0;
    case 'sign':
      return sign(args, path(operand), print);
    case 'open':
      return await open(host, args, path(operand), print);
    case 'join':
      return await join(host, args, print);
    case 'list':
      return await list(host, args, print);
    case 'add':
      return await add(host, args, operand, print);
    case 'remove':
      return await remove(host, args, operand, extra[0], print);
    default:
      throw new UsageError(command === undefined ? 'channel needs a command: create, show, sign, open, join, list, add or remove' : `unknown channel command ${JSON.stringify(command)}`);
  }
}

/** --forward-to: whole channel ids (32 hex digits), as hotline channel list --json prints them. */
function forwardTargetsFrom(args: ParsedArgs): Uint8Array[] {
  return (args.repeated.get('forward-to') ?? []).map((text) => {
    const id = fromHex(text.toLowerCase());
    if (!/^[0-9a-fA-F]{32}$/.test(text) || id === undefined) throw new UsageError(`--forward-to takes a channel id of 32 hex digits (hotline channel list --json), got ${JSON.stringify(text.slice(0, 40))}`);
    return id;
  });
}
