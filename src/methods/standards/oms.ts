/**
 * WHO World Standard Population 2000–2025: the average age structure of the world population
 * over 2000–2025 (UN Population Division, 1998 assessment), in percent, by five-year group up to
 * 100 and over. Ahmad OB, Boschi-Pinto C, Lopez AD, Murray CJL, Lozano R, Inoue M. Age
 * standardization of rates: a new WHO standard. GPE Discussion Paper Series No. 31, EIP/GPE/EBD,
 * World Health Organization, 2001, table 1. The published percentages add up to 100.035 (the
 * rounding of the table); weights are normalised to sum 1 when used, as NCI SEER*Stat does
 * (https://seer.cancer.gov/stdpopulations/world.who.html).
 */
import type { StandardPopulation } from "./index.js";

export const OMS_2000_2025: StandardPopulation = {
  id: "oms_2000_2025",
  nombre: "Población estándar mundial de la OMS 2000–2025",
  cita: "Ahmad OB, Boschi-Pinto C, Lopez AD, Murray CJL, Lozano R, Inoue M. Age standardization of rates: a new WHO standard. GPE Discussion Paper Series No. 31. Ginebra: OMS, 2001, cuadro 1.",
  grupos: [
    ["0-4", 8.86], ["5-9", 8.69], ["10-14", 8.60], ["15-19", 8.47], ["20-24", 8.22], ["25-29", 7.93],
    ["30-34", 7.61], ["35-39", 7.15], ["40-44", 6.59], ["45-49", 6.04], ["50-54", 5.37], ["55-59", 4.55],
    ["60-64", 3.72], ["65-69", 2.96], ["70-74", 2.21], ["75-79", 1.52], ["80-84", 0.91], ["85-89", 0.44],
    ["90-94", 0.15], ["95-99", 0.04], ["100+", 0.005],
  ],
};
