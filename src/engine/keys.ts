/**
 * The natural keys of the records a source has read so far (`llave` in its schema), to turn
 * down a second record with the same key: the same discharge `ID` twice, the same death in
 * two yearly files.
 *
 * A key is kept as a 64-bit hash, never as its text: two 32-bit hashes of different
 * construction (MurmurHash3's mixing and xxHash32's) over the key's fields, in an
 * open-addressing table of 12 bytes a slot, at most three quarters full: 16 to 24 bytes a key,
 * whatever the length of its rows; sized from the first megabyte of a file (`reserve`), about
 * 18. A national SINAC year (1.8 M births, 64 fields each) takes about 32 MB.
 *
 * Two different keys with the same 64 bits would make the second record a false duplicate.
 * For n keys the chance that any pair collides is about n² / 2⁶⁵: 1.1 × 10⁻⁷ for 2 million
 * keys in one run, 2.7 × 10⁻⁹ for 10⁵. The rejection names the line of the first occurrence,
 * so such a case can be checked by eye. The hash depends only on the text (fixed seeds), so
 * every run, thread and machine gives the same verdicts.
 */

const EMPTY = 0;
const QUOTE = 34;


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

  /**
   * Feeds the fields of `text[start, end)` as `field` would feed each: the text split on the
   * delimiter `d` (a char code), or, `quoted`, the text within its outer quotes split on
   * `"<d>"` (every quote inside is such a separator: the tokenizer's `QUOTED` records). No
   * field is made into a string.
   */
  fieldsOf(text: string, start: number, end: number, d: number, quoted: boolean): void {
    let p = start;
    let stop = end;
    let sep = d;
    if (quoted) {
      p++;
      stop--;
      sep = QUOTE;
    }
    let from = p;
    let held = -1; // the first code unit of a word, waiting for its second
    for (; p < stop; p++) {
      const c = text.charCodeAt(p);
      if (c === sep) {
        if (held >= 0) this.word(held);
        this.word(p - from);
        held = -1;
        if (quoted) p += 2;
        from = p + 1;
      } else if (held < 0) held = c;
      else {
        this.word(held | (c << 16));
        held = -1;
      }
    }
    if (held >= 0) this.word(held);
    this.word(stop - from);
  }

  /** Feeds a typed value as its text (a missing value as the empty text, as `join` shows it). */
  value(v: unknown): void {
    this.field(v === null || v === undefined ? "" : typeof v === "string" ? v : String(v));
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
 * file of one source in reading order. Open addressing with linear probing over one
 * `Int32Array` of 3 words a slot (the two halves of the hash and a position), so that a probe
 * touches one cache line. Any number of slots (the home slot is the hash modulo their count),
 * so that `reserve` sizes it to what the keys need; past three quarters full it grows by half.
 *
 * A position is the line plus the lines of the files before it (each file's last line with a
 * key), so one 32-bit word says both; `startFile` records where each file begins.
 */
export class SeenKeys {
  private slots: Int32Array;
  private cap: number;
  private count = 0;
  private readonly files: string[] = [];
  /** Position before each file's first line. */
  private readonly bases: number[] = [];
  private base = 0;
  private lastLine = 0;

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.slots = new Int32Array(this.cap * 3);
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** Bytes its table takes. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** The keys added from now on were read in this file. */
  startFile(name: string): void {
    this.base += this.lastLine;
    this.lastLine = 0;
    this.files.push(name);
    this.bases.push(this.base);
  }

  /**
   * Adds the key hashed as (a, b), read at `line` (1 or more) of the current file. Returns -1
   * when it is new, else the slot of its first occurrence (see `lineAt`, `fileAt`).
   */
  add(a: number, b: number, line: number): number {
    const slots = this.slots;
    const cap = this.cap;
    let i = (a & 0x7fffffff) % cap;
    for (;;) {
      const at = i * 3;
      if (slots[at + 2] === EMPTY) break;
      if (slots[at] === a && slots[at + 1] === b) return i;
      if (++i === cap) i = 0;
    }
    const at = i * 3;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = this.base + line;
    if (line > this.lastLine) this.lastLine = line;
    if (++this.count * 4 > cap * 3) this.rehash(Math.ceil(cap * 1.5));
    return -1;
  }

  /**
   * Every key held, as (a, b) pairs in one array, sorted by a then b (as unsigned numbers):
   * what a part of a source read on its own hands back, for `sharesAKey`.
   */
  sortedPairs(): Int32Array {
    // Counting sort on the top bits of a (about eight keys a bucket), then each bucket in order
    // by insertion: the table is read twice and the keys moved once.
    const n = this.count;
    const bits = Math.max(8, Math.min(20, Math.ceil(Math.log2(Math.max(1, n))) - 3));
    const shift = 32 - bits;
    const ends = new Uint32Array((1 << bits) + 1);
    const slots = this.slots;
    for (let j = 0; j < slots.length; j += 3) if (slots[j + 2] !== EMPTY) ends[(slots[j] >>> shift) + 1]++;
    for (let d = 1; d < ends.length; d++) ends[d] += ends[d - 1];
    const out = new Int32Array(n * 2);
    for (let j = 0; j < slots.length; j += 3) {
      if (slots[j + 2] === EMPTY) continue;
      const at = ends[slots[j] >>> shift]++;
      out[2 * at] = slots[j];
      out[2 * at + 1] = slots[j + 1];
    }
    // Now ends[d] is where bucket d ends (and d + 1 begins).
    let start = 0;
    for (let d = 0; d < ends.length - 1; d++) {
      const end = ends[d];
      for (let i = start + 1; i < end; i++) {
        const a = out[2 * i] >>> 0;
        const b = out[2 * i + 1] >>> 0;
        let k = i - 1;
        for (; k >= start; k--) {
          const ka = out[2 * k] >>> 0;
          if (ka < a || (ka === a && out[2 * k + 1] >>> 0 <= b)) break;
          out[2 * k + 2] = out[2 * k];
          out[2 * k + 3] = out[2 * k + 1];
        }
        out[2 * k + 2] = a | 0;
        out[2 * k + 3] = b | 0;
      }
      start = end;
    }
    return out;
  }

  /**
   * Makes room for `keys` keys in all (three quarters of the slots) and `spare` times that,
   * at once, when it has room for fewer than `keys`. A later estimate a little above the
   * first (the next file of the source) fits in the spare room of the first: no second table.
   */
  reserve(keys: number, spare = 1): void {
    const need = Math.ceil((keys * 4) / 3);
    if (need > this.cap) this.rehash(Math.ceil(need * spare));
  }

  lineAt(slot: number): number {
    const pos = this.slots[slot * 3 + 2] >>> 0;
    return pos - this.bases[this.fileIndex(pos)];
  }

  fileAt(slot: number): string {
    return this.files[this.fileIndex(this.slots[slot * 3 + 2] >>> 0)];
  }

  /** The last file whose first position is before `pos`. */
  private fileIndex(pos: number): number {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid] < pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    const slots = new Int32Array(cap * 3);
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 2] === EMPTY) continue;
      let i = (old[j] & 0x7fffffff) % cap;
      while (slots[i * 3 + 2] !== EMPTY) if (++i === cap) i = 0;
      slots[i * 3] = old[j];
      slots[i * 3 + 1] = old[j + 1];
      slots[i * 3 + 2] = old[j + 2];
    }
    this.slots = slots;
    this.cap = cap;
  }
}

/**
 * Whether a key is in two of these lists (each from `sortedPairs`: sorted, no key twice in
 * one list). Walks them together, as a merge: time linear in the keys, no table.
 */
export function sharesAKey(lists: Int32Array[]): boolean {
  const k = lists.length;
  const at = new Array<number>(k).fill(0);
  for (;;) {
    let min = -1;
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < k; i++) {
      const list = lists[i];
      const p = at[i];
      if (p >= list.length) continue;
      const a = list[p] >>> 0;
      const b = list[p + 1] >>> 0;
      if (min >= 0 && a === ma && b === mb) return true;
      if (min < 0 || a < ma || (a === ma && b < mb)) {
        min = i;
        ma = a;
        mb = b;
      }
    }
    if (min < 0) return false;
    at[min] += 2;
  }
}
