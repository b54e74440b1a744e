import { validateRequest } from '@pki/aws-protocol';
import { IOT_OPERATION_SPECS } from './index';

/** The error the gateway would answer (IoT models InvalidRequestException), or undefined when accepted. */
const answer = (operation: keyof typeof IOT_OPERATION_SPECS, input: unknown): { code: string; message: string } | undefined => {
  const result = validateRequest(IOT_OPERATION_SPECS[operation].shape, input, { validationCode: 'InvalidRequestException' });
  return result.ok ? undefined : { code: result.error.code, message: result.error.message };
};

const CA_ID = 'a'.repeat(64);
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}';

describe('IoT input shapes', () => {
  // API_RegistrationConfig templateBody: "Minimum length of 0. Maximum length of 10240."
  it('UpdateCACertificate / RegisterCACertificate: registrationConfig.templateBody is at most 10240 characters', () => {
    expect(answer('UpdateCACertificate', { certificateId: CA_ID, registrationConfig: { templateBody: 'x'.repeat(10240) } })).toBeUndefined();
    expect(answer('UpdateCACertificate', { certificateId: CA_ID, registrationConfig: { templateBody: 'x'.repeat(10241) } })).toEqual({
      code: 'InvalidRequestException',
      message: expect.stringContaining("at 'registrationConfig.templateBody' failed to satisfy constraint: Member must have length less than or equal to 10240"),
    });
    expect(answer('RegisterCACertificate', { caCertificate: 'pem', registrationConfig: { templateBody: 'x'.repeat(10241) } })?.code).toBe('InvalidRequestException');
  });

  // API_Tag Key: "Pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
  it('CreatePolicy / RegisterCACertificate: a tag key outside the Tag Key pattern is InvalidRequestException', () => {
    expect(answer('CreatePolicy', { policyName: 'p', policyDocument: POLICY, tags: [{ Key: 'team/owner:é 1', Value: 'x' }] })).toBeUndefined();
    expect(answer('CreatePolicy', { policyName: 'p', policyDocument: POLICY, tags: [{ Key: 'bad*key', Value: 'x' }] })).toEqual({
      code: 'InvalidRequestException',
      message: expect.stringContaining("Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern"),
    });
    expect(answer('RegisterCACertificate', { caCertificate: 'pem', tags: [{ Key: 'a#b' }] })?.code).toBe('InvalidRequestException');
  });
});
