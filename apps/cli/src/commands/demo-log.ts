/**
 * `hotline demo log` — a walk through the transparency log every Hotline exchange lands in: a
 * relay's log signs a checkpoint, each party's witness cosigns it, an offline receipt for one
 * entry verifies against the parties' policy, and each kind of tampering is caught and named.
 * Everything is real: fresh Ed25519 keys, RFC 6962 tree, C2SP formats.
 */
import {
  addSignatures,
  cosigner,
  formatCheckpoint,
  formatTlogProof,
  formatVerifierKey,
  generateSignerKey,
  inclusionProof,
  KeyType,
  leafHash,
  noteSigner,
  parsePolicy,
  signatureLine,
  signNote,
  TileBuilder,
  TileHashReader,
  tilePath,
  utf8,
  verifierKeyOf,
  verifyTlogProof,
  type Result,
  type SignerKey,
} from '@hotline/log';
import { integerFlag, parseCommand, type CommandSpec } from '../args.js';

export const DEMO_LOG: CommandSpec = {
  command: 'demo log',
  summary: 'walk through the transparency log alone: checkpoint, witness cosignatures, an offline receipt, and tampering caught',
  description: `Walks through the transparency log every Hotline exchange lands in:
  1. a relay log with a fresh Ed25519 key appends N entries and publishes C2SP tiles;
  2. it signs a checkpoint; the Washington and Moscow witnesses each cosign it;
  3. an offline receipt (c2sp.org/tlog-proof) for one entry is issued;
  4. the receipt verifies against the parties' policy (log + both witnesses);
  5. a changed entry, a changed checkpoint and a missing cosignature are each caught
     and named.`,
  options: [
    { name: 'entries', type: 'string', placeholder: 'N', default: '1000', description: 'entries to append (1–1000000)' },
    { name: 'json', type: 'boolean', description: 'print the results as JSON' },
  ],
  footer: 'Exit status: 0 when every honest check passed and every tampered one failed, 1 otherwise.',
};

interface Check {
  readonly what: string;
  readonly expected: 'ok' | string;
  readonly got: string;
  readonly message: string;
}

function outcome(result: Result<unknown>): { got: string; message: string } {
  return result.ok ? { got: 'ok', message: 'verified' } : { got: result.error.code, message: result.error.message };
}

function entryFor(i: number): Uint8Array {
  return utf8(`hotline demo entry ${i}`);
}

async function buildLog(entries: number) {
  const builder = TileBuilder.empty();
  const tiles = new Map<string, Uint8Array>();
  const leaves = Array.from({ length: entries }, (_, i) => leafHash(entryFor(i)));
  for (const tile of [...builder.append(leaves), ...builder.partialTiles()]) tiles.set(tilePath(tile.level, tile.index, tile.width), tile.hashes);
  return { root: builder.root(), tiles };
}

function cosign(body: string, witnesses: readonly SignerKey[]): string[] {
  return witnesses.map((w) => {
    const signer = cosigner(w);
    return signatureLine(signer.name, signer.keyId, signer.sign(utf8(body)));
  });
}

export async function runLogDemo(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const args = parseCommand(argv, DEMO_LOG);
  const entries = integerFlag(args, 'entries', 1000, 1, 1_000_000);
  const json = args.booleans.has('json');
  const say = json ? () => undefined : print;

  const logKey = generateSignerKey('demo.hotline.example/log');
  const washington = generateSignerKey('witness.washington.example', KeyType.cosignatureV1);
  const moscow = generateSignerKey('witness.moscow.example', KeyType.cosignatureV1);
  say('Hotline log demo: fresh keys, a real RFC 6962 tree, C2SP formats.\n');
  say(`log key        ${formatVerifierKey(verifierKeyOf(logKey))}`);
  say(`witness (WA)   ${formatVerifierKey(verifierKeyOf(washington))}`);
  say(`witness (MOW)  ${formatVerifierKey(verifierKeyOf(moscow))}\n`);

  const { root, tiles } = await buildLog(entries);
  say(`appended ${entries.toLocaleString('en-US')} entries; ${tiles.size} tiles published`);
  const body = formatCheckpoint({ origin: logKey.name, size: entries, rootHash: root, extensions: [] });
  const signed = signNote(body, [noteSigner(logKey)]);
  const [waLine, mowLine] = cosign(body, [washington, moscow]) as [string, string];
  const checkpoint = addSignatures(signed, [waLine, mowLine]);
  say(`\ncheckpoint, signed by the log and cosigned by both witnesses:\n${checkpoint}`);

  const index = Math.floor(entries / 2);
  const reader = new TileHashReader(entries, (l, n, w) => tiles.get(tilePath(l, n, w))!);
  const proof = await inclusionProof(index, entries, reader);
  if (!proof.ok) throw new Error(`could not build the demo proof: ${proof.error.message}`);
  const receipt = formatTlogProof({ index, inclusionProof: proof.value, checkpoint });
  say(`receipt for entry ${index} ("${new TextDecoder().decode(entryFor(index))}"), built from tiles alone:\n${receipt}`);

  const policyText = [
    `log ${formatVerifierKey(verifierKeyOf(logKey))}`,
    `witness WA ${formatVerifierKey(verifierKeyOf(washington))}`,
    `witness MOW ${formatVerifierKey(verifierKeyOf(moscow))}`,
    'group both all WA MOW',
    'quorum both',
  ].join('\n');
  const policy = parsePolicy(policyText);
  if (!policy.ok) throw new Error(`demo policy did not parse: ${policy.error.message}`);
  say(`policy (c2sp.org/tlog-policy):\n${policyText}\n`);

  const leaf = leafHash(entryFor(index));
  const checks: Check[] = [
    { what: 'honest receipt', expected: 'ok', ...outcome(verifyTlogProof(receipt, leaf, policy.value)) },
    { what: 'entry changed by one byte', expected: 'root_mismatch', ...outcome(verifyTlogProof(receipt, leafHash(entryFor(index + 1)), policy.value)) },
    { what: 'checkpoint size rewritten', expected: 'bad_signature', ...outcome(verifyTlogProof(receipt.replace(`\n${entries}\n`, `\n${entries + 1}\n`), leaf, policy.value)) },
    { what: 'Moscow cosignature withheld', expected: 'quorum_not_met', ...outcome(verifyTlogProof(receipt.replace(mowLine, ''), leaf, policy.value)) },
  ];
  for (const c of checks) {
    const verdict = c.got === c.expected ? (c.expected === 'ok' ? 'VERIFIED' : 'CAUGHT  ') : 'WRONG   ';
    say(`${verdict}  ${c.what.padEnd(28)} ${c.got === 'ok' ? '' : `${c.got}: ${c.message}`}`.trimEnd());
  }
  const allAsExpected = checks.every((c) => c.got === c.expected);
  if (json) print(JSON.stringify({ entries, checkpoint, receipt, policy: policyText, checks }, null, 2));
  else say(allAsExpected ? '\nEvery honest check passed and every tampering was caught.' : '\nSOMETHING IS WRONG: see above.');
  return allAsExpected ? 0 : 1;
}
