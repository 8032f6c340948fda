import type { Diagnostic } from '../idl/diagnostics.js';
import type { SourceFile } from '../idl/source.js';
import type { MqAddress } from '../rpc/connection.js';
import { parseConfigYml } from './config-yml.js';
import type { ConfigModel, ServicesModel } from './model.js';
import { at, Report } from './report.js';
import { endpointByName } from './routing.js';
import { parseServicesXml } from './services-xml.js';

export interface ProjectSources {
  servicesXml: SourceFile;
  /** The back ends' MQ endpoints; optional, a gateway needs only services.xml. */
  configYml?: SourceFile | undefined;
}

/** A project: plain data (it crosses the console bridge); the query helpers live in routing.ts. */
export interface Project {
  services: ServicesModel;
  config: ConfigModel | undefined;
  /** services.xml's, then config.yml's, then those that compare the two. */
  diagnostics: Diagnostic[];
}

export function loadProject(files: ProjectSources): Project {
  const services = parseServicesXml(files.servicesXml);
  const config = files.configYml ? parseConfigYml(files.configYml) : undefined;
  const diagnostics = [...services.diagnostics, ...(config?.diagnostics ?? [])];
  if (config) diagnostics.push(...compare(services.services, config.config));
  return { services: services.services, config: config?.config, diagnostics };
}

const describe = (a: MqAddress) => `${a.durable ? 'durable' : 'non-durable'} ${a.type} ${a.name}`;

/** Where the gateway (services.xml) and the back ends (config.yml) disagree about the queues between them. */
function compare(services: ServicesModel, config: ConfigModel): Diagnostic[] {
  const report = new Report();
  for (const c of config.endpoints) {
    const s = endpointByName(services, c.name);
    if (!c.mq || !s?.mq) continue;
    if (c.mq.name !== s.mq.name || c.mq.type !== s.mq.type || c.mq.durable !== s.mq.durable) {
      report.warning(
        'endpoint-mismatch',
        `endpoint "${c.name}" is a ${describe(c.mq)} here but a ${describe(s.mq)} in services.xml (${at(s.ranges.address ?? s.range)}): gateway and back ends would not meet`,
        c.ranges.address ?? c.range,
      );
    }
  }
  // A back end answers a CALL on the endpoint named by its __mq_return__, which it must open for writing (spec §3.4 step 4).
  for (const server of services.servers) {
    for (const lb of server.loopback) {
      for (const section of config.servers) {
        const reads = section.endpoints.some((e) => e.name === lb.call.name && e.mode === 'read');
        const writes = section.endpoints.some((e) => e.name === lb.return.name && e.mode === 'write');
        if (reads && !writes) {
          report.warning(
            'reply-not-written',
            `"${section.name}" reads "${lb.call.name}" but does not open "${lb.return.name}" with AF_WRITE, where gateway "${server.name}" expects replies (loopback at ${at(lb.range)}): its replies will be dropped`,
            section.range,
          );
        }
      }
    }
  }
  return report.diagnostics;
}
