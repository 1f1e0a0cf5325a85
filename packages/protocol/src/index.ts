/** @hotline/protocol — Hotline's signed objects and wire formats (docs/spec/protocol.md). */
export { type ProtocolErrorCode, type Result } from './errors.js';
export { Reader, Writer } from './codec.js';
export { Label } from './labels.js';
export { type Signer, signerFor, labelledHash, labelledSign, labelledVerify } from './hashing.js';
export { ROLES, MEMBER_CHANGE_ROLES, type Role, encodeRoles, decodeRoles, isRole, mayChangeMembers } from './roles.js';
export { isValidPartyName, isValidMemberName, partyNameProblem, suggestPartyName, PARTY_NAME_RULE } from './names.js';
export { generatePartyRoot, partyRootSigner, parsePartyRoot } from './party.js';
export {
  type DeviceCertificate,
  type DeviceCertificateBody,
  CERTIFICATE_VERSION,
  issueDeviceCertificate,
  decodeDeviceCertificate,
  verifyDeviceCertificate,
  certificateHash,
  sameDevice,
} from './device-certificate.js';
export { type Revocation, issueRevocation, decodeRevocation, verifyRevocation, revocationHash } from './revocation.js';
export { type Delivery, encodeDelivery, decodeDeliveries } from './delivery.js';
export { type ClientFrame, type RelayFrame, ClientFrameType, RelayFrameType, encodeClientFrame, decodeClientFrame, encodeRelayFrame, decodeRelayFrame } from './relay-frames.js';
export { type Envelope, EnvelopeKind, CHANNEL_ID_SIZE, MAX_PAYLOAD_BYTES, encodeEnvelope, decodeEnvelope, envelopeHash } from './envelope.js';
export { type MlsFraming, MlsWireFormat, MlsContentType, readMlsFraming } from './mls-framing.js';
export { channelTag, partyTag, genesisChain, nextChain } from './streams.js';
export { type LogRecord, RecordKind, RECORD_SIZE, encodeRecord, decodeRecord } from './log-record.js';
export { type Membership, MAX_CHANNEL_MEMBERS, signMembership, openMembership } from './membership.js';
export { CHALLENGE_SIZE, signLogin, verifyLogin } from './login.js';
export {
  type Statement,
  type StatementFields,
  type Head,
  type MessageBody,
  StatementType,
  Precedence,
  MAX_STATEMENT_BODY,
  signStatement,
  openStatement,
  decodeVerifiedStatement,
  statementId,
  statementCommitment,
  encodeMessageBody,
  decodeMessageBody,
  encodeMessageContent,
  MAX_APPROVALS,
} from './statement.js';
export {
  ReceiptKind,
  MAX_RECEIPT_IDS,
  encodeReceiptBody,
  decodeReceiptBody,
  encodeAckBody,
  decodeAckBody,
  draftContentHash,
  encodeDraftBody,
  decodeDraftBody,
  encodeApprovalBody,
  decodeApprovalBody,
  isEmptyBody,
} from './statement-bodies.js';
export {
  type Charter,
  type CharterBody,
  type CharterDraft,
  type CharterParty,
  type CharterSignature,
  type ApprovalRule,
  CHARTER_FORMAT,
  draftCharter,
  signCharter,
  decodeCharter,
  decodeUnverifiedCharter,
  verifyCharterSignatures,
  verifyCharter,
  charterId,
  CHARTER_FORMAT_FORWARDS,
  MAX_FORWARD_TARGETS,
} from './charter.js';
export { type Invitation, encodeInvitation, decodeInvitation } from './invitation.js';
export { type ForwardBody, encodeForwardBody, decodeForwardBody, MAX_FORWARD_PROOF_BYTES, MAX_FORWARD_CHARTER_BYTES, MAX_FORWARD_COMMENT_BYTES } from './forward-body.js';
