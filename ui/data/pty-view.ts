/**
 * The live preview of the selected pty program: attaches as a viewer (ext.ptyAttach without `write`),
 * rebuilds the screen in a headless terminal from the attach result and the `pty.<group>:<name>` bytes
 * after its sequence number, and asks for a redraw at most ~12 times a second.
 */
import { isFault, Faults } from '../../src/api/faults.js';
import { Topics } from '../../src/api/protocol.js';
import { PtyMethods, type PtyAttachResult } from '../../src/api/pty.js';
import type { Client, StreamMessage } from '../../src/client/types.js';
import { PtyScreen } from '../pty/screen.js';

export interface PtyViewState {
  key: string;
  status: 'attaching' | 'live' | 'error';
  error: string | null;
  screen: PtyScreen | null;
}

export class PtyViewer {
  view: PtyViewState | null = null;
  private unsub: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private generation = 0;

  constructor(
    private readonly client: Client,
    /** Called (throttled) when the screen changed. */
    private readonly onChange: () => void,
    /** Called when attaching tells whether `key` is a pty program. */
    private readonly onPtyKnown: (key: string, pty: boolean) => void,
    private readonly frameMs = 80,
  ) {}

  /** Shows `key` (namespec `namespec`, group/name for the topic); a no-op when already shown. */
  show(key: string, namespec: string, group: string, name: string): void {
    if (this.view?.key === key) return;
    this.hide();
    if (!this.client.subscribe) return;
    const gen = ++this.generation;
    this.view = { key, status: 'attaching', error: null, screen: null };
    void this.attach(gen, namespec, Topics.pty(group, name));
  }

  /** Stops previewing. */
  hide(): void {
    this.generation++;
    this.unsub?.();
    this.unsub = null;
    this.view?.screen?.dispose();
    this.view = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, this.frameMs);
  }

  private async attach(gen: number, namespec: string, topic: string): Promise<void> {
    const view = this.view!;
    let seq: number | null = null;
    const early: StreamMessage[] = [];
    const onMessage = (m: StreamMessage): void => {
      if (gen !== this.generation || m.topic !== topic) return;
      if (m.header.kind === 'gap') {
        // Lost bytes: the screen is only right again from a fresh attach.
        seq = null;
        void load();
        return;
      }
      if (m.header.kind !== 'pty') return;
      if (seq === null || !view.screen) early.push(m);
      else if (m.seq > seq) {
        view.screen.write(m.payload);
        this.changed();
      }
    };
    const load = async (): Promise<void> => {
      try {
        const r = (await this.client.call(PtyMethods.attach, [namespec, {}])) as PtyAttachResult;
        if (gen !== this.generation) return;
        view.screen ??= await PtyScreen.create(r.cols, r.rows);
        if (gen !== this.generation) return;
        view.screen.reset(r.cols, r.rows, r.screen);
        seq = r.seq;
        for (const m of early.splice(0)) if (m.seq > r.seq) view.screen.write(m.payload);
        view.status = 'live';
        this.onPtyKnown(view.key, true);
        view.screen.write('', () => this.changed());
      } catch (e) {
        if (gen !== this.generation) return;
        view.status = 'error';
        view.error = (e as Error).message;
        // Only "this is no pty program" answers settle the question; other failures may pass.
        if (isFault(e, Faults.BAD_NAME) || isFault(e, Faults.FAILED) || isFault(e, Faults.UNKNOWN_METHOD) || isFault(e, Faults.INCORRECT_PARAMETERS)) {
          this.onPtyKnown(view.key, false);
        }
        this.onChange();
      }
    };
    try {
      const unsub = await this.client.subscribe!([topic], onMessage);
      if (gen !== this.generation) {
        unsub();
        return;
      }
      this.unsub = unsub;
    } catch (e) {
      if (gen !== this.generation) return;
      view.status = 'error';
      view.error = (e as Error).message;
      this.onChange();
      return;
    }
    await load();
  }
}
