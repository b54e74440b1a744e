import { checkPrimeSync, createPublicKey, generateKeyPairSync, generatePrimeSync, randomBytes, type KeyObject } from 'node:crypto';
import { describePublicKey } from './algorithms';
import { oid } from './der/der-oid';
import { bitString, nullValue, sequence, unsignedBigInteger } from './der/der-writer';
import { checkPublicKeyQuality, FERMAT_ROUNDS, fermatFactorable, isqrt } from './key-quality';
import { Oid } from './oids';

/** SubjectPublicKeyInfo for an RSA public key (RFC 3279 §2.3.1), built with our own DER writer. */
const rsaSpki = (n: bigint, e = 65537n): Buffer =>
  sequence(sequence(oid(Oid.rsaEncryption), nullValue()), bitString(sequence(unsignedBigInteger(n), unsignedBigInteger(e))));

/** SubjectPublicKeyInfo for an EC point on a named curve (RFC 5480 §2.1.1). */
const ecSpki = (curveOid: string, point: Uint8Array): Buffer => sequence(sequence(oid(Oid.ecPublicKey), oid(curveOid)), bitString(point));

const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
const bitLength = (n: bigint) => n.toString(2).length;

function nextPrime(from: bigint): bigint {
  let candidate = from % 2n === 0n ? from + 1n : from + 2n;
  while (!checkPrimeSync(candidate)) candidate += 2n;
  return candidate;
}

/** Two 1024-bit primes next to each other: n = pq has 2048 bits and p, q share their top ~1014 bits. */
function closePrimes(): { p: bigint; q: bigint; n: bigint } {
  for (;;) {
    const p = generatePrimeSync(1024, { bigint: true });
    const q = nextPrime(p);
    const n = p * q;
    if (bitLength(n) === 2048) return { p, q, n };
  }
}

/** The ROCA prime shape k*M + (65537^a mod M) (Nemec et al. 2017), M = product of the primes 3..167. */
function rocaPrime(bits: number): bigint {
  let M = 1n;
  for (const p of [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167]) M *= BigInt(p);
  const modPow = (b: bigint, e: bigint, m: bigint) => {
    let r = 1n;
    for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
    return r;
  };
  for (;;) {
    const k = BigInt('0x' + randomBytes(Math.ceil((bits - bitLength(M)) / 8)).toString('hex')) | (1n << BigInt(bits - bitLength(M) - 1));
    const a = BigInt('0x' + randomBytes(4).toString('hex'));
    const candidate = k * M + modPow(65537n, a, M);
    if (bitLength(candidate) === bits && checkPrimeSync(candidate)) return candidate;
  }
}

const expectBad = (spki: Uint8Array, reason: RegExp) => {
  const result = checkPublicKeyQuality(spki);
  expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
};

describe('checkPublicKeyQuality: keys a CA may certify', () => {
  it.each([
    ['RSA 2048', 3, () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ['RSA 3072', 1, () => generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey],
    ['RSA 4096 with exponent 3', 1, () => generateKeyPairSync('rsa', { modulusLength: 4096, publicExponent: 3 }).publicKey],
    ['EC P-256', 20, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey],
    ['EC P-384', 20, () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey],
    ['EC P-521', 20, () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey],
  ])('accepts freshly generated %s keys', (_name, count, make) => {
    for (let i = 0; i < count; i++) expect(checkPublicKeyQuality(spkiOf(make()))).toEqual({ ok: true });
  });

  it('accepts compressed EC points (RFC 5480 §2.2) of valid keys; node:crypto decompresses them to the same key', () => {
    for (const curve of ['prime256v1', 'secp384r1', 'secp521r1']) {
      const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
      const info = describePublicKey(spki);
      const uncompressed = info.subjectPublicKey;
      const octets = (uncompressed.length - 1) / 2;
      const yParity = uncompressed[uncompressed.length - 1] & 1;
      const compressed = ecSpki(info.curveOid!, Buffer.concat([Buffer.from([0x02 | yParity]), uncompressed.subarray(1, 1 + octets)]));
      expect(checkPublicKeyQuality(compressed)).toEqual({ ok: true });
      // (node keeps the compressed form on export, so compare the coordinates.)
      const jwkOf = (der: Buffer) => createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      expect(jwkOf(compressed)).toEqual(jwkOf(spki));
    }
  });
});

describe('checkPublicKeyQuality: RSA weaknesses', () => {
  it("refuses a modulus of two close primes, which Fermat's method factors at once (CVE-2022-26320)", () => {
    const { p, q, n } = closePrimes();
    expect(checkPrimeSync(p) && checkPrimeSync(q) && p !== q).toBe(true);
    expectBad(rsaSpki(n), /Fermat.*too close.*CVE-2022-26320/);
    // The reason never carries a factor: a factor is the private key.
    const result = checkPublicKeyQuality(rsaSpki(n));
    expect(!result.ok && (result.reason.includes(p.toString()) || result.reason.includes(q.toString()) || result.reason.includes(p.toString(16)))).toBe(false);
  });

  it('fermatFactorable finds factors whose distance needs several rounds, and not beyond the bound', () => {
    // p, q = a ∓ d with a = (p+q)/2: Fermat needs about d^2 / (2 * sqrt(n)) rounds; sqrt(n) is about 2^1024.
    const { p } = closePrimes();
    const near = nextPrime(p + (1n << 515n)); // d = 2^514: under 10 rounds
    expect(fermatFactorable(p * near)).toBe(true);
    const far = nextPrime(p + (1n << 520n)); // d = 2^519: several thousand rounds
    expect(fermatFactorable(p * far)).toBe(false);
    expect(fermatFactorable(p * far, 20_000)).toBe(true);
    expect(fermatFactorable(p * p)).toBe(true); // a square modulus
    // Generated keys: the primes are independent, so no round finds them.
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    expect(fermatFactorable(BigInt('0x' + Buffer.from(jwk.n!, 'base64url').toString('hex')), FERMAT_ROUNDS * 10)).toBe(false);
  });

  it('refuses a modulus with a factor below 752 (BR §6.1.6), naming the small prime', () => {
    /** small * (a prime), exactly 2048 bits: a real modulus, just with one tiny factor. */
    const withFactor = (small: bigint): bigint => {
      // generatePrimeSync sets the two top bits, so which prime size gives 2048 bits depends on `small`.
      for (let i = 0; ; i++) {
        const n = small * generatePrimeSync(2048 - bitLength(small) + (i % 2), { bigint: true });
        if (bitLength(n) === 2048) return n;
      }
    };
    expectBad(rsaSpki(withFactor(751n)), /divisible by a prime below 752 \(751\)/);
    expectBad(rsaSpki(withFactor(2n)), /divisible by a prime below 752 \(2\)/);
    expectBad(rsaSpki(withFactor(3n * 5n)), /divisible by a prime below 752 \(3\)/);
    // 757 is the first prime not checked (Boulder's bound), so the rule is the bound, not "any factor".
    expect(checkPublicKeyQuality(rsaSpki(withFactor(757n)))).toEqual({ ok: true });
  });

  it('refuses a modulus with the ROCA fingerprint (CVE-2017-15361)', () => {
    for (;;) {
      const n = rocaPrime(1024) * rocaPrime(1024);
      if (bitLength(n) !== 2048) continue;
      expectBad(rsaSpki(n), /ROCA/);
      return;
    }
  });

  it('refuses moduli outside 2048..8192 bits or not a multiple of 8, and bad exponents', () => {
    const { n } = closePrimes(); // size and exponent are checked before factoring shortcuts
    const n1024 = generatePrimeSync(512, { bigint: true }) * generatePrimeSync(512, { bigint: true });
    expectBad(rsaSpki(n1024 | (1n << 1023n)), /below the 2048-bit minimum/);
    expectBad(rsaSpki((1n << 8192n) + 1n), /8193 bits is above the 8192-bit maximum/);
    expectBad(rsaSpki((1n << 2052n) + 1n), /2053 is not a multiple of 8/);
    expectBad(rsaSpki(n, 65536n), /exponent must be odd/);
    expectBad(rsaSpki(n, 1n), /exponent must be odd and at least 3/);
    expectBad(rsaSpki(n, (1n << 256n) + 1n), /below 2\^256/);
  });
});

describe('checkPublicKeyQuality: EC weaknesses', () => {
  const p256 = () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    return Buffer.from(describePublicKey(spkiOf(key)).subjectPublicKey);
  };
  const P256_P = (1n << 256n) - (1n << 224n) + (1n << 192n) + (1n << 96n) - 1n;

  it('refuses a point off the curve, as node:crypto createPublicKey does', () => {
    const point = p256();
    point[point.length - 1] ^= 1;
    const spki = ecSpki(Oid.prime256v1, point);
    expectBad(spki, /not a point on P-256/);
    expect(() => createPublicKey({ key: spki, format: 'der', type: 'spki' })).toThrow();
  });

  it('refuses the identity, which node:crypto would accept (and then abort the process reading its details)', () => {
    const identity = ecSpki(Oid.prime256v1, Buffer.from([0x00]));
    expectBad(identity, /point at infinity/);
    // Documented here so nobody replaces this check with createPublicKey: it imports the identity without error.
    expect(createPublicKey({ key: identity, format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ec');
  });

  it('refuses coordinates not below the field prime, the hybrid form and wrong lengths', () => {
    const point = p256();
    const y = BigInt('0x' + point.subarray(33).toString('hex'));
    const hex32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
    expectBad(ecSpki(Oid.prime256v1, Buffer.concat([Buffer.from([0x04]), hex32(P256_P), hex32(y)])), /not reduced/);
    expectBad(ecSpki(Oid.prime256v1, Buffer.concat([Buffer.from([0x02]), hex32(P256_P + 1n)])), /not reduced/);
    const hybrid = Buffer.from(point);
    hybrid[0] = 0x06 | Number(y & 1n);
    expectBad(ecSpki(Oid.prime256v1, hybrid), /not an uncompressed or compressed P-256 point/);
    expectBad(ecSpki(Oid.prime256v1, point.subarray(0, 64)), /not an uncompressed or compressed/);
    // A compressed x with no square root on the curve.
    for (let x = 1n; ; x++) {
      const candidate = Buffer.concat([Buffer.from([0x02]), Buffer.from(x.toString(16).padStart(64, '0'), 'hex')]);
      const result = checkPublicKeyQuality(ecSpki(Oid.prime256v1, candidate));
      if (!result.ok) {
        expect(result.reason).toMatch(/not a point on P-256/);
        expect(() => createPublicKey({ key: ecSpki(Oid.prime256v1, candidate), format: 'der', type: 'spki' })).toThrow();
        break;
      }
    }
  });

  it('refuses other curves and key algorithms, and malformed input, without throwing', () => {
    const k1 = spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey);
    expectBad(k1, /curve 1.3.132.0.10 is not allowed/);
    expectBad(spkiOf(generateKeyPairSync('ed25519').publicKey), /1.3.101.112 is not allowed/);
    expectBad(Buffer.from([0x30, 0x03, 0x02, 0x01]), /malformed public key/);
    expectBad(rsaSpki(0n), /malformed public key|not a positive integer/);
  });
});

describe('isqrt', () => {
  it('is the floor square root', () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, (1n << 2048n) - 1n, 10n ** 300n]) {
      const s = isqrt(n);
      expect(s * s <= n && (s + 1n) * (s + 1n) > n).toBe(true);
    }
  });
});
