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

const tokenWrites = new Map<string, Promise<unknown>>();

/**
 * Runs `write` (creating or destroying token objects) after every earlier write through the same
 * library in this process. SoftHSM2's file object store answered CKR_GENERAL_ERROR when key
 * pairs were generated on several worker threads at once (seen under load in the race test),
 * although the library was initialized with CKF_OS_LOCKING_OK. Object writes happen once per CA
 * (creation, deletion), so queueing them costs nothing; signatures stay concurrent.
 */
export function serializeTokenWrite<T>(library: string, write: () => Promise<T>): Promise<T> {
  const previous = tokenWrites.get(library) ?? Promise.resolve();
  const result = previous.then(write, write);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  tokenWrites.set(library, settled);
  void settled.then(() => {
    if (tokenWrites.get(library) === settled) tokenWrites.delete(library);
  });
  return result;
}
