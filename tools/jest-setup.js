// @peculiar/x509 and NestJS need the Reflect metadata polyfill loaded before anything else.
require('reflect-metadata');
