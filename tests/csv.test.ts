import { describe, expect, it } from "vitest";
import { CsvTokenizer } from "../src/sources/csv.js";

function tokenize(chunks: string[], delimiter = ","): { fields: string[]; line: number; error: string | null }[] {
  const out: { fields: string[]; line: number; error: string | null }[] = [];
  const t = new CsvTokenizer(delimiter);
  const on = (fields: string[], line: number, error: string | null) => out.push({ fields, line, error });
  for (const c of chunks) t.push(c, on);
  t.end(on);
  return out;
}

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
