import 'reflect-metadata';
import { exitOnStartFailure, startService } from '@pki/service-kit';
import { revocationServiceDefinition } from './app.module';

startService(revocationServiceDefinition).catch(exitOnStartFailure('revocation-service'));
