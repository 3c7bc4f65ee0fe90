/** One screen row: a fixed-height box that never shrinks, holding text already cut to fit. */
import React from 'react';
import { Box, Text } from 'ink';

export interface LineProps {
  /** The row's text (SGR allowed), at most the terminal width. */
  text: string;
}

/**
 * A row of the screen (rows are flexShrink 0 so Yoga never squeezes them). Memoised on its text: an
 * unchanged row costs React nothing.
 */
export const Line = React.memo(function Line({ text }: LineProps): React.JSX.Element {
  return (
    <Box height={1} flexShrink={0}>
      {/* Never empty: Ink's plain-text output drops empty rows, which would move the ones below up. */}
      <Text wrap="truncate-end">{text || ' '}</Text>
    </Box>
  );
});

/** Several rows, one Line each. */
export function Lines({ lines, prefix }: { lines: readonly string[]; prefix: string }): React.JSX.Element {
  return (
    <>
      {lines.map((t, i) => (
        <Line key={`${prefix}${i}`} text={t} />
      ))}
    </>
  );
}
