/** @hotline/relay — the untrusted relay (docs/design/relay-sqlite.md). */
export { startRelay, DEFAULT_LIMITS, type RelayOptions, type RunningRelay } from './relay.js';
export type { RelayLimits } from './limits.js';
export { openStorage, parseStorageUrl, dataDirStorage, StorageUrlError } from './storage/open.js';
export type { RelayStorage } from './storage/interfaces.js';
export { jsonLogger, textLogger, silentLogger, type Logger } from './logger.js';
export { LOG_KEY_FILE, loadOrCreateLogKey } from './log-key.js';
export { RelayStartError } from './errors.js';
export { MailKind } from './http/mailbox-routes.js';
