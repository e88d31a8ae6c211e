/** `/labels.js` as the server writes it (src/web/web.ts), for a city in central Indonesia (WITA, UTC+8). */
export { LABELS } from '../../src/i18n/labels.js';
export const TIME_ZONE = 'Asia/Makassar';
export const SIGNING = 'upload';
