import 'reflect-metadata';
import { exitOnStartFailure, startService } from '@pki/service-kit';
import { iotServiceDefinition } from './app.module';

startService(iotServiceDefinition).catch(exitOnStartFailure('iot-registry'));
