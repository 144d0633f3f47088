import { describe, expect, it } from "vitest";
import type { ResultRow } from "../src/index.js";
import { formatRows, streamWriter } from "../src/output/index.js";

const row = (over: Partial<ResultRow>): ResultRow => ({
  periodo: "2024-03", nivel: "clues", entidad: "12", region: "12-R1", zona: "12-Z04", clues: "GRIMB000123",
  indicador: "27", nombre: "Cobertura, \"nominal\" en menores", unidad: "porcentaje",
  numerador: "11", denominador: "225", valor: "4.9", meta: "90", logro: "5.4", semaforo: "rojo", estado: "ok", valor_crudo: null, ...over,
});

describe("streaming CSV writer", () => {
  const rows = [
    row({}),
    row({ nivel: "zona", clues: "", numerador: "0.333333", valor: null, logro: null, semaforo: "sin_dato", estado: "sin_denominador" }),
    row({ nivel: "entidad", region: "", zona: "", clues: "", nombre: "Razón de mortalidad materna (Ñ)", numerador: "-3", meta: null }),
  ];

  it("writes the rows csv-stringify would write: quotes only where a field needs them", () => {
    const text = formatRows(rows, "csv");
    const lines = text.split("\n");
    // The name has a comma and quotes: quoted, quotes doubled; empty fields stay empty (valor_crudo, last, on each).
    expect(lines[1]).toBe('2024-03,clues,12,12-R1,12-Z04,GRIMB000123,27,"Cobertura, ""nominal"" en menores",porcentaje,11,225,4.9,90,5.4,rojo,ok,');
    expect(lines[2]).toBe('2024-03,zona,12,12-R1,12-Z04,,27,"Cobertura, ""nominal"" en menores",porcentaje,0.333333,225,,90,,sin_dato,sin_denominador,');
    expect(lines[3]).toBe("2024-03,entidad,12,,,,27,Razón de mortalidad materna (Ñ),porcentaje,-3,225,4.9,,5.4,rojo,ok,");
  });

  it("gives the same text and the same UTF-8 bytes, batch after batch, with optional columns", () => {
    const withIc = rows.map((r, i) => ({ ...r, ic_inferior: i === 1 ? null : "1.2", ic_superior: "9.9" }));
    const w = streamWriter("csv", withIc)!;
    const v = streamWriter("csv", withIc)!;
    const text = w.rows(withIc.slice(0, 2)) + w.rows(withIc.slice(2));
    const bytes = [...v.bytes!(withIc.slice(0, 2)), ...v.bytes!(withIc.slice(2))];
    expect(new TextDecoder().decode(new Uint8Array(bytes))).toBe(text);
    // estado, then valor_crudo (empty), then the bounds
    expect(text.split("\n")[0].endsWith(",rojo,ok,,1.2,9.9")).toBe(true);
    expect(text.split("\n")[1].endsWith(",sin_dato,sin_denominador,,,9.9")).toBe(true);
    expect(text).toBe(formatRows(withIc, "csv").split("\n").slice(1).join("\n"));
  });
});
