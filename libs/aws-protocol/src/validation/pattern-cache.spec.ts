import { fullMatch } from './pattern-cache';

describe('fullMatch', () => {
  it('anchors the pattern to the whole value', () => {
    expect(fullMatch('[a-z]+', 'abc')).toBe(true);
    expect(fullMatch('[a-z]+', 'abc;')).toBe(false);
  });

  it("reads Java's POSIX classes as Java does (IoT ThingTypeDescription [\\p{Graph}\\x20]*)", () => {
    const description = String.raw`[\p{Graph}\x20]*`;
    expect(fullMatch(description, 'lamps for the hall: 2.5 W, E27!')).toBe(true);
    expect(fullMatch(description, 'tab\there')).toBe(false);
    expect(fullMatch(String.raw`[\p{Print}]+`, 'a b')).toBe(true);
  });
});
