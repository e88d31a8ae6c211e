import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { BsreSigner } from './bsre.signer.js';
import { LocalPadesSigner } from './local-pades.signer.js';
import { demoSignerFiles, readOrCreateDemoPkcs12 } from './pkcs12.js';
import { SIGNER, type Signer } from './signing.port.js';

/** The signing port's adapter for ONEGATE_SIGNING: none for upload, the PKCS#12 (or the demo one) for local, BSrE for bsre. */
export const signerProvider = {
  provide: SIGNER,
  inject: [AppConfig, Clock],
  useFactory: (config: AppConfig, clock: Clock): Signer | null => {
    const signing = config.signing ?? { mode: 'upload' };
    if (signing.mode === 'local') {
      if (signing.p12File) return new LocalPadesSigner(readFileSync(signing.p12File));
      // Where the passphrase is, never the passphrase itself.
      new Logger('Signing').warn(`ONEGATE_SIGNING=local with the demo certificate ${demoSignerFiles(signing.dataDir).p12} (its passphrase is in the file beside it); set SIGNING_P12 for a real one`);
      return new LocalPadesSigner(readOrCreateDemoPkcs12(signing.dataDir, clock.now()));
    }
    if (signing.mode === 'bsre') return new BsreSigner(signing);
    return null;
  },
};
