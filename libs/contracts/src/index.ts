export * from './envelope';
export * from './subjects';
export * from './errors';
export * from './acm-pca';
export * from './iot-ds';
export * from './certificates';
export * from './signing';
export * from './issuance';
