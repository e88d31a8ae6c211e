/** The browser module `/labels.js` that serveWebApp writes (web.ts), as web/i18n.js imports it. */
export { LABELS } from '../i18n/labels.js';
/** The city's IANA time zone (ONEGATE_TIMEZONE): every date the web app shows, and its "today", are in it. */
export declare const TIME_ZONE: string;
/** ONEGATE_SIGNING: `upload` (the signed copy is uploaded), or `local`/`bsre` (the mayor signs here with a passphrase). */
export declare const SIGNING: 'upload' | 'local' | 'bsre';
