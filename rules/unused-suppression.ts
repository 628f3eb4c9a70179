import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'unused-suppression',
  meta: {
    severity: 'note',
    description: 'Suppression comments and annotations must name a rule, give a reason and match a finding.',
    help: 'Remove the suppression if the finding is gone, fix the rule id, or add " -- <reason>" (annotations: a non-empty value).',
    rationale:
      'A suppression without a reason cannot be reviewed, and one that matches nothing hides the next finding of that rule on that line or object without anyone deciding to accept it.',
    tags: ['correctness'],
    kinds: [],
    recommended: true,
    securitySeverity: 1.0,
    references: ['https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives'],
    // Reported by the engine after the rules ran, like parser findings: there is no check.
    source: 'engine',
  },
});
