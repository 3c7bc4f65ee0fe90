/**
 * Server sections: `[inet_http_server*]` and `[unix_http_server*]` (options.py
 * `server_configs_from_parser`) and `[rpcinterface:x]`; `[supervisorctl]` is in ctl-section.ts (re-exported).
 */
import { ConfigError, type HttpServerConfig, type RpcInterfaceConfig } from './types.js';
import { convert, getConv, saneget, type GetOptions, type LoadContext } from './context.js';
import { colonSeparatedUserGroup, inetAddress, octalType, ValueError } from './datatypes.js';
import { normalizePath } from './paths.js';

export { normalizePath } from './paths.js';
export { CTL_DEFAULTS, supervisorctlSection } from './ctl-section.js';

/** The factory of Supervisor's own API; any other cannot be loaded (it is Python code). */
export const MAIN_RPC_FACTORY = 'supervisor.rpcinterface:make_main_rpcinterface';

/** `_parse_username_and_password`: both or neither. */
export function usernameAndPassword(
  ctx: LoadContext,
  section: string,
  opts: GetOptions = {},
): { username: string | null; password: string | null } {
  const username = saneget(ctx, section, 'username', null as string | null, opts).value;
  const password = saneget(ctx, section, 'password', null as string | null, opts).value;
  if ((username !== null || password !== null) && (username === null || password === null)) {
    throw new ConfigError(
      `Section [${section}] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified`,
      ctx.parser.sectionPos(section),
    );
  }
  return { username, password };
}

/** Every HTTP server section: inet ones first, then unix ones, each in file order. */
export function serverConfigsFromParser(ctx: LoadContext): HttpServerConfig[] {
  const out: HttpServerConfig[] = [];
  const sections = ctx.parser.sectionNames();
  for (const section of sections.filter((s) => s.startsWith('inet_http_server'))) {
    const auth = usernameAndPassword(ctx, section);
    const port = saneget(ctx, section, 'port', null as string | null);
    if (port.value === null) throw new ConfigError(`section [${section}] has no port value`, ctx.parser.sectionPos(section));
    const addr = convert(ctx, section, port.pos, () => inetAddress(port.value as string));
    out.push({ section, family: 'inet', host: addr.host, port: addr.port, ...auth });
  }
  for (const section of sections.filter((s) => s.startsWith('unix_http_server'))) {
    const here = new Map([['here', ctx.here]]);
    const file = saneget(ctx, section, 'file', null as string | null, { expansions: here });
    if (file.value === null) throw new ConfigError(`section [${section}] has no file value`, ctx.parser.sectionPos(section));
    const path = normalizePath(file.value.trim(), ctx.cwd, ctx.env);
    const auth = usernameAndPassword(ctx, section);
    const chown = getConv(ctx, section, 'chown', null as string | null, (v) => {
      if (v === null) return [-1, -1] as [number, number];
      try {
        return colonSeparatedUserGroup(v);
      } catch {
        throw new ValueError(`Invalid sockchown value ${v}`);
      }
    });
    const chmod = getConv(ctx, section, 'chmod', null as string | null, (v) => {
      if (v === null) return 0o700;
      try {
        return octalType(v);
      } catch {
        throw new ValueError(`Invalid chmod value ${v}`);
      }
    });
    out.push({ section, family: 'unix', file: path, chmod, chown, ...auth });
  }
  return out;
}

/**
 * `[rpcinterface:x]` sections (`get_plugins`). Only Supervisor's own factory can be honoured;
 * any other is kept in the result with a warning in `messages`.
 */
export function rpcInterfacesFromParser(ctx: LoadContext): RpcInterfaceConfig[] {
  const key = 'supervisor.rpcinterface_factory';
  const out: RpcInterfaceConfig[] = [];
  for (const section of ctx.parser.sectionNames()) {
    if (!section.startsWith('rpcinterface:')) continue;
    const name = section.slice(section.indexOf(':') + 1);
    const factory = saneget(ctx, section, key, null as string | null).value;
    if (factory === null) throw new ConfigError(`section [${section}] does not specify a ${key}`, ctx.parser.sectionPos(section));
    const extra: Record<string, string> = {};
    for (const k of ctx.parser.options(section)) if (k !== key) extra[k] = saneget(ctx, section, k, '').value;
    if (factory !== MAIN_RPC_FACTORY) {
      ctx.messages.push({
        level: 'warn',
        text: `[${section}] ${key} ${factory} is Python code and cannot be loaded; RPC interface '${name}' is not available`,
      });
    }
    out.push({ name, factory, extra });
  }
  return out;
}
