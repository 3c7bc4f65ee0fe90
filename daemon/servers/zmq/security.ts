/**
 * Which security mechanism a [zmq_server] config asks for, validated once: PLAIN (username/password
 * through ZAP), CURVE (server secret key + allowed client keys) or none; and the refusal of a
 * non-loopback tcp bind without either.
 */
import type { ZmqServerConfig } from '../../../src/config/types.js';
import type { ZapPolicy } from './zap.js';
import { isZ85Key } from './z85.js';
import { isLoopbackHost, type ParsedEndpoint } from './endpoint.js';

export interface SecurityPlan {
  policy: ZapPolicy | null;
  /** Socket options for both server sockets. */
  socketOptions: Record<string, unknown>;
  /** Things to log at warn level once the server is up. */
  warnings: string[];
}

/**
 * Validates the security options; throws a one-line Error naming the option. `endpoints` pairs each
 * parsed endpoint with its option name (endpoint, pubsub_endpoint).
 */
export function planSecurity(config: ZmqServerConfig, endpoints: [string, ParsedEndpoint][]): SecurityPlan {
  const warnings: string[] = [];
  let policy: ZapPolicy | null = null;
  let socketOptions: Record<string, unknown> = {};
  if (config.curveSecretKey) {
    if (!isZ85Key(config.curveSecretKey)) throw new Error('[zmq_server] curve_secretkey is not a 40-character Z85 key');
    if (config.curvePublicKey && !isZ85Key(config.curvePublicKey)) {
      throw new Error('[zmq_server] curve_publickey is not a 40-character Z85 key');
    }
    for (const k of config.curveAllowedClients) {
      if (!isZ85Key(k)) throw new Error(`[zmq_server] curve_allowed_clients: ${JSON.stringify(k)} is not a 40-character Z85 key`);
    }
    if (config.curveAllowedClients.length === 0) {
      throw new Error('[zmq_server] curve_secretkey is set but curve_allowed_clients is empty: no client could connect');
    }
    if (config.username || config.password) warnings.push('zmq: CURVE is in use, so username/password are ignored');
    policy = { mechanism: 'CURVE', allowedClients: new Set(config.curveAllowedClients) };
    socketOptions = { curveServer: true, curveSecretKey: config.curveSecretKey };
  } else if (config.username || config.password) {
    if (!config.username) throw new Error('[zmq_server] password is set but username is not');
    if (!config.password) throw new Error('[zmq_server] username is set but password is not');
    policy = { mechanism: 'PLAIN', username: config.username, password: config.password };
    socketOptions = { plainServer: true };
  } else if (config.curveAllowedClients.length || config.curvePublicKey) {
    throw new Error('[zmq_server] curve keys are set but curve_secretkey is not');
  }
  if (policy) socketOptions.zapDomain = 'supervisor';
  for (const [option, ep] of endpoints) {
    if (ep.transport === 'tcp' && !policy && !isLoopbackHost(ep.host)) {
      throw new Error(
        `[zmq_server] ${option} ${ep.url} is not loopback and has no credentials: set username/password or curve keys`,
      );
    }
  }
  return { policy, socketOptions, warnings };
}
