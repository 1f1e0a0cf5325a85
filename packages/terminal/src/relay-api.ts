/**
 * What the terminal needs from a relay (docs/spec/relay-api.md), as an interface the terminal
 * owns: the terminal trusts none of the answers — every one is checked against the log, the
 * directory or MLS — and depends on no relay code. `@hotline/relay/client`'s RelayClient
 * implements it.
 */
import type { Delivery } from '@hotline/protocol';
import { CatchUpError, HotlineError } from './errors.js';

export interface RelayReceipt {
  readonly seq: number;
  readonly logIndex: number;
  readonly chainHash: Uint8Array;
  readonly receivedAt: number;
  readonly duplicate: boolean;
}

export interface Mail {
  readonly id: number;
  readonly sender: Uint8Array;
  readonly body: Uint8Array;
}

export interface RelayApi {
  /** GET /v1/quorum-checkpoint: the newest checkpoint with the cosignatures that met the relay's policy (signed note text). */
  checkpoint(): Promise<string>;
  tile(level: number, index: number, width: number): Promise<Uint8Array>;
  entryBundle(index: number, width: number): Promise<Uint8Array>;
  /** The registered certificate of a device, or undefined if the relay has none. */
  certificate(deviceKey: Uint8Array): Promise<Uint8Array | undefined>;
  /** GET /v1/revocations/<hash>: the logged revocation with this hash (its record's item hash), or undefined if the relay has none. */
  revocation(itemHash: Uint8Array): Promise<Uint8Array | undefined>;
  /** Logs in (once per client) with this device's key. */
  login(): Promise<void>;
  putMembership(channelId: Uint8Array, membership: Uint8Array): Promise<void>;
  /** The relay's current access list for a channel (protocol.md §8), or undefined if none. */
  membership(channelId: Uint8Array): Promise<Uint8Array | undefined>;
  submit(channelId: Uint8Array, envelope: Uint8Array): Promise<RelayReceipt>;
  envelopes(channelId: Uint8Array, from: number, limit: number): Promise<Delivery[]>;
  publishKeyPackage(keyPackage: Uint8Array): Promise<void>;
  /** One of the device's published key packages, removed from the relay; undefined if none is left. */
  claimKeyPackage(deviceKey: Uint8Array): Promise<Uint8Array | undefined>;
  sendWelcome(recipient: Uint8Array, body: Uint8Array): Promise<void>;
  welcomes(): Promise<Mail[]>;
  deleteMail(id: number): Promise<void>;
  /**
   * A push subscription (WebSocket) to these channels: `onDelivery` runs when the relay pushes
   * an envelope. Used as a wake-up only; everything is still read and verified as above.
   * Optional: without it, the running terminal polls on its tick.
   */
  /** POST /v1/revocations: a revocation signed by a party root, appended to the logged directory. */
  revokeDevice?(revocation: Uint8Array): Promise<RelayReceipt>;
  subscribe?(channels: readonly { channelId: Uint8Array; fromSeq: number }[], onDelivery: () => void): Promise<Subscription>;
}

export interface Subscription {
  /** Resolves when the socket closes, for whatever reason. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * How a RelayApi fails — the contract its implementations keep, so the terminal reads failures
 * without knowing the client's classes. A relay that answered with an error: an Error with the
 * HTTP `status` and the relay's own `code` (relay-api.md). One that could not be reached, or did
 * not answer in time: an Error with `transport` saying which (a DOMException `TimeoutError` or
 * `AbortError` from an abort signal counts as `timeout`). Both may carry the relay's `url`.
 */
export interface RelayAnswerError extends Error {
  readonly status: number;
  readonly code: string;
  readonly url?: string;
}

export interface RelayTransportError extends Error {
  readonly transport: 'unreachable' | 'timeout';
  readonly url?: string;
}

/** A failure wrapped by a catch-up (CatchUpError's `cause`) is read as the failure itself. */
function unwrapped(error: unknown): unknown {
  return error instanceof CatchUpError ? error.cause : error;
}

function answerOf(error: unknown): RelayAnswerError | undefined {
  const e = unwrapped(error);
  return e instanceof Error && typeof (e as { status?: unknown }).status === 'number' && typeof (e as { code?: unknown }).code === 'string' ? (e as RelayAnswerError) : undefined;
}

function transportOf(error: unknown): RelayTransportError['transport'] | undefined {
  const e = unwrapped(error);
  if (!(e instanceof Error)) return undefined;
  const transport = (e as { transport?: unknown }).transport;
  if (transport === 'unreachable' || transport === 'timeout') return transport;
  // Web-standard abort reasons (DOMException), as fetch and AbortSignal.timeout throw them.
  return e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : undefined;
}

/** True for a relay's answer that says it is not serving now (5xx, 429), not that it refuses. */
const notServing = (status: number) => status >= 500 || status === 429;

/**
 * True if `error` says the relay is not serving: it could not be reached at all (connection
 * refused or reset, DNS, a timeout), or it answered 5xx or 429 — as opposed to a relay that
 * answered and refused this request (other 4xx). Nothing was proven either way: the caller
 * keeps what it has, shows what the archive verified, and tries again later (exit 3 in the CLI).
 */
export function isRelayUnavailable(error: unknown): boolean {
  const answer = answerOf(error);
  return answer !== undefined ? notServing(answer.status) : transportOf(error) !== undefined;
}

/** True if `error` is an answer from the relay (it has an HTTP status), whatever it said. */
export function isRelayAnswer(error: unknown): boolean {
  return answerOf(error) !== undefined;
}

/**
 * The coded form of a relay failure (errors.ts), worded for a person: `relay_refused` (it
 * answered 4xx), `relay_not_serving` (5xx, 429), `relay_unreachable`, `relay_timeout`; undefined
 * for anything else.
 */
export function relayFailure(error: unknown): HotlineError | undefined {
  const cause = unwrapped(error) as Error;
  const answer = answerOf(error);
  const where = (url: string | undefined) => (url === undefined ? 'the relay' : `the relay at ${url}`);
  if (answer !== undefined) {
    const relay = { status: answer.status, code: answer.code };
    if (notServing(answer.status)) return new HotlineError('relay_not_serving', `${where(answer.url)} is not serving: ${answer.message}`, { relay }, { cause });
    return new HotlineError('relay_refused', `the relay refused: ${answer.message}`, { relay }, { cause });
  }
  const transport = transportOf(error);
  const url = (cause as { url?: string } | undefined)?.url;
  if (transport === 'unreachable') return new HotlineError('relay_unreachable', `cannot reach ${where(url)}`, {}, { cause });
  if (transport === 'timeout') return new HotlineError('relay_timeout', `${where(url)} did not answer in time`, {}, { cause });
  return undefined;
}

/**
 * True if the relay refused a handshake because its epoch already has a commit (relay-api.md:
 * 409 `epoch_committed`). That commit lost a race, or is a replay: it can never be sequenced.
 */
export function isEpochCommitted(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown } | undefined;
  return e !== undefined && e !== null && e.status === 409 && e.code === 'epoch_committed';
}
