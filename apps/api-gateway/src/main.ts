import 'reflect-metadata';
import { startGateway } from './gateway';

startGateway().catch((error: unknown) => {
  console.error('api-gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
