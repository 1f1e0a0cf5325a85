/**
 * Domain-separation labels (docs/spec/protocol.md §2). Every signature and every hash over a
 * Hotline object is taken over `label || 0x0A || encoding`, so bytes signed for one purpose
 * can never be replayed as another. Each label carries its version.
 */
export const Label = {
  deviceCertificate: 'hotline/v1/device-certificate',
  deviceRevocation: 'hotline/v1/device-revocation',
  envelope: 'hotline/v1/envelope',
  chain: 'hotline/v1/chain',
  chainGenesis: 'hotline/v1/chain-genesis',
  channelTag: 'hotline/v1/channel-tag',
  partyTag: 'hotline/v1/party-tag',
  channelMembership: 'hotline/v1/channel-membership',
  login: 'hotline/v1/login',
  certificateHash: 'hotline/v1/certificate-hash',
  revocationHash: 'hotline/v1/revocation-hash',
  statement: 'hotline/v1/statement',
  statementId: 'hotline/v1/statement-id',
  commitment: 'hotline/v1/commitment',
  charter: 'hotline/v1/charter',
  charterId: 'hotline/v1/charter-id',
  draftContent: 'hotline/v1/draft-content',
} as const;
export type Label = (typeof Label)[keyof typeof Label];
