/**
 * Makes text from a manifest safe for a terminal: control characters (ESC, BEL, CSI, …) are shown
 * as `\xHH` escapes instead of being sent to the terminal. Tabs and newlines are kept only when
 * `keepWhitespace` is set.
 */
export function escapeControl(text: string, keepWhitespace = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    if (keepWhitespace && (ch === '\t' || ch === '\n')) return ch;
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
