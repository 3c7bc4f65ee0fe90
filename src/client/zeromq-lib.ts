/**
 * The zeromq package, loaded on first use rather than with the client modules: its addon, its JS and
 * its context threads are the biggest part of a one-shot supervisorctl, and only CURVE and the event
 * streams (SUB) need it; requests go over the built-in ZMTP peer (zmtp.ts).
 */
import { createRequire } from 'node:module';

let lib: typeof import('zeromq') | null = null;

/**
 * zeromq, loaded once. Through require(): it is CommonJS, and importing it as ESM makes Node pre-parse
 * it for named exports (~10 ms for nothing).
 */
export function zmq(): typeof import('zeromq') {
  return (lib ??= createRequire(import.meta.url)('zeromq') as typeof import('zeromq'));
}
