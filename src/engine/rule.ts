import type { Index, K8sObject } from '../model/index.js';
import type { ClusterRbac } from '../rbac/cluster.js';
import type { JsonPath } from '../parse/types.js';
import type { Target } from '../parse/locate.js';
import type { KubeVersion } from '../rbac/version.js';

/** Severity of a finding; the same three levels as SARIF `level`. */
export type Severity = 'error' | 'warning' | 'note';

/** Severities from the most to the least severe. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

/** The closed set of tags a rule may carry (they become SARIF `properties.tags`). */
export type Tag =
  | 'serviceaccount'
  | 'rbac'
  | 'least-privilege'
  | 'escalation'
  | 'secrets'
  | 'tokens'
  | 'deprecated'
  | 'correctness'
  | 'syntax'
  | 'cis-5.1.1'
  | 'cis-5.1.2'
  | 'cis-5.1.3'
  | 'cis-5.1.5'
  | 'cis-5.1.6';

/** Every tag, for validation. */
export const TAGS: readonly Tag[] = [
  'serviceaccount',
  'rbac',
  'least-privilege',
  'escalation',
  'secrets',
  'tokens',
  'deprecated',
  'correctness',
  'syntax',
  'cis-5.1.1',
  'cis-5.1.2',
  'cis-5.1.3',
  'cis-5.1.5',
  'cis-5.1.6',
];

/** What a rule is and why it exists; maps one-to-one onto a SARIF reportingDescriptor. */
export interface RuleMeta {
  /** Default severity (SARIF `defaultConfiguration.level`). */
  severity: Severity;
  /** One sentence, ending with a period (SARIF `shortDescription`). */
  description: string;
  /** How to fix it, ending with a period (SARIF `help.text`). */
  help: string;
  /** Why it matters (SARIF `fullDescription`). */
  rationale: string;
  tags: readonly Tag[];
  /** The kinds whose objects can receive this rule's findings. */
  kinds: readonly string[];
  /** On by default. */
  recommended: boolean;
  /** SARIF `security-severity`, 0.1 to 10.0. */
  securitySeverity: number;
  references: readonly string[];
  /**
   * For rules whose findings can carry a {@link Fix}: what `--fix` changes and when, ending with a
   * period (the rule's page and `rbaclint rules` show it).
   */
  fixable?: string;
  /**
   * Who produces the findings when the rule has no `check`: `parser` (`parse-error`,
   * `unrendered-template`: no object exists to check) or `engine` (`unused-suppression`: the
   * engine matches suppressions after every rule ran).
   */
  source?: 'parser' | 'engine';
}

/** An object related to a finding (SARIF relatedLocations), e.g. the ServiceAccount of a pod. */
export interface RelatedReport {
  object: K8sObject;
  /** JSON path inside that object (default: the object's `metadata.name`). */
  path?: JsonPath;
  message: string;
}

/**
 * One change of a fix, at a JSON path inside an object; `src/fix` turns it into the smallest text
 * edit of the file, so every other byte stays as the user wrote it.
 */
export type Edit =
  /**
   * Set the scalar at `path`. When its last key is missing, add the pair to the map at the parent
   * path: after the first of `after` that exists, else before the map's first key.
   */
  | { op: 'set'; object: K8sObject; path: JsonPath; value: string | boolean; after?: readonly string[] }
  /** Rename the key of the pair at `path`, keeping its value. */
  | { op: 'rename'; object: K8sObject; path: JsonPath; to: string }
  /** Remove the pair at `path`. */
  | { op: 'remove'; object: K8sObject; path: JsonPath };

/** How `--fix` resolves a finding. */
export interface Fix {
  /** What it does, for people: `set automountServiceAccountToken: false on the pod template`. */
  description: string;
  edits: readonly Edit[];
}

/** What a rule hands to {@link RuleContext.report}. */
export interface Report {
  object: K8sObject;
  /** JSON path inside the object of the node a fix would edit. */
  path: JsonPath;
  /** Point at the key of the last pair on the path instead of its value. */
  at?: Target;
  message: string;
  /** Overrides the rule's default severity for this finding. */
  severity?: Severity;
  related?: readonly RelatedReport[];
  /** Edits that resolve the finding, only when they are certainly right (rules with `meta.fixable`). */
  fix?: Fix;
}

/** What a rule's `check` receives. */
export interface RuleContext {
  index: Index;
  /** The RBAC of the input plus the built-in policy, built on first use. */
  readonly rbac: ClusterRbac;
  /** The Kubernetes version the manifests are for (`--kube-version`; default the newest supported). */
  kubeVersion: KubeVersion;
  report(report: Report): void;
}

/** A rule: metadata, then a pure check over the index that only reports. */
export interface Rule<Id extends string = string> {
  id: Id;
  meta: RuleMeta;
  check?: (ctx: RuleContext) => void;
}

/** Identity function that gives a rule module its type (as typescript-eslint's `createRule`). */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}
