import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { signerProvider } from './signer.provider.js';
import { SigningController } from './signing.controller.js';
import { SigningService } from './signing.service.js';

/** The mayor's electronic signature (contract §12): the signing port's adapter, the use case, verification. */
@Module({
  imports: [DatabaseModule, DirectoryModule, DocumentsModule],
  controllers: [SigningController],
  providers: [signerProvider, SigningService],
  exports: [SigningService],
})
export class SigningModule {}
