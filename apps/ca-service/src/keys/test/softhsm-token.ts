/** The SoftHSM2 token harness lives in libs/testing so end-to-end suites can use it too. */
export { createSoftHsmToken, type SoftHsmToken } from '@pki/testing';
