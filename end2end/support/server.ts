// Starts the real `portico` binary on a free loopback port with its own data folder,
// and stops it with SIGTERM. Tests own their servers so they can restart them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target', 'debug', 'portico');
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(repoRoot, 'target', 'site');

export class PorticoServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly dataDir: string,
    /** `mqtt://host:port` of the bundled broker, when it runs. */
    readonly mqttUrl?: string,
  ) {}

  /** Starts a server; pass the data folder of a stopped one to restart it, and its
   * address to keep the browser's origin (and so its local storage). */
  static async start(dataDir?: string, addr = '127.0.0.1:0', mqttAddr = 'off', extraArgs: string[] = []): Promise<PorticoServer> {
    const data = dataDir ?? mkdtempSync(path.join(tmpdir(), 'portico-e2e-'));
    const child = spawn(
      binary,
      ['serve', '--addr', addr, '--mqtt-addr', mqttAddr, '--data', data, '--site-root', siteRoot, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
    );
    let mqttUrl: string | undefined;
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('portico did not start within 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`portico exited early with code ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const broker = /^Portico MQTT broker on (mqtt:\/\/\S+)/.exec(line);
        if (broker) mqttUrl = broker[1];
        const match = /^Portico listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    return new PorticoServer(child, baseUrl, data, mqttUrl);
  }

  /** Starts a server with the bundled MQTT broker on a free loopback port. */
  static async startWithBroker(): Promise<PorticoServer> {
    return PorticoServer.start(undefined, '127.0.0.1:0', `127.0.0.1:${await freePort()}`);
  }

  /** Stops the server gracefully and waits until it has exited. */
  async stop(): Promise<void> {
    if (this.exited()) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }

  private exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Kills the server without warning, as a crash would. */
  async kill(): Promise<void> {
    if (this.exited()) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same address with the same data. */
  async restart(): Promise<PorticoServer> {
    await this.stop();
    return PorticoServer.start(this.dataDir, new URL(this.baseUrl).host);
  }

  /** Stops the server and deletes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
