/**
 * Pseudo-terminal programs (`pty=true`, our extension) as seen by clients: the `ext.pty*` methods
 * and the shape of what they return. The raw output streams on PUB topic `pty.<group>:<name>`
 * (Topics.pty in protocol.ts), one message per chunk, payload = the bytes, header as every message.
 */

export const PtyMethods = {
  /**
   * (string name, struct {cols?, rows?, write?: boolean}) → PtyAttachResult.
   * Returns the current screen rebuilt by the daemon's headless terminal, and the PUB sequence number it
   * is valid at: apply `pty.*` messages with a higher seq after it. `write: true` asks to be the one
   * client that types (granted when nobody else holds it, or the holder detached or vanished).
   * `cols`/`rows` (with write) resize the program's terminal.
   */
  attach: 'ext.ptyAttach',
  /** (string name, string dataBase64) → true. Only from the typing client; others get FAILED. */
  input: 'ext.ptyInput',
  /** (string name, int cols, int rows) → true. Only from the typing client. */
  resize: 'ext.ptyResize',
  /** (string name) → true. Gives up typing (a viewer stays a viewer until it unsubscribes). */
  detach: 'ext.ptyDetach',
} as const;

export interface PtyAttachResult {
  name: string;
  group: string;
  /** The screen as terminal bytes (xterm serialize output): write it to a cleared terminal. */
  screen: string;
  /** PUB sequence number the screen is valid at. */
  seq: number;
  cols: number;
  rows: number;
  /** True when this client is the typing one. */
  writer: boolean;
}
