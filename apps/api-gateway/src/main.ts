import 'reflect-metadata';
import { exitOnStartFailure } from '@pki/service-kit';
import { startGateway } from './gateway';

startGateway().catch(exitOnStartFailure('api-gateway'));
