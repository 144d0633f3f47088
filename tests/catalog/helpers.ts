/** One CLUES catalog row of IMSS-BIENESTAR in operation (primer nivel unless overridden), keyed by the catalog's own column names. */
export function unidad(clues: string, entidad: "12" | "18", over: Record<string, string> = {}): Record<string, string> {
  return {
    CLUES: clues, "CLAVE DE LA INSTITUCION": "IMB", "CLAVE DE LA ENTIDAD": entidad,
    ENTIDAD: entidad === "12" ? "GUERRERO" : "NAYARIT", "CLAVE DEL MUNICIPIO": "001",
    "CLAVE DE LA JURISDICCION": "01", JURISDICCION: "UNO", "NOMBRE DE LA UNIDAD": `UNIDAD ${clues}`,
    "ESTATUS DE OPERACION": "EN OPERACION", "NIVEL ATENCION": "PRIMER NIVEL", "CAMAS EN AREA DE HOS": "0",
    ...over,
  };
}
