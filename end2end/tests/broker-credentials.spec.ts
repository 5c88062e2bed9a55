// Broker credentials from the account page: an organisation admin creates one for a
// device, a device (MQTT.js over TCP) logs in with exactly what the page shows and
// publishes, a client of the same namespace receives it; revoked on the page, the
// device is disconnected and the credential's next login is refused.
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

/** The value after `flag` in a command line such as `mosquitto_pub -h HOST -p PORT …`. */
function option(command: string, flag: string): string {
  const words = command.split(/\s+/);
  const at = words.indexOf(flag);
  expect(at, `${flag} in ${command}`).toBeGreaterThan(0);
  return words[at + 1];
}

test('an admin creates a broker credential, a device publishes with it, and once revoked it is put out and refused', async ({ page, brokerServer, consoleErrors }) => {
  const baseUrl = brokerServer.baseUrl;
  await signUp(page, baseUrl, 'orla', 'orla password');
  const panel = page.getByTestId('broker-credentials-orla');

  await panel.getByLabel('Credential', { exact: true }).fill('sensor-17');
  await expect(panel.getByLabel('Publish')).toBeChecked();
  await expect(panel.getByLabel('Subscribe')).toBeChecked();
  await panel.getByRole('button', { name: 'Create credential' }).click();

  // The secret once, the login and the command a device runs.
  const shown = panel.getByTestId('new-broker-credential');
  await expect(shown.getByTestId('broker-username')).toHaveText('sensor-17@orla');
  const secret = (await shown.getByTestId('broker-secret').textContent()) ?? '';
  expect(secret).toMatch(/^pbc_[0-9a-f]{64}$/);
  const command = (await shown.getByTestId('broker-command').first().textContent()) ?? '';
  expect(command).toMatch(/^mosquitto_pub /);
  expect(option(command, '-u')).toBe('sensor-17@orla');
  expect(option(command, '-P')).toBe(secret);
  const broker = `mqtt://${option(command, '-h')}:${option(command, '-p')}`;
  expect(broker).toBe(brokerServer.mqttUrl);
  const topic = option(command, '-t');
  const message = option(command, '-m');
  await expect(panel.getByTestId('broker-credential-list')).toContainText('sensor-17');
  await expect(panel.getByTestId('broker-credential-list')).toContainText('publish, subscribe');

  // Orla's own client, with a token, watches her namespace.
  const token = await page.request.post(`${baseUrl}/api/v1/tokens`, {
    data: { name: 'watcher', scope: 'read' },
    headers: { origin: baseUrl },
  });
  expect(token.status()).toBe(201);
  let device: mqtt.MqttClient | undefined;
  const watcher = await mqtt.connectAsync(brokerServer.mqttUrl!, {
    username: 'orla',
    password: (await token.json()).token,
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  try {
    await watcher.subscribeAsync('#', { qos: 1 });
    const arrived = new Promise<string>((resolve) =>
      watcher.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)),
    );

    // The device logs in with what the page showed and publishes what the command does.
    device = await mqtt.connectAsync(broker, {
      username: option(command, '-u'),
      password: option(command, '-P'),
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await device.publishAsync(topic, message, { qos: 1 });
    expect(await arrived).toBe(`${topic} ${message}`);
  } finally {
    await watcher.endAsync();
  }
  // The device stays connected until its credential is revoked.
  const ended = new Promise<number | undefined>((resolve) =>
    device!.on('disconnect', (packet) => resolve(packet.reasonCode)),
  );

  // The list records the login; revoking it there removes it...
  await page.reload();
  const row = page.getByTestId('broker-credentials-orla').getByRole('row', { name: /sensor-17/ });
  await expect(row).not.toContainText('never');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('broker-credentials-orla')).toContainText('No broker credentials yet.');

  // ...the broker puts the device out (MQTT 5: Administrative action)...
  expect(await ended).toBe(0x98);
  await device!.endAsync(true);

  // ...and the device's next login is refused.
  const refused = await mqtt
    .connectAsync(broker, {
      username: 'sensor-17@orla',
      password: secret,
      protocolVersion: 5,
      reconnectPeriod: 0,
    })
    .then(
      async (client) => {
        await client.endAsync();
        return 'connected';
      },
      (error: Error) => error.message,
    );
  expect(refused).toMatch(/bad user name or password/i);
  expect(consoleErrors).toEqual([]);
});
