/**
 * `echo_supervisord_conf`: print the sample configuration to stdout (arguments are ignored, as
 * Supervisor's script ignores them).
 */
import { SAMPLE_CONF } from './sample.js';

/** Write the sample config to `out` (stdout by default); resolves to the exit status 0. */
export async function main(_argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  await new Promise<void>((resolveWrite, reject) => {
    out.write(SAMPLE_CONF, (err) => (err ? reject(err) : resolveWrite()));
  });
  return 0;
}
