import {
  allOperations,
  declarationOf,
  type IdlModel,
  type InterfaceDecl,
  type Operation,
  type QualifiedName,
} from '../../shared/idl/model.js';
import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import {
  backEndEndpoints,
  backEndInterfaces,
  clientInterfaces,
  type BackEndEndpoints,
} from '../../shared/project/routing.js';
import { GATEWAY_INTERFACE } from '../gateway/plan.js';

/** One operation a mock back end answers, under the index of the interface that declares it (spec §1.7). */
export interface MockedOperation {
  /** `module.Interface.operation` of the declaring interface: the override's key. */
  key: string;
  owner: InterfaceDecl;
  op: Operation;
  /** Served interfaces that carry it (the owner, interfaces that inherit it): handler keys may name any of them. */
  carriers: QualifiedName[];
}

/** What the mock back end of one config.yml section serves. */
export interface BackEndPlan {
  section: string;
  endpoints: BackEndEndpoints;
  interfaces: QualifiedName[];
  operations: MockedOperation[];
}

export interface MockCatalog {
  backEnds: BackEndPlan[];
  /** Every operation any back end serves, by key, in interface order. */
  operations: Map<string, MockedOperation>;
  /** Things the user should know: interfaces routed but not in the IDL, guesses made. */
  notes: string[];
}

/**
 * The mock back ends of a project: one per config.yml section that reads a queue, serving the
 * interfaces services.xml routes to those queues (every interface that clients do not
 * implement when no route names them).
 */
export function mockCatalog(
  model: IdlModel,
  services: ServicesModel | undefined,
  config: ConfigModel | undefined,
): MockCatalog {
  const catalog: MockCatalog = { backEnds: [], operations: new Map(), notes: [] };
  if (!services || !config) return catalog;
  const implementedByClients = new Set(clientInterfaces(services));
  for (const section of config.servers) {
    const endpoints = backEndEndpoints(config, section.name);
    if (!endpoints || endpoints.read.length === 0) continue;
    let names = backEndInterfaces(services, endpoints);
    if (names.length === 0) {
      names = Object.keys(model.interfaces)
        .filter((q) => !implementedByClients.has(q) && !q.endsWith(`.${GATEWAY_INTERFACE}`))
        .sort();
      catalog.notes.push(
        `no route of ${services.file} sends calls to ${endpoints.read.map((e) => e.name).join(', ')} (config.yml section "${section.name}"): its mock serves every interface clients do not implement`,
      );
    }
    const interfaces: InterfaceDecl[] = [];
    for (const name of names) {
      const iface = model.interfaces[name];
      if (iface) interfaces.push(iface);
      else catalog.notes.push(`${name} is routed to "${section.name}" but no IDL file of the project declares it`);
    }
    const operations = new Map<string, MockedOperation>();
    for (const iface of interfaces) {
      for (const op of allOperations(model, iface)) {
        const { owner } = declarationOf(model, iface, op);
        const key = `${owner.qname}.${op.name}`;
        const entry = operations.get(key) ?? { key, owner, op, carriers: [] };
        if (!entry.carriers.includes(iface.qname)) entry.carriers.push(iface.qname);
        operations.set(key, entry);
      }
    }
    for (const entry of operations.values()) {
      const all = catalog.operations.get(entry.key);
      if (!all) catalog.operations.set(entry.key, { ...entry, carriers: [...entry.carriers] });
      else for (const c of entry.carriers) if (!all.carriers.includes(c)) all.carriers.push(c);
    }
    catalog.backEnds.push({
      section: section.name,
      endpoints,
      interfaces: interfaces.map((i) => i.qname),
      operations: [...operations.values()],
    });
  }
  return catalog;
}
