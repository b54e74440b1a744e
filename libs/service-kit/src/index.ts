export * from './config';
export * from './command-server';
export * from './health';
export * from './bootstrap';
export * from './shutdown';
export * from './service-client';
export * from './ttl-cache';
