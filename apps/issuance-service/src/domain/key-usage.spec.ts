import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { mlDsaSpki } from '@pki/pki';
import { keyUsageProfileFrom, templateKeyUsage } from './key-usage';

const spki = (type: 'ec' | 'rsa' | 'ed25519') => {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return pair.publicKey.export({ type: 'spki', format: 'der' });
};

describe('templateKeyUsage', () => {
  const tls = ['DigitalSignature', 'KeyEncipherment'] as const;
  it('keeps keyEncipherment (and dataEncipherment) for RSA keys only under rfc5480', () => {
    expect(templateKeyUsage(tls, spki('rsa'), 'rfc5480')).toEqual(['DigitalSignature', 'KeyEncipherment']);
    expect(templateKeyUsage(tls, spki('ec'), 'rfc5480')).toEqual(['DigitalSignature']);
    expect(templateKeyUsage(['DigitalSignature', 'DataEncipherment', 'KeyAgreement'], spki('ec'), 'rfc5480')).toEqual(['DigitalSignature', 'KeyAgreement']);
    expect(templateKeyUsage(tls, spki('ed25519'), 'rfc5480')).toEqual(['DigitalSignature']);
  });
  it('the aws profile sets exactly the template bits', () => {
    expect(templateKeyUsage(tls, spki('ec'), 'aws')).toEqual(['DigitalSignature', 'KeyEncipherment']);
  });
  it('gives an ML-DSA key only signature bits (RFC 9881 §5), in both profiles', () => {
    const mlDsa = mlDsaSpki('ML_DSA_65', ml_dsa65.keygen(randomBytes(32)).publicKey);
    for (const profile of ['rfc5480', 'aws'] as const) {
      expect(templateKeyUsage(tls, mlDsa, profile)).toEqual(['DigitalSignature']);
      expect(templateKeyUsage(['DigitalSignature', 'NonRepudiation', 'KeyAgreement', 'DataEncipherment'], mlDsa, profile)).toEqual(['DigitalSignature', 'NonRepudiation']);
      expect(templateKeyUsage(['DigitalSignature', 'KeyCertSign', 'CRLSign'], mlDsa, profile)).toEqual(['DigitalSignature', 'KeyCertSign', 'CRLSign']);
    }
  });
  it('leaves CA bits alone', () => {
    expect(templateKeyUsage(['DigitalSignature', 'KeyCertSign', 'CRLSign'], spki('ec'), 'rfc5480')).toEqual(['DigitalSignature', 'KeyCertSign', 'CRLSign']);
  });
});

describe('keyUsageProfileFrom (PKI_KEY_USAGE_PROFILE)', () => {
  it('defaults to rfc5480, takes aws, refuses anything else naming the variable', () => {
    expect(keyUsageProfileFrom(undefined)).toBe('rfc5480');
    expect(keyUsageProfileFrom('')).toBe('rfc5480');
    expect(keyUsageProfileFrom('aws')).toBe('aws');
    expect(() => keyUsageProfileFrom('AWS')).toThrow('PKI_KEY_USAGE_PROFILE must be rfc5480 or aws, not "AWS"');
  });
});
