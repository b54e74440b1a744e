import { endpointAddress, endpointPrefix, isEndpointDomain } from './endpoint';

const A = '111111111111';
const B = '222222222222';

describe('DescribeEndpoint host names', () => {
  it('a prefix of 14 lowercase letters and digits, starting with a letter, stable per account and region', () => {
    const prefix = endpointPrefix(A, 'us-east-1');
    expect(prefix).toMatch(/^[a-z][a-z0-9]{13}$/);
    expect(endpointPrefix(A, 'us-east-1')).toBe(prefix);
    expect(endpointPrefix(B, 'us-east-1')).not.toBe(prefix);
    expect(endpointPrefix(A, 'eu-west-1')).not.toBe(prefix);
  });

  it('formed as AWS forms each endpoint type; iot:Data when none is given', () => {
    const p = endpointPrefix(A, 'eu-west-1');
    const domain = 'amazonaws.com';
    expect(endpointAddress('iot:Data-ATS', A, 'eu-west-1', domain)).toBe(`${p}-ats.iot.eu-west-1.amazonaws.com`);
    expect(endpointAddress('iot:Data', A, 'eu-west-1', domain)).toBe(`${p}.iot.eu-west-1.amazonaws.com`);
    expect(endpointAddress(undefined, A, 'eu-west-1', domain)).toBe(`${p}.iot.eu-west-1.amazonaws.com`);
    expect(endpointAddress('iot:CredentialProvider', A, 'eu-west-1', domain)).toBe(`${p}.credentials.iot.eu-west-1.amazonaws.com`);
    expect(endpointAddress('iot:Jobs', A, 'eu-west-1', 'pki.example.com')).toBe(`${p}.jobs.iot.eu-west-1.pki.example.com`);
  });

  it('any other endpoint type is InvalidRequestException (the names are case-sensitive, as AWS)', () => {
    for (const type of ['iot:data-ats', 'iot:Events', '']) {
      expect(() => endpointAddress(type, A, 'us-east-1', 'amazonaws.com')).toThrow(expect.objectContaining({ code: 'InvalidRequestException', message: expect.stringMatching(/Invalid endpoint type/) }));
    }
  });

  it('PKI_IOT_ENDPOINT_DOMAIN must be a lowercase DNS name', () => {
    for (const ok of ['amazonaws.com', 'iot.example.org', 'localhost']) expect(isEndpointDomain(ok)).toBe(true);
    for (const bad of ['', 'Example.com', 'example.com.', '-a.com', 'a..com', 'a b.com', 'https://x.com']) expect(isEndpointDomain(bad)).toBe(false);
  });
});
