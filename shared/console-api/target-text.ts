import type { TargetSpec } from './types.js';

/**
 * A target as people type it (`--target`, the Runs view): `tcp://…`, `ws://…`, `amqp://…/queue`
 * and the like are URLs, anything else is an endpoint name of services.xml.
 */
export const targetFromText = (text: string): TargetSpec =>
  text.includes('://') ? { kind: 'url', url: text } : { kind: 'endpoint', endpoint: text };
