/** The services.xml gateway (spec §7): `startGateway` and what it reports. */
export {
  startGateway,
  GatewayError,
  type GatewayHandle,
  type GatewayOptions,
  type ListeningEndpoint,
} from './gateway.js';
export { DEFAULT_MAX_CONNECTIONS, tokenIsUserId, type Authenticate, type GatewayFootprint } from './core.js';
export {
  DROP_REASONS,
  MAX_EVENT_BYTES,
  type ConnectionEventBase,
  type DropReason,
  type EndpointKind,
  type GatewayCounters,
  type GatewayEvent,
  type GatewayMessageEvent,
  type HeaderFields,
  type InOutcome,
  type OutOutcome,
} from './events.js';
export type { ForwardedCallsOptions } from './forwarded-calls.js';
export { planGateway, type GatewayPlan, type UserEventsOption } from './plan.js';
