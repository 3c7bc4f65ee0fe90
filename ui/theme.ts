/**
 * Colours and attributes of the console, as SGR strings built here (not by chalk), so that NO_COLOR is
 * honoured exactly: with colour off no colour parameter is ever written, while bold, dim and inverse
 * (which NO_COLOR allows) still mark the selection and headings.
 */
import { ProcessStates } from '../src/api/states.js';

export interface Theme {
  readonly colour: boolean;
  /** Wraps `s` in SGR `codes` (a list of parameters) and a reset. */
  style(s: string, ...codes: number[]): string;
  bold(s: string): string;
  dim(s: string): string;
  inverse(s: string): string;
  /** The colour for a process state code. */
  state(s: string, code: number): string;
  error(s: string): string;
  ok(s: string): string;
  warn(s: string): string;
  accent(s: string): string;
  /** The heading bar of a pane; focused panes stand out. */
  bar(s: string, focused: boolean): string;
}

const COLOUR_PARAMS = new Set([30, 31, 32, 33, 34, 35, 36, 37, 39, 90, 91, 92, 93, 94, 95, 96, 97, 40, 41, 42, 43, 44, 45, 46, 47, 49, 100, 104]);

/** True when colours are wanted: NO_COLOR set to anything non-empty turns them off (no-color.org). */
export function wantsColour(env: Record<string, string | undefined>): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

/** Builds the theme; `colour` false drops every colour parameter. */
export function makeTheme(colour: boolean): Theme {
  const style = (s: string, ...codes: number[]): string => {
    const used = colour ? codes : codes.filter((c) => !COLOUR_PARAMS.has(c));
    return used.length && s ? `\x1b[${used.join(';')}m${s}\x1b[0m` : s;
  };
  const stateColour = (code: number): number[] => {
    switch (code) {
      case ProcessStates.RUNNING:
        return [32];
      case ProcessStates.STARTING:
      case ProcessStates.STOPPING:
        return [33];
      case ProcessStates.BACKOFF:
        return [33, 1];
      case ProcessStates.EXITED:
        return [35];
      case ProcessStates.FATAL:
      case ProcessStates.UNKNOWN:
        return [31, 1];
      default:
        return [90];
    }
  };
  return {
    colour,
    style,
    bold: (s) => style(s, 1),
    dim: (s) => style(s, 2),
    inverse: (s) => style(s, 7),
    state: (s, code) => style(s, ...stateColour(code)),
    error: (s) => style(s, 31, 1),
    ok: (s) => style(s, 32),
    warn: (s) => style(s, 33),
    accent: (s) => style(s, 36),
    bar: (s, focused) => (focused ? style(s, 7, 1) : style(s, 7, 2)),
  };
}
