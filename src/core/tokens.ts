/** Injection tokens of the core providers. */
export const APP_CONFIG = Symbol('APP_CONFIG');
