/** revocation-service settings from the environment (documented in the README). */
export interface RevocationEnv {
  /** PKI_CRL_DELAY_MS (default 60000): longest time between a revocation and the CRL carrying it. */
  readonly crlDelayMs: number;
  /** PKI_CRL_POLL_MS (default 1000): how often the CRL scheduler looks for due CRLs. */
  readonly crlPollMs: number;
  /** PKI_OCSP_VALIDITY_SECONDS (default 3600): nextUpdate - thisUpdate of OCSP responses. */
  readonly ocspValiditySeconds: number;
  /** PKI_REVOCATION_CATCH_UP_MS (default 2000): longest wait of RevokeCertificate for CA events not projected yet (only while ca-service's stream holds events the projection has not applied). */
  readonly catchUpMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(raw)}`);
  return value;
}

export function revocationEnv(env: NodeJS.ProcessEnv): RevocationEnv {
  return {
    crlDelayMs: integer(env, 'PKI_CRL_DELAY_MS', 60_000, 0),
    crlPollMs: integer(env, 'PKI_CRL_POLL_MS', 1_000, 10),
    ocspValiditySeconds: integer(env, 'PKI_OCSP_VALIDITY_SECONDS', 3_600, 60),
    catchUpMs: integer(env, 'PKI_REVOCATION_CATCH_UP_MS', 2_000, 0),
  };
}
