/** Schema names go into DDL and `withSchema`; accept only plain identifiers. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
  return schema;
}
