import { z } from "zod";
import { diccionarioSchema, fuenteSchema, indicadorSchema } from "./schema.js";

/** What a catalog file holds: indicators, a source schema, or a source's variable dictionary of one year. */
export type SchemaKind = "indicador" | "fuente" | "diccionario";

type Json = Record<string, unknown>;

/**
 * Spanish descriptions shown by editors on hover and completion. They annotate the schema that
 * zod generates; they are not part of it, so a field without one is still validated.
 */
const DESCRIPTIONS: Record<SchemaKind, Record<string, string>> = {
  indicador: {
    id: "Clave de la Tabla 1 (71, 53f, A) o clave de progresión (C9-S34-XII). Única en el catálogo.",
    nombre: "Nombre del indicador, como se publica.",
    dimension: "estructura | proceso | salida | resultado | impacto",
    dominio: "Dominio de la Tabla 1.",
    subdominio: "Subdominio de la Tabla 1.",
    componentes: "Componentes del modelo: C1 … C11, C4a, C4b.",
    fases: "1 planeación-arranque, 2 operación-continuidad, 3 consolidación-evaluación.",
    unidad: "porcentaje (×100), por_1000, por_10000, por_100000, razon, promedio, conteo, indice, dias.",
    agregados: "Agregados con nombre (cada uno sobre una fuente, o el numerador/denominador de otro indicador) que usan las expresiones de numerador y denominador.",
    numerador: "Un agregado en línea { origen, agregado, valor?, filtro? } o { expresion } sobre los agregados con nombre.",
    denominador: "Como el numerador; obligatorio salvo en unidad conteo.",
    ventana: "mes | acumulado_anual | 12_meses",
    anualizar: "Multiplica por días del año / días de la ventana (tasas anuales).",
    desde_nivel: "Nivel más fino en que se reporta (por omisión, el más fino que alcanzan sus fuentes).",
    decimales: "Decimales del valor (redondeo half-up, una sola vez).",
    sentido: "mayor_es_mejor | menor_es_mejor",
    meta: "Meta en la unidad del indicador (un porcentaje va de 0 a 100).",
    sin_meta: "Por qué no hay meta: ninguna norma la fija, la de la norma es relativa a una línea base, o es un conteo que depende del tamaño de la red. Sin meta el semáforo dice «sin meta» salvo que --metas la fije.",
    umbrales: "Bandas del semáforo sobre el valor, semiabiertas (desde ≤ x < hasta), sin huecos ni traslapes.",
    alias: "Otros ids por los que se conoce el indicador.",
    fuente: "De dónde viene el indicador (documento, tabla, clave).",
    metodo: "Definición estándar que sigue, con su referencia.",
    nota: "Aclaraciones para quien lee los resultados.",
    diccionarios: "Año del diccionario de variables de cada fuente que cambia sus códigos por año: { sis: 2024 }.",
    no_calculable: "Las fuentes declaradas no permiten calcularlo: { motivo, fuente_posible }. Sin numerador ni denominador.",
  },
  fuente: {
    fuente: "Nombre de la fuente (minúsculas); los indicadores la citan en 'origen'.",
    archivos: "Patrones de nombre de archivo (sin distinguir mayúsculas): [\"EGRESOS*.txt\"].",
    grano: "registro | agregado | catalogo",
    formato: "Delimitador, codificación, encabezado y nulos del archivo.",
    clave: "Cómo se liga un renglón a la jerarquía; se prueban en orden.",
    periodo: "Columna(s) que dan el periodo: { fecha } o { anio, mes } o { anio }.",
    unico: "Columnas que no se repiten dentro de un periodo de un archivo (fuentes agregadas: CLUES + mes).",
    llave: "Lo que identifica un registro, único en todos los archivos de la fuente: [id], [clues, folio] o renglon (el renglón entero, sin folio).",
    columnas: "Columnas: nombre lógico, tipo y nombre original en el archivo.",
    fuera_de_operacion: "Catálogo CLUES: condición de las unidades cerradas; una cerrada sin renglones propios en la ventana no se reporta.",
    fecha_baja: "Catálogo CLUES: columna (tipo fecha) con la fecha efectiva de baja; antes de ella la unidad cuenta como abierta.",
  },
  diccionario: {
    diccionario: "La fuente cuyas variables describe (sis).",
    anio: "Año de los códigos.",
    catalogo: "Listado completo de variables del publicador de ese año (CSV clave,apartado,variable,acumulable), junto al archivo.",
    apartados: "Variables por apartado: CÓDIGO: texto, o CÓDIGO: { texto, acumulable: no } para los acervos.",
  },
};

const SCHEMAS = { indicador: indicadorSchema, fuente: fuenteSchema, diccionario: diccionarioSchema } as const;
const cache = new Map<SchemaKind, Json>();

/** JSON Schema (draft-07) of one indicator or one source, generated from the zod schemas. */
export function definitionJsonSchema(kind: SchemaKind): Json {
  let schema = cache.get(kind);
  if (!schema) {
    schema = z.toJSONSchema(SCHEMAS[kind], { io: "input", target: "draft-7", unrepresentable: "any" }) as Json;
    delete schema.$schema;
    const props = (schema.properties ?? {}) as Record<string, Json>;
    for (const [key, text] of Object.entries(DESCRIPTIONS[kind])) if (props[key]) props[key].description = text;
    cache.set(kind, schema);
  }
  return structuredClone(schema);
}

/**
 * JSON Schema of a catalog file, for editors (`# yaml-language-server: $schema=…`): an
 * indicator file holds one indicator or a list of them; a source file, one source.
 */
export function catalogJsonSchema(kind: SchemaKind = "indicador"): Json {
  const def = definitionJsonSchema(kind);
  const title = kind === "indicador" ? "Indicador MAS-BIENESTAR (masb)" : kind === "fuente" ? "Esquema de fuente (masb)" : "Diccionario de variables de una fuente (masb)";
  if (kind !== "indicador") return { $schema: "http://json-schema.org/draft-07/schema#", title, ...def };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title,
    description: "Un indicador del catálogo, o una lista de indicadores de una familia.",
    definitions: { indicador: def },
    anyOf: [{ $ref: "#/definitions/indicador" }, { type: "array", items: { $ref: "#/definitions/indicador" } }],
  };
}

/**
 * The field names allowed at `path` inside an indicator or source (a zod issue path), for
 * "¿quiso decir …?" on unknown fields. Where the schema offers alternatives (a term is an
 * aggregate or an expression), the names of all of them.
 */
export function allowedKeys(kind: SchemaKind, path: readonly PropertyKey[]): string[] {
  let nodes: Json[] = [definitionJsonSchema(kind)];
  for (const step of path) {
    const next: Json[] = [];
    for (const node of nodes.flatMap(alternatives)) {
      if (typeof step === "number") {
        if (node.items && typeof node.items === "object") next.push(node.items as Json);
        continue;
      }
      const prop = (node.properties as Record<string, Json> | undefined)?.[String(step)];
      if (prop) next.push(prop);
      else if (node.additionalProperties && typeof node.additionalProperties === "object") next.push(node.additionalProperties as Json);
    }
    if (next.length === 0) return [];
    nodes = next;
  }
  const keys = new Set<string>();
  for (const node of nodes.flatMap(alternatives)) for (const k of Object.keys((node.properties as Json | undefined) ?? {})) keys.add(k);
  return [...keys];
}

function alternatives(node: Json): Json[] {
  const alts = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  return alts ? alts.flatMap(alternatives) : [node];
}
