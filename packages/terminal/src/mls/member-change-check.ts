/**
 * Who committed a change of members (protocol.md §8): a commit that adds or removes devices must
 * come from a member device certified with a member-change role. MLS lets any member commit
 * such proposals, so each member checks, in the ts-mls commit callback, which leaf sent them.
 *
 * The commit is applied all the same and named (`unauthorised_member_change`), not voided: the
 * relay keeps one commit per epoch, so a voided commit would leave its epoch taken and every
 * honest member's next commit refused (409) forever — a member without the role could block all
 * removals, its own included. Applied, the group stays one group; an admin undoes the change
 * (`hotline channel add` re-adds a removed device) and the evidence names the sender.
 */
import { defaultProposalTypes, nodeTypes, type ClientState, type IncomingMessageCallback } from 'ts-mls';
import { toHex } from '@hotline/log';

export interface MemberChangeCheck {
  /** Pass to processMessage; it accepts every commit and notes who changed members. */
  readonly callback: IncomingMessageCallback;
  /** After processMessage: why the commit it saw was not an authorised member change, if it was not. */
  refusal(): string | undefined;
}

/**
 * `mayChange` says whether a device may change members at the commit's place in the log;
 * `state` is the group before the commit, whose tree names the committing leaf.
 */
export function memberChangeCheck(state: ClientState, mayChange: (deviceKey: Uint8Array) => boolean): MemberChangeCheck {
  let refusal: string | undefined;
  const callback: IncomingMessageCallback = (incoming) => {
    if (incoming.kind !== 'commit') return 'accept';
    const changes = incoming.proposals.filter((p) => p.proposal.proposalType === defaultProposalTypes.add || p.proposal.proposalType === defaultProposalTypes.remove);
    if (changes.length === 0) return 'accept';
    const sender = incoming.senderLeafIndex === undefined ? undefined : leafDevice(state, incoming.senderLeafIndex);
    if (sender === undefined) refusal = `an MLS commit that adds or removes ${changes.length} device(s) from no member leaf`;
    else if (!mayChange(sender)) refusal = `device ${toHex(sender).slice(0, 16)}… committed ${changes.length} member change(s) without the admin role (protocol.md §8)`;
    return 'accept';
  };
  return { callback, refusal: () => refusal };
}

function leafDevice(state: ClientState, leafIndex: number): Uint8Array | undefined {
  const node = state.ratchetTree[leafIndex * 2];
  return node?.nodeType === nodeTypes.leaf ? (node.leaf.credential as { identity: Uint8Array }).identity : undefined;
}
