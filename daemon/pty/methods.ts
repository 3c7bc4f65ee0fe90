/**
 * The ext.pty* methods (src/api/pty.ts) on the daemon's one method table: attach to a pty program's
 * screen, type into it, resize it, stop typing. Several clients may watch (the raw output is on PUB
 * topic `pty.<group>:<name>`); one at a time may type.
 */
import { Faults, RpcFault } from '../../src/api/faults.js';
import { PtyMethods, type PtyAttachResult } from '../../src/api/pty.js';
import type { Process } from '../process/types.js';
import type { MethodTable, RpcContext } from '../rpc/types.js';
import type { PtyHub } from './hub.js';
import type { PtySession } from './session.js';

/** The largest terminal accepted (a bigger one is a client bug, and would cost memory). */
const MAX_COLS = 1000;
const MAX_ROWS = 1000;

const NOT_PTY = 'not a pty program';
const TYPING = 'another client is typing';

/** Finds a process by namespec (`group:name` or `name`), as Supervisor.findProcess. */
export type FindProcess = (namespec: string) => Process | undefined;

/** Who is calling: the connection's id, or one id per transport and user where there is none. */
function callerOf(ctx: RpcContext): string {
  return ctx.clientId ?? `${ctx.transport}:${ctx.user ?? ''}`;
}

function checkSize(what: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new RpcFault(Faults.BAD_ARGUMENTS, `${what} must be an integer from 1 to ${max}, not ${JSON.stringify(v)}`);
  }
  return v;
}

/** Registers ext.ptyAttach, ext.ptyInput, ext.ptyResize and ext.ptyDetach on `table`. */
export function registerPtyMethods(table: MethodTable, hub: PtyHub, find: FindProcess): void {
  /** The pty process a namespec names: BAD_NAME when none, FAILED when it is not a pty program. */
  const ptyProcess = (name: unknown): Process => {
    const p = typeof name === 'string' ? find(name) : undefined;
    if (!p) throw new RpcFault(Faults.BAD_NAME, String(name));
    if (!p.config.pty) throw new RpcFault(Faults.FAILED, NOT_PTY);
    return p;
  };
  /** Its running session: NOT_RUNNING when there is none. */
  const running = (name: string, p: Process): PtySession => {
    const s = hub.session(p.group, p.name);
    if (!s) throw new RpcFault(Faults.NOT_RUNNING, name);
    return s;
  };
  /** The session, for a call only the typist may make (the role is taken when free). */
  const typing = (params: unknown[], ctx: RpcContext): PtySession => {
    const p = ptyProcess(params[0]);
    const s = running(params[0] as string, p);
    if (!hub.claim(p.group, p.name, callerOf(ctx)).ok) throw new RpcFault(Faults.FAILED, TYPING);
    return s;
  };

  table.register(
    {
      name: PtyMethods.attach,
      help:
        'Attach to a pty program: return its current screen and the PUB sequence number it is\n' +
        'valid at (apply pty.<group>:<name> messages with a higher seq after it). With\n' +
        'write=true, ask to be the one client that types (granted when nobody else is typing,\n' +
        'or the typist detached or made no ext.pty* call for 30 seconds); with write, cols and\n' +
        'rows resize the program\'s terminal.\n' +
        '@param string name The process name (or group:name)\n' +
        '@param struct options {cols, rows, write}, each optional ({} for none)\n' +
        '@return struct result {name, group, screen, seq, cols, rows, writer}',
      signature: ['struct', 'string', 'struct'],
    },
    async (params, ctx): Promise<PtyAttachResult> => {
      const [name, opts] = params as [string, Record<string, unknown>];
      const p = ptyProcess(name);
      const s = running(name, p);
      if (opts.write !== undefined && typeof opts.write !== 'boolean') {
        throw new RpcFault(Faults.BAD_ARGUMENTS, `write must be a boolean, not ${JSON.stringify(opts.write)}`);
      }
      const size =
        opts.cols !== undefined || opts.rows !== undefined
          ? { cols: checkSize('cols', opts.cols, MAX_COLS), rows: checkSize('rows', opts.rows, MAX_ROWS) }
          : null;
      const client = callerOf(ctx);
      const writer = opts.write === true ? hub.claim(p.group, p.name, client).ok : hub.holds(p.group, p.name, client);
      // Only the typist sizes the terminal: a viewer's window must not squeeze the typist's program.
      if (writer && size) s.resize(size.cols, size.rows);
      let snap;
      try {
        snap = await s.snapshot();
      } catch {
        throw new RpcFault(Faults.NOT_RUNNING, name);
      }
      return { name: p.name, group: p.group, screen: snap.screen, seq: snap.seq, cols: snap.cols, rows: snap.rows, writer };
    },
  );

  table.register(
    {
      name: PtyMethods.input,
      help:
        'Type into a pty program (only the typing client; the role is taken when nobody holds it)\n' +
        '@param string name The process name (or group:name)\n' +
        '@param string data The bytes to type, base64\n' +
        '@return boolean result Always true unless error',
      signature: ['boolean', 'string', 'string'],
    },
    (params, ctx) => {
      const data = params[1] as string;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) {
        throw new RpcFault(Faults.BAD_ARGUMENTS, 'data must be base64');
      }
      const s = typing(params, ctx);
      try {
        s.writeStdin(Buffer.from(data, 'base64'));
      } catch {
        throw new RpcFault(Faults.NOT_RUNNING, params[0] as string);
      }
      return true;
    },
  );

  table.register(
    {
      name: PtyMethods.resize,
      help:
        'Resize the terminal of a pty program (only the typing client); the program gets SIGWINCH\n' +
        '@param string name The process name (or group:name)\n' +
        '@param int cols Columns\n' +
        '@param int rows Rows\n' +
        '@return boolean result Always true unless error',
      signature: ['boolean', 'string', 'int', 'int'],
    },
    (params, ctx) => {
      const cols = checkSize('cols', params[1], MAX_COLS);
      const rows = checkSize('rows', params[2], MAX_ROWS);
      typing(params, ctx).resize(cols, rows);
      return true;
    },
  );

  table.register(
    {
      name: PtyMethods.detach,
      help:
        'Stop typing into a pty program (the caller stays a viewer as long as it subscribes)\n' +
        '@param string name The process name (or group:name)\n' +
        '@return boolean result Always true unless error',
      signature: ['boolean', 'string'],
    },
    (params, ctx) => {
      const p = ptyProcess(params[0]);
      hub.release(p.group, p.name, callerOf(ctx));
      return true;
    },
  );
}
