import 'reflect-metadata';
import { startService } from '@pki/service-kit';
import { revocationServiceDefinition } from './app.module';

startService(revocationServiceDefinition).catch((error: unknown) => {
  console.error('revocation-service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
