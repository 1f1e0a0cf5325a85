/**
 * A relay node among others on one shared store: the follower (reading the others' commits
 * from the database) and, with a NATS URL, the announcer (telling them of ours, hearing of
 * theirs). relay.ts tells it of this node's own commits and access-list changes.
 */
import type { Logger } from '../logger.js';
import type { ClusterFeed } from '../storage/interfaces.js';
import { Announcer } from './announcer.js';
import { ClusterFollower, type FollowerDeps } from './follower.js';

export interface ClusterNodeDeps extends Omit<FollowerDeps, 'feed' | 'count'> {
  readonly feed: ClusterFeed;
  /** The watermarks read before the access snapshot was loaded. */
  readonly from: { readonly logSize: number; readonly accessRevision: number };
  readonly nats: string | undefined;
  /** The log's verifier key: names the NATS subjects. */
  readonly logKey: string;
  readonly logger: Logger;
  readonly count: (labels: Readonly<Record<string, string>>) => void;
}

export class ClusterNode {
  private natsUp = false;

  private constructor(
    private readonly feed: ClusterFeed,
    private readonly follower: ClusterFollower,
    private readonly announcer: Announcer | undefined,
  ) {}

  static start(deps: ClusterNodeDeps): ClusterNode {
    const follower = new ClusterFollower({ ...deps, count: (cause) => deps.count({ event: 'pass', cause }) }, deps.from);
    let node: ClusterNode | undefined;
    const announcer =
      deps.nats === undefined
        ? undefined
        : new Announcer({
            url: deps.nats,
            logKey: deps.logKey,
            heard: (marks) => follower.hint(marks),
            connected: (up) => {
              if (node !== undefined) node.natsUp = up;
              follower.announced(up);
            },
            logger: deps.logger,
            count: (direction) => deps.count({ event: 'announcement', direction }),
          });
    node = new ClusterNode(deps.feed, follower, announcer);
    follower.start();
    announcer?.start();
    return node;
  }

  /** This node durably committed log entries [first, size). */
  committed(first: number, size: number): void {
    this.follower.ownCommit(first, size);
    this.announcer?.announceLog(size);
  }

  /** This node stored an access list. */
  accessChanged(): void {
    this.announcer?.announceAccess(this.feed.lastAccessRevision);
  }

  /** For /healthz: does this node hear the others, or poll? */
  get status(): { readonly nats: 'connected' | 'unreachable' | 'off' } {
    return { nats: this.announcer === undefined ? 'off' : this.natsUp ? 'connected' : 'unreachable' };
  }

  async close(): Promise<void> {
    await this.announcer?.close();
    await this.follower.stop();
  }
}
