export * from './v1.rules.js';
export * from './v1.machine.js';
