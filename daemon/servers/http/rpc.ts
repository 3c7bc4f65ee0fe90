/**
 * `POST /RPC2`: decode an XML-RPC methodCall, run it on the method table, encode the answer. Mirrors
 * Supervisor's `supervisor_xmlrpc_handler`: unparseable XML or no method name → 400, a method name that
 * is not exactly `ns.method` (or names a private `_x`) → UNKNOWN_METHOD, a fault → a fault response,
 * any other exception → 500 with a CRIT line in the activity log.
 */
import type http from 'node:http';
import { Faults, RpcFault } from '../../../src/api/faults.js';
import { decodeMethodCall, encodeFault, encodeMethodResponse, XmlRpcParseError } from '../../../src/client/xmlrpc-codec.js';
import type { Logger } from '../../logs/logger.js';
import type { MethodTable } from '../../rpc/types.js';
import { SERVER, sendError } from './responses.js';

/** Requests larger than this are refused with 413 (sendProcessStdin is the only big one). */
export const MAX_RPC_BODY = 64 * 1024 * 1024;

/** Reads a request body, or resolves null (after answering 413) when it is too large. */
function readBody(req: http.IncomingMessage, res: http.ServerResponse): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_RPC_BODY) {
        req.removeAllListeners('data');
        req.resume();
        res.setHeader('Connection', 'close');
        sendError(res, 413);
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_RPC_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The CVE-2017-11610 rule: exactly `ns.method`, and no private (`_x`) method. */
function isPublicName(method: string): boolean {
  const parts = method.split('.');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' && !parts[1]!.startsWith('_');
}

/** Python's `%r` of the request data, shortened: the log must not grow by megabytes per bad request. */
function quote(data: Buffer): string {
  const s = data.toString('utf8');
  return JSON.stringify(s.length > 2000 ? `${s.slice(0, 2000)}...` : s);
}

function sendXml(res: http.ServerResponse, xml: string): void {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(200, { Server: SERVER, 'Content-Type': 'text/xml', 'Content-Length': body.length });
  res.end(body);
}

/** Handles one request to /RPC2 (any method; only POST is served). */
export async function handleRpc(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  table: MethodTable,
  logger: Logger,
  user: string | undefined,
): Promise<void> {
  if (req.method !== 'POST') {
    sendError(res, 400);
    return;
  }
  const data = await readBody(req, res);
  if (data === null) return;
  let call;
  try {
    // Supervisor's unmarshaller hands base64 parameters to methods as text.
    call = decodeMethodCall(data, { base64: 'string' });
  } catch (e) {
    if (!(e instanceof XmlRpcParseError)) throw e;
    logger.error(`XML-RPC request data ${quote(data)} is invalid: unmarshallable`);
    sendError(res, 400);
    return;
  }
  if (!call.method) {
    logger.error(`XML-RPC request data ${quote(data)} is invalid: no method name`);
    sendError(res, 400);
    return;
  }
  const { method, params } = call;
  let xml: string;
  try {
    logger.trace(`XML-RPC method called: ${method}()`);
    if (!isPublicName(method)) throw new RpcFault(Faults.UNKNOWN_METHOD);
    const value = await table.call(method, params, { transport: 'xmlrpc', ...(user ? { user } : {}) });
    xml = encodeMethodResponse(value);
    logger.trace(`XML-RPC method ${method}() returned successfully`);
  } catch (e) {
    if (e instanceof RpcFault) {
      logger.trace(`XML-RPC method ${method}() returned fault: [${e.code}] ${e.message}`);
      xml = encodeFault(e.code, e.message);
    } else {
      logger.critical(
        `Handling XML-RPC request with data ${quote(data)} raised an unexpected exception: ${(e as Error)?.stack ?? String(e)}`,
      );
      sendError(res, 500);
      return;
    }
  }
  sendXml(res, xml);
}
