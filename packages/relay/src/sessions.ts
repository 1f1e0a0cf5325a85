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

/** Sessions one device may hold; beyond it, that device's own oldest session ends. */
const MAX_SESSIONS_PER_DEVICE = 16;

export class Sessions {
  /** Challenges by their own value (hex): several may be pending per device, each used once. */
  private readonly challenges = new Map<string, Challenge & { readonly deviceKey: string }>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: SessionOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Issues a fresh challenge for a device. Earlier challenges stay valid until used or expired,
   * so nobody can invalidate another device's pending login by asking for, or failing, one.
   */
  challenge(deviceKey: Uint8Array): Challenge {
    const entry = { challenge: new Uint8Array(randomBytes(CHALLENGE_SIZE)), expiresAt: this.now() + this.options.challengeTtlMs, deviceKey: toHex(deviceKey) };
    this.challenges.set(toHex(entry.challenge), entry);
    evictOldest(this.challenges, this.options.maxChallenges);
    return entry;
  }

  /** Checks the signed challenge (single use) and opens a session; throws 401 otherwise. */
  login(deviceKey: Uint8Array, challenge: Uint8Array, signature: Uint8Array): { token: string; expiresAt: number } {
    const issued = this.challenges.get(toHex(challenge));
    if (issued === undefined || issued.deviceKey !== toHex(deviceKey) || issued.expiresAt <= this.now()) {
      throw unauthorized('no live challenge like this for this device; request a new one');
    }
    if (!verifyLogin(this.options.origin, challenge, deviceKey, signature)) throw unauthorized('login signature does not verify for this device key and relay');
    this.challenges.delete(toHex(challenge)); // single use: only a correct answer consumes it
    const token = randomBytes(32).toString('base64url');
    const session = { deviceKey: deviceKey.slice(), expiresAt: this.now() + this.options.sessionTtlMs };
    this.limitDevice(deviceKey);
    this.sessions.set(token, session);
    evictOldest(this.sessions, this.options.maxSessions);
    return { token, expiresAt: session.expiresAt };
  }

  /** Keeps a device under its own session limit, so one device cannot push others out. */
  private limitDevice(deviceKey: Uint8Array): void {
    const own = [...this.sessions].filter(([, s]) => bytesEqual(s.deviceKey, deviceKey));
    for (const [token] of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_DEVICE + 1))) this.sessions.delete(token);
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
