// The part of pqclean (tniessen/node-pqclean, PQClean's C code as WebAssembly) the tests use;
// the package ships no type declarations.
declare module 'pqclean' {
  export namespace sign {
    class PublicKey {
      constructor(algorithm: string, key: Uint8Array);
      verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
    }
    const supportedAlgorithms: ReadonlyArray<{ readonly name: string; readonly publicKeySize: number; readonly signatureSize: number }>;
  }
}
