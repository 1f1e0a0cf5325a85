/**
 * @hotline/verify: the checks a terminal, `hotline verify` and the console run on what they
 * are shown. Browser-safe: no `node:` imports, crypto through @hotline/log's provider.
 */
export * from './record/types.js';
export { encodeRecordBundle } from './record/encode.js';
export { verifyRecordBundle } from './record/verify.js';
export { verifySequentially } from './record/signatures.js';
export { type Json, canonicalJson, encodeCanonicalJson, readCanonicalJson } from './json/canonical-json.js';
export { type DirectoryEntry, type LoggedDevice } from './directory/directory-entry.js';
export { deviceAt, deviceNow, deviceValidityAt, entryOf, type DeviceInvalidity, type DeviceValidity } from './directory/device-at.js';
export { type RuleAlertCode, type RuleBreach } from './rules/rule-breach.js';
export { type HistoryStatement, type StatementHistory } from './rules/statement-history.js';
export { type RuleContext, holds } from './rules/rule-context.js';
export { checkRules } from './rules/statement-rules.js';
export { approvedDraft } from './rules/approvals.js';
export { checkStatementRules, draftSentBy, type StatementRulesInput } from './rules/check-statement.js';
export { allowedWhileFrozen, isInternal, precedenceName, typeName } from './rules/names.js';
export { type EnvelopeAlert, type EnvelopeAlertCode } from './channel/envelope-alerts.js';
export { type InclusionCheck, type InclusionVerdict } from './channel/inclusion-check.js';
export { type ChannelPosition } from './channel/channel-position.js';
export { checkNextRecord, checkReceiveTimeBound, checkStatement, matchRecordToEnvelope, positionAfter, type Checked, type EnvelopeFault } from './channel/structural-checks.js';
export { ChannelVerifier, type ChannelVerifierDeps, type ContentRefusal, type Verdict } from './channel/channel-verifier.js';
export { hotlineRecordRules } from './record/record-rules.js';
export { verifyForward, forwardLine, type ForwardContext, type ForwardOrigin, type ForwardOutcome } from './forward/verify-forward.js';
export { transcriptForward } from './forward/transcript-forward.js';
