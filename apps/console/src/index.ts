/** @hotline/console — the console's HTTP server (the page itself is built from web/). */
export { ConsoleServer, type ConsoleServerOptions } from './server/console-server.js';
export { type ConsoleBackend, type SessionInfo, type CommandOutcome, type ConsoleLanguage, CONSOLE_LANGUAGES } from './server/backend.js';
export { CONTENT_SECURITY_POLICY } from './server/guards.js';
export { TerminalBackend, type TerminalBackendOptions } from './server/terminal-backend.js';
