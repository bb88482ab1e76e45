// The Node.js reference fan-out server for bench/fanout.sh (the loadgen's `ref` mode), on the
// `ws` package with its defaults (no permessage-deflate on the server side).
//   - a message containing "publish" and `"seq":N` makes a board-like text of --board-bytes
//     bytes carrying `"version":N` (one Buffer per broadcast), replies `{"type":"ok","seq":N}`
//     to the sender, then sends the board to every subscribed client;
//   - any other message subscribes its client and sends it the current board.
//
//   node server.js --port 0 --board-bytes 4096
// prints `listening on http://127.0.0.1:PORT` once it accepts connections.
'use strict';

const { WebSocketServer } = require('ws');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('--port', '0'));
const host = option('--bind', '127.0.0.1');
const boardBytes = Number(option('--board-bytes', '4096'));

function makeBoard(version) {
  const head = `{"type":"board","topic":"latest","version":${version},"view":"public","frozen":false,"board":{"pad":"`;
  const tail = '"}}';
  const pad = Math.max(0, boardBytes - head.length - tail.length);
  return Buffer.from(head + 'x'.repeat(pad) + tail);
}

const subscribers = new Set();
let current = makeBoard(0);

const wss = new WebSocketServer({ host, port, backlog: 4096, clientTracking: false });

wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.includes('publish')) {
      const m = /"seq":\s*(\d+)/.exec(text);
      const seq = m ? Number(m[1]) : -1;
      ws.send(`{"type":"ok","seq":${seq}}`);
      current = makeBoard(seq);
      for (const s of subscribers) s.send(current);
    } else {
      subscribers.add(ws);
      ws.send(current);
    }
  });
  ws.on('close', () => subscribers.delete(ws));
  ws.on('error', () => subscribers.delete(ws));
});

wss.on('listening', () => {
  console.log(`listening on http://${host}:${wss.address().port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
