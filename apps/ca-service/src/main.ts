import 'reflect-metadata';
import { exitOnStartFailure, startService } from '@pki/service-kit';
import { caServiceDefinition } from './app.module';

startService(caServiceDefinition).catch(exitOnStartFailure('ca-service'));
