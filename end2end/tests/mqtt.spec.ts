// MQTT over WebSocket from a real browser: MQTT.js (npm `mqtt`) in Chromium logs in to the
// bundled broker at /mqtt on the HTTP port with a Portico token, in the user's namespace;
// and MQTT.js over TCP meets it there.
import path from 'node:path';
import * as mqtt from 'mqtt';
import { test as base, expect, signUp } from '../support/fixtures';
import { PorticoServer } from '../support/server';

const test = base.extend<{ brokerServer: PorticoServer }>({
  brokerServer: async ({}, use) => {
    const server = await PorticoServer.startWithBroker();
    await use(server);
    await server.dispose();
  },
});
// MQTT.js goes into the page as the test's own script, which the page's CSP would refuse.
test.use({ bypassCSP: true });

type Outcome = { received?: string; error?: string };

/** MQTT.js's browser bundle (npm `mqtt`, a dev dependency). */
const mqttBundle = path.resolve(__dirname, '..', '..', 'node_modules', 'mqtt', 'dist', 'mqtt.min.js');

/** Connects MQTT.js from the page, subscribes, publishes one message and waits for it. */
async function roundTrip(page: import('@playwright/test').Page, baseUrl: string, username: string, password: string): Promise<Outcome> {
  await page.addScriptTag({ path: mqttBundle });
  const url = `${baseUrl.replace('http://', 'ws://')}/mqtt`;
  return page.evaluate(
    ({ url, username, password }) =>
      new Promise<Outcome>((resolve) => {
        const mqtt = (window as unknown as { mqtt: any }).mqtt;
        const client = mqtt.connect(url, { username, password, protocolVersion: 5, reconnectPeriod: 0 });
        const timer = setTimeout(() => resolve({ error: 'nothing within 10 s' }), 10_000);
        const finish = (outcome: Outcome) => {
          clearTimeout(timer);
          client.end(true);
          resolve(outcome);
        };
        client.on('error', (error: Error) => finish({ error: error.message }));
        client.on('connect', () =>
          client.subscribe('greetings/+', { qos: 1 }, (error: Error | null) => {
            if (error) finish({ error: error.message });
            else client.publish('greetings/1', 'hello from Chromium', { qos: 1 });
          }),
        );
        client.on('message', (topic: string, payload: Uint8Array) =>
          finish({ received: `${topic} ${new TextDecoder().decode(payload)}` }),
        );
      }),
    { url, username, password },
  );
}

/** Signs up `name` in the page and creates a publish token through the REST API. */
async function publishToken(page: import('@playwright/test').Page, baseUrl: string, name: string): Promise<string> {
  await signUp(page, baseUrl, name, `${name} password`);
  const created = await page.request.post(`${baseUrl}/api/v1/tokens`, {
    data: { name: 'mqtt client', scope: 'publish' },
    headers: { origin: baseUrl },
  });
  expect(created.status()).toBe(201);
  return (await created.json()).token;
}

test('MQTT.js in the browser logs in with a token over WebSocket and receives what it publishes', async ({ page, brokerServer, consoleErrors }) => {
  const token = await publishToken(page, brokerServer.baseUrl, 'mira');

  expect(await roundTrip(page, brokerServer.baseUrl, 'mira', token)).toEqual({
    received: 'greetings/1 hello from Chromium',
  });
  expect(consoleErrors).toEqual([]);
});

test('MQTT.js with a wrong token is refused over WebSocket', async ({ page, brokerServer }) => {
  await page.goto(brokerServer.baseUrl);
  const outcome = await roundTrip(page, brokerServer.baseUrl, 'mira', 'not a token');
  expect(outcome.received).toBeUndefined();
  expect(outcome.error ?? '').toMatch(/bad user name or password|not authorized/i);
});

test('MQTT.js over TCP and MQTT.js in the browser meet in the same namespace', async ({ page, brokerServer }) => {
  const token = await publishToken(page, brokerServer.baseUrl, 'noor');
  const tcp = await mqtt.connectAsync(brokerServer.mqttUrl!, {
    username: 'noor',
    password: token,
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  try {
    await tcp.subscribeAsync('greetings/+', { qos: 1 });
    const arrived = new Promise<string>((resolve) =>
      tcp.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)),
    );
    // The browser's client publishes (and receives its own message) over WebSocket.
    expect(await roundTrip(page, brokerServer.baseUrl, 'noor', token)).toEqual({
      received: 'greetings/1 hello from Chromium',
    });
    expect(await arrived).toBe('greetings/1 hello from Chromium');
  } finally {
    await tcp.endAsync();
  }
});
