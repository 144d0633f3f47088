-- =====================================================================================
-- Hospital discharges (SAEH egresos): 70b, 73, 78, 80, 81, 83b, B, 85, 72, 75a.
-- Every indicator here counts the discharges of IMB units (keyed by CLUES) whose EGRESO falls
-- in the window. Each view gives, per unit, numerador, denominador and the rows it saw.
-- indicadores: (id, desde 4 = clues / 3 = zona, factor, decimales, anualizar, minimo)
-- =====================================================================================

-- The discharges of the window.
CREATE OR REPLACE VIEW egresos_v AS
SELECT e.* FROM egresos e, ventana v WHERE e.periodo BETWEEN v.inicio AND v.fin;

-- Conditions sensitive to ambulatory care (OECD Health Care Quality Indicators, avoidable
-- admissions): diabetes E10–E14, hypertension I10–I11, heart failure I50, I13.0, I13.2,
-- COPD J40–J44 and J47, asthma J45–J46. Used by 75a and 81.
CREATE OR REPLACE MACRO sensible_ambulatoria(c) AS
  cie_entre(c, 'E10', 'E14') OR cie_entre(c, 'I10', 'I11') OR cie(c, 'I130') OR cie(c, 'I132') OR cie(c, 'I50')
  OR cie_entre(c, 'J40', 'J44') OR cie_entre(c, 'J45', 'J46') OR cie(c, 'J47');

-- 70b  Ingresos hospitalarios por referencia de otra unidad (vía de entrada).
-- Discharges admitted on referral (PROCED 3) among those admitted through outpatient care,
-- emergency, referral or other (PROCED 1, 2, 3, 5; newborn unit 4 and unknown 9 left out), × 100.
INSERT OR REPLACE INTO indicadores VALUES ('70b', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_70b AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE procedencia = '3') AS numerador,
       count(*) FILTER (WHERE procedencia IN ('1', '2', '3', '5')) AS denominador,
       count(*) AS filas
FROM egresos_v GROUP BY clues;

-- 73  Concordancia del diagnóstico de ingreso con la afección principal al egreso.
-- Discharges whose admission diagnosis (DIAG_INI) is the same 4-character code as the main
-- condition at discharge (AFECPRIN), among those with an admission diagnosis, × 100.
INSERT OR REPLACE INTO indicadores VALUES ('73', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_73 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE diag_ingreso IS NOT NULL AND diag_ingreso = afeccion) AS numerador,
       count(*) FILTER (WHERE diag_ingreso IS NOT NULL) AS denominador,
       count(*) AS filas
FROM egresos_v GROUP BY clues;

-- 78  Mortalidad hospitalaria a 30 días por infarto agudo de miocardio o EVC.
-- Among discharges of people aged 45+ with main condition AMI (I21–I22) or stroke (I60–I64),
-- those discharged dead (MOTEGRE 5) within 30 days of stay, × 100 (OECD in-hospital 30-day
-- mortality, admission-based).
INSERT OR REPLACE INTO indicadores VALUES ('78', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_78 AS
WITH casos AS (
  SELECT *, edad_anios >= 45 AND (cie_entre(afeccion, 'I21', 'I22') OR cie_entre(afeccion, 'I60', 'I64')) AS iam_evc
  FROM egresos_v
)
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE iam_evc AND motivo = '5' AND dias_estancia <= 30) AS numerador,
       count(*) FILTER (WHERE iam_evc) AS denominador,
       count(*) AS filas
FROM casos GROUP BY clues;

-- 80  Reingresos hospitalarios por la misma afección en enfermedades trazadoras.
-- Subsequent admissions for the same condition (VEZ 2) among discharges with VEZ 1 or 2, for
-- tracer conditions: diabetes E10–E14, hypertensive disease I10–I15, AMI I21–I22, heart
-- failure I50, stroke I60–I64, COPD and asthma J44–J46, chronic kidney disease N18; × 100.
INSERT OR REPLACE INTO indicadores VALUES ('80', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_80 AS
WITH casos AS (
  SELECT *, cie_entre(afeccion, 'E10', 'E14') OR cie_entre(afeccion, 'I10', 'I15') OR cie_entre(afeccion, 'I21', 'I22')
            OR cie(afeccion, 'I50') OR cie_entre(afeccion, 'I60', 'I64') OR cie_entre(afeccion, 'J44', 'J46')
            OR cie(afeccion, 'N18') AS trazadora
  FROM egresos_v
)
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE trazadora AND vez = '2') AS numerador,
       count(*) FILTER (WHERE trazadora AND vez IN ('1', '2')) AS denominador,
       count(*) AS filas
FROM casos GROUP BY clues;

-- 81  Ingresos referidos desde el primer nivel por condiciones que requieren hospitalización.
-- Among discharges admitted on referral (PROCED 3), those whose main condition is not one
-- sensitive to ambulatory care, × 100.
INSERT OR REPLACE INTO indicadores VALUES ('81', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_81 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE procedencia = '3' AND NOT sensible_ambulatoria(afeccion)) AS numerador,
       count(*) FILTER (WHERE procedencia = '3') AS denominador,
       count(*) AS filas
FROM egresos_v GROUP BY clues;

-- 83b  Defunciones en relación a egresos (mortalidad hospitalaria bruta).
-- Discharges by death (MOTEGRE 5) among all discharges, × 100, 2 decimals.
INSERT OR REPLACE INTO indicadores VALUES ('83b', 4, 100, 2, false, NULL);
CREATE OR REPLACE VIEW ind_83b AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE motivo = '5') AS numerador,
       count(*) AS denominador,
       count(*) AS filas
FROM egresos_v GROUP BY clues;

-- B  Mortalidad institucional: defunciones después de 48 horas del ingreso por 100 egresos.
-- Discharges by death (MOTEGRE 5) after 2 or more days of stay among all discharges, × 100.
INSERT OR REPLACE INTO indicadores VALUES ('B', 4, 100, 2, false, NULL);
CREATE OR REPLACE VIEW ind_B AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE motivo = '5' AND dias_estancia >= 2) AS numerador,
       count(*) AS denominador,
       count(*) AS filas
FROM egresos_v GROUP BY clues;

-- 85  Ocupación hospitalaria.
-- Patient-days (Σ DIAS_ESTA of the window's discharges) over bed-days (camas censables of the
-- CLUES catalog × days in the window), × 100. Every unit has a term, with or without beds.
INSERT OR REPLACE INTO indicadores VALUES ('85', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_85 AS
SELECT u.clues, NULL AS entidad,
       coalesce(e.dias_paciente, 0) AS numerador,
       u.camas * v.dias AS denominador,
       coalesce(e.filas, 0) AS filas              -- its discharges (the catalog row is not a dated row)
FROM unidades u
CROSS JOIN ventana v
LEFT JOIN (SELECT clues, sum(dias_estancia) AS dias_paciente, count(*) AS filas FROM egresos_v GROUP BY clues) e USING (clues);

-- 72  Altas hospitalarias por 1 000 habitantes (from the zona up).
-- Discharges of the window per 1 000 people of the población de responsabilidad, annualised
-- by days.
INSERT OR REPLACE INTO indicadores VALUES ('72', 3, 1000, 1, true, NULL);
CREATE OR REPLACE VIEW ind_72 AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, count(*) AS n, 0 AS p, count(*) AS filas FROM egresos_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, sum(poblacion), count(*) FROM poblacion_vigente GROUP BY clues
) GROUP BY clues;

-- 75a  Hospitalizaciones evitables por condiciones sensibles a la atención ambulatoria por
-- 100 000 habitantes de 15 años y más (from the zona up).
-- Discharges of people aged 15+ with a condition sensitive to ambulatory care, per 100 000
-- people aged 15+ of the población de responsabilidad, annualised by days.
INSERT OR REPLACE INTO indicadores VALUES ('75a', 3, 100000, 1, true, NULL);
CREATE OR REPLACE VIEW ind_75a AS
SELECT clues, NULL AS entidad, sum(n) AS numerador, sum(p) AS denominador, sum(filas) AS filas
FROM (
  SELECT clues, count(*) FILTER (WHERE edad_anios >= 15 AND sensible_ambulatoria(afeccion)) AS n, 0 AS p, count(*) AS filas
  FROM egresos_v GROUP BY clues
  UNION ALL
  SELECT clues, 0, coalesce(sum(poblacion) FILTER (WHERE grupo_edad NOT IN ('00-04', '05-09', '10-14')), 0), count(*)
  FROM poblacion_vigente GROUP BY clues
) GROUP BY clues;
