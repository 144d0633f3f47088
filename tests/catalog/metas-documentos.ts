/**
 * The documents the catalog's targets cite, each recognised in a target's sentence by a
 * pattern. A target whose sentence names none of them is not cited (a new document is one
 * line here and one row of the README's table of sources).
 */
export const DOCUMENTOS: [nombre: string, patron: RegExp][] = [
  ["Plan de implementación del MAS-BIENESTAR (IMSS-BIENESTAR, 2023)", /Plan de implementación del MAS-BIENESTAR \(IMSS-BIENESTAR, 2023\)/],
  ["Normas Oficiales Mexicanas (NOM) de la Secretaría de Salud", /NOM-\d{3}-SSA\d-\d{4}/],
  ["Agenda 2030, metas de los ODS (ONU, 2015)", /(?<!Immunization )Agenda 2030|meta ODS \d/],
  ["Global Strategy on Human Resources for Health: Workforce 2030 (OMS, 2016)", /Workforce 2030/],
  ["Implementing the End TB Strategy: the essentials (OMS, 2015)", /End TB Strategy/],
  ["Global AIDS Strategy 2021–2026 (ONUSIDA, 2021)", /Global AIDS Strategy 2021/],
  ["Global Action Plan for Pneumonia and Diarrhoea, GAPPD (OMS/UNICEF, 2013)", /GAPPD/],
  ["Immunization Agenda 2030 (OMS, 2020)", /Immunization Agenda 2030/],
  ["Global Action Plan for the Prevention and Control of NCDs 2013–2020 (OMS, 2013)", /Global Action Plan for the Prevention and Control of NCDs/],
  ["Metas mundiales de cobertura de diabetes, WHA75 (OMS, 2022)", /WHA75/],
  ["WHO statement on caesarean section rates (OMS, 2015)", /Statement on Caesarean Section Rates/],
  ["WHO Global Air Quality Guidelines (OMS, 2021)", /Global Air Quality Guidelines/],
  ["REPLACE, eliminación de grasas trans (OMS, 2018)", /REPLACE/],
  ["Reglamento Sanitario Internacional (OMS, 2005)", /Reglamento Sanitario Internacional/],
  ["Estrategia para el Acceso Universal a la Salud, CD53/5 (OPS, 2014)", /CD53\/5/],
  ["Bamako Call to Action on Research for Health (2008)", /Bamako/],
  ["PEFA Framework (2016)", /PEFA/],
  ["Resolución WHA72.7 sobre agua, saneamiento e higiene en establecimientos (OMS, 2019)", /WHA72\.7/],
  ["Service Availability and Readiness Assessment, SARA (OMS, 2015)", /SARA, WHO 2015|SARA \(WHO, 2015\)/],
  ["Indicadores de uso de medicamentos de la OMS: valores de referencia (Isah et al., 2008)", /Isah et al/],
  ["7-1-7 (Frieden et al., Lancet 2021)", /7-1-7/],
  ["Fabic et al., Lancet 2015 (demanda satisfecha 75%)", /Fabic et al/],
  ["Global Polio Eradication Initiative, Polio Eradication Strategy 2022–2026 (OMS, 2021)", /Polio Eradication Strategy 2022/],
  ["Reaching Every District, RED (OMS/UNICEF, 2017)", /Reaching Every District/],
  ["Bagust et al., BMJ 1999 (ocupación 85%)", /Bagust et al/],
  ["Ley General de Protección Civil (2012)", /Ley General de Protección Civil/],
  ["Ending Preventable Maternal Mortality, EPMM: metas de cobertura para 2025 (OMS/UNFPA, 2021)", /Ending Preventable Maternal Mortality, EPMM/],
];
