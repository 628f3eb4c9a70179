/**
 * Scanning one line of YAML text: outside quoted strings, where its comment starts and where a
 * token stands (quotes are tracked within the line only: a good approximation for these checks, a
 * YAML comment needs a blank before `#`, and both callers look at single lines); and, by offsets
 * into the whole text, what may follow a value and where a plain scalar ends (the fast path's
 * line check and value reader, which know where values start).
 */

/** Whether `text[from, end)` is blanks only, or blanks then a comment (a `#` after at least one blank). */
export function blanksOrComment(text: string, from: number, end = text.length): boolean {
  let i = from;
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i === end || (i > from && text.charCodeAt(i) === 35);
}

/**
 * Where the plain scalar that starts at `from` on a line ending at `end` ends: before the blanks
 * that end the line or that precede a comment (` #`).
 */
export function plainEnd(text: string, from: number, end: number): number {
  let bodyEnd = end;
  for (let i = from; i + 1 < end; i++) {
    if (text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 35 /* # */) {
      bodyEnd = i;
      break;
    }
  }
  while (bodyEnd > from && text.charCodeAt(bodyEnd - 1) === 32) bodyEnd--;
  return bodyEnd;
}

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
