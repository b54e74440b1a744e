import 'reflect-metadata';
import { exitOnStartFailure, startService } from '@pki/service-kit';
import { directoryServiceDefinition } from './app.module';

startService(directoryServiceDefinition).catch(exitOnStartFailure('directory-certs'));
