import { describe, expect, it } from "vitest";
import { CsvTokenizer, type CsvTokenizerOptions, type QuoteProblem } from "../src/sources/csv.js";

interface Rec {
  fields: string[];
  line: number;
  error: string | null;
  problem?: QuoteProblem;
}

function tokenize(chunks: string[], delimiter = ",", options: CsvTokenizerOptions = {}): Rec[] {
  const out: Rec[] = [];
  const t = new CsvTokenizer(delimiter, options);
  const on = (fields: string[], line: number, error: string | null, problem?: QuoteProblem) =>
    out.push(problem ? { fields, line, error, problem } : { fields, line, error });
  for (const c of chunks) t.push(c, on);
  t.end(on);
  return out;
}

/** The text cut into pieces of `size` characters. */
const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe("CSV tokenizer", () => {
  it("splits plain lines and numbers them from 1", () => {
    expect(tokenize(["a,b\n1,2\n"])).toEqual([
      { fields: ["a", "b"], line: 1, error: null },
      { fields: ["1", "2"], line: 2, error: null },
    ]);
  });

  it("drops the CR of CRLF line ends, also when a chunk ends between CR and LF", () => {
    expect(tokenize(["a|b\r", "\n1|2\r\n"], "|").map((r) => r.fields)).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("reads quoted fields with doubled quotes, delimiters and line breaks inside", () => {
    const rows = tokenize(['"x","y"\r\n"a ""b""","c,d\ne"\r\n"3","4"\r\n']);
    expect(rows.map((r) => r.fields)).toEqual([["x", "y"], ['a "b"', "c,d\ne"], ["3", "4"]]);
    // the quoted line break makes the third record start on line 4
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("waits for the next chunk when a quoted field is cut", () => {
    expect(tokenize(['"a","b', 'c"\n"d",""', '"e"\n']).map((r) => r.fields)).toEqual([["a", "bc"], ["d", '"e']]);
  });

  it("reports text after a closing quote and goes on with the next record", () => {
    const rows = tokenize(['1,"x"y,3\n4,5,6\n']);
    expect(rows[0].error).toMatch(/comilla de cierre/);
    expect(rows[0].fields).toEqual(["1", "xy", "3"]);
    expect(rows[1]).toEqual({ fields: ["4", "5", "6"], line: 2, error: null });
  });

  it("reports a quote left open at the end of the file", () => {
    const rows = tokenize(['1,"abc\n']);
    expect(rows).toHaveLength(1);
    expect(rows[0].error).toMatch(/sin cerrar/);
  });

  it("keeps empty fields and a last line without a line break", () => {
    expect(tokenize(["a,,c\n,,", ""]).map((r) => r.fields)).toEqual([["a", "", "c"], ["", "", ""]]);
  });

  it("skips blank lines", () => {
    expect(tokenize(["a\n\n\nb\n"]).map((r) => [r.fields[0], r.line])).toEqual([["a", 1], ["b", 4]]);
  });
});

describe("CSV tokenizer, fully quoted lines", () => {
  it("splits lines that quote every field, keeping delimiters inside the quotes", () => {
    expect(tokenize(['"a","b,c",""\r\n"","x",","\r\n']).map((r) => r.fields)).toEqual([["a", "b,c", ""], ["", "x", ","]]);
  });

  it("falls back to the careful path for doubled quotes and quoted line breaks", () => {
    const rows = tokenize(['"a","""b"""\n"c","\n"\n"d",""\n']);
    expect(rows.map((r) => r.fields)).toEqual([["a", '"b"'], ["c", "\n"], ["d", ""]]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("finds quotes far apart in a long chunk of unquoted lines", () => {
    const plain = Array.from({ length: 5000 }, (_, i) => `${i},x`).join("\n");
    const rows = tokenize([`${plain}\n"q","r"\n1,2\n`]);
    expect(rows).toHaveLength(5002);
    expect(rows[5000]).toEqual({ fields: ["q", "r"], line: 5001, error: null });
    expect(rows[5001].fields).toEqual(["1", "2"]);
  });
});

describe("CSV tokenizer, where the chunks are cut", () => {
  it("keeps a quoted line break in its record when a chunk ends right after the closing quote and delimiter", () => {
    // The smallest case of issue 14: `a,"x\ny",b` cut right after `",`. One record of three fields.
    expect(tokenize(['a,"x\ny",', "b\n"])).toEqual([{ fields: ["a", "x\ny", "b"], line: 1, error: null }]);
  });

  it("reads the same records wherever a text with quoted CR, LF and CRLF is cut", () => {
    // Worked by hand: record 1 spans lines 1-2 (one LF in "x\ny"), record 2 spans lines 3-4
    // (the CRLF inside "p\r\nq" is one line break), record 3 is on line 5.
    const text = 'a,"x\ny",b\r\n"p\r\nq","",r\n"s""t",u\n';
    const expected = [
      { fields: ["a", "x\ny", "b"], line: 1, error: null },
      { fields: ["p\r\nq", "", "r"], line: 3, error: null },
      { fields: ['s"t', "u"], line: 5, error: null },
    ];
    for (let cut = 0; cut <= text.length; cut++) expect(tokenize([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    for (let size = 1; size <= 8; size++) expect(tokenize(pieces(text, size)), `pieces of ${size}`).toEqual(expected);
  });

  it("waits for the LF when a chunk ends between a closing quote's CR and LF", () => {
    expect(tokenize(['"a","b"\r', '\n"c","d"\r\n'])).toEqual([
      { fields: ["a", "b"], line: 1, error: null },
      { fields: ["c", "d"], line: 2, error: null },
    ]);
  });
});

describe("CSV tokenizer, lone CR", () => {
  it("does not end a record at a lone CR after a closing quote, so later line numbers stay right", () => {
    // Lines by LF: 1 `a,b`, 2 `1,"x"<CR>y,2`, 3 `3,4`, 4 `5,6`. The CR makes line 2 malformed
    // (text after the closing quote, as csv-parse says: CSV_INVALID_CLOSING_QUOTE) and nothing else.
    const rows = tokenize(['a,b\n1,"x"\ry,2\n3,4\n5,6\n']);
    expect(rows.map((r) => [r.fields, r.line])).toEqual([
      [["a", "b"], 1],
      [["1", "x\ry", "2"], 2],
      [["3", "4"], 3],
      [["5", "6"], 4],
    ]);
    expect(rows[1].error).toMatch(/texto después de la comilla de cierre en el campo 2/);
    expect(rows[1].problem).toEqual({ kind: "texto_tras_cierre", field: 1, quoteLine: 2, resynced: false });
  });

  it("keeps a lone CR inside a field as text, and a CR at the very end of the text", () => {
    expect(tokenize(["a\rb,c\n", 'd,"e\rf"\n', "g,h\r"]).map((r) => r.fields)).toEqual([["a\rb", "c"], ["d", "e\rf"], ["g", "h\r"]]);
  });
});

describe("CSV tokenizer, unclosed quotes", () => {
  it("rejects only the line where a quote never closes and reads the lines after it", () => {
    const rows = tokenize(['h1,h2\n1,"abc\n2,3\n4,5\n']);
    expect(rows.map((r) => [r.fields, r.line])).toEqual([
      [["h1", "h2"], 1],
      [["1", "abc"], 2],
      [["2", "3"], 3],
      [["4", "5"], 4],
    ]);
    expect(rows[1].error).toMatch(/comilla sin cerrar en el campo 2/);
    expect(rows[1].problem).toEqual({ kind: "sin_cerrar", field: 1, quoteLine: 2, resynced: true });
    expect(rows.filter((r) => r.error)).toHaveLength(1);
  });

  it("takes a quote that closes on a later line followed by text as unclosed, and resumes on the next line", () => {
    // Line 1 opens a quote that never closes; the next quote is the opening quote of "x" on line 2.
    const rows = tokenize(['1,"abc\n2,"x",3\n4,5\n']);
    expect(rows.map((r) => [r.fields, r.line, r.problem?.kind ?? null])).toEqual([
      [["1", "abc"], 1, "sin_cerrar"],
      [["2", "x", "3"], 2, null],
      [["4", "5"], 3, null],
    ]);
  });

  it("cuts the record at the end of the opening line even when an earlier field spanned lines", () => {
    // Record from line 1: "p\nq" is a legitimate two-line field; the quote on line 2 never closes.
    const rows = tokenize(['"p\nq","r\n7,8\n']);
    expect(rows.map((r) => [r.fields, r.line])).toEqual([
      [["p\nq", "r"], 1],
      [["7", "8"], 3],
    ]);
    expect(rows[0].problem).toEqual({ kind: "sin_cerrar", field: 1, quoteLine: 2, resynced: true });
  });

  it("reads a legitimate quoted field of many lines as one field", () => {
    const address = Array.from({ length: 200 }, (_, i) => `renglón ${i} de la referencia, "entre calles"`).join("\r\n");
    const text = `CLUES,REF,X\r\nAS001,"${address.replace(/"/g, '""')}",1\r\nAS002,,2\r\n`;
    for (const size of [7, 100, 65536]) {
      const rows = tokenize(pieces(text, size));
      expect(rows.map((r) => [r.fields, r.line, r.error])).toEqual([
        [["CLUES", "REF", "X"], 1, null],
        [["AS001", address, "1"], 2, null],
        [["AS002", "", "2"], 202, null], // 199 CRLF inside the field: line 2 + 199 + 1
      ]);
    }
  });

  it("declares a quoted field unclosed when it runs past the length limit, then resumes on the next line", () => {
    // Limit 10 characters: the field opened on line 1 has 16 before its line break and no closing quote in reach.
    const rows = tokenize(['1,"abcdefghijklmnop\nq,2\nr,3\n'], ",", { maxQuotedChars: 10 });
    expect(rows.map((r) => [r.fields, r.line, r.problem?.kind ?? null])).toEqual([
      [["1", "abcdefghijklmnop"], 1, "sin_cerrar"],
      [["q", "2"], 2, null],
      [["r", "3"], 3, null],
    ]);
  });

  it("drops the rest of an opening line longer than the limit as it streams in", () => {
    const long = "x".repeat(40);
    const rows = tokenize(pieces(`1,"${long}\n2,3\n`, 5), ",", { maxQuotedChars: 8 });
    expect(rows).toHaveLength(2);
    expect(rows[0].line).toBe(1);
    expect(rows[0].problem?.kind).toBe("sin_cerrar");
    expect(rows[1]).toEqual({ fields: ["2", "3"], line: 2, error: null });
  });

  it("holds at most the limit plus a chunk while a quote stays open", () => {
    const t = new CsvTokenizer(",", { maxQuotedChars: 4096 });
    let records = 0;
    let maxBuffered = 0;
    const on = () => records++;
    t.push('0,"open\n', on);
    for (let i = 1; i <= 20_000; i++) {
      t.push(`${i},plain line without quotes\n`, on);
      maxBuffered = Math.max(maxBuffered, t.buffered);
    }
    t.end(on);
    expect(records).toBe(20_001); // the broken line 1 and the 20 000 after it
    expect(maxBuffered).toBeLessThanOrEqual(4096 + 64);
  });
});
