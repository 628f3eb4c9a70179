import { asArray, asRecord, mapDefined, stringList, type K8sObject } from './object.js';

/** One entry of a Role's or ClusterRole's `rules`, with only its string-list fields kept (shared: read, never modify). */
export interface RuleEntry {
  /** Index in `rules`. */
  index: number;
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
  resourceNames: readonly string[];
  nonResourceURLs: readonly string[];
  /** The entry as written (its field names are in the manifest's order). */
  raw: Readonly<Record<string, unknown>>;
}

/** A subject of a binding, with its index in `subjects`. */
export interface SubjectEntry {
  index: number;
  kind: string;
  name: string;
  /** As written; for ServiceAccounts of RoleBindings it defaults to the binding's namespace. */
  namespace?: string;
  apiGroup?: string;
}

const entriesOf = new WeakMap<K8sObject, readonly RuleEntry[]>();

/** The `rules` of a Role or ClusterRole; malformed entries are skipped. Read once per role, then shared. */
export function ruleEntries(role: K8sObject): readonly RuleEntry[] {
  const known = entriesOf.get(role);
  if (known) return known;
  const out = mapDefined(asArray(role.get(['rules'])), (raw, index): RuleEntry | undefined => {
    const rule = asRecord(raw);
    if (!rule) return undefined;
    return {
      index,
      apiGroups: stringList(rule.apiGroups),
      resources: stringList(rule.resources),
      verbs: stringList(rule.verbs),
      resourceNames: stringList(rule.resourceNames),
      nonResourceURLs: stringList(rule.nonResourceURLs),
      raw: rule,
    };
  });
  entriesOf.set(role, out);
  return out;
}

/** The `subjects` of a binding; malformed entries are skipped. */
export function subjectEntries(binding: K8sObject): SubjectEntry[] {
  const out: SubjectEntry[] = [];
  asArray(binding.get(['subjects'])).forEach((raw, index) => {
    const subject = asRecord(raw);
    if (!subject || typeof subject.kind !== 'string' || typeof subject.name !== 'string') return;
    out.push({
      index,
      kind: subject.kind,
      name: subject.name,
      ...(typeof subject.namespace === 'string' && subject.namespace !== '' ? { namespace: subject.namespace } : {}),
      ...(typeof subject.apiGroup === 'string' ? { apiGroup: subject.apiGroup } : {}),
    });
  });
  return out;
}

/** The `roleRef` of a binding when it is well-formed. */
export function roleRefOf(binding: K8sObject): { kind: string; name: string; apiGroup: string } | undefined {
  const ref = asRecord(binding.get(['roleRef']));
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return { kind: ref.kind, name: ref.name, apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '' };
}

/**
 * `ServiceAccount dev/web`, `Group system:authenticated`, `User alice`. A ServiceAccount subject
 * without a namespace takes the RoleBinding's (kubernetes/kubernetes
 * pkg/registry/rbac/validation/rule.go appliesToUser); in a ClusterRoleBinding it matches nothing.
 */
export function describeSubject(subject: SubjectEntry, binding: K8sObject): string {
  if (subject.kind !== 'ServiceAccount') return `${subject.kind} ${subject.name}`;
  const ns = subject.namespace ?? (binding.kind === 'RoleBinding' ? binding.namespace : undefined);
  return ns === undefined ? `ServiceAccount ${subject.name} (no namespace)` : `ServiceAccount ${ns}/${subject.name}`;
}

/** `ServiceAccount ci/deployer`, `Group a and User b`, `2 subjects: …`, or `no subjects`. */
export function describeSubjects(binding: K8sObject): string {
  const subjects = subjectEntries(binding).map((s) => describeSubject(s, binding));
  if (subjects.length === 0) return 'no subjects';
  if (subjects.length <= 2) return subjects.join(' and ');
  return `${subjects.length} subjects (${subjects.slice(0, 2).join(', ')}, …)`;
}
