/** `hotline party` — a party's root key and the counterparty roots it trusts. */
import { formatVerifierKey } from '@hotline/log';
import { fromHex, toHex } from '@hotline/log';
import { isRole } from '@hotline/protocol';
import { enrolDevice, findOwnDevice, KeyStore, revokeDevice } from '@hotline/terminal';
import { withTerminal } from '../session.js';
import type { CommandIo } from '../command-io.js';
import { integerFlag, parseCommand, splitSubcommand, UsageError, type CommandSpec, type OptionSpec } from '../args.js';
import { existingHome, HOME_OPTION, passphrase, terminalHome } from '../home.js';
import { requirePartyName } from '../party-name.js';

const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', description: 'machine-readable output' };

const PASSPHRASE = `Environment:
  HOTLINE_PASSPHRASE   if set at 'create', the key file is sealed with it (scrypt + AES-256-GCM),
                       and it is then needed to use the key. Key files are always mode 0600.`;

function partyCommand(name: string, spec: Omit<CommandSpec, 'command' | 'options' | 'footer'>, options: readonly OptionSpec[] = []): CommandSpec {
  return { command: `party ${name}`, ...spec, options: [...options, HOME_OPTION, JSON_OPTION], footer: PASSPHRASE };
}

export const PARTY: CommandSpec = {
  command: 'party',
  summary: "create this party's root key, export it, pin other parties' roots, certify devices",
  description: `Manage this terminal's party root key and the roots of the parties it talks to. Parties
exchange root keys once, out of band (in person, by a call you trust), as C2SP vkeys.`,
  options: [],
  footer: PASSPHRASE,
  subcommands: [
    partyCommand('create', { operands: 'NAME', summary: 'create the party root key for NAME (e.g. washington) and print its vkey', description: 'Creates the party root key for NAME (e.g. washington) and prints its vkey.' }),
    partyCommand('export', { summary: "print this party's root vkey, to give to the other parties", description: "Prints this party's root vkey, to give to the other parties." }),
    partyCommand('trust', { operands: 'VKEY', summary: "pin another party's root vkey, as received out of band", description: "Pins another party's root vkey, as received out of band." }),
    partyCommand('list', { summary: 'show this party and the pinned parties', description: 'Shows this party and the pinned parties.' }),
    partyCommand('enrol', {
      operands: 'DEVICE',
      summary: "certify a device key (64 hex digits, from 'hotline init') for a member; prints the certificate (base64) to hand back to that device",
      description: `Certifies a device key (64 hex digits, from 'hotline init') for a member; prints the
certificate (base64) to hand back to that device.`,
    }, [
      { name: 'member', type: 'string', placeholder: 'NAME', required: true, description: 'the member the device belongs to' },
      { name: 'role', type: 'string', multiple: true, placeholder: 'ROLE', description: 'principal, operator, translator, observer, admin' },
      { name: 'days', type: 'string', placeholder: 'N', default: '365', description: 'how long the certificate is valid (1–3650)' },
    ]),
    partyCommand('revoke', {
      operands: 'DEVICE',
      summary: "revoke one of this party's devices (its key in hex, or a unique prefix of at least 8 hex digits) in the logged directory",
      description: `Signs a revocation of one of this party's devices with the party root and hands it to the
relay, which appends it to the logged directory: from that point of the log every terminal
refuses the device as an author. Every running terminal of a member device with the admin
role then removes it from each channel it is in (exactly one removal commit per channel, even
if several race or the channel's opener is gone), so it cannot read what follows. DEVICE is the device key in hex (hotline status shows keys) or
a unique prefix of at least 8 hex digits among this party's verified devices. Run it on the
administrator's home: it needs the party root and this home's relay.`,
    }, [
      { name: 'reason', type: 'string', placeholder: 'TEXT', default: 'revoked by the party administrator', description: 'why, recorded in the signed revocation' },
    ]),
  ],
};

export async function runParty(argv: readonly string[], io: CommandIo): Promise<number> {
  const { print } = io;
  const { name: command, spec, rest } = splitSubcommand(argv, PARTY);
  if (spec === undefined) throw new UsageError(command === undefined ? 'party needs a command: create, export, trust, list, enrol or revoke' : `unknown party command ${JSON.stringify(command)}`);
  const args = parseCommand(rest, spec);
  const [operand, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const json = args.booleans.has('json');
  // Checked before the key store opens (and makes the home): bad input creates nothing.
  if (command === 'create') {
    if (operand === undefined) throw new UsageError('party create needs a NAME');
    requirePartyName(operand);
  }
  // Only 'create' makes a home; every other command needs one that exists.
  const store = new KeyStore(command === 'create' ? terminalHome(args) : existingHome(args));
  switch (command) {
    case 'create': {
      const key = store.createParty(operand!, passphrase());
      const vkey = store.exportParty(passphrase());
      print(json ? JSON.stringify({ party: key.name, vkey }) : `created party ${key.name}${passphrase() === undefined ? '' : ' (key sealed with HOTLINE_PASSPHRASE)'}\nroot vkey (give it to the other parties): ${vkey}`);
      return 0;
    }
    case 'export':
      print(json ? JSON.stringify({ vkey: store.exportParty(passphrase()) }) : store.exportParty(passphrase()));
      return 0;
    case 'trust': {
      if (operand === undefined) throw new UsageError('party trust needs a VKEY');
      const root = store.trust(operand);
      print(json ? JSON.stringify({ party: root.name, vkey: formatVerifierKey(root) }) : `pinned party ${root.name}: ${formatVerifierKey(root)}`);
      return 0;
    }
    case 'list': {
      let own: string | undefined;
      try {
        own = store.exportParty(passphrase());
      } catch {
        own = undefined;
      }
      const trusted = store.trusted().map((k) => formatVerifierKey(k));
      print(json ? JSON.stringify({ party: own ?? null, trusted }) : [`this party: ${own ?? '(none, or sealed)'}`, ...trusted.map((t) => `trusted:    ${t}`)].join('\n'));
      return 0;
    }
    case 'enrol': {
      const deviceKey = operand === undefined ? undefined : fromHex(operand);
      if (deviceKey === undefined || deviceKey.length !== 32) throw new UsageError('party enrol needs the device key: 64 lowercase hex digits');
      const member = args.values.get('member')!; // required by the table
      const roles = (args.repeated.get('role') ?? []).map((r) => {
        if (!isRole(r)) throw new UsageError(`unknown role ${JSON.stringify(r)} (principal, operator, translator, observer, admin)`);
        return r;
      });
      const cert = enrolDevice(store.party(passphrase()), { deviceKey, member, roles, days: integerFlag(args, 'days', 365, 1, 3650) }, store);
      const encoded = Buffer.from(cert.bytes).toString('base64');
      print(json ? JSON.stringify({ certificate: encoded }) : encoded);
      return 0;
    }
    case 'revoke': {
      if (operand === undefined) throw new UsageError('party revoke needs the DEVICE: its key in hex, or a unique prefix of at least 8 hex digits');
      const root = store.party(passphrase());
      return await withTerminal(io.host, args, async (t) => {
        await t.refresh();
        const deviceKey = findOwnDevice(t, operand.toLowerCase());
        const receipt = await revokeDevice(t, root, deviceKey, args.values.get('reason') ?? 'revoked by the party administrator');
        print(json ? JSON.stringify({ revoked: toHex(deviceKey), logIndex: receipt.logIndex }) : `revoked device ${toHex(deviceKey)} of ${root.name}: log index ${receipt.logIndex}; the running terminal of each channel's opener removes it from the channel`);
        return 0;
      });
    }
    default:
      throw new UsageError(command === undefined ? 'party needs a command: create, export, trust, list, enrol or revoke' : `unknown party command ${JSON.stringify(command)}`);
  }
}
