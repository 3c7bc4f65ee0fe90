/**
 * The canned HTTP answers of Supervisor's medusa server: its error page and the reply headers.
 */
import http from 'node:http';

/** Medusa's `DEFAULT_ERROR_MESSAGE`, lines joined by CRLF. */
export function errorPage(code: number): string {
  const message = http.STATUS_CODES[code] ?? 'Unknown';
  return ['<head>', '<title>Error response</title>', '</head>', '<body>', '<h1>Error response</h1>',
    `<p>Error code ${code}.`, `<p>Message: ${message}.`, '</body>', ''].join('\r\n');
}

/** Answers with medusa's error page; `extra` adds headers (WWW-Authenticate, Connection). */
export function sendError(res: http.ServerResponse, code: number, extra: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    // Too late for a status line: cut the stream so the client sees the failure.
    res.destroy();
    return;
  }
  const body = Buffer.from(errorPage(code), 'utf8');
  res.writeHead(code, { Server: SERVER, ...extra, 'Content-Length': body.length, 'Content-Type': 'text/html' });
  res.end(body);
}

/** The `Server` header value: ours, in medusa's place. */
export const SERVER = 'supervisor-ts';

/** The page at `/`: the web UI is not part of this implementation. */
export function sendNoWebUi(res: http.ServerResponse): void {
  const body = Buffer.from(
    'This supervisord has no web interface.\n' +
      'Use supervisorctl, or XML-RPC at /RPC2 (e.g. supervisor.getAllProcessInfo).\n',
    'utf8',
  );
  res.writeHead(200, { Server: SERVER, 'Content-Type': 'text/plain;charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/** An RFC 7231 date, as medusa's `build_http_date`. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
