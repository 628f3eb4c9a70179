import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'unrendered-template',
  meta: {
    severity: 'error',
    description: 'Helm chart templates must be rendered before they are linted.',
    help: 'Lint the rendered output instead: helm template <release> <chart> | rbaclint - (the unrendered file is not checked).',
    rationale:
      'Go template actions ({{ … }}) are not YAML; until Helm renders them the RBAC they produce is unknown, so the file cannot be checked.',
    tags: ['syntax'],
    kinds: [],
    recommended: true,
    securitySeverity: 1.0,
    references: ['https://helm.sh/docs/helm/helm_template/'],
    source: 'parser',
  },
});
