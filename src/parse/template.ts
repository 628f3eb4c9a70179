/**
 * What marks Helm in a text: the template actions only Helm writes, and the `# Source:` comments
 * of `helm template` output.
 */

/**
 * A template action that only Helm writes: Helm's built-in objects and its `include`. Other tools
 * put Go templates in data (Alertmanager's `{{ .CommonLabels.x }}`, `{{ template "x" . }}`), so only
 * these mark a chart template even when the action sits inside quotes and the YAML parses.
 */
export const HELM_ACTION = /\{\{-?[^}\n]*?(?:\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|\.Template\b|\binclude\s+")/;

const HELM_SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/gm;

/** The template named by the last `# Source:` comment of a document's preamble, if any. */
export function lastHelmSource(preamble: string): string | undefined {
  let found: string | undefined;
  for (const m of preamble.matchAll(HELM_SOURCE)) found = m[1];
  return found;
}
