/** @hotline/terminal — so far: the MLS crypto provider and credential validation (issue 5 in progress). */
export { nodeCryptoProvider, HOTLINE_CIPHERSUITE } from './mls/node-crypto-provider.js';
export { directoryAuthenticationService, type DeviceKeyLookup } from './mls/directory-auth.js';
export { mlsContext, deviceKeyPackage, type DeviceKeyPackage } from './mls/context.js';
export { type EnvelopeAlert, type EnvelopeAlertCode } from './verify/alerts.js';
export { type InclusionCheck, type InclusionVerdict, inclusionFromTiles } from './verify/inclusion.js';
export { ChannelVerifier, type ChannelPosition, type ChannelVerifierDeps, type Verdict } from './verify/channel-verifier.js';
export { KeyStore, KeyStoreError } from './keys/keystore.js';
export { seal, unseal, isSealed, SEALED_HEADER } from './keys/sealed-key.js';
export { enrolDevice, certificateForDevice, type EnrolmentRequest } from './enrolment.js';
export { LogScanner, type BundleFetcher, type ScannedRecord, type ScanResult } from './directory/log-scanner.js';
export { DirectoryMonitor, type DirectoryAlert, type DirectoryEvent } from './directory/directory-monitor.js';
export { Archive, ArchiveError, type ArchivedStatement, type ArchivedAlert } from './archive/archive.js';
export { ingest } from './sync/ingest.js';
export { GroupStateStore, GroupStateError } from './mls/group-store.js';
