export * from './api.js';
export type * from './types.js';
export * from './channels.js';
export { checkCall, isMethodName, METHOD_NAMES, type CheckedCall } from './validate.js';
