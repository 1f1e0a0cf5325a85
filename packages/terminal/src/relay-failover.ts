/**
 * A terminal's relays when its party runs several relay nodes over one log (issue 15: `init
 * --relay` repeated, `relays` in terminal.json). Every call goes to the node that last answered;
 * a node that is unavailable (unreachable, timed out, 5xx, 429: `isRelayUnavailable`) hands the
 * call to the next, in the order the home lists them, until one answers. An answer — even a
 * refusal — is the cluster's answer and is not retried elsewhere.
 *
 * Retrying on another node is safe because the nodes share one log: a submission the first
 * node took before it went away gets its original placement back from the next (the relay
 * sequences an envelope once per stream, relay-storage.md §2), and everything read is verified
 * against the same log, whichever node served it. Nothing here trusts a node more than another.
 */
import { isRelayUnavailable, type RelayApi, type Subscription } from './relay-api.js';

type Method = Exclude<keyof RelayApi, 'subscribe' | 'revokeDevice'>;

export class FailoverRelay implements RelayApi {
  private current = 0;

  constructor(private readonly nodes: readonly RelayApi[]) {
    if (nodes.length === 0) throw new RangeError('at least one relay');
  }

  /** Which node (by its place in the home's list) answers now. */
  get active(): number {
    return this.current;
  }

  private async call<T>(work: (node: RelayApi) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let tried = 0; tried < this.nodes.length; tried++) {
      const index = (this.current + tried) % this.nodes.length;
      try {
        const result = await work(this.nodes[index]!);
        this.current = index;
        return result;
      } catch (error) {
        if (!isRelayUnavailable(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private via<M extends Method>(method: M): RelayApi[M] {
    return ((...args: unknown[]) => this.call((node) => (node[method] as (...a: unknown[]) => Promise<unknown>)(...args))) as RelayApi[M];
  }

  readonly checkpoint = this.via('checkpoint');
  readonly tile = this.via('tile');
  readonly entryBundle = this.via('entryBundle');
  readonly certificate = this.via('certificate');
  readonly revocation = this.via('revocation');
  readonly login = this.via('login');
  readonly putMembership = this.via('putMembership');
  readonly membership = this.via('membership');
  readonly submit = this.via('submit');
  readonly envelopes = this.via('envelopes');
  readonly publishKeyPackage = this.via('publishKeyPackage');
  readonly claimKeyPackage = this.via('claimKeyPackage');
  readonly sendWelcome = this.via('sendWelcome');
  readonly welcomes = this.via('welcomes');
  readonly deleteMail = this.via('deleteMail');

  revokeDevice(revocation: Uint8Array): ReturnType<NonNullable<RelayApi['revokeDevice']>> {
    return this.call((node) => {
      if (node.revokeDevice === undefined) throw new TypeError('this relay client cannot submit revocations');
      return node.revokeDevice(revocation);
    });
  }

  subscribe(channels: readonly { channelId: Uint8Array; fromSeq: number }[], onDelivery: () => void): Promise<Subscription> {
    return this.call((node) => {
      if (node.subscribe === undefined) throw new TypeError('this relay client cannot subscribe');
      return node.subscribe(channels, onDelivery);
    });
  }
}
