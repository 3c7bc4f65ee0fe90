/** Server URLs: their scheme as Python's urlparse finds it, and the schemes a Client can be opened for. */

/** Supervisor's two (unix, http) and our ZeroMQ ones (ipc, tcp); anything else is "Unknown protocol". */
export const CLIENT_SCHEMES: ReadonlySet<string> = new Set(['unix', 'http', 'ipc', 'tcp']);

/** Python's urlparse scheme: letters, digits, `+-.` before the first `:`, starting with a letter. */
export function urlScheme(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return m ? m[1]!.toLowerCase() : '';
}
