/**
 * Shared pieces of the HTTP server tests: a temp dir, servers over a test method table, raw HTTP
 * requests, and polling with a timeout (never a fixed sleep).
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RpcFault, Faults } from '../../../src/api/faults.js';
import type { HttpServerConfig } from '../../../src/config/types.js';
import type { LogTarget } from '../../../src/client/types.js';
import { EventBus } from '../../../daemon/events/bus.js';
import { MemoryLogger } from '../../../daemon/logs/logger.js';
import { startHttpServers } from '../../../daemon/servers/http.js';
import type { RunningServer } from '../../../daemon/servers/types.js';
import { TestMethodTable } from './method-table.js';

export function tempDir(prefix = 'sv-http-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on its own connection. */
export function rawRequest(
  where: { socketPath: string } | { port: number },
  method: string,
  urlPath: string,
  body?: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...where, ...('port' in where ? { host: '127.0.0.1' } : {}), method, path: urlPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A running pair of servers (or one) over a TestMethodTable, with logs in a temp dir. */
export interface Harness {
  dir: string;
  table: TestMethodTable;
  logger: MemoryLogger;
  bus: EventBus;
  server: RunningServer;
  /** Files behind log targets: `cat` stdout/stderr, `main`; `nolog` has none; anything else is BAD_NAME. */
  files: { catOut: string; catErr: string; main: string };
  close(): Promise<void>;
}

export async function startHarness(configs: (dir: string) => HttpServerConfig[]): Promise<Harness> {
  const dir = tempDir();
  const table = new TestMethodTable();
  const logger = new MemoryLogger();
  const bus = new EventBus();
  const files = { catOut: path.join(dir, 'cat-out.log'), catErr: path.join(dir, 'cat-err.log'), main: path.join(dir, 'main.log') };
  const logfile = (t: LogTarget): string | null => {
    if (t === 'main') return files.main;
    if (t.name === 'nolog') return null;
    if (t.name === 'cat' || t.name === 'cat:cat') return t.channel === 'stdout' ? files.catOut : files.catErr;
    throw new RpcFault(Faults.BAD_NAME, t.name);
  };
  let server: RunningServer;
  try {
    server = await startHttpServers(configs(dir), { table, bus, logger, logfile });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    table,
    logger,
    bus,
    server,
    files,
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A unix server config with Supervisor's defaults. */
export function unixConfig(file: string, extra: Partial<HttpServerConfig> = {}): HttpServerConfig {
  return { section: 'unix_http_server', family: 'unix', file, chmod: 0o700, username: null, password: null, ...extra };
}

/** An inet server config on 127.0.0.1. */
export function inetConfig(port: number, extra: Partial<HttpServerConfig> = {}): HttpServerConfig {
  return { section: 'inet_http_server', family: 'inet', host: '127.0.0.1', port, username: null, password: null, ...extra };
}
