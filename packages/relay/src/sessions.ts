/**
 * Device login by challenge–response (docs/spec/protocol.md §9) and bearer sessions. Both maps
 * are bounded: the oldest entries are evicted first, so a flood of challenge requests costs
 * memory proportional to the bound, not to the flood.
 */
import { randomBytes } from 'node:crypto';
import { bytesEqual, toHex } from '@hotline/log';
import { CHALLENGE_SIZE, verifyLogin } from '@hotline/protocol';
import { unauthorized } from './errors.js';

export interface SessionOptions {
  readonly origin: string;
  readonly challengeTtlMs: number;
  readonly sessionTtlMs: number;
  readonly maxChallenges: number;
  readonly maxSessions: number;
  readonly now?: () => number;
}

interface Challenge {
  readonly challenge: Uint8Array;
  readonly expiresAt: number;
}

export interface Session {
  readonly deviceKey: Uint8Array;
  readonly expiresAt: number;
}

function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

export class Sessions {
  private readonly challenges = new Map<string, Challenge>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: SessionOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Issues a fresh challenge for a device, replacing any earlier one. */
  challenge(deviceKey: Uint8Array): Challenge {
    const entry = { challenge: new Uint8Array(randomBytes(CHALLENGE_SIZE)), expiresAt: this.now() + this.options.challengeTtlMs };
    const k = toHex(deviceKey);
    this.challenges.delete(k);
    this.challenges.set(k, entry);
    evictOldest(this.challenges, this.options.maxChallenges);
    return entry;
  }

  /** Checks the signed challenge (single use) and opens a session; throws 401 otherwise. */
  login(deviceKey: Uint8Array, challenge: Uint8Array, signature: Uint8Array): { token: string; expiresAt: number } {
    const k = toHex(deviceKey);
    const issued = this.challenges.get(k);
    this.challenges.delete(k); // single use, whatever the outcome
    if (issued === undefined || issued.expiresAt <= this.now()) throw unauthorized('no live challenge for this device; request a new one');
    if (!bytesEqual(issued.challenge, challenge)) throw unauthorized('challenge does not match the one issued');
    if (!verifyLogin(this.options.origin, challenge, deviceKey, signature)) throw unauthorized('login signature does not verify for this device key and relay');
    const token = randomBytes(32).toString('base64url');
    const session = { deviceKey: deviceKey.slice(), expiresAt: this.now() + this.options.sessionTtlMs };
    this.sessions.set(token, session);
    evictOldest(this.sessions, this.options.maxSessions);
    return { token, expiresAt: session.expiresAt };
  }

  /** The session for a bearer token, if it exists and has not expired. */
  authenticate(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return session;
  }

  /** Ends every session of a device (on revocation). */
  endDevice(deviceKey: Uint8Array): void {
    for (const [token, session] of this.sessions) if (bytesEqual(session.deviceKey, deviceKey)) this.sessions.delete(token);
  }
}
