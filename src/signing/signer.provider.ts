import { readFileSync } from 'node:fs';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { BsreSigner } from './bsre.signer.js';
import { LocalPadesSigner } from './local-pades.signer.js';
import { readOrCreateDemoPkcs12 } from './pkcs12.js';
import { SIGNER, type Signer } from './signing.port.js';

/** The signing port's adapter for ONEGATE_SIGNING: none for upload, the PKCS#12 (or the demo one) for local, BSrE for bsre. */
export const signerProvider = {
  provide: SIGNER,
  inject: [AppConfig, Clock],
  useFactory: (config: AppConfig, clock: Clock): Signer | null => {
    const signing = config.signing ?? { mode: 'upload' };
    if (signing.mode === 'local') return new LocalPadesSigner(signing.p12File ? readFileSync(signing.p12File) : readOrCreateDemoPkcs12(signing.dataDir, clock.now()));
    if (signing.mode === 'bsre') return new BsreSigner(signing);
    return null;
  },
};
