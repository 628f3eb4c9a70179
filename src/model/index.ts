import type { Manifest } from '../parse/types.js';
import { EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION, asRecord, isNamespacedKind, K8sObject } from './object.js';
import { workloadOf, type Workload } from './workload.js';

export { K8sObject, asArray, asRecord, isNamespacedKind, mapDefined, stringList, type ObjectRef } from './object.js';
export { POD_SPEC_PATHS, containersOf, workloadOf, type ServiceAccountSource, type Workload } from './workload.js';

/** The API group of Role, ClusterRole and their bindings. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Every kind the model, the RBAC engine and rbaclint's rules read beyond their own `meta.kinds`,
 * conservatively: the built-in kinds of core/v1, apps/v1, batch/v1, policy/v1 and RBAC (those
 * `invalid-manifest` validates), the workload kinds and Namespace. The parser's fast path composes
 * the documents of these kinds (and of the enabled rules' `meta.kinds`) and may skip the others.
 */
export const MODEL_KINDS: readonly string[] = [
  'Binding', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'ConfigMap', 'ControllerRevision', 'CronJob',
  'DaemonSet', 'Deployment', 'Endpoints', 'Event', 'Job', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
  'PersistentVolumeClaim', 'Pod', 'PodDisruptionBudget', 'PodTemplate', 'ReplicaSet', 'ReplicationController',
  'ResourceQuota', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet',
];

/** Options of {@link Index}. */
export interface IndexOptions {
  /** Namespace of namespaced objects that set none (`--namespace`, default `default`). */
  defaultNamespace?: string;
}

/**
 * Every object of the input, indexed by kind and by `kind/namespace/name`, with the pod templates
 * of workloads extracted once. Objects without a `kind` are kept out of the index.
 */
export class Index {
  readonly objects: K8sObject[] = [];
  readonly defaultNamespace: string;
  private readonly byKind = new Map<string, K8sObject[]>();
  /**
   * By kind, then name: the object while a single namespace (`""` for cluster-scoped) holds that
   * name, else a Map by namespace. No key string is built per lookup, and no Map is held per
   * namespace (on a large input, most namespaces hold a few objects of a kind).
   */
  private readonly byKey = new Map<string, Map<string, K8sObject | Map<string, K8sObject>>>();
  private readonly namespacesWithServiceAccounts = new Set<string>();
  private workloadList: Workload[] | undefined;
  private externalNamespaces: Set<string> | undefined;
  private accountsByName: Map<string, K8sObject[]> | undefined;

  constructor(manifests: readonly Manifest[], options: IndexOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    const clusterScopedCustom = customClusterScopedKinds(manifests);
    for (const manifest of manifests) {
      const kind = manifest.object.kind;
      if (typeof kind !== 'string' || kind === '') continue;
      const object = new K8sObject(manifest, this.defaultNamespace, isNamespacedKind(kind, clusterScopedCustom));
      this.objects.push(object);
      let list = this.byKind.get(kind);
      if (!list) this.byKind.set(kind, (list = []));
      list.push(object);
      let byName = this.byKey.get(kind);
      if (!byName) this.byKey.set(kind, (byName = new Map()));
      // A later object of the same kind, namespace and name replaces the earlier one.
      const held = byName.get(object.name);
      if (held === undefined || (held instanceof K8sObject && held.namespace === object.namespace)) byName.set(object.name, object);
      else if (held instanceof K8sObject) byName.set(object.name, new Map([[held.namespace ?? '', held], [object.namespace ?? '', object]]));
      else held.set(object.namespace ?? '', object);
      if (kind === 'ServiceAccount' && object.namespace !== undefined) this.namespacesWithServiceAccounts.add(object.namespace);
    }
  }

  /** Objects of one kind, in input order. */
  ofKind(kind: string): readonly K8sObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object of that kind, namespace (undefined for cluster-scoped) and name, if in the input. */
  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const held = this.byKey.get(kind)?.get(name);
    if (held instanceof K8sObject) return (held.namespace ?? '') === (namespace ?? '') ? held : undefined;
    return held?.get(namespace ?? '');
  }

  /** The ServiceAccount `namespace/name` if the input defines it. */
  serviceAccount(namespace: string, name: string): K8sObject | undefined {
    return this.get('ServiceAccount', namespace, name);
  }

  /** Whether the input defines at least one ServiceAccount in the namespace. */
  definesServiceAccountsIn(namespace: string): boolean {
    return this.namespacesWithServiceAccounts.has(namespace);
  }

  /**
   * Whether the configuration's `context.namespaces` declares the namespace external: any
   * ServiceAccount may exist there, created and bound outside the input.
   */
  isExternalServiceAccountNamespace(namespace: string): boolean {
    if (!this.externalNamespaces) {
      this.externalNamespaces = new Set(
        (this.byKind.get('Namespace') ?? [])
          .filter((ns) => ns.manifest.file.contextOnly && ns.annotations[EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION] === 'true')
          .map((ns) => ns.name),
      );
    }
    return this.externalNamespaces.has(namespace);
  }

  /** The ServiceAccounts of that name, in every namespace, context included. */
  serviceAccountsNamed(name: string): readonly K8sObject[] {
    if (!this.accountsByName) {
      this.accountsByName = new Map();
      for (const account of this.byKind.get('ServiceAccount') ?? []) {
        const list = this.accountsByName.get(account.name) ?? [];
        list.push(account);
        this.accountsByName.set(account.name, list);
      }
    }
    return this.accountsByName.get(name) ?? [];
  }

  /**
   * The same index for rules: what they iterate (`objects`, `ofKind`, `roles`, `bindings`,
   * `workloads`) holds only the objects that can receive findings, not those of context-only files,
   * whose findings would be dropped anyway; lookups (`get`, `serviceAccount`, …) still see every
   * object. On a large cluster dump given as context, most of the work of the rules is saved.
   */
  reportable(): Index {
    const keep = (object: K8sObject) => !object.manifest.file.contextOnly;
    if (this.objects.every(keep)) return this;
    const view = Object.create(this) as Index;
    const byKind = new Map<string, readonly K8sObject[]>();
    let workloads: readonly Workload[] | undefined;
    Object.defineProperties(view, {
      objects: { value: this.objects.filter(keep) },
      ofKind: {
        value: (kind: string): readonly K8sObject[] => {
          let list = byKind.get(kind);
          if (!list) byKind.set(kind, (list = this.ofKind(kind).filter(keep)));
          return list;
        },
      },
      workloads: { value: (): readonly Workload[] => (workloads ??= this.workloads().filter((w) => keep(w.object))) },
    });
    return view;
  }

  /** Roles and ClusterRoles. */
  roles(): K8sObject[] {
    return [...this.ofKind('Role'), ...this.ofKind('ClusterRole')];
  }

  /** RoleBindings and ClusterRoleBindings. */
  bindings(): K8sObject[] {
    return [...this.ofKind('RoleBinding'), ...this.ofKind('ClusterRoleBinding')];
  }

  /** Pod templates of every workload kind, computed once. */
  workloads(): readonly Workload[] {
    if (!this.workloadList) {
      this.workloadList = [];
      for (const object of this.objects) {
        const workload = workloadOf(object);
        if (workload) this.workloadList.push(workload);
      }
    }
    return this.workloadList;
  }
}

/** Kinds declared cluster-scoped by CustomResourceDefinitions of the input. */
function customClusterScopedKinds(manifests: readonly Manifest[]): Set<string> {
  const kinds = new Set<string>();
  for (const { object } of manifests) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = asRecord(object.spec);
    const kind = asRecord(spec?.names)?.kind;
    if (spec?.scope === 'Cluster' && typeof kind === 'string') kinds.add(kind);
  }
  return kinds;
}
export {
  describeSubject,
  describeSubjects,
  roleRefOf,
  ruleEntries,
  subjectEntries,
  type RuleEntry,
  type SubjectEntry,
} from './rbac.js';
