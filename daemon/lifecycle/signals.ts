/**
 * The signals supervisord acts on (reference b.7). Node's handlers only queue the signal for the
 * current Supervisor, which handles one per main-loop pass; SIGCHLD stays with Node (libuv reaps).
 */
import type { Supervisor } from '../supervisor.js';

const HANDLED = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR2'] as const;

/** Routes the daemon's signals to whichever Supervisor is current (it changes at each restart). */
export class SignalRouter {
  private target: Supervisor | null = null;
  /** Signals that arrived while no Supervisor was current (during a restart): delivered next. */
  private pending: string[] = [];
  private readonly handlers = new Map<string, () => void>();

  /** Install the handlers (once). */
  install(): void {
    if (this.handlers.size) return;
    for (const sig of HANDLED) {
      const h = () => {
        if (this.target) this.target.receiveSignal(sig);
        else if (!this.pending.includes(sig)) this.pending.push(sig);
      };
      this.handlers.set(sig, h);
      process.on(sig, h);
    }
  }

  /** Deliver signals to `sup` from now on (null: keep them until the next one, e.g. during a restart). */
  routeTo(sup: Supervisor | null): void {
    this.target = sup;
    if (!sup) return;
    for (const sig of this.pending.splice(0)) sup.receiveSignal(sig);
  }

  /** Remove the handlers. */
  uninstall(): void {
    for (const [sig, h] of this.handlers) process.off(sig, h);
    this.handlers.clear();
    this.target = null;
  }
}
