-- =====================================================================================
-- Deaths (INEGI): 131, 134, 135, 136, 137, 138, 139, 140, 141, 142.
-- ALL PENDING the universe change (see tests/reference/duckdb.test.ts): written to the new
-- definitions, compared once the engine implements them and the demo has DEFUN_2023/2024
-- and the CONAPO file.
--
-- Universe residentes: every death, keyed by the entidad of residence (99/0/00/blank -> NE;
-- 33–35 and other states -> out of scope), from the entidad up. Denominators: live births of
-- residents (SINAC, by the mother's residence) for 134–136; the CONAPO population (a stock:
-- latest year at or before the window's end) for the crude rates, annualised by days.
-- Impact-dimension rates: a numerator under 20 is `inestable`.
-- =====================================================================================

CREATE OR REPLACE VIEW defunciones_v AS
SELECT d.* FROM defunciones d, ventana v
WHERE d.periodo BETWEEN v.inicio AND v.fin AND d.entidad_residencia IS NOT NULL;

-- Deaths (numerator) and live births of residents (denominator), per entidad.
CREATE OR REPLACE MACRO por_nacidos_vivos(muertes) AS TABLE
SELECT NULL AS clues, entidad, sum(n) AS numerador, sum(d) AS denominador, sum(filas) AS filas
FROM (
  SELECT entidad_residencia AS entidad, count(*) FILTER (WHERE muertes) AS n, 0 AS d, count(*) AS filas
  FROM defunciones_v GROUP BY entidad_residencia
  UNION ALL
  SELECT entidad_residencia, 0, count(*), count(*) FROM nacimientos_residentes GROUP BY entidad_residencia
) GROUP BY entidad;

-- 134  Razón de mortalidad materna (per 100 000 live births).
-- Maternal deaths: `razon_m` 1 (INEGI's maternal-death flag), or, where `razon_m` is empty, an
-- underlying cause in O00–O95, O98–O99 or A34 (late maternal deaths O96–O97 left out), per
-- 100 000 live births of residents. SDG 3.1.1.
INSERT OR REPLACE INTO indicadores VALUES ('134', 1, 100000, 1, false, 20);
CREATE OR REPLACE VIEW ind_134 AS
SELECT * FROM por_nacidos_vivos(
  razon_m = '1' OR (razon_m IS NULL AND (cie_entre(causa, 'O00', 'O95') OR cie_entre(causa, 'O98', 'O99') OR cie(causa, 'A34'))));

-- 135  Tasa de mortalidad neonatal (per 1 000 live births).
-- Deaths under 28 days of age per 1 000 live births of residents. SDG 3.2.2.
INSERT OR REPLACE INTO indicadores VALUES ('135', 1, 1000, 1, false, 20);
CREATE OR REPLACE VIEW ind_135 AS SELECT * FROM por_nacidos_vivos(edad_dias < 28);

-- 136  Tasa de mortalidad en menores de 5 años (per 1 000 live births).
-- Deaths under 5 years of age per 1 000 live births of residents (vital-registration
-- approximation of SDG 3.2.1).
INSERT OR REPLACE INTO indicadores VALUES ('136', 1, 1000, 1, false, 20);
CREATE OR REPLACE VIEW ind_136 AS SELECT * FROM por_nacidos_vivos(edad_anios < 5);

-- A numerator over deaths and the CONAPO population restricted by `personas`, per entidad.
CREATE OR REPLACE MACRO por_poblacion(valor_muertes, personas) AS TABLE
SELECT NULL AS clues, entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT entidad_residencia AS entidad, coalesce(sum(valor_muertes), 0) AS n, 0 AS p, count(*) AS filas
  FROM defunciones_v GROUP BY entidad_residencia
  UNION ALL
  SELECT entidad, 0, coalesce(sum(poblacion) FILTER (WHERE personas), 0), count(*) FROM conapo_vigente GROUP BY entidad
) GROUP BY entidad;

-- 131  Años potenciales de vida perdidos antes de los 70 años por 1 000 habitantes.
-- Σ (70 − age in completed years) over deaths under 70 (unknown ages left out), per 1 000
-- residents (CONAPO, all ages), annualised by days. OECD PYLL (Romeder and McWhinnie 1977).
INSERT OR REPLACE INTO indicadores VALUES ('131', 1, 1000, 1, true, 20);
CREATE OR REPLACE VIEW ind_131 AS
SELECT * FROM por_poblacion(CASE WHEN edad_anios < 70 THEN 70 - edad_anios END, true);

-- 137  Mortalidad por enfermedades asociadas a la contaminación del aire (per 100 000).
-- Acute lower respiratory infections at any age (J09–J22, P23, U04) and, aged 25+, ischaemic
-- heart disease (I20–I25), stroke (I60–I69), COPD (J40–J44) and lung cancer (C33–C34); SDG
-- 3.9.1's causes, crude rate.
INSERT OR REPLACE INTO indicadores VALUES ('137', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_137 AS
SELECT * FROM por_poblacion(CASE WHEN
    cie_entre(causa, 'J09', 'J22') OR cie(causa, 'P23') OR cie(causa, 'U04')
    OR (edad_anios >= 25 AND (cie_entre(causa, 'I20', 'I25') OR cie_entre(causa, 'I60', 'I69')
                              OR cie_entre(causa, 'J40', 'J44') OR cie_entre(causa, 'C33', 'C34')))
  THEN 1 END, true);

-- 138  Mortalidad por agua, saneamiento e higiene insalubres (per 100 000).
-- Diarrhoea (A00–A01, A03–A04, A06–A09), intestinal nematodes (B76–B77, B79) and
-- protein-energy malnutrition (E40–E46); SDG 3.9.2's causes, crude rate.
INSERT OR REPLACE INTO indicadores VALUES ('138', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_138 AS
SELECT * FROM por_poblacion(CASE WHEN
    cie_entre(causa, 'A00', 'A01') OR cie_entre(causa, 'A03', 'A04') OR cie_entre(causa, 'A06', 'A09')
    OR cie_entre(causa, 'B76', 'B77') OR cie(causa, 'B79') OR cie_entre(causa, 'E40', 'E46')
  THEN 1 END, true);

-- 139  Mortalidad por intoxicación no intencional (per 100 000).
-- Accidental poisoning X40, X43–X44, X46–X49 (SDG 3.9.3).
INSERT OR REPLACE INTO indicadores VALUES ('139', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_139 AS
SELECT * FROM por_poblacion(CASE WHEN
    cie(causa, 'X40') OR cie_entre(causa, 'X43', 'X44') OR cie_entre(causa, 'X46', 'X49')
  THEN 1 END, true);

-- 140  Mortalidad por suicidio (per 100 000).
-- Intentional self-harm X60–X84 and its sequelae Y87.0 (SDG 3.4.2, crude).
INSERT OR REPLACE INTO indicadores VALUES ('140', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_140 AS
SELECT * FROM por_poblacion(CASE WHEN cie_entre(causa, 'X60', 'X84') OR cie(causa, 'Y870') THEN 1 END, true);

-- 141  Muertes de tránsito por 100 000 habitantes.
-- Road injuries V01–V04, V06, V09–V80, V87, V89, V99 (WHO GHE "road injury", SDG 3.6.1), by
-- residence.
INSERT OR REPLACE INTO indicadores VALUES ('141', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_141 AS
SELECT * FROM por_poblacion(CASE WHEN
    cie_entre(causa, 'V01', 'V04') OR cie(causa, 'V06') OR cie_entre(causa, 'V09', 'V80')
    OR cie(causa, 'V87') OR cie(causa, 'V89') OR cie(causa, 'V99')
  THEN 1 END, true);

-- 142  Mortalidad por cáncer cervicouterino en mujeres de 25 años y más (per 100 000).
-- Deaths of women (sexo 2) aged 25+ from C53, per 100 000 women aged 25+ (CONAPO).
INSERT OR REPLACE INTO indicadores VALUES ('142', 1, 100000, 1, true, 20);
CREATE OR REPLACE VIEW ind_142 AS
SELECT * FROM por_poblacion(CASE WHEN sexo = '2' AND edad_anios >= 25 AND cie(causa, 'C53') THEN 1 END,
                            sexo = 'Mujeres' AND edad >= 25);
