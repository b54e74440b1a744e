export type { ObjectAcl, ObjectMeta, ObjectStorage, StoredObject } from './object-storage.port';
export { InvalidObjectNameError, assertValidBucketName, assertValidObjectKey, bucketNameProblem, objectKeyProblem } from './object-names';
export { FilesystemObjectStorage } from './filesystem-object-storage';
export { S3ObjectStorage, putObjectCommand, getObjectCommand } from './s3-object-storage';
export { createObjectStorage, ObjectStorageConfigError } from './create-object-storage';
