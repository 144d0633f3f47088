/**
 * Bytes to text for the reader: the encoding the source declares, unless the file's first
 * bytes say otherwise.
 *
 * - A UTF-8 BOM (EF BB BF) means UTF-8, whatever the declaration: a file declared Latin-1
 *   (SIS, urgencias) that someone saved again as "UTF-8 with BOM" is read as UTF-8.
 * - A UTF-16 BOM (FF FE little-endian, FE FF big-endian) means UTF-16 ("Unicode text" in
 *   Excel's save dialog): it is decoded as such.
 * - Without a BOM, a NUL in every other byte of the first bytes (and none in the others)
 *   means UTF-16 too: little-endian when the NULs are the odd bytes. This is a guess, which
 *   `detected.guessed` reports.
 * - Otherwise the declared encoding: UTF-8, or Latin-1 read as Windows-1252 (its superset
 *   for the bytes 0x80–0x9F, which Windows files use for “ ” — and €).
 *
 * The BOM never reaches the text. Chunks are decoded in a stream, so a character cut between
 * two chunks is joined.
 */
export type Declared = "utf-8" | "latin1";
export type Encoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export interface Detected {
  encoding: Encoding;
  /** The file started with a byte order mark. */
  bom: boolean;
  /** UTF-16 recognised by its NUL bytes, without a BOM. */
  guessed: boolean;
}

/** Bytes held before deciding, enough to see the NUL pattern of UTF-16 text. */
const SNIFF_BYTES = 256;

export function detectEncoding(head: Uint8Array, declared: Declared): Detected & { skip: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bom: true, guessed: false, skip: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bom: true, guessed: false, skip: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bom: true, guessed: false, skip: 2 };
  const pairs = Math.min(head.length, SNIFF_BYTES) >> 1;
  if (pairs >= 2) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) evenNul++;
      if (head[2 * i + 1] === 0) oddNul++;
    }
    // Text in UTF-16 that is mostly ASCII has a zero high byte in nearly every pair; a
    // UTF-8 or Latin-1 text file has no NUL at all.
    if (oddNul * 2 >= pairs && evenNul * 10 <= pairs) return { encoding: "utf-16le", bom: false, guessed: true, skip: 0 };
    if (evenNul * 2 >= pairs && oddNul * 10 <= pairs) return { encoding: "utf-16be", bom: false, guessed: true, skip: 0 };
  }
  return { encoding: declared === "latin1" ? "windows-1252" : "utf-8", bom: false, guessed: false, skip: 0 };
}

export class TextFromBytes {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  private head: Uint8Array | null = null;
  /** What was decided from the first bytes; null until then. */
  detected: Detected | null = null;

  constructor(private readonly declared: Declared) {}

  /** Decodes a chunk. The bytes may be reused by the caller afterwards (what is held is copied). */
  push(bytes: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(bytes, { stream: true });
    let head: Uint8Array;
    if (this.head === null) head = bytes;
    else {
      head = new Uint8Array(this.head.length + bytes.length);
      head.set(this.head);
      head.set(bytes, this.head.length);
    }
    if (head.length < SNIFF_BYTES) {
      this.head = head === bytes ? bytes.slice() : head;
      return "";
    }
    this.head = null;
    return this.start(head);
  }

  /** The text still held (an incomplete last character decodes as U+FFFD). */
  end(): string {
    let text = "";
    if (!this.decoder) {
      text = this.start(this.head ?? new Uint8Array(0));
      this.head = null;
    }
    return text + this.decoder!.decode();
  }

  private start(head: Uint8Array): string {
    const d = detectEncoding(head, this.declared);
    this.detected = { encoding: d.encoding, bom: d.bom, guessed: d.guessed };
    // ignoreBOM: the BOM was already skipped; a second one is text.
    this.decoder = new TextDecoder(d.encoding, { ignoreBOM: true });
    return this.decoder.decode(head.subarray(d.skip), { stream: true });
  }
}
