/**
 * c2sp.org/tlog-policy: which logs are accepted, which witnesses are known, and the quorum of
 * witnesses (possibly nested groups with thresholds) a checkpoint needs.
 *
 * The file is octets; names are opaque octet strings (kept here as one JavaScript character per
 * byte, so a Kelvin sign and a "K" stay different names), while vkeys and URLs are read as UTF-8.
 */
import { isWellFormedText, parseSafeDecimal, utf8 } from './bytes.js';
import { cosignatureVerifier, type CosignatureVerifier } from './cosignature.js';
import { KeyType, parseVerifierKey, type VerifierKey } from './keys.js';
import type { NoteVerifier } from './note.js';
import { fail, ok, type Result } from './result.js';
import { noteVerifier } from './signers.js';

/** Well above the spec's recommended minimum of 32 logs, 32 witnesses and 32 groups. */
export const MAX_POLICY_ITEMS = 256;
export const QUORUM_NONE = 'none';
/** 256 witness lines with URLs fit in well under this. */
export const MAX_POLICY_BYTES = 256 * 1024;

export interface PolicyLog {
  readonly key: VerifierKey;
  readonly verifier: NoteVerifier;
  readonly url?: string;
}

export interface PolicyWitness {
  readonly name: string;
  readonly key: VerifierKey;
  readonly verifier: CosignatureVerifier;
  readonly url?: string;
}

export interface PolicyGroup {
  readonly name: string;
  /** At least this many members must have witnessed (1 ≤ threshold ≤ members.length). */
  readonly threshold: number;
  readonly members: readonly string[];
}

export interface Policy {
  readonly logs: readonly PolicyLog[];
  readonly witnesses: readonly PolicyWitness[];
  readonly groups: readonly PolicyGroup[];
  /** A witness or group name, or `none` for no cosignature requirement. */
  readonly quorum: string;
}

function octetsToText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function textToOctets(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function decodeUtf8Token(token: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(textToOctets(token));
  } catch {
    return undefined;
  }
}

function samePublicKey(a: VerifierKey, b: VerifierKey): boolean {
  return a.publicKey.every((byte, i) => byte === b.publicKey[i]);
}

class PolicyBuilder {
  readonly logs: PolicyLog[] = [];
  readonly witnesses: PolicyWitness[] = [];
  readonly groups: PolicyGroup[] = [];
  quorum: string | undefined;
  private readonly names = new Set<string>();

  constructor(private readonly lineNumber: () => number) {}

  bad(why: string): Result<never> {
    return fail('malformed_policy', `policy line ${this.lineNumber()}: ${why}`);
  }

  private key(token: string, type: KeyType, role: string): Result<VerifierKey> {
    const text = decodeUtf8Token(token);
    if (text === undefined) return this.bad(`${role} vkey is not valid UTF-8`);
    const key = parseVerifierKey(text);
    if (!key.ok) return this.bad(key.error.message);
    if (key.value.type !== type) return this.bad(`${role} vkey must have signature type 0x0${type}`);
    return key;
  }

  private url(token: string | undefined): Result<string | undefined> {
    if (token === undefined) return ok(undefined);
    const text = decodeUtf8Token(token);
    return text === undefined ? this.bad('URL is not valid UTF-8') : ok(text);
  }

  addLog(args: readonly string[]): Result<true> {
    if (args.length < 1 || args.length > 2) return this.bad('expected: log <vkey> [<url>]');
    const key = this.key(args[0]!, KeyType.ed25519, 'log');
    const url = this.url(args[1]);
    if (!key.ok) return key;
    if (!url.ok) return url;
    if (this.logs.some((l) => samePublicKey(l.key, key.value))) return this.bad('duplicate log public key');
    if (this.logs.length === MAX_POLICY_ITEMS) return this.bad(`more than ${MAX_POLICY_ITEMS} logs`);
    this.logs.push({ key: key.value, verifier: noteVerifier(key.value), ...(url.value === undefined ? {} : { url: url.value }) });
    return ok(true);
  }

  private defineName(name: string): Result<true> {
    if (name === QUORUM_NONE) return this.bad('"none" is reserved and cannot name a witness or group');
    if (this.names.has(name)) return this.bad(`name ${JSON.stringify(name)} is already defined`);
    this.names.add(name);
    return ok(true);
  }

  addWitness(args: readonly string[]): Result<true> {
    if (args.length < 2 || args.length > 3) return this.bad('expected: witness <name> <vkey> [<url>]');
    const name = args[0]!;
    const key = this.key(args[1]!, KeyType.cosignatureV1, 'witness');
    const url = this.url(args[2]);
    if (!key.ok) return key;
    if (!url.ok) return url;
    if (this.witnesses.some((w) => samePublicKey(w.key, key.value))) return this.bad('duplicate witness public key');
    if (this.witnesses.length === MAX_POLICY_ITEMS) return this.bad(`more than ${MAX_POLICY_ITEMS} witnesses`);
    const defined = this.defineName(name);
    if (!defined.ok) return defined;
    this.witnesses.push({ name, key: key.value, verifier: cosignatureVerifier(key.value), ...(url.value === undefined ? {} : { url: url.value }) });
    return ok(true);
  }

  addGroup(args: readonly string[]): Result<true> {
    if (args.length < 3) return this.bad('expected: group <name> <all|any|k> <member>...');
    const [name, rule, ...members] = args as [string, string, ...string[]];
    for (const member of members) {
      if (member === QUORUM_NONE) return this.bad('"none" cannot be a group member');
      if (!this.names.has(member)) return this.bad(`group member ${JSON.stringify(member)} is not defined on an earlier line`);
    }
    if (new Set(members).size !== members.length) return this.bad('a group lists each member at most once');
    const k = rule === 'all' ? members.length : rule === 'any' ? 1 : parseSafeDecimal(rule);
    if (typeof k !== 'number' || k < 1 || k > members.length) return this.bad(`threshold must be all, any or a number from 1 to ${members.length}`);
    if (this.groups.length === MAX_POLICY_ITEMS) return this.bad(`more than ${MAX_POLICY_ITEMS} groups`);
    const defined = this.defineName(name);
    if (!defined.ok) return defined;
    this.groups.push({ name, threshold: k, members });
    return ok(true);
  }

  setQuorum(args: readonly string[]): Result<true> {
    if (args.length !== 1) return this.bad('expected: quorum <name>');
    if (this.quorum !== undefined) return this.bad('a policy has exactly one quorum line');
    const name = args[0]!;
    if (name !== QUORUM_NONE && !this.names.has(name)) return this.bad(`quorum ${JSON.stringify(name)} is not defined on an earlier line`);
    this.quorum = name;
    return ok(true);
  }
}

function checkOctets(bytes: Uint8Array): Result<true> {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x09 && b !== 0x0a && (b < 0x20 || b === 0x7f)) {
      return fail('malformed_policy', `policy contains the forbidden control byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}`);
    }
  }
  return ok(true);
}

/** Splits on runs of spaces and tabs in one linear pass (no backtracking regex on hostile lines). */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 0x20;
    const blank = c === 0x20 || c === 0x09;
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      tokens.push(line.slice(start, i));
      start = -1;
    }
  }
  return tokens;
}

export function parsePolicy(input: string | Uint8Array): Result<Policy> {
  if (input.length > MAX_POLICY_BYTES) return fail('malformed_policy', `policy is larger than ${MAX_POLICY_BYTES} bytes`);
  if (typeof input === 'string' && !isWellFormedText(input)) return fail('malformed_policy', 'policy has a lone UTF-16 surrogate');
  const bytes = typeof input === 'string' ? utf8(input) : input;
  const octets = checkOctets(bytes);
  if (!octets.ok) return octets;
  const lines = octetsToText(bytes).split('\n');
  let lineNumber = 0;
  const builder = new PolicyBuilder(() => lineNumber);
  for (const line of lines) {
    lineNumber++;
    const tokens = tokenize(line);
    if (tokens.length === 0 || tokens[0]!.startsWith('#')) continue;
    const [keyword, ...args] = tokens as [string, ...string[]];
    const added =
      keyword === 'log' ? builder.addLog(args)
      : keyword === 'witness' ? builder.addWitness(args)
      : keyword === 'group' ? builder.addGroup(args)
      : keyword === 'quorum' ? builder.setQuorum(args)
      : builder.bad(`unknown keyword ${JSON.stringify(keyword)} (expected log, witness, group or quorum)`);
    if (!added.ok) return added;
  }
  if (builder.quorum === undefined) return fail('malformed_policy', 'policy has no quorum line');
  return ok({ logs: builder.logs, witnesses: builder.witnesses, groups: builder.groups, quorum: builder.quorum });
}

/** Whether the witnesses named in `witnessed` (policy names) satisfy the policy's quorum. */
export function quorumSatisfied(policy: Policy, witnessed: ReadonlySet<string>): boolean {
  if (policy.quorum === QUORUM_NONE) return true;
  // Groups only name earlier definitions, so one pass in definition order evaluates each group
  // once: linear in the policy, where naive recursion is exponential in shared sub-groups.
  const satisfied = new Map<string, boolean>();
  for (const w of policy.witnesses) satisfied.set(w.name, witnessed.has(w.name));
  for (const group of policy.groups) {
    let count = 0;
    for (const member of group.members) if (satisfied.get(member) === true) count++;
    satisfied.set(group.name, count >= group.threshold);
  }
  return satisfied.get(policy.quorum) === true;
}
