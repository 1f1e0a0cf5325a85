export { RelayClient, RelaySocket, RelayRequestError, type Receipt } from './relay-client.js';
