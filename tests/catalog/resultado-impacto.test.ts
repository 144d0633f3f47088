/**
 * Resultado and impacto definitions (Tabla 1, claves 88–152) and the C9 progression rows,
 * computed from small in-memory rows. Every expected value is worked by hand in the comment
 * above it; none is copied from the program's output.
 *
 * Period 2024-03. `acumulado_anual` = January–March 2024 = 31 + 29 + 31 = 91 days; the 12 months
 * ending in March 2024 (April 2023–March 2024) have 366 days, so annualised values are
 * multiplied by 366/91 ≈ 4.021978 over January–March and by 366/366 = 1 over 12 months.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compute, loadCatalog } from "../../src/index.js";

const catalogDir = join(__dirname, "..", "..", "indicators");
let catalog: Awaited<ReturnType<typeof loadCatalog>>;
beforeAll(async () => {
  catalog = await loadCatalog(catalogDir);
});

/** A hospital and a centro de salud in Guerrero (12), a centro de salud in Nayarit (18). */
function clues(): Record<string, string>[] {
  const unit = (c: string, ent: string, entName: string, jur: string, nombre: string, nivel: string) => ({
    CLUES: c, "CLAVE DE LA INSTITUCION": "IMB", "CLAVE DE LA ENTIDAD": ent, ENTIDAD: entName, "CLAVE DEL MUNICIPIO": "001",
    "CLAVE DE LA JURISDICCION": jur, JURISDICCION: `JUR ${jur}`, "NOMBRE DE LA UNIDAD": nombre, "ESTATUS DE OPERACION": "EN OPERACION",
    "NIVEL ATENCION": nivel, "CAMAS EN AREA DE HOS": nivel === "SEGUNDO NIVEL" ? "30" : "0",
  });
  return [
    unit("GRIMB000001", "12", "GUERRERO", "07", "HOSPITAL GENERAL", "SEGUNDO NIVEL"),
    unit("GRIMB000002", "12", "GUERRERO", "07", "CENTRO DE SALUD", "PRIMER NIVEL"),
    unit("NTIMB000003", "18", "NAYARIT", "01", "CENTRO DE SALUD", "PRIMER NIVEL"),
    // An IMSS hospital: in the CLUES catalog, outside the IMSS-BIENESTAR network.
    { ...unit("GRIMS000009", "12", "GUERRERO", "07", "HOSPITAL GENERAL DE ZONA IMSS", "SEGUNDO NIVEL"), "CLAVE DE LA INSTITUCION": "IMS" },
  ];
}

/**
 * Population of responsibility 2024: Guerrero 5 000 (2 000 women 15–19 + 3 000 men 30–34, all
 * at the centro; the hospital has none), Nayarit 2 000 (1 000 + 1 000). National 7 000.
 */
function poblacion(): Record<string, string | number>[] {
  return [
    { CLUES: "GRIMB000002", ANIO: 2024, SEXO: "Mujeres", GRUPO_EDAD: "15-19", POBLACION: 2000 },
    { CLUES: "GRIMB000002", ANIO: 2024, SEXO: "Hombres", GRUPO_EDAD: "30-34", POBLACION: 3000 },
    { CLUES: "NTIMB000003", ANIO: 2024, SEXO: "Mujeres", GRUPO_EDAD: "15-19", POBLACION: 1000 },
    { CLUES: "NTIMB000003", ANIO: 2024, SEXO: "Hombres", GRUPO_EDAD: "30-34", POBLACION: 1000 },
  ];
}

/**
 * CONAPO's mid-year population (universe residentes): Guerrero 5 000 in 2024 (2 000 women aged
 * 17 + 3 000 men aged 32), Nayarit 2 000 (1 000 women aged 16 + 1 000 men aged 33); national
 * 7 000. As in the real file there are also 2023 rows (a stock takes the latest year at or
 * before the window's end: 2024), the national total (CVE_GEO 0) and an entidad without
 * network units (20, Oaxaca): both out of scope, never added.
 */
function conapo(): Record<string, string | number>[] {
  const row = (anio: number, ent: string, edad: number, sexo: string, pob: number) => ({ RENGLON: 1, AÑO: anio, ENTIDAD: "x", CVE_GEO: ent, EDAD: edad, SEXO: sexo, POBLACION: pob });
  return [
    row(2024, "12", 17, "Mujeres", 2000), row(2024, "12", 32, "Hombres", 3000),
    row(2024, "18", 16, "Mujeres", 1000), row(2024, "18", 33, "Hombres", 1000),
    row(2023, "12", 17, "Mujeres", 1900), row(2023, "12", 32, "Hombres", 2900),
    row(2024, "0", 17, "Mujeres", 999_999), row(2024, "20", 17, "Mujeres", 50_000),
  ];
}

/** An INEGI death: entidad of residence, cause, coded EDAD (4xxx años, 2xxx días, 4998 n.e.), month of occurrence. */
function defuncion(ent: string, causa: string, edad: number, mes: number, anio = 2024) {
  return {
    ent_resid: ent, mun_resid: "001", causa_def: causa, sexo: "1", edad,
    dia_ocurr: 15, mes_ocurr: mes, anio_ocur: anio, dia_nacim: 99, mes_nacim: 99, anio_nacim: 9999,
  };
}

async function run(only: string[], input: Record<string, unknown[]>, ventana?: "mes" | "acumulado_anual" | "12_meses") {
  const { rows } = await compute(catalog, { clues: clues(), ...input } as never, { only, period: "2024-03", ...(ventana ? { ventana } : {}) });
  return (id: string, nivel: "nacional" | "entidad" | "clues", key = "") =>
    rows.find((r) => r.indicador === id && r.nivel === nivel && (nivel === "nacional" || (nivel === "entidad" ? r.entidad === key : r.clues === key)));
}

describe("impacto: mortality from INEGI deaths by entidad of residence", () => {
  it("131 APVP: sum of (70 − age) over deaths under 70 in 12 months, per 1 000 residents", async () => {
    const at = await run(["131"], {
      poblacion_conapo: conapo(),
      defunciones: [
        defuncion("12", "P369", 2005, 1), //  5 days old → 0 years → 70 − 0 = 70
        defuncion("12", "I219", 4045, 2), // 45 years → 25
        defuncion("12", "E119", 4069, 3), // 69 years → 1
        defuncion("12", "I219", 4070, 3), // 70: not under 70, out
        defuncion("12", "J449", 4085, 2), // 85: out
        defuncion("12", "R99X", 4998, 2), // age not specified: out
        defuncion("12", "I219", 4050, 4), // April 2024: after the window
        defuncion("12", "I219", 4050, 12, 2023), // December 2023: inside April 2023–March 2024 → 20
        defuncion("12", "I219", 4040, 3, 2023), // March 2023: before the window
        defuncion("18", "X599", 4030, 2), // 30 years → 40
        defuncion("20", "X599", 4030, 2), // resident of Oaxaca (no network units here): out of scope
      ],
    });
    // Guerrero: 70 + 25 + 1 + 20 = 116 years; 116 / 5 000 × 1 000 × 366/366 = 23.2
    expect(at("131", "entidad", "12")).toMatchObject({ numerador: "116", denominador: "5000", valor: "23.2", estado: "ok" });
    // Nayarit: 40 / 2 000 × 1 000 = 20.0
    expect(at("131", "entidad", "18")).toMatchObject({ numerador: "40", denominador: "2000", valor: "20.0" });
    // National: 156 / 7 000 × 1 000 = 22.285… → 22.3 (CONAPO's national row is not added: 7 000, not 1 006 999)
    expect(at("131", "nacional")).toMatchObject({ numerador: "156", denominador: "7000", valor: "22.3" });
    // deaths carry no CLUES: nothing is reported below the entidad
    expect(at("131", "clues", "GRIMB000002")).toBeUndefined();
  });

  it("140 suicide (X60–X84, Y87.0) and 139 unintentional poisoning (X40, X43–X44, X46–X49), per 100 000", async () => {
    const at = await run(["139", "140"], {
      poblacion_conapo: conapo(),
      defunciones: [
        defuncion("12", "X700", 4030, 1), // suicide
        defuncion("12", "Y870", 4050, 2), // sequela of self-harm: suicide
        defuncion("12", "Y871", 4050, 2), // sequela of assault: neither
        defuncion("12", "X85X", 4040, 3), // assault: neither
        defuncion("12", "X410", 4025, 2), // accidental drug poisoning: excluded from SDG 3.9.3
        defuncion("12", "X450", 4041, 2), // accidental alcohol poisoning: excluded from SDG 3.9.3
        defuncion("12", "X47X", 4040, 3), // gas: poisoning
        defuncion("12", "X44", 4020, 1), //  other drugs: poisoning
        defuncion("12", "X600", 4033, 4), // April 2024: after the window
        defuncion("18", "X600", 4033, 3), // suicide
        defuncion("18", "X499", 4060, 2), // poisoning
      ],
    });
    // 12 months, annualisation factor 366/366 = 1.
    // 140 Guerrero: X70 + Y87.0 = 2; 2 / 5 000 × 100 000 = 40.0
    expect(at("140", "entidad", "12")).toMatchObject({ numerador: "2", denominador: "5000", valor: "40.0" });
    // 140 Nayarit: 1 / 2 000 × 100 000 = 50.0
    expect(at("140", "entidad", "18")).toMatchObject({ numerador: "1", valor: "50.0" });
    // 140 national: 3 / 7 000 × 100 000 = 42.857… → 42.9
    expect(at("140", "nacional")).toMatchObject({ numerador: "3", denominador: "7000", valor: "42.9" });
    // 139 Guerrero: X47 + X44 = 2 (X41 and X45 left out) → 40.0
    expect(at("139", "entidad", "12")).toMatchObject({ numerador: "2", valor: "40.0" });
    // 139 national: X47, X44, X49 = 3 → 42.9
    expect(at("139", "nacional")).toMatchObject({ numerador: "3", denominador: "7000", valor: "42.9" });
  });
});

describe("impacto: 133 probability of premature NCD death (SDG 3.4.1 method)", () => {
  it("converts each group's rate into a probability, spreading the deaths of unknown age", async () => {
    const grupos = ["30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69"];
    const at = await run(["133"], {
      // 1 000 resident men at one age of each group (30, 35, …, 65), CONAPO 2024.
      poblacion_conapo: grupos.map((g) => ({ AÑO: 2024, CVE_GEO: "12", EDAD: Number(g.slice(0, 2)), SEXO: "Hombres", POBLACION: 1000 })),
      defunciones: [
        defuncion("12", "I219", 4062, 1), // NCD, 60–64
        defuncion("12", "I219", 4063, 2), // NCD, 60–64
        defuncion("12", "C509", 4072, 3), // NCD, 72: outside 30–69, but counts among the deaths of known age
        defuncion("12", "I10X", 4998, 3), // NCD, age unknown: spread over the known ages
        defuncion("12", "J189", 4050, 2), // pneumonia is not among the four NCD groups: out
      ],
    });
    // Deaths are observed in January–March 2024 (91 days) of the 12-month window: rates are
    // annualised by 366/91 and the row is `incompleto`.
    // NCD deaths: 4, of which 1 of unknown age → the 3 of known age are multiplied by 4/3.
    // 60–64: D = 2 × 4/3 = 2.666667; person-years = 1 000 / (366/91) = 248.633880;
    // M = 2.666667 / 248.633880 = 0.0107253; q = 5M / (1 + 2.5M) = 0.0536264 / 1.0268132 = 0.0522260.
    // Every other group has q = 0, so the probability is 1 − (1 − 0.0522260) = 5.2226% → 5.2.
    // The row's numerador is the deaths counted in the groups before spreading (2), so that it
    // adds up across levels; the denominador is the population of the 8 groups (8 000).
    expect(at("133", "nacional")).toMatchObject({ numerador: "2", denominador: "8000", valor: "5.2", estado: "incompleto" });
  });
});

describe("impacto: 130 adolescent birth rate (SDG 3.7.2)", () => {
  function nacimiento(clues: string, entNac: string, entRes: string, edad: string, fecha = "15/02/2024") {
    return {
      CLUES: clues, ENTIDADNACIMIENTO: entNac, ENTIDADRESIDENCIA: entRes, FECHANACIMIENTO: fecha, EDAD: edad,
      TOTALCONSULTAS: "6", TRIMESTREPRIMERCONSULTA: "1", RESOLUCIONEMBARAZO: "1", PERSONALATENDIO: "1",
      PESO: "3100", EDADGESTACIONAL: "39", SEXO: "1",
    };
  }
  it("counts every birth to a resident mother 15–19, wherever it happened, per 1 000 resident women 15–19 over 12 months", async () => {
    const at = await run(["130"], {
      poblacion_conapo: conapo(),
      nacimientos: [
        nacimiento("GRIMB000001", "12", "12", "15"),
        nacimiento("GRIMB000001", "12", "12", "17"),
        nacimiento("GRIMB000001", "12", "12", "19"),
        nacimiento("NTIMB000003", "18", "12", "18"), // born in Nayarit, lives in Guerrero: Guerrero
        nacimiento("GRIMS000009", "12", "12", "17"), // at an IMSS hospital: a resident's birth all the same
        nacimiento("9998", "12", "12", "16"), // at home (no CLUES): counts
        nacimiento("GRIMB000001", "12", "12", "18", "20/05/2023"), // May 2023: inside April 2023–March 2024
        nacimiento("GRIMB000001", "12", "12", "18", "20/03/2023"), // March 2023: before the window
        nacimiento("GRIMB000001", "12", "20", "17"), // lives in Oaxaca, no network units in the extract: out of scope
        nacimiento("GRIMB000001", "12", "12", "20"), // 20: out
        nacimiento("GRIMB000001", "12", "12", "14"), // 14: out (SDG 3.7.2 reports 10–14 apart)
        nacimiento("GRIMB000001", "12", "12", "99"), // age not specified: out
        nacimiento("GRIMB000001", "12", "12", "16", "10/04/2024"), // April 2024: after the window
        nacimiento("NTIMB000003", "18", "18", "16"),
      ],
    });
    // 12 months: annualisation factor 366/366 = 1.
    // Guerrero: 15, 17, 19, 18 (born in NY), 17 (IMSS), 16 (home), 18 (May 2023) = 7;
    // 7 / 2 000 × 1 000 = 3.5; fewer than 20 births: inestable
    expect(at("130", "entidad", "12")).toMatchObject({ numerador: "7", denominador: "2000", valor: "3.5", estado: "inestable" });
    // Nayarit: 1 / 1 000 × 1 000 = 1.0
    expect(at("130", "entidad", "18")).toMatchObject({ numerador: "1", denominador: "1000", valor: "1.0" });
    // National: 8 / 3 000 × 1 000 = 2.666… → 2.7
    expect(at("130", "nacional")).toMatchObject({ numerador: "8", denominador: "3000", valor: "2.7" });
  });
});

describe("impacto: 151 and 152, relative and absolute gap between quintiles (encuesta)", () => {
  const row = (ent: string, anio: number, variable: string, num: string, den: string) =>
    ({ CLAVE_ENTIDAD: ent, ANIO: anio, ENCUESTA: "ENSAUD", VARIABLE: variable, NUMERADOR: num, DENOMINADOR: den });
  it("sums the four survey totals at each level before dividing", async () => {
    const at = await run(["151", "152"], {
      encuesta: [
        row("12", 2023, "COBERTURA_Q1", "80.00", "100.00"),
        row("12", 2023, "COBERTURA_Q5", "90.00", "100.00"),
        row("18", 2023, "COBERTURA_Q1", "30.00", "50.00"),
        row("18", 2023, "COBERTURA_Q5", "45.00", "50.00"),
        row("12", 2021, "COBERTURA_Q1", "10.00", "100.00"), // an older survey: the latest year is taken
      ],
    });
    // 151 Guerrero: (80/100) / (90/100) = 0.8 / 0.9 = 0.888… → 0.89
    expect(at("151", "entidad", "12")?.valor).toBe("0.89");
    // 151 Nayarit: (30/50) / (45/50) = 0.6 / 0.9 = 0.666… → 0.67
    expect(at("151", "entidad", "18")?.valor).toBe("0.67");
    // 151 national: (110/150) / (135/150) = 0.733333 / 0.9 = 0.814815 → 0.81 (not the mean of 0.89 and 0.67)
    // and no target: parity is the reference of equality, not a norm's figure (sin_meta)
    expect(at("151", "nacional")).toMatchObject({ valor: "0.81", meta: null, semaforo: "sin_meta" });
    // 152 Guerrero: (90/100 − 80/100) / 1 × 100 = 0.1 × 100 = 10.0 points
    expect(at("152", "entidad", "12")).toMatchObject({ numerador: "0.1", denominador: "1", valor: "10.0" });
    // 152 Nayarit: (45/50 − 30/50) × 100 = 0.3 × 100 = 30.0
    expect(at("152", "entidad", "18")?.valor).toBe("30.0");
    // 152 national: (135/150 − 110/150) × 100 = (0.9 − 0.733333) × 100 = 16.667 → 16.7
    expect(at("152", "nacional")).toMatchObject({ numerador: "0.166667", denominador: "1", valor: "16.7" });
  });
});

describe("resultado: 113 days from start to notification of emergencies", () => {
  const evento = (id: string, ent: string, inicio: string, notif: string) => ({
    ID_EVENTO: id, CLAVE_ENTIDAD: ent, TIPO: "BROTE", FECHA_INICIO: inicio, FECHA_DETECCION: "", FECHA_NOTIFICACION: notif,
    PERSONAS_AFECTADAS: "10", POBLACION_OBJETIVO_VACUNACION: "", VACUNADOS: "",
  });
  it("averages the days over the notified events of the year", async () => {
    const at = await run(["113"], {
      poblacion: poblacion(),
      eventos_emergencia: [
        evento("A", "12", "10/01/2024", "16/01/2024"), // 6 days
        evento("B", "12", "01/02/2024", "11/02/2024"), // 10 days
        evento("C", "12", "05/03/2024", ""), //           not notified yet: out
        evento("D", "18", "01/03/2024", "03/03/2024"), // 2 days
        evento("E", "18", "20/12/2023", "30/12/2023"), // started in 2023: outside the window
      ],
    });
    // Guerrero: (6 + 10) / 2 = 8.0 days, meets the 7-1-7 target of 8 exactly
    expect(at("113", "entidad", "12")).toMatchObject({ numerador: "16", denominador: "2", valor: "8.0", semaforo: "verde" });
    // Nayarit: 2 / 1 = 2.0
    expect(at("113", "entidad", "18")).toMatchObject({ numerador: "2", denominador: "1", valor: "2.0" });
    // National: 18 / 3 = 6.0
    expect(at("113", "nacional")).toMatchObject({ numerador: "18", denominador: "3", valor: "6.0" });
  });
});

describe("impacto: 148 malnutrition (SDG 2.2.2) from the SIS", () => {
  // Weight-for-height of children 2–4 (SIS 2024, apartado 041): CEN72 normal, CEN78 desnutrición
  // moderada, CNE02 sobrepeso, CEN97 obesidad.
  const sis = (c: string, ent: string, mes: number, normal: number, moderada: number, sobrepeso: number, obesidad: number) =>
    ({ CLAVE_ENTIDAD: ent, CLAVE_MUNICIPIO: "001", CLUES: c, MES: mes, ANIO: 2024, CEN72: normal, CEN78: moderada, CNE02: sobrepeso, CEN97: obesidad });
  it("adds wasting and overweight over the children evaluated", async () => {
    const at = await run(["148"], {
      sis: [
        sis("GRIMB000002", "12", 3, 170, 6, 10, 14),
        sis("GRIMB000002", "12", 2, 0, 50, 0, 50), // February: outside the month
        sis("NTIMB000003", "18", 3, 90, 2, 5, 3),
      ],
    });
    // Wasting (< −2 DE) is moderada + grave, overweight (> +2 DE) is the SIS's obesidad; the SIS's
    // sobrepeso (+1 to +1.99 DE) is evaluated but not in the numerator.
    // centro de salud Guerrero: (6 + 14) / (170 + 6 + 10 + 14 = 200) × 100 = 10.0
    expect(at("148", "clues", "GRIMB000002")).toMatchObject({ numerador: "20", denominador: "200", valor: "10.0" });
    // Nayarit: (2 + 3) / (90 + 2 + 5 + 3 = 100) × 100 = 5.0
    expect(at("148", "entidad", "18")).toMatchObject({ numerador: "5", denominador: "100", valor: "5.0" });
    // National: 25 / 300 × 100 = 8.333 → 8.3
    expect(at("148", "nacional")).toMatchObject({ numerador: "25", denominador: "300", valor: "8.3" });
  });
});

describe("proceso: C9 progression rows from the community-action records", () => {
  const act = (c: string, anio: number, mes: number, actividad: string, cantidad: number) =>
    ({ CLUES: c, ANIO: anio, MES: mes, ACTIVIDAD: actividad, CANTIDAD: cantidad });
  const registros = [
    act("GRIMB000002", 2023, 12, "PERSONAL_CONDUCCION_CAPACITADO", 9), // 2023: not the last month
    act("GRIMB000002", 2024, 1, "PERSONAL_CONDUCCION_CAPACITADO", 2),
    act("GRIMB000002", 2024, 2, "PERSONAL_CONDUCCION_CAPACITADO", 5),
    act("GRIMB000002", 2024, 3, "PERSONAL_CONDUCCION_CAPACITADO", 6),
    act("GRIMB000002", 2024, 1, "PERSONAL_CONDUCCION", 8),
    act("GRIMB000002", 2024, 2, "PERSONAL_CONDUCCION", 8),
    act("GRIMB000002", 2024, 3, "PERSONAL_CONDUCCION", 10),
    act("NTIMB000003", 2024, 1, "PERSONAL_CONDUCCION_CAPACITADO", 1),
    act("NTIMB000003", 2024, 3, "PERSONAL_CONDUCCION_CAPACITADO", 4),
    act("NTIMB000003", 2024, 1, "PERSONAL_CONDUCCION", 4),
    act("NTIMB000003", 2024, 3, "PERSONAL_CONDUCCION", 5),
    act("GRIMB000002", 2024, 1, "PARTERAS_INTERRELACION", 3),
    act("GRIMB000002", 2024, 2, "PARTERAS_INTERRELACION", 4),
    act("GRIMB000002", 2024, 3, "PARTERAS_INTERRELACION", 5),
    act("NTIMB000003", 2024, 3, "PARTERAS_INTERRELACION", 2),
    act("GRIMB000002", 2024, 3, "SESIONES_VIDA_REPRODUCTIVA", 7),
    act("GRIMB000002", 2024, 2, "SESIONES_VIDA_REPRODUCTIVA", 9), // February: outside the month
    act("NTIMB000003", 2024, 3, "SESIONES_VIDA_REPRODUCTIVA", 4),
    act("GRIMB000002", 2024, 1, "COMITES_FORMADOS", 1),
    act("GRIMB000002", 2024, 3, "COMITES_FORMADOS", 1),
    act("NTIMB000003", 2024, 2, "COMITES_FORMADOS", 1),
  ];

  it("C9-S12-II: trained over conduction staff, both stocks of the last month", async () => {
    const at = await run(["C9-S12-II", "C9-S12-I"], { comunitaria: registros });
    // Guerrero centro: 6 trained of 10 in March → 6 / 10 × 100 = 60.0
    expect(at("C9-S12-II", "clues", "GRIMB000002")).toMatchObject({ numerador: "6", denominador: "10", valor: "60.0" });
    // Nayarit centro: 4 of 5 → 80.0
    expect(at("C9-S12-II", "clues", "NTIMB000003")).toMatchObject({ numerador: "4", denominador: "5", valor: "80.0" });
    // National: (6 + 4) / (10 + 5) × 100 = 66.667 → 66.7; target 100 → logro 66.7 → rojo (< 70)
    expect(at("C9-S12-II", "nacional")).toMatchObject({ numerador: "10", denominador: "15", valor: "66.7", semaforo: "rojo" });
    // C9-S12-I is the numerator alone, March only: 6 + 4 = 10 (not 2 + 5 + 6 + 1 + 4 = 18)
    expect(at("C9-S12-I", "nacional")).toMatchObject({ numerador: "10", valor: "10" });
  });

  it("C9-S34-IV adds the committees formed since January (a flow)", async () => {
    const at = await run(["C9-S34-IV"], { comunitaria: registros });
    // January–March: 1 + 1 (Guerrero) + 1 (Nayarit) = 3
    expect(at("C9-S34-IV", "entidad", "12")?.valor).toBe("2");
    expect(at("C9-S34-IV", "nacional")).toMatchObject({ numerador: "3", valor: "3" });
  });

  it("C9-S34-VII is a stock: a longer window takes the last month, it does not add months", async () => {
    const at = await run(["C9-S34-VII", "C9-S4-I-A"], { comunitaria: registros }, "acumulado_anual");
    // March: 5 (Guerrero) + 2 (Nayarit) = 7, not 3 + 4 + 5 + 2 = 14
    expect(at("C9-S34-VII", "nacional")).toMatchObject({ numerador: "7", valor: "7" });
    expect(at("C9-S34-VII", "clues", "GRIMB000002")?.valor).toBe("5");
    // sessions are a flow: over January–March, 9 + 7 + 4 = 20
    expect(at("C9-S4-I-A", "nacional")?.valor).toBe("20");
  });

  it("C9-S4-I-A counts the month's sessions of its línea de vida", async () => {
    const at = await run(["C9-S4-I-A"], { comunitaria: registros });
    // March only: 7 + 4 = 11
    expect(at("C9-S4-I-A", "nacional")).toMatchObject({ numerador: "11", valor: "11" });
  });
});
