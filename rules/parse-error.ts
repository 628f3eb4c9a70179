import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'parse-error',
  meta: {
    severity: 'error',
    description: 'Manifests must be valid YAML or JSON.',
    help: 'Fix the syntax at the reported position; kubectl would reject the file as it is.',
    rationale:
      'A document that does not parse is rejected by kubectl and cannot be checked; the other documents of the file and the other files are still linted.',
    tags: ['syntax'],
    kinds: [],
    recommended: true,
    securitySeverity: 1.0,
    references: ['https://yaml.org/spec/1.2.2/'],
    source: 'parser',
  },
});
