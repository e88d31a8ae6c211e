export const SCHEDULER = Symbol('SCHEDULER');
