import 'reflect-metadata';
import { startService } from '@pki/service-kit';
import { iotServiceDefinition } from './app.module';

startService(iotServiceDefinition).catch((error: unknown) => {
  console.error('iot-registry failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
