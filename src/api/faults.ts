/**
 * XML-RPC fault codes of Supervisor 4.2.5 (`supervisor.xmlrpc.Faults`), shared by every transport.
 * A fault's string is `NAME` or `NAME: text`, exactly as Supervisor formats it.
 */
export const Faults = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
} as const;

export type FaultName = keyof typeof Faults;
export type FaultCode = (typeof Faults)[FaultName];

export function faultName(code: number): FaultName | undefined {
  for (const [k, v] of Object.entries(Faults)) if (v === code) return k as FaultName;
  return undefined;
}

/**
 * An RPC fault. Thrown by method implementations, carried by every transport and re-thrown by clients.
 * `message` is the full fault string (`NAME: text`), as XML-RPC's faultString.
 */
export class RpcFault extends Error {
  readonly code: number;
  /** The part after `NAME: `, or '' when there is none. */
  readonly text: string;

  constructor(code: number, text = '') {
    const name = faultName(code) ?? 'UNKNOWN';
    super(text ? `${name}: ${text}` : name);
    this.name = 'RpcFault';
    this.code = code;
    this.text = text;
  }

  /** Builds a fault from a received code and fault string (the string is kept verbatim). */
  static fromWire(code: number, faultString: string): RpcFault {
    const f = new RpcFault(code);
    f.message = faultString;
    const prefix = `${faultName(code) ?? ''}: `;
    (f as { text: string }).text = faultString.startsWith(prefix) ? faultString.slice(prefix.length) : '';
    return f;
  }
}

export function isFault(e: unknown, code?: number): e is RpcFault {
  return e instanceof RpcFault && (code === undefined || e.code === code);
}
