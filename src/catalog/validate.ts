import type { Problem } from "../errors.js";
import { buildCatalog, type BuildResult, type Catalog } from "./load.js";
import type { CatalogText } from "./yaml.js";

/**
 * Every code a catalog problem can carry, with what it means. Codes are stable: CI scripts
 * and services may match on them. The README's table lists the same codes.
 */
export const PROBLEM_CODES = {
  MASB_CATALOGO_VACIO: "el directorio no tiene archivos YAML de catálogo",
  MASB_YAML_SINTAXIS: "el archivo no es YAML válido (sangría, dos puntos, comillas)",
  MASB_YAML_LIMITE: "un archivo del catálogo de más de 1 MiB, o que anida más de 64 niveles de mapas y listas",
  MASB_YAML_ALIAS: "alias YAML (*nombre) que se expanden a más de lo permitido (maxAliasCount 100): la «bomba» de alias",
  MASB_YAML_CLAVE_RESERVADA: "una clave '__proto__', que ningún campo usa y que un objeto JavaScript tomaría como prototipo",
  MASB_ESQUEMA: "un campo falta, tiene otro tipo (texto donde va un número) o un valor no permitido",
  MASB_CAMPO_DESCONOCIDO: "un campo que el esquema no conoce (a menudo una errata: 'denominadro')",
  MASB_ETIQUETA_DESCONOCIDA: "dimensión, componente o fase fuera de los conjuntos permitidos",
  MASB_ID_DUPLICADO: "dos indicadores con el mismo id",
  MASB_ALIAS_DUPLICADO: "un alias que repite un id u otro alias",
  MASB_FUENTE_DUPLICADA: "dos esquemas de fuente con el mismo nombre",
  MASB_FUENTE_DESCONOCIDA: "'origen' nombra una fuente que no está declarada",
  MASB_COLUMNA_DUPLICADA: "una fuente declara dos veces la misma columna",
  MASB_COLUMNA_DESCONOCIDA: "una clave, periodo, 'unico' o 'llave' de fuente (o la 'clave' de un agregado) nombra una columna que la fuente no declara",
  MASB_DECODIFICADOR_DESCONOCIDO: "'decodificar' nombra un decodificador que no existe",
  MASB_DECODIFICADOR_ARGUMENTOS: "'de' no trae las columnas que el decodificador necesita",
  MASB_FORMATO_FECHA: "una columna de fecha sin 'formato'",
  MASB_PIVOTE_PATRON: "el patrón de columnas del pivote no es una expresión regular válida",
  MASB_CLAVE_NIVEL: "una clave de fuente sin 'nivel' (ni 'nivel_columna' con 'niveles')",
  MASB_UNIVERSO_MEZCLADO: "numerador y denominador cuentan universos distintos (residentes contra la red o la población de responsabilidad), o el 'universo' declarado no es el de sus agregados",
  MASB_UNIVERSO_FUENTE: "un agregado pide un universo que su fuente no ofrece, o una fuente repite su universo propio en 'universos'",
  MASB_UNIVERSO_CLAVE: "un agregado con 'clave' propia no declara su 'universo'",
  MASB_SIN_CATALOGO_CLUES: "un agregado filtra por 'unidad' y ninguna fuente tiene 'rol: catalogo_clues'",
  MASB_AGREGADO_DESCONOCIDO: "una expresión de numerador o denominador nombra un agregado que no está en 'agregados'",
  MASB_REFERENCIA_DESCONOCIDA: "un agregado toma el término de un indicador que no existe",
  MASB_REFERENCIA_TERMINO: "un agregado toma el denominador de un indicador que no tiene",
  MASB_REFERENCIA_CICLO: "indicadores que dependen unos de otros en círculo (A → B → A)",
  MASB_UMBRALES_RANGO: "un umbral fuera de 0 a 100 (los umbrales son % de la meta alcanzado, el logro)",
  MASB_UMBRALES_BANDA: "una banda del semáforo al revés (desde > hasta)",
  MASB_UMBRALES_HUECO: "las bandas del semáforo dejan valores de logro sin color",
  MASB_UMBRALES_TRASLAPE: "dos bandas del semáforo cubren los mismos valores de logro",
  MASB_UMBRALES_ORDEN: "las bandas no van rojo, amarillo, verde de menor a mayor logro",
  MASB_META_UNIDAD: "la meta no es un valor posible de la unidad (un porcentaje de 140, una tasa negativa)",
  MASB_METODO_PARAMETRO: "un parámetro de 'calculo' desconocido o con un valor fuera de su rango",
  MASB_METODO_GRUPOS: "grupos de edad de 'calculo' mal escritos, no contiguos o ausentes de la fuente",
  MASB_METODO_TERMINO: "el método de 'calculo' necesita un numerador o denominador de otra forma",
  MASB_METODO_COLUMNA_EDAD: "la columna de edad o de grupo de edad de 'calculo' no existe o es de otro tipo",
  MASB_METODO_ESTANDAR: "población estándar desconocida o incompleta (estandarización directa)",
  MASB_METODO_UNIDAD: "la unidad no corresponde al método (la esperanza de vida va en años)",
  MASB_METODO_SIN_PREVALENCIA: "aviso: hale_sullivan sin prevalencias; el indicador sale sin_datos hasta tenerlas",
  MASB_DICCIONARIO_ANIO: "un indicador lee una fuente con variables por año (SIS) sin decir de qué año (diccionarios: { sis: 2024 }), o nombra un año sin diccionario",
  MASB_DICCIONARIO_FUENTE: "un diccionario de variables de una fuente que no despliega variables ('pivote')",
  MASB_DICCIONARIO_DUPLICADO: "dos diccionarios de la misma fuente y año, o una variable dos veces en un diccionario",
  MASB_DICCIONARIO_LISTADO: "el listado de variables del publicador ('catalogo') no está junto al diccionario o está mal formado",
  MASB_DICCIONARIO_SIN_LISTADO: "aviso: un diccionario sin 'catalogo': sus variables no se comparan con el listado del publicador",
  MASB_DICCIONARIO_VARIABLE: "una variable del diccionario no existe en el listado del publicador de ese año",
  MASB_DICCIONARIO_TEXTO: "el texto o el apartado de una variable del diccionario no son los del listado del publicador de ese año",
  MASB_DICCIONARIO_ACUMULABLE: "'acumulable' de una variable del diccionario no es el del listado del publicador",
  MASB_DICCIONARIO_SIN_VARIABLES: "un agregado de una fuente con diccionario (SIS) no elige sus variables (variable en [...])",
  MASB_VARIABLE_ACUMULABLE: "un agregado suma los meses de un acervo (acumulable: no), o toma el último mes (periodo: ultimo) de un flujo",
  MASB_EXPR_SINTAXIS: "la expresión no se puede leer (paréntesis, comillas, operador de más o de menos)",
  MASB_EXPR_LIMITE: "la expresión anida más de 100 niveles (paréntesis, operadores o funciones unos dentro de otros)",
  MASB_EXPR_TIPO: "tipos que no se combinan (comparar una fecha con un número, sumar textos)",
  MASB_EXPR_COLUMNA_DESCONOCIDA: "la expresión nombra una columna que la fuente no tiene",
  MASB_EXPR_CODIGO_DESCONOCIDO: "se compara una columna codificada con un código que no declara",
  MASB_EXPR_FUNCION_DESCONOCIDA: "la expresión llama a una función que no existe",
  MASB_EXPR_ARGUMENTOS: "una función recibe argumentos de más, de menos o de otro tipo",
  MASB_EXPR_CIE10_RANGO: "un rango CIE-10 mal escrito o invertido en cie(…)",
  MASB_EXPR_FECHA: "una fecha literal que no existe o no tiene la forma AAAA-MM-DD",
} as const satisfies Record<string, string>;

export type CatalogProblemCode = keyof typeof PROBLEM_CODES;

/** A catalog problem: a `Problem` whose code is one of `PROBLEM_CODES`. */
export interface CatalogProblem extends Problem {
  code: CatalogProblemCode;
}

/** What `masb validate` reports: every problem, in file order, and what was checked. */
export interface Validation {
  problems: CatalogProblem[];
  catalog: Catalog;
}

const cmp = (a: string | number | undefined, b: string | number | undefined) => (a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1);

/** Problems by file, then line and column: the order an editor or a CI log reads them in. */
export function sortProblems<T extends Problem>(problems: T[]): T[] {
  return [...problems].sort((a, b) => cmp(a.file, b.file) || cmp(a.line, b.line) || cmp(a.column, b.column) || cmp(a.code, b.code));
}

function finish(result: BuildResult, empty: boolean, where: string): Validation {
  const problems = sortProblems(result.problems) as CatalogProblem[];
  if (empty) {
    problems.unshift({
      code: "MASB_CATALOGO_VACIO", severity: "error", file: where,
      message: `no hay archivos de catálogo (.yaml) en '${where}'`,
      hint: "indique la carpeta que contiene los indicadores (.yaml) y sources/",
    });
  }
  return { problems, catalog: result.catalog };
}

/** Validates catalog texts, or a catalog directory, returning the catalog built as well. */
/** Validates YAML texts (in memory) and keeps the catalog built from them. */
export function validateTexts(texts: CatalogText[]): Validation {
  return finish(buildCatalog(texts), texts.length === 0, "(catálogo)");
}

/** Turns what reading a directory gave into a validation: sorted problems, and an empty directory is a problem. */
export function validationOf(result: BuildResult, where: string): Validation {
  return finish(result, result.catalog.sources.size === 0 && result.catalog.indicators.length === 0 && result.problems.length === 0, where);
}

/**
 * Checks a whole catalog given as YAML texts, indicators and source schemas, and returns
 * every problem at once, each with file, line and column, sorted by position. An empty list
 * means the catalog is valid. (`masb/node` adds a version that takes a directory.)
 */
export function validateCatalogTexts(texts: CatalogText[]): CatalogProblem[] {
  return validateTexts(texts).problems;
}
