-- =====================================================================================
-- Prescriptions (recetas): 31, 82, 83, 107. Prescriptions issued by IMB units
-- (keyed by CLUES) whose FECHA_EMISION falls in the window.
-- =====================================================================================

CREATE OR REPLACE VIEW recetas_v AS
SELECT r.* FROM recetas r, ventana v WHERE r.periodo BETWEEN v.inicio AND v.fin;

-- 31  Recetas surtidas de forma completa.
-- Prescriptions with every prescribed item filled (CLAVES_SURTIDAS >= CLAVES_PRESCRITAS)
-- among all prescriptions issued, × 100.
INSERT OR REPLACE INTO indicadores VALUES ('31', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_31 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE claves_surtidas >= claves_prescritas) AS numerador,
       count(*) AS denominador,
       count(*) AS filas
FROM recetas_v GROUP BY clues;

-- 82  Recetas apegadas a las guías de práctica clínica.
-- Reviewed prescriptions that follow the clinical guideline (APEGO_GPC S) among the reviewed
-- ones (S or N; X, not reviewed, left out), × 100.
INSERT OR REPLACE INTO indicadores VALUES ('82', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_82 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE apego_gpc = 'S') AS numerador,
       count(*) FILTER (WHERE apego_gpc IN ('S', 'N')) AS denominador,
       count(*) AS filas
FROM recetas_v GROUP BY clues;

-- 83  Recetas de personas de 65 años y más con antipsicóticos.
-- Prescriptions for people aged 65+ with at least one antipsychotic item (ATC N05A) among
-- prescriptions for people aged 65+ with the antipsychotic count recorded, × 100, 2 decimals.
-- Age 999 (not recorded) is unknown, so it is in neither term.
INSERT OR REPLACE INTO indicadores VALUES ('83', 4, 100, 2, false, NULL);
CREATE OR REPLACE VIEW ind_83 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE edad_paciente >= 65 AND claves_antipsicotico > 0) AS numerador,
       count(*) FILTER (WHERE edad_paciente >= 65 AND claves_antipsicotico IS NOT NULL) AS denominador,
       count(*) AS filas
FROM recetas_v GROUP BY clues;

-- 107  Patrones de consumo de antibióticos (recetas con antibiótico): WHO/INRUD "encounters
-- with an antibiotic prescribed". Prescriptions with at least one antibacterial item (ATC J01)
-- among those with the count recorded, × 100. (85a once had this same definition; it now
-- reads its own concept from the supervision checklist, not a record-level source.)
INSERT OR REPLACE INTO indicadores VALUES ('107', 4, 100, 1, false, NULL);
CREATE OR REPLACE VIEW ind_107 AS
SELECT clues, NULL AS entidad,
       count(*) FILTER (WHERE claves_antibiotico > 0) AS numerador,
       count(*) FILTER (WHERE claves_antibiotico IS NOT NULL) AS denominador,
       count(*) AS filas
FROM recetas_v GROUP BY clues;
