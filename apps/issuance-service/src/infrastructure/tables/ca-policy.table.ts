import type { Selectable } from 'kysely';

/** A CA's resource policy as ca-service last published it (PolicyPut / PolicyDeleted). */
export interface CaPolicyTable {
  ca_id: string;
  ca_arn: string;
  /** The document as the owner put it; null once deleted. */
  policy: string | null;
  /** ca-service `ca-policy-<id>` stream version this row reflects. */
  version: number;
}

export type CaPolicyRow = Selectable<CaPolicyTable>;
