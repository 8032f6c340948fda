export * from './api.js';
export type * from './types.js';
export * from './channels.js';
export { checkCall, isMethodName, mockOverrideProblem, type CheckedCall } from './validate.js';
