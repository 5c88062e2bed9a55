// Console publish -> display latency through the console WebSocket, as the browser
// sees it: two console connections publish on order-approved at 50 msg/s each (the
// per-connection limit), a third is subscribed and receives every message checked
// against the schema; latency is the time from sending the publish command to
// receiving the message event. Prints p50/p99/max.
//
//   node --experimental-websocket bench/console.mjs URL TOKEN [SECONDS] [RATE]
//
// bench/console.sh starts a release server and runs this.
const [url, token, seconds = '30', rate = '100'] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: console.mjs BASE_URL TOKEN [SECONDS] [RATE]');
  process.exit(2);
}
const path = '/api/v1/console/portico/order-service/1.1.0/ws';
const wsUrl = url.replace(/^http/, 'ws') + path;

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
    ws.onerror = (e) => reject(new Error(`cannot connect: ${e.message}`));
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'ready') {
        ws.onmessage = null;
        resolve(ws);
      }
    };
  });
}

const subscriber = await open();
const publishers = [await open(), await open()];
const sentAt = new Map();
const latencies = [];
let invalid = 0;
let errors = 0;
let dropped = 0;

await new Promise((resolve) => {
  subscriber.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'recent') resolve();
  };
  subscriber.send(JSON.stringify({ type: 'subscribe', id: 'bench', channel: 'order-approved' }));
});
subscriber.onmessage = (event) => {
  const now = performance.now();
  const frame = JSON.parse(event.data);
  if (frame.type === 'dropped') dropped += frame.count;
  if (frame.type !== 'message') return;
  const seq = frame.json?.seq;
  const start = sentAt.get(seq);
  if (start === undefined) return;
  sentAt.delete(seq);
  latencies.push(now - start);
  if (!frame.valid) invalid += 1;
};
for (const p of publishers) {
  p.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'error') {
      errors += 1;
      if (errors <= 3) console.error('server:', frame.message);
    }
  };
}

const total = Number(seconds) * Number(rate);
const interval = 1000 / Number(rate);
const started = performance.now();
for (let seq = 0; seq < total; seq += 1) {
  const due = started + seq * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const payload = JSON.stringify({
    orderId: '6f1c1b7e-2f0a-4c55-9a53-0c3f2b1e8d10',
    approvedAt: '2024-01-01T12:00:00Z',
    seq,
  });
  sentAt.set(seq, performance.now());
  publishers[seq % 2].send(JSON.stringify({ type: 'publish', channel: 'order-approved', payload }));
}
await new Promise((r) => setTimeout(r, 2000));

latencies.sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const ms = (v) => (v === undefined ? 'n/a' : v.toFixed(2));
console.log(
  `console publish -> display at ${rate} msg/s for ${seconds} s: received ${latencies.length}/${total}, ` +
    `p50 ${ms(pick(0.5))} ms, p99 ${ms(pick(0.99))} ms, max ${ms(latencies.at(-1))} ms; ` +
    `invalid ${invalid}, refused ${errors}, dropped ${dropped}`,
);
for (const ws of [subscriber, ...publishers]) ws.close();
process.exit(latencies.length === total && errors === 0 ? 0 : 1);
