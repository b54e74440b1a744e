/** The last cRLNumber allocated per CA (numeric: up to 20 octets, RFC 5280 §5.2.3). */
export interface CrlNumberTable {
  ca_id: string;
  last_number: string;
}
