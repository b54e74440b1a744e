import 'reflect-metadata';
import { startService } from '@pki/service-kit';
import { issuanceServiceDefinition } from './app.module';

startService(issuanceServiceDefinition).catch((error: unknown) => {
  console.error('issuance-service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
