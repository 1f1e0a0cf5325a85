export { RelayClient, RelaySocket, RelayRequestError, RelayUnreachableError, type Receipt } from './relay-client.js';
export { DeviceRelayClient } from './device-client.js';
export { RelayErrorCode } from './error-codes.js';
