import 'reflect-metadata';
import { startService } from '@pki/service-kit';
import { caServiceDefinition } from './app.module';

startService(caServiceDefinition).catch((error: unknown) => {
  console.error('ca-service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
