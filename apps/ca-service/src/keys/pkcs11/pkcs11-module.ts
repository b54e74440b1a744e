/**
 * A PKCS #11 library is process-wide state (one C_Initialize per process), so every custody
 * that uses the same library shares one loaded module; it is finalized when the last one closes.
 */
import * as graphene from 'graphene-pk11';
import * as pkcs11js from 'pkcs11js';

const loaded = new Map<string, { module: graphene.Module; users: number }>();

export function acquireModule(library: string): graphene.Module {
  const entry = loaded.get(library);
  if (entry) {
    entry.users++;
    return entry.module;
  }
  let module: graphene.Module;
  try {
    module = graphene.Module.load(library);
  } catch (cause) {
    throw new Error(`cannot load the PKCS #11 library ${library} (PKI_PKCS11_LIBRARY): ${(cause as Error).message}`, { cause });
  }
  try {
    // Signatures and key generation run on libuv worker threads (C_SignAsync etc.), so the
    // library must lock for itself (PKCS #11 v2.40 §5.4, CKF_OS_LOCKING_OK).
    module.initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (cause) {
    if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test((cause as Error).message)) {
      throw new Error(`C_Initialize of the PKCS #11 library ${library} failed: ${(cause as Error).message}`, { cause });
    }
  }
  loaded.set(library, { module, users: 1 });
  return module;
}

export function releaseModule(library: string): void {
  const entry = loaded.get(library);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  loaded.delete(library);
  try {
    entry.module.finalize();
  } catch {
    // already finalized
  }
}
