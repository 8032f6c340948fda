// The Node transports applications import as `tce-console/transports`.
export { createClient, dial, type DialOptions } from './dial.js';
export { listen, serve, type ListenOptions } from './serve.js';
export { connectAmqp, type AmqpBrokerOptions } from './amqp.js';
export { createMemoryBroker, type MemoryBroker, type MemoryBrokerOptions } from './memory.js';
