/**
 * A small real MethodTable for the HTTP server tests (the daemon's own table is tested elsewhere):
 * a few supervisor.* answers with Supervisor's shapes, an echo for type round trips, faults, a slow
 * (deferred) call, an unexpected exception, and system.multicall / listMethods with Supervisor's shapes.
 */
import { Faults, RpcFault } from '../../../src/api/faults.js';
import type { MethodImpl, MethodInfo, MethodTable, RpcContext } from '../../../daemon/rpc/types.js';

export class TestMethodTable implements MethodTable {
  private readonly methods = new Map<string, { info: MethodInfo; impl: MethodImpl }>();
  /** Every call seen, for assertions on what arrived. */
  readonly calls: { method: string; params: unknown[]; ctx?: RpcContext }[] = [];

  constructor() {
    const add = (name: string, impl: MethodImpl) => this.register({ name, help: `${name} (test)`, signature: ['string'] }, impl);
    add('supervisor.getAPIVersion', () => '3.0');
    add('supervisor.getVersion', () => '3.0');
    add('supervisor.getSupervisorVersion', () => '4.2.5');
    add('supervisor.getPID', () => process.pid);
    add('supervisor.getState', () => ({ statecode: 1, statename: 'RUNNING' }));
    add('supervisor.getProcessInfo', ([name]) => {
      if (name !== 'cat') throw new RpcFault(Faults.BAD_NAME, String(name));
      return { name: 'cat', group: 'cat', pid: 42, state: 20, statename: 'RUNNING', start: 2 ** 31 - 1 };
    });
    add('supervisor.startProcess', ([name]) => {
      throw new RpcFault(Faults.ALREADY_STARTED, String(name));
    });
    add('test.echo', (params) => params[0]);
    add('test.params', (params) => params);
    add('test.fault', ([code, text]) => {
      throw new RpcFault(Number(code), text === undefined ? '' : String(text));
    });
    add('test.slow', ([ms]) => new Promise((r) => setTimeout(() => r(`slept ${ms}`), Number(ms))));
    add('test.boom', () => {
      throw new Error('kaboom');
    });
    add('test.null', () => null);
    add('test.whoami', (_p, ctx) => ctx.user ?? '');
    add('system.listMethods', () => this.list());
    add('system.multicall', async ([calls]) => {
      const out: unknown[] = [];
      for (const c of calls as { methodName?: string; params?: unknown[] }[]) {
        try {
          if (c.methodName === undefined) throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'No methodName');
          if (c.methodName === 'system.multicall') throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'Recursive system.multicall forbidden');
          // Supervisor returns the raw value, not a 1-element array.
          out.push(await this.call(c.methodName, c.params ?? []));
        } catch (e) {
          if (!(e instanceof RpcFault)) throw e;
          out.push({ faultCode: e.code, faultString: e.message });
        }
      }
      return out;
    });
  }

  async call(method: string, params: unknown[], ctx?: RpcContext): Promise<unknown> {
    this.calls.push({ method, params, ctx });
    const m = this.methods.get(method);
    if (!m) throw new RpcFault(Faults.UNKNOWN_METHOD);
    return m.impl(params, ctx ?? { transport: 'internal' });
  }

  register(info: MethodInfo, impl: MethodImpl): void {
    this.methods.set(info.name, { info, impl });
  }

  list(): string[] {
    return [...this.methods.keys()].sort();
  }

  describe(name: string): MethodInfo | undefined {
    return this.methods.get(name)?.info;
  }
}
