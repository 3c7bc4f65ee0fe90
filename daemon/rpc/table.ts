/**
 * The transport-free method table (DESIGN.md rule 1) and the `system.*` namespace of reference d.3.
 * Names must be exactly `namespace.method` (Supervisor's CVE-2017-11610 rule) and never start with `_`;
 * the arity and the parameter types are checked against the method's signature before it runs.
 */
import { Faults, RpcFault } from '../../src/api/faults.js';
import type { MethodImpl, MethodInfo, MethodTable, RpcContext } from './types.js';
import { readMethodDocs, signatureOf } from './docs.js';

interface Entry {
  info: MethodInfo;
  impl: MethodImpl;
  /** Parameters that must be given; the rest of the signature is optional. */
  required: number;
}

/** An entry of system.multicall's array. */
interface CallSpec {
  methodName?: unknown;
  params?: unknown;
}

const INTERNAL: RpcContext = { transport: 'internal' };

/** Checks (and, where Supervisor would convert, converts) one parameter; null when it does not fit. */
function coerce(type: string, value: unknown): { ok: true; value: unknown } | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : null;
    case 'int':
      // Supervisor runs int() on offsets/lengths, so an integer in a string is accepted too.
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return { ok: true, value: parseInt(value, 10) };
      return null;
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 0 || value === 1) return { ok: true, value: value === 1 };
      return null;
    case 'array':
      return Array.isArray(value) ? { ok: true, value } : null;
    case 'struct':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ok: true, value } : null;
    case 'double':
      return typeof value === 'number' ? { ok: true, value } : null;
    default:
      return { ok: true, value };
  }
}

/** The one method table of the daemon; `system.*` is built in. */
export class RpcTable implements MethodTable {
  private readonly methods = new Map<string, Entry>();

  constructor() {
    registerFromDocs(this, new SystemNamespace(this), 'system', import.meta.url, {});
  }

  /**
   * Add a method. `required` is how many leading parameters must be given (default: all of the
   * signature's); extra parameters beyond the signature are refused with INCORRECT_PARAMETERS.
   */
  register(info: MethodInfo, impl: MethodImpl, required = Math.max(0, info.signature.length - 1)): void {
    if (!/^[A-Za-z]\w*\.[A-Za-z]\w*$/.test(info.name)) throw new Error(`invalid method name ${info.name}`);
    this.methods.set(info.name, { info, impl, required });
  }

  list(): string[] {
    return [...this.methods.keys()].sort();
  }

  describe(name: string): MethodInfo | undefined {
    return this.methods.get(name)?.info;
  }

  async call(method: string, params: unknown[] = [], ctx: RpcContext = INTERNAL): Promise<unknown> {
    const entry = typeof method === 'string' ? this.methods.get(method) : undefined;
    if (!entry) throw new RpcFault(Faults.UNKNOWN_METHOD);
    if (!Array.isArray(params)) throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'params must be an array');
    const types = entry.info.signature.slice(1);
    // Wrong arity is Python's TypeError, which Supervisor reports as a bare INCORRECT_PARAMETERS.
    if (params.length < entry.required || params.length > types.length) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
    const args = params.map((p, i) => {
      const c = coerce(types[i]!, p);
      if (!c) throw new RpcFault(Faults.INCORRECT_PARAMETERS, `parameter ${i + 1} of ${method} must be ${types[i]}`);
      return c.value;
    });
    return entry.impl(args, ctx);
  }
}

/**
 * Register every documented method of `target` under `ns`: help and signature come from the JSDoc of
 * the compiled module at `moduleUrl`; `aliases` maps extra names to the method they stand for.
 */
export function registerFromDocs(
  table: RpcTable,
  target: object,
  ns: string,
  moduleUrl: string,
  aliases: Record<string, string>,
): void {
  const docs = readMethodDocs(moduleUrl);
  const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && !n.startsWith('_'));
  const add = (name: string, impl: string) => {
    const fn = proto[impl];
    const help = docs.get(impl);
    if (typeof fn !== 'function' || help === undefined) throw new Error(`${ns}.${impl} has no implementation or no JSDoc`);
    const signature = signatureOf(help);
    if (!signature) throw new Error(`${ns}.${impl} has no @return tag`);
    // Parameters with a default value are optional (JS `length` counts those before the first default).
    table.register({ name: `${ns}.${name}`, help, signature }, (args) => fn.apply(target, args), fn.length);
  };
  for (const name of names) add(name, name);
  for (const [alias, impl] of Object.entries(aliases)) add(alias, impl);
}

/** Supervisor's `SystemNamespaceRPCInterface`. Methods are documented as the docstrings they return. */
class SystemNamespace {
  constructor(private readonly table: RpcTable) {}

  /**
   * Return an array listing the available method names
   *
   * @return array result  An array of method names available (strings).
   */
  listMethods(): string[] {
    return this.table.list();
  }

  /**
   * Return a string showing the method's documentation
   *
   * @param string name   The name of the method.
   * @return string result The documentation for the method name.
   */
  methodHelp(name: string): string {
    const info = this.table.describe(name);
    if (!info) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
    return info.help;
  }

  /**
   * Return an array describing the method signature in the
   * form [rtype, ptype, ptype...] where rtype is the return data type
   * of the method, and ptypes are the parameter data types that the
   * method accepts in method argument order.
   *
   * @param string name  The name of the method.
   * @return array result  The result.
   */
  methodSignature(name: string): string[] {
    const info = this.table.describe(name);
    if (!info || !info.signature.length) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
    return info.signature;
  }

  /**
   * Process an array of calls, and return an array of
   * results. Calls should be structs of the form {'methodName':
   * string, 'params': array}. Each result will either be a
   * single-item array containing the result value, or a struct of
   * the form {'faultCode': int, 'faultString': string}. This is
   * useful when you need to make lots of small calls without lots
   * of round trips.
   *
   * @param array calls  An array of call requests
   * @return array result  An array of results
   */
  async multicall(calls: CallSpec[]): Promise<unknown[]> {
    const results: unknown[] = [];
    // One after another, as Supervisor: a deferred call holds back the ones after it.
    for (const call of calls) {
      results.push(await runOne(this.table, call));
    }
    return results;
  }
}

/** Result of one multicall entry: the raw value (not wrapped in an array) or a fault struct. */
async function runOne(table: RpcTable, call: CallSpec): Promise<unknown> {
  try {
    const spec: CallSpec = call !== null && typeof call === 'object' ? call : {};
    const name = spec.methodName;
    if (name === undefined || name === null) throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'No methodName');
    if (name === 'system.multicall') {
      throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'Recursive system.multicall forbidden');
    }
    return await table.call(String(name), (spec.params ?? []) as unknown[]);
  } catch (err) {
    if (err instanceof RpcFault) return { faultCode: err.code, faultString: err.message };
    const e = err as Error;
    return { faultCode: Faults.FAILED, faultString: `FAILED: ${e?.name ?? 'Error'}:${e?.message ?? String(err)}` };
  }
}