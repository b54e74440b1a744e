import 'reflect-metadata';
import { exitOnStartFailure, startService } from '@pki/service-kit';
import { issuanceServiceDefinition } from './app.module';

startService(issuanceServiceDefinition).catch(exitOnStartFailure('issuance-service'));
