import type { JsonPath } from '../parse/types.js';
import { asArray, asRecord, type K8sObject } from './object.js';

/**
 * Where each workload kind keeps its pod spec (Kubernetes API reference: PodSpec in
 * Pod.spec, PodTemplateSpec.spec in the controllers, CronJob.spec.jobTemplate.spec.template).
 */
export const POD_SPEC_PATHS: Readonly<Record<string, JsonPath>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** How a pod template picks its ServiceAccount. */
export type ServiceAccountSource = 'serviceAccountName' | 'serviceAccount' | 'default';

/** A pod template of a workload, with the facts every ServiceAccount rule needs. */
export interface Workload {
  object: K8sObject;
  /** JSON path of the PodSpec inside the object. */
  specPath: JsonPath;
  spec: Record<string, unknown>;
  /** Namespace the pods run in. */
  namespace: string;
  /**
   * The ServiceAccount the pods run as: `serviceAccountName`, else the deprecated
   * `serviceAccount` (used only when `serviceAccountName` is empty), else `default`
   * (ServiceAccount admission plugin; core/v1 conversion "ServiceAccountName wins").
   */
  serviceAccountName: string;
  serviceAccountSource: ServiceAccountSource;
  /** `automountServiceAccountToken` of the pod spec when it is a boolean. */
  automount: boolean | undefined;
}

/** The pod template of a workload object, or undefined when the kind has none or it is malformed. */
export function workloadOf(object: K8sObject): Workload | undefined {
  const specPath = POD_SPEC_PATHS[object.kind];
  if (!specPath || object.namespace === undefined) return undefined;
  const spec = asRecord(object.get(specPath));
  if (!spec) return undefined;
  const byName = nonEmptyString(spec.serviceAccountName);
  const legacy = nonEmptyString(spec.serviceAccount);
  const serviceAccountName = byName ?? legacy ?? 'default';
  const serviceAccountSource: ServiceAccountSource = byName ? 'serviceAccountName' : legacy ? 'serviceAccount' : 'default';
  return {
    object,
    specPath,
    spec,
    namespace: object.namespace,
    serviceAccountName,
    serviceAccountSource,
    automount: typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : undefined,
  };
}

/** Every container of a pod spec (init, regular and ephemeral) with its JSON path. */
export function containersOf(workload: Workload): { path: JsonPath; container: Record<string, unknown> }[] {
  const out: { path: JsonPath; container: Record<string, unknown> }[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    asArray(workload.spec[field]).forEach((c, i) => {
      const container = asRecord(c);
      if (container) out.push({ path: [...workload.specPath, field, i], container });
    });
  }
  return out;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
