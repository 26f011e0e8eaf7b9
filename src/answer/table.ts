/** Text tables in chat: a code block, so the columns line up in any chat font. */

/** Right-aligned monospace columns, fenced so chat clients keep the alignment; one Answer line. */
export function codeBlock(header: readonly string[], body: readonly (readonly string[])[], leftAligned = 1): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c < leftAligned ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return ['```', fmt(header), ...body.map(fmt), '```'].join('\n');
}
