/**
 * The XML-RPC Client (DESIGN.md rule 2): talks to any supervisord, ours or Python's, over `http://host:port`
 * or `unix:///path/to.sock`. Calls are `POST /RPC2` on kept-alive connections; log following streams
 * `GET /logtail/<name>/<channel>` and `GET /mainlogtail` (chunked). Python's supervisord has no push, so
 * `subscribe` is absent.
 */
import type http from 'node:http';
import { RpcFault } from '../api/faults.js';
import { connectError } from './endpoint.js';
import { ClientError, type Client, type ClientOptions, type LogTarget } from './types.js';
import { decodeMethodResponse, encodeMethodCall, XmlRpcEncodeError, XmlRpcParseError } from './xmlrpc-codec.js';

/** Where to connect: a TCP host and port, or a unix socket path. */
type Endpoint = { socketPath: string } | { host: string; port: number };

/** Parses a supervisorctl serverurl; throws ClientError('protocol') with Supervisor's text otherwise. */
export function parseServerUrl(url: string): Endpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath) throw new ClientError('protocol', `Unknown protocol for serverurl ${url}`);
    return { socketPath };
  }
  if (url.startsWith('http://')) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ClientError('protocol', `value '${url}' is not a URL`);
    }
    // URL keeps brackets around IPv6 literals; node:http wants the bare address.
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
    return { host, port: u.port ? Number(u.port) : 80 };
  }
  throw new ClientError('protocol', `Unknown protocol for serverurl ${url}`);
}

/** Supervisor's Basic header value, or undefined when no credentials are set. */
function authHeader(opts: ClientOptions): string | undefined {
  // Python's transport sends credentials only when both are set (a password may be empty).
  if (opts.username == null || opts.password == null) return undefined;
  return `Basic ${Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64')}`;
}

type Http = typeof http;

class XmlRpcClient implements Client {
  private readonly endpoint: Endpoint;
  private readonly agent: http.Agent;
  /** Live log followers, so close() can stop them. */
  private readonly follows = new Set<() => void>();

  constructor(
    readonly url: string,
    private readonly opts: ClientOptions,
    private readonly http: Http,
  ) {
    this.endpoint = parseServerUrl(url);
    this.agent = new http.Agent({ keepAlive: true });
  }

  private requestOptions(method: string, path: string, headers: http.OutgoingHttpHeaders): http.RequestOptions {
    const auth = authHeader(this.opts);
    return {
      ...this.endpoint,
      // Over a unix socket the Host header is a dummy, as in Python's transport.
      ...('socketPath' in this.endpoint ? { host: 'localhost' } : {}),
      method,
      path,
      agent: this.agent,
      headers: { ...headers, ...(auth ? { Authorization: auth } : {}) },
    };
  }

  call(method: string, params: unknown[] = []): Promise<unknown> {
    let body: Buffer;
    try {
      body = Buffer.from(encodeMethodCall(method, params), 'utf8');
    } catch (e) {
      if (e instanceof XmlRpcEncodeError) return Promise.reject(new ClientError('protocol', `cannot send ${method}: ${e.message}`));
      return Promise.reject(e);
    }
    return this.post(method, body, true);
  }

  /** One POST /RPC2. `mayRetry`: a kept-alive socket the server had already closed is retried once. */
  private post(method: string, body: Buffer, mayRetry: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = this.http.request(
        this.requestOptions('POST', '/RPC2', {
          'Content-Type': 'text/xml',
          Accept: 'text/xml',
          'Content-Length': body.length,
        }),
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(connectError(e, this.url)));
          res.on('end', () => {
            if (res.statusCode === 401) {
              reject(new ClientError('auth', 'Server requires authentication'));
              return;
            }
            if (res.statusCode !== 200) {
              // supervisorctl's ServerProxy always names 127.0.0.1, whatever the serverurl.
              reject(new ClientError('protocol', `<ProtocolError for 127.0.0.1/RPC2: ${res.statusCode} ${res.statusMessage}>`));
              return;
            }
            try {
              const r = decodeMethodResponse(Buffer.concat(chunks));
              if (r.kind === 'fault') reject(RpcFault.fromWire(r.code, r.faultString));
              else resolve(r.value);
            } catch (e) {
              if (e instanceof XmlRpcParseError) reject(new ClientError('protocol', `bad XML-RPC response to ${method}: ${e.message}`));
              else reject(e);
            }
          });
        },
      );
      if (this.opts.timeoutMs) {
        req.setTimeout(this.opts.timeoutMs, () => {
          req.destroy();
          reject(new ClientError('timeout', `${this.url}: no answer to ${method} within ${this.opts.timeoutMs} ms`));
        });
      }
      req.on('error', (e: NodeJS.ErrnoException) => {
        // The reset came before any answer, on a reused idle socket: the request never ran.
        if (mayRetry && req.reusedSocket && e.code === 'ECONNRESET') resolve(this.post(method, body, false));
        else reject(connectError(e, this.url));
      });
      req.end(body);
    });
  }

  /** Streams /logtail or /mainlogtail. No notices here: Supervisor sends `==> File truncated <==` inline. */
  followLog(
    target: LogTarget,
    onData: (chunk: Buffer) => void,
    _onNotice?: (text: string) => void,
    onEnd?: (error?: Error) => void,
  ): Promise<() => void> {
    const path =
      target === 'main' ? '/mainlogtail' : `/logtail/${encodeURIComponent(target.name).replace(/%3A/gi, ':')}/${target.channel}`;
    return new Promise((resolve, reject) => {
      let following = false;
      let stopped = false;
      // Its own connection, held for as long as the stream runs. Kept-alive on purpose: told
      // `Connection: close`, Supervisor's medusa drops chunking and buffers the endless stream.
      const agent = new this.http.Agent({ keepAlive: true, maxSockets: 1 });
      /**
       * Ends the stream in any phase: the function followLog resolves to, and what close() calls. A
       * request still waiting for its response headers is aborted too (an open socket would keep the
       * process alive), and followLog then rejects.
       */
      const stop = () => {
        if (stopped) return;
        stopped = true;
        this.follows.delete(stop);
        req.destroy();
        agent.destroy();
        if (!following) reject(new ClientError('closed', `${this.url}: client is closed`));
      };
      const end = (err?: Error) => {
        if (!following || stopped) return;
        stopped = true;
        this.follows.delete(stop);
        agent.destroy();
        onEnd?.(err);
      };
      const req = this.http.request({ ...this.requestOptions('GET', path, { Accept: '*/*' }), agent }, (res) => {
        if (stopped) {
          res.resume();
          return;
        }
        if (res.statusCode !== 200) {
          stopped = true;
          this.follows.delete(stop);
          res.resume();
          agent.destroy();
          // Supervisor's http_client prints `<serverurl><path> Cannot read, status code N`.
          const msg = `${this.url}${path} Cannot read, status code ${res.statusCode}`;
          reject(new ClientError(res.statusCode === 401 ? 'auth' : 'protocol', msg));
          return;
        }
        following = true;
        res.on('data', (c: Buffer) => {
          if (!stopped) onData(c);
        });
        res.on('end', () => end());
        res.on('error', (e) => end(e));
        resolve(stop);
      });
      // From now on close() reaches this stream, answered or not.
      this.follows.add(stop);
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (following) end(e);
        else if (!stopped) {
          stopped = true;
          this.follows.delete(stop);
          agent.destroy();
          reject(connectError(e, this.url));
        }
      });
      req.end();
    });
  }

  async close(): Promise<void> {
    for (const stop of [...this.follows]) stop();
    this.agent.destroy();
  }
}

/**
 * A Client for `http://host:port` or `unix:///path` (any supervisord). Connects lazily: connection
 * problems surface on the first call as ClientError ('refused', 'nofile', 'auth', …).
 */
export async function connectXmlRpc(url: string, opts: ClientOptions = {}): Promise<Client> {
  // node:http loads with the first XML-RPC client, not with this module: a ZeroMQ command never needs it.
  const { default: http } = await import('node:http');
  return new XmlRpcClient(url, opts, http);
}
