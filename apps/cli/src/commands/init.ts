/** `hotline init` — set up this terminal's device: key, certificate, registration at the relay. */
import { toHex } from '@hotline/log';
import { RelayClient } from '@hotline/relay/client';
import { certificateForDevice, enrolDevice, HotlineError, isRelayUnavailable, KeyStore, relayFailure } from '@hotline/terminal';
import { decodeDeviceCertificate, isRole } from '@hotline/protocol';
import { parsePolicy } from '@hotline/log';
import { readFileSync } from 'node:fs';
import { openTerminal } from '../session.js';

function readPolicy(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read the witness policy file ${path}`);
  }
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new UsageError(`${path}: ${parsed.error.message}`);
  return text;
}
import { parseCommand, UsageError, type CommandSpec } from '../args.js';
import { HOME_OPTION, passphrase, terminalHome } from '../home.js';

export const INIT: CommandSpec = {
  command: 'init',
  summary: "set up this terminal's device key and register it",
  description: `Sets up this terminal's device, in up to two steps:

  1. hotline init --relay URL
       creates the device key (0600) and prints it with the command your party's
       administrator runs to certify it:  hotline party enrol DEVICEKEY --member ... --role ...
  2. hotline init --relay URL --certificate BASE64
       checks the certificate names this device and registers it in the relay's directory.

On the administrator's own terminal (a home holding party.key), one step does both:
  hotline init --relay URL --member NAME --role ROLE [--role ROLE]...`,
  options: [
    { name: 'relay', type: 'string', placeholder: 'URL', required: true, multiple: true, description: 'the relay this terminal uses (saved in the home); repeat it for each node of a relay cluster over one log: the terminal uses the first that answers' },
    { name: 'policy', type: 'string', placeholder: 'FILE', description: 'the witness policy (c2sp.org/tlog-policy) checkpoints must meet; without it, the policy of the first channel this terminal opens or joins' },
    { name: 'certificate', type: 'string', placeholder: 'B64', description: "the certificate from 'hotline party enrol'" },
    { name: 'member', type: 'string', placeholder: 'NAME', description: "with --role: certify this device with the home's party key" },
    { name: 'role', type: 'string', multiple: true, placeholder: 'ROLE', description: 'principal, operator, translator, observer, admin' },
    { name: 'json', type: 'boolean', description: 'machine-readable output (docs/spec/cli.md): {"deviceKey","created","registered",…}, the whole device key' },
    HOME_OPTION,
  ],
  footer: `Environment: HOTLINE_PASSPHRASE seals the device key at creation and opens sealed keys.
Exit status: 0 registered (or key created, step 1), 1 the relay refused, 2 bad usage, 3 the relay
cannot be reached or is not serving.`,
};

/** Registers the certificate at the first relay node that answers (they share one directory). */
async function registerAtFirstAnswering(relays: readonly string[], certificate: Uint8Array): Promise<{ logIndex: number }> {
  let lastError: unknown;
  for (const url of relays) {
    try {
      return await new RelayClient(url).registerDevice(certificate);
    } catch (error) {
      if (!isRelayUnavailable(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

export async function runInit(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseCommand(argv, INIT);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const relays = (args.repeated.get('relay') ?? []).map((r) => {
    if (!/^https?:\/\/[^\s]+$/.test(r)) throw new UsageError(`--relay ${JSON.stringify(r)} is not an http:// or https:// URL`);
    return r.replace(/\/+$/, '');
  }); // at least one: required by the table
  if (new Set(relays).size !== relays.length) throw new UsageError('--relay names the same relay twice');
  const relay = relays[0]!;
  const json = args.booleans.has('json');
  const say = json ? () => undefined : print;
  try {
    const store = new KeyStore(terminalHome(args));
    const { signer, created } = store.device(passphrase());
    const policyFile = args.values.get('policy');
    const policy = policyFile === undefined ? store.config()?.policy : readPolicy(policyFile);
    store.saveConfig({ relay, ...(relays.length > 1 ? { relays } : {}), ...(policy === undefined ? {} : { policy }) });
    let certificate: Uint8Array | undefined;
    const given = args.values.get('certificate');
    const member = args.values.get('member');
    if (given !== undefined) {
      certificate = certificateForDevice(new Uint8Array(Buffer.from(given, 'base64')), signer.publicKey).bytes;
    } else if (member !== undefined) {
      const roles = (args.repeated.get('role') ?? []).map((r) => {
        if (!isRole(r)) throw new UsageError(`unknown role ${JSON.stringify(r)}`);
        return r;
      });
      certificate = enrolDevice(store.party(passphrase()), { deviceKey: signer.publicKey, member, roles, days: 365 }, store).bytes;
    }
    if (certificate === undefined) {
      if (json) print(JSON.stringify({ deviceKey: toHex(signer.publicKey), created, registered: false }));
      else print(`${created ? 'created' : 'this is'} device key ${toHex(signer.publicKey)}\nask your party's administrator to run:\n  hotline party enrol ${toHex(signer.publicKey)} --member "<name>" --role <role>\nthen: hotline init ${relays.map((r) => `--relay ${r}`).join(' ')} --certificate <what it printed>`);
      return 0;
    }
    const receipt = await registerAtFirstAnswering(relays, certificate);
    store.saveCertificate(certificate);
    say(`registered device ${toHex(signer.publicKey).slice(0, 16)}… in the relay's directory (log index ${receipt.logIndex})`);
    const cert = decodeDeviceCertificate(certificate);
    const ownRootPinned = cert.ok && store.trusted().some((k) => k.name === cert.value.party);
    if (cert.ok && !ownRootPinned) {
      say(`pin your own party's root too, so this terminal can verify its directory: hotline party trust <${cert.value.party}'s vkey>`);
    }
    const terminal = openTerminal(args);
    let published: number;
    try {
      published = await terminal.topUpKeyPackages();
      if (published > 0) say(`published ${published} MLS key package(s), so channels can add this device`);
    } finally {
      terminal.close();
    }
    if (json) {
      const who = cert.ok ? { party: cert.value.party, member: cert.value.member, roles: cert.value.roles } : {};
      print(JSON.stringify({ deviceKey: toHex(signer.publicKey), created, registered: true, logIndex: receipt.logIndex, ...who, ownRootPinned, keyPackagesPublished: published }));
    }
    return 0;
  } catch (error) {
    // Said of the registration, the step that reached the relay; any other failure as it is.
    const refused = relayFailure(error);
    if (refused?.code === 'relay_refused') throw new HotlineError('relay_refused', `the relay refused the registration: ${(error as Error).message}`, refused.subject, { cause: error });
    throw error;
  }
}
