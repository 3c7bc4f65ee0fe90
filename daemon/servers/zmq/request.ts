/**
 * Turning the frames a ROUTER received into a validated request, and results or errors into reply
 * frames (docs/protocol.md "Control"). Pure functions, so every malformed input is unit-tested.
 */
import { RpcFault, faultName, Faults } from '../../../src/api/faults.js';
import {
  MAX_REQUEST_BYTES,
  ProtocolErrors,
  protocolErrorName,
  type ControlError,
  type ControlReply,
} from '../../../src/api/protocol.js';

export type RequestId = number | string | null;

export type ParsedRequest =
  | { ok: true; id: number | string; method: string; params: unknown[] }
  | { ok: false; id: RequestId; error: ControlError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The ControlError for a code and text (`NAME: text`, or `NAME` when text is empty). */
export function controlError(code: number, text: string): ControlError {
  const name = protocolErrorName(code) ?? faultName(code) ?? 'UNKNOWN';
  return { code, name, message: text ? `${name}: ${text}` : name };
}

function fail(id: RequestId, code: number, text: string): ParsedRequest {
  return { ok: false, id, error: controlError(code, text) };
}

/** Validates the body frames of one ROUTER message (the identity frame already removed). */
export function parseRequest(frames: Buffer[], maxBytes = MAX_REQUEST_BYTES): ParsedRequest {
  const total = frames.reduce((n, f) => n + f.length, 0);
  if (total > maxBytes) return fail(null, ProtocolErrors.REQUEST_TOO_LARGE, `${total} bytes, the limit is ${maxBytes}`);
  if (frames.length !== 1) {
    return fail(null, ProtocolErrors.INVALID_REQUEST, `expected 1 frame, got ${frames.length}`);
  }
  let text: string;
  try {
    text = utf8.decode(frames[0]!);
  } catch {
    return fail(null, ProtocolErrors.PARSE_ERROR, 'request is not UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return fail(null, ProtocolErrors.PARSE_ERROR, `bad JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(null, ProtocolErrors.INVALID_REQUEST, 'request must be a JSON object');
  }
  const req = body as Record<string, unknown>;
  const id = req.id;
  const idOk = (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 256);
  if (!idOk) return fail(null, ProtocolErrors.INVALID_REQUEST, 'id must be a number or a string of at most 256 characters');
  const rid = id as number | string;
  if (req.method === undefined) return fail(rid, ProtocolErrors.INVALID_REQUEST, 'missing method');
  if (typeof req.method !== 'string') return fail(rid, ProtocolErrors.INVALID_REQUEST, 'method must be a string');
  const params = req.params === undefined || req.params === null ? [] : req.params;
  if (!Array.isArray(params)) return fail(rid, Faults.INCORRECT_PARAMETERS, 'params must be an array');
  return { ok: true, id: rid, method: req.method, params };
}

/** The ControlError for anything a method threw: RpcFaults keep their code and string. */
export function errorFor(err: unknown): ControlError {
  if (err instanceof RpcFault) return { code: err.code, name: faultName(err.code) ?? 'UNKNOWN', message: err.message };
  const e = err as Error;
  // Like system.multicall's shape for unexpected exceptions: FAILED: <type>:<message>
  return controlError(Faults.FAILED, `${e?.name ?? 'Error'}:${e?.message ?? String(err)}`);
}

/** Serialises a reply; a result that JSON cannot carry becomes a FAILED error. */
export function encodeReply(reply: ControlReply): string {
  if ('result' in reply) {
    try {
      return JSON.stringify({ id: reply.id, result: reply.result === undefined ? null : reply.result });
    } catch (err) {
      return JSON.stringify({ id: reply.id, error: errorFor(err) });
    }
  }
  return JSON.stringify(reply);
}
