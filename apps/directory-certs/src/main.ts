import 'reflect-metadata';
import { startService } from '@pki/service-kit';
import { directoryServiceDefinition } from './app.module';

startService(directoryServiceDefinition).catch((error: unknown) => {
  console.error('directory-certs failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
