/**
 * Scanning one line of YAML text outside quoted strings: where its comment starts and where a
 * token stands. Quotes are tracked within the line only (a good approximation for these checks:
 * a YAML comment needs a blank before `#`, and both callers look at single lines).
 */

/**
 * 0-based index of the `#` that starts the line's comment: at the start of the line or after a
 * blank, outside quotes; undefined when the line has none.
 */
export function commentStart(line: string): number | undefined {
  return scan(line, (i) => line[i] === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t'));
}

/** Index of `needle` in the line outside single- or double-quoted strings. */
export function unquotedIndexOf(line: string, needle: string): number | undefined {
  return scan(line, (i) => line.startsWith(needle, i));
}

/** The first index outside quotes where `found` holds. */
function scan(line: string, found: (i: number) => boolean): number | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (found(i)) {
      return i;
    }
  }
  return undefined;
}
