/**
 * The natural keys of the records a source has read so far (`llave` in its schema), to turn
 * down a second record with the same key: the same discharge `ID` twice, the same death in
 * two yearly files.
 *
 * A key is kept as a 64-bit hash, never as its text: two 32-bit hashes of different
 * construction (MurmurHash3's mixing and xxHash32's) over the key's fields, in an
 * open-addressing table of typed arrays, 14 bytes a slot, at most half full. A national SINAC
 * year (1.8 M births, 64 fields each) takes 4 M slots, 56 MB, whatever the length of its rows.
 *
 * Two different keys with the same 64 bits would make the second record a false duplicate.
 * For n keys the chance that any pair collides is about n² / 2⁶⁵: 1.1 × 10⁻⁷ for 2 million
 * keys in one run, 2.7 × 10⁻⁹ for 10⁵. The rejection names the line of the first occurrence,
 * so such a case can be checked by eye. The hash depends only on the text (fixed seeds), so
 * every run, thread and machine gives the same verdicts.
 */

const EMPTY = 0;
const MAX_FILES = 0xffff;

/**
 * Hashes a key field by field into two 32-bit lanes. Each field is fed as 32-bit words of two
 * UTF-16 code units, then its length, so that field boundaries count: ["ab", "c"] and
 * ["a", "bc"] are different keys (the word stream, read from its end, gives back the fields).
 */
export class KeyHasher {
  /** The two halves of the hash of the last `end()`. */
  a = 0;
  b = 0;
  private words = 0;

  start(): void {
    this.a = 0x9747b28c | 0;
    this.b = 0x165667b1 | 0;
    this.words = 0;
  }

  field(s: string): void {
    const n = s.length;
    let i = 0;
    for (; i + 1 < n; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.word(s.charCodeAt(i));
    this.word(n);
  }

  end(): void {
    // MurmurHash3's finaliser on lane a, xxHash32's on lane b.
    let a = this.a ^ this.words;
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    a = Math.imul(a, 0xc2b2ae35);
    a ^= a >>> 16;
    let b = (this.b + Math.imul(this.words, 0x27d4eb2f)) | 0;
    b ^= b >>> 15;
    b = Math.imul(b, 0x85ebca77);
    b ^= b >>> 13;
    b = Math.imul(b, 0xc2b2ae3d);
    b ^= b >>> 16;
    this.a = a | 0;
    this.b = b | 0;
  }

  private word(w: number): void {
    // MurmurHash3 x86_32 block step.
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    // xxHash32 round.
    let b = (this.b + Math.imul(w, 0x85ebca77)) | 0;
    b = (b << 13) | (b >>> 19);
    this.b = Math.imul(b, 0x9e3779b1);
    this.words++;
  }
}

/**
 * A set of 64-bit key hashes, each with where it was first seen (file and line), across every
 * file of one source in reading order. Linear probing; doubles when half full.
 */
export class SeenKeys {
  private ha: Int32Array;
  private hb: Int32Array;
  /** Line of the first occurrence; 0 marks an empty slot (lines start at 1). */
  private lines: Uint32Array;
  private fileOf: Uint16Array;
  private mask: number;
  private count = 0;
  private readonly files: string[] = [];

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.ha = new Int32Array(cap);
    this.hb = new Int32Array(cap);
    this.lines = new Uint32Array(cap);
    this.fileOf = new Uint16Array(cap);
    this.mask = cap - 1;
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** Bytes its arrays take. */
  get bytes(): number {
    return (this.mask + 1) * 14;
  }

  /** The keys added from now on were read in this file. */
  startFile(name: string): void {
    this.files.push(name);
  }

  /**
   * Adds the key hashed as (a, b), read at `line` of the current file. Returns -1 when it is
   * new, else the slot of its first occurrence (see `lineAt`, `fileAt`).
   */
  add(a: number, b: number, line: number): number {
    let i = a & this.mask;
    for (;;) {
      const at = this.lines[i];
      if (at === EMPTY) break;
      if (this.ha[i] === a && this.hb[i] === b) return i;
      i = (i + 1) & this.mask;
    }
    this.ha[i] = a;
    this.hb[i] = b;
    this.lines[i] = line;
    this.fileOf[i] = Math.min(this.files.length - 1, MAX_FILES);
    if (++this.count * 2 > this.mask + 1) this.grow();
    return -1;
  }

  lineAt(slot: number): number {
    return this.lines[slot];
  }

  /** The file of a first occurrence (beyond 65 535 files of one source: "un archivo anterior"). */
  fileAt(slot: number): string {
    const f = this.fileOf[slot];
    return f === MAX_FILES && this.files.length - 1 > MAX_FILES ? "un archivo anterior" : this.files[f];
  }

  private grow(): void {
    const { ha, hb, lines, fileOf } = this;
    const cap = (this.mask + 1) * 2;
    this.ha = new Int32Array(cap);
    this.hb = new Int32Array(cap);
    this.lines = new Uint32Array(cap);
    this.fileOf = new Uint16Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < lines.length; j++) {
      if (lines[j] === EMPTY) continue;
      let i = ha[j] & this.mask;
      while (this.lines[i] !== EMPTY) i = (i + 1) & this.mask;
      this.ha[i] = ha[j];
      this.hb[i] = hb[j];
      this.lines[i] = lines[j];
      this.fileOf[i] = fileOf[j];
    }
  }
}
