/**
 * The fan-out reference: a raw `ws` server that relays every binary message it receives to
 * every other connected client, with nothing else (no auth, no storage). Run as its own
 * process, like the relay; prints its port on stdout.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
server.on('connection', (ws: WebSocket) => {
  ws.on('message', (data, isBinary) => {
    for (const client of server.clients) if (client !== ws && client.readyState === client.OPEN) client.send(data, { binary: isBinary });
  });
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
