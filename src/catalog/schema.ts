import { z } from "zod";

/** Hierarchy levels, coarsest first. A source row attaches to one of them. */
export const NIVELES = ["nacional", "entidad", "region", "zona", "clues"] as const;
export type Nivel = (typeof NIVELES)[number];

export const DIMENSIONES = ["estructura", "proceso", "salida", "resultado", "impacto"] as const;
export const COMPONENTES = [
  "C1", "C2", "C3", "C4a", "C4b", "C5", "C6", "C7", "C8", "C9", "C10", "C11",
] as const;
export const UNIDADES = [
  "porcentaje", "por_1000", "por_10000", "por_100000", "razon", "promedio", "conteo", "indice", "dias", "anios",
] as const;
export type Unidad = (typeof UNIDADES)[number];
export const VENTANAS = ["mes", "acumulado_anual", "12_meses"] as const;
export type Ventana = (typeof VENTANAS)[number];
/** Methods beyond a ratio of sums (see `calculo`). */
export const METODOS = ["tabla_de_vida", "hale_sullivan", "probabilidad_ods_3_4_1", "estandarizacion_directa", "fecundidad_total"] as const;
export type Metodo = (typeof METODOS)[number];

const expr = z.string().min(1, "la expresión está vacía");
const nombreColumna = z.string().regex(/^[a-z_][a-z0-9_]*$/, "nombre de columna: minúsculas, dígitos y _");

const claveIntento = z
  .object({
    columna: nombreColumna,
    nivel: z.enum(NIVELES).optional(),
    /** A column whose value names the level of each row (`CLUES`, `ZONA`, `ENTIDAD`). */
    nivel_columna: nombreColumna.optional(),
    niveles: z.record(z.string(), z.enum(NIVELES)).optional(),
    /** Values that mean "no key here": the next attempt is tried. */
    sin_valor: z.array(z.string()).optional(),
    /**
     * Values of a valid row that put it outside the extract's scope (residence abroad): the row
     * is accepted and counted as `fuera de alcance`, in no aggregate of this key.
     */
    fuera: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Whose events and people an aggregate counts (DESIGN.md, "One universe per indicator"):
 * `red`, events in IMSS-BIENESTAR units keyed by CLUES and the network's resources;
 * `responsabilidad`, the population IMSS-BIENESTAR is responsible for; `residentes`, everyone
 * resident in an entidad, by residence. `ninguno` is for sources that count neither events nor
 * people (money, GDP, air quality): they fit any universe.
 */
export const UNIVERSOS = ["red", "responsabilidad", "residentes"] as const;
export type Universo = (typeof UNIVERSOS)[number];
export const UNIVERSOS_FUENTE = [...UNIVERSOS, "ninguno"] as const;
export type UniversoFuente = (typeof UNIVERSOS_FUENTE)[number];

/** What a row with no key (every attempt empty) becomes: rejected, the pseudo-entidad NE, or out of scope. */
const sinClave = z.enum(["rechazar", "no_especificada", "fuera_de_alcance"]);

/** Another universe a source offers besides its own: the key that attaches rows to it, and a condition. */
const universoFuenteSchema = z
  .object({
    /** Attach rows by these columns instead of the source's own key. */
    clave: z.array(claveIntento).min(1).optional(),
    /** Only rows meeting this condition belong to the universe (added to every aggregate's filter). */
    filtro: z.string().min(1).optional(),
    /** Rows whose every key attempt is empty; default `no_especificada`. */
    sin_clave: sinClave.optional(),
  })
  .strict();
export type UniversoFuenteDef = z.infer<typeof universoFuenteSchema>;


/** One aggregate over one source: count, sum, distinct count or mean of the rows that pass the filter. */
export const agregadoSchema = z
  .object({
    origen: z.string().min(1),
    agregado: z.enum(["conteo", "suma", "distintos", "promedio"]),
    valor: expr.optional(),
    filtro: expr.optional(),
    /** `suma` adds the months of the window (flows); `ultimo` takes the latest period in it (stocks: beds, population, staff). */
    periodo: z.enum(["suma", "ultimo"]).optional(),
    /**
     * Attach rows to the hierarchy by other columns than the source's own key, e.g. births by
     * the mother's entidad of residence to match deaths by residence. Rows whose key here is
     * empty or outside the hierarchy go to the entidad "no especificada".
     */
    clave: z.array(claveIntento).min(1).optional(),
    /**
     * A condition on the unit the row belongs to, over the CLUES catalog's columns
     * (`nivel_atencion = 'PRIMER NIVEL'`): only rows of units that meet it count.
     */
    unidad: expr.optional(),
    /**
     * The universe the aggregate counts: the source's own (`universo` of the source, the
     * default) or one of the others it declares in `universos` (births by the mother's
     * residence instead of by CLUES, say), with that universe's key and condition.
     */
    universo: z.enum(UNIVERSOS_FUENTE).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.agregado !== "conteo" && !a.valor) {
      ctx.addIssue({ code: "custom", path: ["valor"], message: `el agregado '${a.agregado}' necesita 'valor' (columna o expresión)` });
    }
    if (a.agregado === "conteo" && a.valor) {
      ctx.addIssue({ code: "custom", path: ["valor"], message: "'conteo' cuenta renglones y no lleva 'valor'" });
    }
  });
export type AgregadoDef = z.infer<typeof agregadoSchema>;

/** A numerator or denominator: one inline aggregate, or an arithmetic expression over named aggregates. */
export const terminoSchema = z.union([
  agregadoSchema,
  z.object({ expresion: expr }).strict(),
]);
export type TerminoDef = z.infer<typeof terminoSchema>;

/**
 * A named aggregate taken from another indicator: its numerator or denominator, inlined at
 * load time (`camas: { indicador: A, termino: numerador }`), evaluated over this indicator's window.
 */
export const referenciaSchema = z
  .object({
    indicador: z.union([z.string(), z.number()]).transform(String),
    termino: z.enum(["numerador", "denominador"]),
  })
  .strict();
export type ReferenciaDef = z.infer<typeof referenciaSchema>;

const banda = z
  .object({ desde: z.number().optional(), hasta: z.number().optional() })
  .strict();

/**
 * Semáforo bands on `logro` (percent of the target), half-open (`desde <= logro < hasta`),
 * that must cover 0 up to the cap with no gap or overlap: rojo from 0 (or without `desde`) to
 * amarillo's `desde`, amarillo to verde's `desde`, verde without `hasta`. `checkThresholds`
 * (src/catalog/checks.ts) checks that, with positions and a code per kind of mistake.
 */
const umbralesSchema = z.object({ verde: banda, amarillo: banda, rojo: banda }).strict();

export const indicadorSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    nombre: z.string().min(1),
    dimension: z.enum(DIMENSIONES),
    dominio: z.string().optional(),
    subdominio: z.string().optional(),
    componentes: z.array(z.enum(COMPONENTES)).min(1),
    fases: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).min(1),
    unidad: z.enum(UNIDADES),
    /**
     * Whose events and people the numerator and denominator count; `masb validate` refuses a
     * definition whose aggregates count another universe. Inferred from the aggregates when absent.
     */
    universo: z.enum(UNIVERSOS).optional(),
    agregados: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, "nombre de agregado: minúsculas, dígitos y _"), z.union([agregadoSchema, referenciaSchema])).optional(),
    /**
     * The year of the variable dictionary each source with yearly codes is read with
     * (`{ sis: 2024 }`): filters may name only that year's codes (see `diccionarioSchema`).
     */
    diccionarios: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, "nombre de fuente: minúsculas, dígitos y _"), z.number().int().min(1990).max(2100)).optional(),
    /**
     * An indicator that the declared sources cannot compute: why, and which source could. It has
     * no numerator or denominator; `masb list` says so and its results carry `no_calculable`.
     */
    no_calculable: z
      .object({ motivo: z.string().min(1), fuente_posible: z.string().min(1).optional() })
      .strict()
      .optional(),
    numerador: terminoSchema.optional(),
    denominador: terminoSchema.optional(),
    ventana: z.enum(VENTANAS).default("mes"),
    anualizar: z.boolean().default(false),
    desde_nivel: z.enum(NIVELES).optional(),
    decimales: z.number().int().min(0).max(6).default(1),
    sentido: z.enum(["mayor_es_mejor", "menor_es_mejor"]),
    meta: z.number().optional(),
    /**
     * Why the indicator has no `meta`: no norm sets one, or the norm's target is relative to a
     * baseline ("reduce by a third from 2015") or a count that depends on the size of the
     * network. Its results score `sin_meta` unless `--metas` sets a target; `masb list` shows
     * the reason. An indicator has a `meta` (citing its norm in `metodo` or `nota`) or a `sin_meta`.
     */
    sin_meta: z.string().min(1).optional(),
    umbrales: umbralesSchema.optional(),
    /** Weight of the indicator in the composite indices (componente, fase, dimensión); 1 when absent. */
    peso: z.number().positive().optional(),
    alias: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    fuente: z.string().min(1),
    metodo: z.string().min(1),
    nota: z.string().optional(),
    /**
     * Small numbers: below this many events in the numerator (or this denominator) the value
     * is reported with the status `inestable` (blank with `--suprimir`). Impact-dimension rates
     * and method indicators default to 20 events (NCHS); 0 turns the check off.
     */
    minimo_numerador: z.number().min(0).optional(),
    minimo_denominador: z.number().min(0).optional(),
    /**
     * A computation that is more than a ratio of sums (life table, HALE, SDG 3.4.1
     * probability, direct age standardisation, total fertility rate), run on the numerator and
     * denominator split by age group. The parameters are checked, and the split made, by
     * src/catalog/methods.ts; a method the engine did not implement would give `metodo_pendiente`.
     */
    calculo: z
      .object({
        metodo: z.enum(METODOS),
        /** `grupos`, the age columns of each side (`edad_numerador`, `grupo_denominador`, …) and the method's own (`estandar`, `edad`, `prevalencia`, `grupo`). */
        parametros: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.meta !== undefined && d.sin_meta !== undefined) {
      ctx.addIssue({ code: "custom", path: ["sin_meta"], message: "un indicador con 'meta' no lleva 'sin_meta': quite uno de los dos" });
    }
    if (d.no_calculable) {
      for (const field of ["numerador", "denominador", "agregados", "calculo"] as const) {
        if (d[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `un indicador con 'no_calculable' no lleva '${field}': no hay de dónde calcularlo` });
      }
      return;
    }
    if (!d.numerador) ctx.addIssue({ code: "custom", path: ["numerador"], message: "falta el campo obligatorio 'numerador' (o 'no_calculable', con el motivo, si las fuentes no lo permiten)" });
    if (d.unidad !== "conteo" && !d.denominador) {
      ctx.addIssue({ code: "custom", path: ["denominador"], message: `la unidad '${d.unidad}' necesita 'denominador'` });
    }
  });
export type IndicadorDef = z.infer<typeof indicadorSchema>;

// ---------------------------------------------------------------- sources

export const TIPOS_COLUMNA = ["texto", "entero", "decimal", "fecha", "codigo"] as const;
export type TipoColumna = (typeof TIPOS_COLUMNA)[number];

export const columnaSchema = z
  .object({
    nombre: nombreColumna,
    tipo: z.enum(TIPOS_COLUMNA),
    /** Header name(s) in the original file, matched without regard to case; the first that is present wins. */
    original: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Built from several original columns by a named decoder (`fecha_dma`, `edad_inegi_anios`, …). */
    de: z.array(z.string()).min(1).optional(),
    decodificar: z.string().optional(),
    /** Date layout: `dd/mm/aaaa` or `aaaa-mm-dd`. */
    formato: z.enum(["dd/mm/aaaa", "aaaa-mm-dd"]).optional(),
    /** Decimal places kept exactly by sums (decimal columns). */
    escala: z.number().int().min(0).max(6).optional(),
    codigos: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
    /** Reject rows whose value is not among `codigos` (default). When false the codes only check the catalog's expressions. */
    rechazar_desconocidos: z.boolean().default(true),
    nulos: z.array(z.string()).optional(),
    requerida: z.boolean().default(true),
    recortar: z.boolean().default(true),
    descripcion: z.string().optional(),
  })
  .strict();
export type ColumnaDef = z.infer<typeof columnaSchema>;

export const fuenteSchema = z
  .object({
    fuente: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    descripcion: z.string().optional(),
    archivos: z.array(z.string().min(1)).min(1),
    grano: z.enum(["registro", "agregado", "catalogo"]),
    /** Every unit that `reporta` must send a row each month (SIS): a unit without one makes results `incompleto`. */
    exige_reporte: z.boolean().default(false),
    rol: z.enum(["catalogo_clues", "regionalizacion"]).optional(),
    formato: z
      .object({
        delimitador: z.enum([",", "|", ";", "\t"]).default(","),
        codificacion: z.enum(["utf-8", "latin1"]).default("utf-8"),
        encabezado: z.boolean().default(true),
        /** Header names, in order, for files without a header row. */
        orden: z.array(z.string()).optional(),
        nulos: z.array(z.string()).default([""]),
      })
      .strict()
      .prefault({}),
    clave: z.array(claveIntento).min(1).optional(),
    /**
     * Rows whose every key attempt is empty: rejected (default), attached to the pseudo-entidad
     * "no especificada", or accepted and left out of every aggregate of this key (`fuera_de_alcance`:
     * births outside a unit are not events of the network).
     */
    sin_clave: sinClave.default("rechazar"),
    /** The universe of the rows as the source's own key attaches them (see `UNIVERSOS`); by default `red` when the key is a CLUES, else `residentes`. */
    universo: z.enum(UNIVERSOS_FUENTE).optional(),
    /** Other universes its aggregates may choose (`universo:` on the aggregate), each with its key and condition. */
    universos: z.partialRecord(z.enum(UNIVERSOS_FUENTE), universoFuenteSchema).optional(),
    periodo: z
      .object({
        fecha: nombreColumna.optional(),
        anio: nombreColumna.optional(),
        mes: nombreColumna.optional(),
      })
      .strict()
      .optional(),
    /** Default accumulation over a window: flows add months, stocks take the latest period. */
    acumulacion: z.enum(["suma", "ultimo"]).default("suma"),
    /** Rows of the CLUES catalog that form the hierarchy (e.g. institución IMB). */
    incluir: z.string().optional(),
    /** Units of the CLUES catalog expected to send aggregate reports every month (completeness, `incompleto`). */
    reporta: z.string().optional(),
    /**
     * Units of the CLUES catalog that are closed (`estatus_operacion = 'FUERA DE OPERACION'`): one
     * with no row of its own in the window is not reported (README, Bad input: closed units).
     */
    fuera_de_operacion: z.string().optional(),
    /** A `fecha` column with the date a closed unit left operation: before it, the unit counts as open. */
    fecha_baja: nombreColumna.optional(),
    pivote: z
      .object({
        columnas: z.string(),
        variable: nombreColumna,
        valor: nombreColumna,
        tipo: z.enum(["entero", "decimal"]).default("entero"),
        nulos: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    /** Keys that must be unique per period in aggregate sources (a duplicate is rejected). */
    unico: z.array(nombreColumna).optional(),
    /**
     * The natural key of a record (`[id]`, `[clues, folio]`), or `renglon`: the whole record,
     * every field as read, where the data has no identifier (SINAC, INEGI). Unique across all
     * the files of the source in an extract, whatever the period and the universe: a second
     * record with the same key is rejected (`MASB_REGISTRO_DUPLICADO`).
     */
    llave: z.union([z.literal("renglon"), z.array(nombreColumna).min(1)]).optional(),
    columnas: z.array(columnaSchema).min(1),
  })
  .strict();
export type FuenteDef = z.infer<typeof fuenteSchema>;

export type ClaveIntento = z.infer<typeof claveIntento>;

// ---------------------------------------------------------------- variable dictionaries

/** A variable's DGIS text, or its text and whether monthly values add up (`si`) or are a stock (`no`). */
const entradaVariable = z.union([
  z.string().min(1),
  z.object({ texto: z.string().min(1), acumulable: z.enum(["si", "no"]) }).strict(),
]);

/**
 * One year's dictionary of the variables of a pivoted source (SIS): the codes the catalog may
 * read, by apartado, with the publisher's text, and the publisher's whole list of that year
 * (`catalogo`, a CSV `clave,apartado,variable,acumulable` beside the file) to check them against.
 */
export const diccionarioSchema = z
  .object({
    /** The source whose pivoted variables it describes. */
    diccionario: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    anio: z.number().int().min(1990).max(2100),
    descripcion: z.string().optional(),
    /** The publisher's whole list of that year, relative to this file. */
    catalogo: z.string().min(1).optional(),
    apartados: z.record(z.string().min(1), z.record(z.string().regex(/^[A-Z0-9]{3,8}$/, "código de variable: mayúsculas y dígitos"), entradaVariable)),
  })
  .strict();
export type DiccionarioDef = z.infer<typeof diccionarioSchema>;
