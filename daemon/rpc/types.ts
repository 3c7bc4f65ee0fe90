/**
 * The transport-free RPC method table (DESIGN.md rule 1). Transports (ZeroMQ, XML-RPC) call
 * `call()`; results are plain JSON-compatible values; errors are `RpcFault`s (src/api/faults.ts).
 */
export interface RpcContext {
  /** Which transport the call came in on. */
  transport: 'zmq' | 'xmlrpc' | 'internal';
  /** The authenticated user, when the transport has auth. */
  user?: string;
  /**
   * A stable id of the calling connection while it lasts (the ZeroMQ routing id, hex), so methods such
   * as ext.ptyInput can tell one client from another.
   */
  clientId?: string;
}

export interface MethodInfo {
  name: string;
  /** The docstring shown by system.methodHelp. */
  help: string;
  /** [returnType, ...paramTypes] for system.methodSignature, XML-RPC type names. */
  signature: string[];
}

export type MethodImpl = (params: unknown[], ctx: RpcContext) => unknown | Promise<unknown>;

export interface MethodTable {
  /** Run a method. Unknown names fault UNKNOWN_METHOD; bad arity or types INCORRECT_PARAMETERS. */
  call(method: string, params: unknown[], ctx?: RpcContext): Promise<unknown>;
  /** Add a method (our extensions: `ext.*`). */
  register(info: MethodInfo, impl: MethodImpl): void;
  /** Sorted names, as system.listMethods. */
  list(): string[];
  describe(name: string): MethodInfo | undefined;
}
