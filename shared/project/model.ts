import type { QualifiedName } from '../idl/model.js';
import type { SourceRange } from '../idl/source.js';
import type { MqAddress } from '../rpc/connection.js';

/**
 * The project model: services.xml (spec §7.1) and config.yml (spec §7.2) with variables
 * substituted and references kept as written. Plain JSON-like data, so it can cross the
 * console bridge; every element keeps where it was written so the console can jump there.
 * `range` is the element's tag name (or YAML key); `ranges` holds attribute value ranges.
 */

/** A name that refers to an endpoint, where it is written (one item of a comma list, say). */
export interface EndpointRef {
  name: string;
  range: SourceRange;
}

/** `<if id name/>` in `<InterfaceDef>`. */
export interface InterfaceDefinition {
  /** The ifidx; undefined when `id` is missing or not a valid ifidx (a diagnostic says so). */
  id: number | undefined;
  name: QualifiedName;
  range: SourceRange;
  ranges: { id?: SourceRange; name?: SourceRange };
}

/** `<var name value/>` in `<VariantDef>`. */
export interface Variable {
  name: string;
  value: string;
  range: SourceRange;
  ranges: { name?: SourceRange; value?: SourceRange };
}

/**
 * `qpid` is also written `amqp`; `easymq` is also written `mq` (legacy, parsed but not
 * supported); `unsupported` covers other legacy types (`zmq`, `user`, `auto`) and unknown ones.
 */
export type EndpointType = 'socket' | 'websocket' | 'qpid' | 'easymq' | 'unsupported';

export const isMqType = (type: EndpointType): boolean => type === 'qpid' || type === 'easymq';

export type EndpointAttribute =
  'name' | 'type' | 'host' | 'port' | 'address' | 'keyfile' | 'certfile' | 'compress' | 'ssl';

/** `<ep/>` in `<EndPoints>`, after `{variable}` substitution. */
export interface Endpoint {
  /** 1, 2, 3… in document order, counting every `<ep>` (the original's route keys). */
  id: number;
  name: string;
  type: EndpointType;
  /** The type as written, e.g. `amqp` or `mq`. */
  declaredType: string;
  host: string;
  /** Undefined when missing or not a port number (a diagnostic says so). */
  port: number | undefined;
  address: string;
  /** The parsed Qpid address of a `qpid` endpoint, when it parses. */
  mq: MqAddress | undefined;
  /** TLS (tcp → tls, websocket → wss, qpid → amqps): `ssl` when given, else keyfile and certfile both set. */
  tls: boolean;
  keyfile: string;
  certfile: string;
  /** `compress` as written (the original defaults to 1); undefined when absent. */
  compress: number | undefined;
  range: SourceRange;
  ranges: Partial<Record<EndpointAttribute, SourceRange>>;
}

/** `<call in out/>` or `<return in out/>`. */
export interface RoutePair {
  kind: 'call' | 'return';
  in: EndpointRef;
  out: EndpointRef;
  range: SourceRange;
}

/** `<route if>`: where CALLs and RETURNs of one interface go, keyed by the endpoint they arrive on. */
export interface Route {
  interface: QualifiedName;
  /** From `<InterfaceDef>`; undefined when the interface is not declared there. */
  ifidx: number | undefined;
  calls: RoutePair[];
  returns: RoutePair[];
  range: SourceRange;
  ranges: { if?: SourceRange };
}

/** One `callEp#returnEp` of the `loopback` property: CALLs written to `call` say replies go to `return`. */
export interface Loopback {
  call: EndpointRef;
  return: EndpointRef;
  range: SourceRange;
}

/** `<property name value/>`. */
export interface Property {
  name: string;
  value: string;
  range: SourceRange;
  ranges: { name?: SourceRange; value?: SourceRange };
}

/** `<server>`: one gateway (or node) configuration, chosen by name at start-up. */
export interface Server {
  name: string;
  /** Free text, ignored by the original. */
  type: string;
  /** Ignored by the original; kept as written. */
  id: string | undefined;
  routes: Route[];
  /** `<extra_mqs ins outs/>`: MQ endpoints opened for reading / writing besides the routes'. */
  extraMqs: { ins: EndpointRef[]; outs: EndpointRef[] };
  /** Every property as written (the last of a repeated name wins in the typed fields below). */
  properties: Property[];
  /** `listen`: endpoints the gateway serves on (listening sockets, MQ adapters). */
  listen: EndpointRef[];
  loopback: Loopback[];
  /** `userid_check`, default false. */
  useridCheck: boolean;
  range: SourceRange;
  ranges: { name?: SourceRange; type?: SourceRange; id?: SourceRange };
}

export interface ServicesModel {
  file: string;
  /** The root element's name (any name is accepted, e.g. `SNS`). */
  root: string;
  interfaces: InterfaceDefinition[];
  variables: Variable[];
  endpoints: Endpoint[];
  servers: Server[];
}

export const emptyServices = (file: string): ServicesModel => ({
  file,
  root: '',
  interfaces: [],
  variables: [],
  endpoints: [],
  servers: [],
});

export type ConfigEndpointField = 'name' | 'host' | 'port' | 'address' | 'type';

/** An entry of config.yml `common_defs.endpoints`. */
export interface ConfigEndpoint {
  name: string;
  host: string;
  port: number | undefined;
  address: string;
  /** `qpid` (also written `amqp`, or left out), `easymq` or `unsupported`. */
  type: EndpointType;
  mq: MqAddress | undefined;
  range: SourceRange;
  ranges: Partial<Record<ConfigEndpointField, SourceRange>>;
}

/** An entry of a server section's `endpoints`: `af_mode` AF_WRITE → write, anything else → read. */
export interface ConfigServerEndpoint {
  name: string;
  mode: 'read' | 'write';
  range: SourceRange;
  ranges: { name?: SourceRange; af_mode?: SourceRange };
}

/** A top-level section other than `common_defs`: the MQ endpoints of one back-end process. */
export interface ConfigServerSection {
  name: string;
  endpoints: ConfigServerEndpoint[];
  /** `endpoint_pairs {call, return}`: the loopbacks of this process. */
  pairs: Loopback[];
  range: SourceRange;
}

export interface ConfigModel {
  file: string;
  endpoints: ConfigEndpoint[];
  servers: ConfigServerSection[];
}

export const emptyConfig = (file: string): ConfigModel => ({ file, endpoints: [], servers: [] });
