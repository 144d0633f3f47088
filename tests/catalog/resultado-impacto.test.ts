/**
 * Resultado and impacto definitions (Tabla 1, claves 88–152) and the C9 progression rows,
 * computed from small in-memory rows. Every expected value is worked by hand in the comment
 * above it; none is copied from the program's output.
 *
 * Period 2024-03. `acumulado_anual` = January–March 2024 = 31 + 29 + 31 = 91 days; the 12 months
 * ending in March 2024 (April 2023–March 2024) have 366 days, so annualised values are
 * multiplied by 366/91 ≈ 4.021978.
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
  it("131 APVP: sum of (70 − age) over deaths under 70, per 1 000, annualised", async () => {
    const at = await run(["131"], {
      poblacion: poblacion(),
      defunciones: [
        defuncion("12", "P369", 2005, 1), //  5 days old → 0 years → 70 − 0 = 70
        defuncion("12", "I219", 4045, 2), // 45 years → 25
        defuncion("12", "E119", 4069, 3), // 69 years → 1
        defuncion("12", "I219", 4070, 3), // 70: not under 70, out
        defuncion("12", "J449", 4085, 2), // 85: out
        defuncion("12", "R99X", 4998, 2), // age not specified: out
        defuncion("12", "I219", 4050, 4), // April: outside January–March
        defuncion("12", "I219", 4050, 12, 2023), // December 2023: outside the year-to-date window
        defuncion("18", "X599", 4030, 2), // 30 years → 40
      ],
    });
    // Guerrero: 70 + 25 + 1 = 96 years; 96 / 5 000 × 1 000 × 366/91 = 19.2 × 4.021978 = 77.222 → 77.2
    expect(at("131", "entidad", "12")).toMatchObject({ numerador: "96", denominador: "5000", valor: "77.2", estado: "ok" });
    // Nayarit: 40 / 2 000 × 1 000 × 366/91 = 20 × 4.021978 = 80.440 → 80.4
    expect(at("131", "entidad", "18")).toMatchObject({ numerador: "40", denominador: "2000", valor: "80.4" });
    // National: 136 / 7 000 × 1 000 × 366/91 = 49 776 000 / 637 000 = 78.141 → 78.1
    expect(at("131", "nacional")).toMatchObject({ numerador: "136", denominador: "7000", valor: "78.1" });
    // deaths carry no CLUES: nothing is reported below the entidad
    expect(at("131", "clues", "GRIMB000002")).toBeUndefined();
  });

  it("140 suicide (X60–X84, Y87.0) and 139 unintentional poisoning (X40, X43–X44, X46–X49), per 100 000", async () => {
    const at = await run(["139", "140"], {
      poblacion: poblacion(),
      defunciones: [
        defuncion("12", "X700", 4030, 1), // suicide
        defuncion("12", "Y870", 4050, 2), // sequela of self-harm: suicide
        defuncion("12", "Y871", 4050, 2), // sequela of assault: neither
        defuncion("12", "X85X", 4040, 3), // assault: neither
        defuncion("12", "X410", 4025, 2), // accidental drug poisoning: excluded from SDG 3.9.3
        defuncion("12", "X450", 4041, 2), // accidental alcohol poisoning: excluded from SDG 3.9.3
        defuncion("12", "X47X", 4040, 3), // gas: poisoning
        defuncion("12", "X44", 4020, 1), //  other drugs: poisoning
        defuncion("12", "X600", 4033, 4), // April: outside the window
        defuncion("18", "X600", 4033, 3), // suicide
        defuncion("18", "X499", 4060, 2), // poisoning
      ],
    });
    // 140 Guerrero: X70 + Y87.0 = 2; 2 / 5 000 × 100 000 × 366/91 = 40 × 4.021978 = 160.879 → 160.9
    expect(at("140", "entidad", "12")).toMatchObject({ numerador: "2", denominador: "5000", valor: "160.9" });
    // 140 Nayarit: 1 / 2 000 × 100 000 × 366/91 = 50 × 4.021978 = 201.099 → 201.1
    expect(at("140", "entidad", "18")).toMatchObject({ numerador: "1", valor: "201.1" });
    // 140 national: 3 / 7 000 × 100 000 × 366/91 = 109 800 000 / 637 000 = 172.370 → 172.4
    expect(at("140", "nacional")).toMatchObject({ numerador: "3", denominador: "7000", valor: "172.4" });
    // 139 Guerrero: X47 + X44 = 2 (X41 and X45 left out) → same arithmetic as 140: 160.9
    expect(at("139", "entidad", "12")).toMatchObject({ numerador: "2", valor: "160.9" });
    // 139 national: X47, X44, X49 = 3 → 172.4
    expect(at("139", "nacional")).toMatchObject({ numerador: "3", denominador: "7000", valor: "172.4" });
  });
});

describe("impacto: 133 probability of premature NCD death (SDG 3.4.1 method)", () => {
  it("converts each group's rate into a probability, spreading the deaths of unknown age", async () => {
    const grupos = ["30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69"];
    const at = await run(["133"], {
      poblacion: grupos.map((g) => ({ CLUES: "GRIMB000002", ANIO: 2024, SEXO: "Hombres", GRUPO_EDAD: g, POBLACION: 1000 })),
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
  it("counts births to mothers 15–19 by the mother's residence per 1 000 women 15–19, annualised", async () => {
    const at = await run(["130"], {
      poblacion: poblacion(),
      nacimientos: [
        nacimiento("GRIMB000001", "12", "12", "15"),
        nacimiento("GRIMB000001", "12", "12", "17"),
        nacimiento("GRIMB000001", "12", "12", "19"),
        nacimiento("NTIMB000003", "18", "12", "18"), // born in Nayarit, lives in Guerrero: Guerrero
        nacimiento("GRIMB000001", "12", "12", "20"), // 20: out
        nacimiento("GRIMB000001", "12", "12", "14"), // 14: out (SDG 3.7.2 reports 10–14 apart)
        nacimiento("GRIMB000001", "12", "12", "99"), // age not specified: out
        nacimiento("GRIMB000001", "12", "12", "16", "10/04/2024"), // April: outside the window
        nacimiento("NTIMB000003", "18", "18", "16"),
      ],
    });
    // Guerrero: 4 / 2 000 × 1 000 × 366/91 = 2 × 4.021978 = 8.044 → 8.0; fewer than 20 births: inestable
    expect(at("130", "entidad", "12")).toMatchObject({ numerador: "4", denominador: "2000", valor: "8.0", estado: "inestable" });
    // Nayarit: 1 / 1 000 × 1 000 × 366/91 = 4.022 → 4.0
    expect(at("130", "entidad", "18")).toMatchObject({ numerador: "1", denominador: "1000", valor: "4.0" });
    // National: 5 / 3 000 × 1 000 × 366/91 = 1.666667 × 4.021978 = 6.703 → 6.7
    expect(at("130", "nacional")).toMatchObject({ numerador: "5", denominador: "3000", valor: "6.7" });
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
    expect(at("151", "nacional")).toMatchObject({ valor: "0.81", meta: "1" });
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
  const sis = (c: string, ent: string, mes: number, nut01: number, nut03: number, nut04: number) =>
    ({ CLAVE_ENTIDAD: ent, CLAVE_MUNICIPIO: "001", CLUES: c, MES: mes, ANIO: 2024, NUT01: nut01, NUT03: nut03, NUT04: nut04 });
  it("adds wasting and overweight over the children evaluated", async () => {
    const at = await run(["148"], {
      sis: [
        sis("GRIMB000002", "12", 3, 200, 6, 14),
        sis("GRIMB000002", "12", 2, 100, 50, 50), // February: outside the month
        sis("NTIMB000003", "18", 3, 100, 2, 3),
      ],
    });
    // centro de salud Guerrero: (6 + 14) / 200 × 100 = 10.0
    expect(at("148", "clues", "GRIMB000002")).toMatchObject({ numerador: "20", denominador: "200", valor: "10.0" });
    // Nayarit: (2 + 3) / 100 × 100 = 5.0
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
