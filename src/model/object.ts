import type { JsonPath, Manifest } from '../parse/types.js';

/** Annotation of a synthesized context Namespace whose ServiceAccounts are all declared external. */
export const EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION = 'rbaclint.io/external-service-accounts';

/** Identity of a Kubernetes object as reports show it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

/**
 * Kinds that are cluster-scoped among the built-in kinds rbaclint may meet; everything else is
 * namespaced (source: the `namespaced` column of `kubectl api-resources`, Kubernetes 1.35).
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Whether objects of this kind live in a namespace (custom kinds are assumed namespaced). */
export function isNamespacedKind(kind: string, clusterScopedCustomKinds?: ReadonlySet<string>): boolean {
  return !CLUSTER_SCOPED_KINDS.has(kind) && !(clusterScopedCustomKinds?.has(kind) ?? false);
}

/** A Kubernetes object of the input with its effective namespace and its place in a file. */
export class K8sObject<T = Record<string, unknown>> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace`, else the default namespace; undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;

  constructor(
    readonly manifest: Manifest,
    defaultNamespace: string,
    namespaced: boolean,
  ) {
    const obj = manifest.object;
    const metadata = asRecord(obj.metadata);
    this.apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    this.kind = typeof obj.kind === 'string' ? obj.kind : '';
    this.name = typeof metadata?.name === 'string' ? metadata.name : (typeof metadata?.generateName === 'string' ? `${metadata.generateName}*` : '');
    const ns = metadata?.namespace;
    this.namespace = namespaced ? (typeof ns === 'string' && ns !== '' ? ns : defaultNamespace) : undefined;
  }

  /** The object's plain value, typed as the caller expects it (validated by the caller). */
  get value(): T {
    return this.manifest.object as T;
  }

  /** The object's labels (non-string values are ignored). */
  get labels(): Record<string, string> {
    return stringMap(asRecord(this.manifest.object.metadata)?.labels);
  }

  /** The object's annotations (non-string values are ignored). */
  get annotations(): Record<string, string> {
    return stringMap(asRecord(this.manifest.object.metadata)?.annotations);
  }

  /** `Deployment dev/web` for namespaced objects, `ClusterRole "admin"` for cluster-scoped ones. */
  get display(): string {
    return this.namespace === undefined ? `${this.kind} "${this.name}"` : `${this.kind} ${this.namespace}/${this.name}`;
  }

  /** The identity reports carry. */
  get ref(): ObjectRef {
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      ...(this.namespace === undefined ? {} : { namespace: this.namespace }),
      name: this.name,
    };
  }

  /** The value at a JSON path inside the object, or undefined. */
  get(path: JsonPath): unknown {
    let current: unknown = this.manifest.object;
    for (const segment of path) {
      if (typeof current !== 'object' || current === null) return undefined;
      current = (current as Record<string | number, unknown>)[segment];
    }
    return current;
  }
}

/** The value as a plain object, or undefined when it is not one. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The value as an array, or an empty array when it is not one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * `f` of each item, the undefined results left out, in an array with room for no more than the
 * items: an array grown by push (or `filter`) keeps room for 17, and the lists kept per object (a
 * role's rules, a binding's subjects) are mostly one or two long.
 */
export function mapDefined<T, U>(items: readonly T[], f: (item: T, index: number) => U | undefined): U[] {
  const out = items.map(f);
  let length = 0;
  for (const item of out) if (item !== undefined) out[length++] = item;
  out.length = length;
  return out as U[];
}

/**
 * The string entries of a list (other entries dropped; not a list: none). The manifest's own array
 * when every entry is a string, as it nearly always is: shared, read, never modify.
 */
export function stringList(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return NO_STRINGS;
  for (const item of value) if (typeof item !== 'string') return value.filter((v): v is string => typeof v === 'string');
  return value as string[];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}
