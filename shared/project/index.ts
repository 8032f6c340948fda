/** The project model: services.xml + config.yml → model + diagnostics (see README.md here). */
export type * from './model.js';
export { isMqType, emptyServices, emptyConfig } from './model.js';
export { parseServicesXml, type ServicesParseResult } from './services-xml.js';
export { parseConfigYml, type ConfigParseResult } from './config-yml.js';
export { loadProject, type Project, type ProjectSources } from './project.js';
export { interfaceDefEntries, type InterfaceDefEntry } from './interface-def.js';
export {
  resolveBrokerUrl,
  displayUrl,
  AMQP_URL_ENV,
  LOCAL_DEFAULT_CREDENTIALS,
  type BrokerUrl,
  type BrokerUrlOptions,
} from './broker-url.js';
export {
  endpointByName,
  serverByName,
  serverRoutes,
  lookupRoute,
  serverEndpoints,
  serverLoopbacks,
  backEndEndpoints,
  backEndInterfaces,
  clientInterfaces,
  pushRoutes,
  type PushRoute,
  type RouteTarget,
  type RouteTable,
  type ServerRoutes,
  type ServerEndpoints,
  type BackEndEndpoint,
  type BackEndEndpoints,
} from './routing.js';
