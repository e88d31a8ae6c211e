export * from './v1.rules.js';
export * from './v1.machine.js';
export * from './v2.machine.js';
export * from './v2.documents.js';
