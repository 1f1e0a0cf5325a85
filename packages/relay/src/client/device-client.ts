/**
 * A device's view of the relay: the calls a terminal makes, logged in as that device, with
 * the session renewed when it expires. It matches the terminal's `RelayApi` interface; like
 * RelayClient it believes nothing — the terminal verifies every answer.
 */
import { entriesPath, fromBase64, tilePath, toHex } from '@hotline/log';
import type { Delivery, Signer } from '@hotline/protocol';
import { RelayClient, RelayRequestError, RelaySocket, type Receipt } from './relay-client.js';

export class DeviceRelayClient {
  readonly client: RelayClient;
  private loggedIn: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly device: Signer,
  ) {
    this.client = new RelayClient(url);
  }

  get url(): string {
    return this.client.url;
  }

  login(): Promise<void> {
    this.loggedIn ??= this.client.login(this.device).catch((error: unknown) => {
      this.loggedIn = undefined;
      throw error;
    });
    return this.loggedIn;
  }

  /** An authenticated call; one fresh login and retry if the session ended (401). */
  private async authed(method: string, path: string, body?: Uint8Array): Promise<Response> {
    await this.login();
    try {
      return await this.client.request(method, path, body);
    } catch (error) {
      if (!(error instanceof RelayRequestError) || error.status !== 401) throw error;
      this.loggedIn = undefined;
      await this.login();
      return this.client.request(method, path, body);
    }
  }

  /**
   * A WebSocket subscription to these channels from their next seqs: `onDelivery` runs for each
   * delivery the relay pushes. The terminal treats a delivery as a wake-up only — it reads and
   * verifies envelopes through the same path as ever — so a lying socket can delay, never forge.
   */
  async subscribe(channels: readonly { channelId: Uint8Array; fromSeq: number }[], onDelivery: () => void): Promise<{ readonly closed: Promise<void>; close(): Promise<void> }> {
    await this.login();
    let socket: RelaySocket;
    try {
      socket = await this.client.connect();
    } catch (error) {
      if (!(error instanceof RelayRequestError) || error.status !== 401) throw error;
      this.loggedIn = undefined; // the session ended: log in again, once
      await this.login();
      socket = await this.client.connect();
    }
    const closed = new Promise<void>((resolve) => {
      if (socket.closed !== undefined) resolve();
      socket.ws.once('close', () => resolve());
    });
    socket.ws.on('error', () => undefined); // a reset connection ends in 'close', which the caller awaits
    socket.onDelivery = () => onDelivery();
    try {
      for (const c of channels) await socket.subscribe(c.channelId, c.fromSeq);
    } catch (error) {
      await socket.close();
      throw error;
    }
    return { closed, close: () => socket.close() };
  }

  /** Hands a revocation signed by a party root to the relay's logged directory. */
  revokeDevice(revocation: Uint8Array): Promise<Receipt> {
    return this.client.revokeDevice(revocation);
  }

  /** The newest checkpoint that met the relay's witness policy (the terminal checks its own). */
  checkpoint(): Promise<string> {
    return this.client.text('/v1/quorum-checkpoint');
  }

  tile(level: number, index: number, width: number): Promise<Uint8Array> {
    return this.client.bytes(`/${tilePath(level, index, width)}`);
  }

  entryBundle(index: number, width: number): Promise<Uint8Array> {
    return this.client.bytes(`/${entriesPath(index, width)}`);
  }

  async certificate(deviceKey: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await this.client.bytes(`/v1/devices/${toHex(deviceKey)}`);
    } catch (error) {
      if (error instanceof RelayRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** A logged revocation's bytes by its item hash (the log record's), or undefined if the relay has none. */
  async revocation(itemHash: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await this.client.bytes(`/v1/revocations/${toHex(itemHash)}`);
    } catch (error) {
      if (error instanceof RelayRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  async putMembership(channelId: Uint8Array, membership: Uint8Array): Promise<void> {
    await this.authed('PUT', `/v1/channels/${toHex(channelId)}`, membership);
  }

  async membership(channelId: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await (await this.authed('GET', `/v1/channels/${toHex(channelId)}`)).arrayBuffer());
    } catch (error) {
      if (error instanceof RelayRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  async submit(channelId: Uint8Array, envelope: Uint8Array): Promise<Receipt> {
    await this.login();
    try {
      return await this.client.submit(channelId, envelope);
    } catch (error) {
      if (!(error instanceof RelayRequestError) || error.status !== 401) throw error;
      this.loggedIn = undefined;
      await this.login();
      return this.client.submit(channelId, envelope);
    }
  }

  async envelopes(channelId: Uint8Array, from: number, limit: number): Promise<Delivery[]> {
    await this.login();
    try {
      return await this.client.envelopes(channelId, from, limit);
    } catch (error) {
      if (!(error instanceof RelayRequestError) || error.status !== 401) throw error;
      this.loggedIn = undefined;
      await this.login();
      return this.client.envelopes(channelId, from, limit);
    }
  }

  async publishKeyPackage(keyPackage: Uint8Array): Promise<void> {
    await this.authed('POST', '/v1/keypackages', keyPackage);
  }

  async claimKeyPackage(deviceKey: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await (await this.authed('POST', `/v1/keypackages/${toHex(deviceKey)}/claim`)).arrayBuffer());
    } catch (error) {
      if (error instanceof RelayRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  async sendWelcome(recipient: Uint8Array, body: Uint8Array): Promise<void> {
    await this.authed('POST', `/v1/mailbox/${toHex(recipient)}?kind=welcome`, body);
  }

  async welcomes(): Promise<{ id: number; sender: Uint8Array; body: Uint8Array }[]> {
    const items = (await (await this.authed('GET', '/v1/mailbox?kind=welcome')).json()) as { id: number; sender: string; body: string }[];
    return items.map((m) => ({ id: m.id, sender: new Uint8Array(Buffer.from(m.sender, 'hex')), body: fromBase64(m.body) ?? new Uint8Array(0) }));
  }

  async deleteMail(id: number): Promise<void> {
    await this.authed('DELETE', `/v1/mailbox/${id}`);
  }
}
