import { DomainError, type CloudDirectoryKind } from '@pki/contracts';

/**
 * The administrator password rules of CreateDirectory / CreateMicrosoftAD (`Password`, AWS
 * Directory Service API Reference): 8 to 64 characters and at least three of the four
 * Active Directory complexity classes (lowercase, uppercase, digits, non-alphanumeric), as the
 * model's pattern encodes them; and, as Active Directory's "Password must meet complexity
 * requirements" policy adds, it must not contain the administrator's account name (Simple AD:
 * `Administrator`; AWS Managed Microsoft AD: `Admin`).
 *
 * The password is checked and dropped: never stored, logged or echoed (messages never quote it).
 */
const ADMIN_ACCOUNT: Record<CloudDirectoryKind, string> = { SimpleAD: 'Administrator', MicrosoftAD: 'Admin' };

export function checkAdministratorPassword(password: string, kind: CloudDirectoryKind): void {
  const bad = (why: string) => new DomainError('Malformed', `Invalid directory administrator password: ${why}`, 'InvalidParameterException');
  const length = [...password].length;
  if (length < 8 || length > 64) throw bad('it must be 8 to 64 characters long.');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9\s]/].filter((re) => re.test(password)).length;
  // The model's pattern requires lowercase in three of its four alternatives; checking it
  // exactly as AWS's regular expression does keeps us from accepting what AWS refuses.
  const awsPattern =
    /(?=^.{8,64}$)((?=.*\d)(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[^A-Za-z0-9\s])(?=.*[a-z])|(?=.*[^A-Za-z0-9\s])(?=.*[A-Z])(?=.*[a-z])|(?=.*\d)(?=.*[A-Z])(?=.*[^A-Za-z0-9\s]))^.*/;
  if (classes < 3 || !awsPattern.test(password)) {
    throw bad('it must contain characters from three of these four groups: lowercase letters, uppercase letters, digits, and non-alphanumeric characters.');
  }
  if (password.toLowerCase().includes(ADMIN_ACCOUNT[kind].toLowerCase())) {
    throw bad(`it must not contain the administrator account name (${ADMIN_ACCOUNT[kind]}).`);
  }
}
