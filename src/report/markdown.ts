/**
 * Escaping for GitHub-flavoured Markdown that quotes names a pull request controls (object names,
 * messages, file paths): in a table cell or a heading, text stays one line of plain text.
 */

/** Text for a table cell or heading: one line, pipes and Markdown/HTML syntax escaped. */
export function markdownText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]#])/g, '\\$1');
}

/** The inside of a code span in a table cell: one line, no backtick to close it early, pipes escaped. */
export function markdownCode(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
}
