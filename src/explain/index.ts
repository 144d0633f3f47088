/**
 * `masb explain`: an indicator's definition in words and, over an extract, the drill-down at
 * one org unit (result, the rows behind each aggregate, the children's results).
 */
export { describeAggregate, describeIndicator, formula } from "./definition.js";
export {
  drillDown, formatDrillDown, unitCandidates,
  type AggregateAt, type AggregateRows, type DrillDown, type DrillOptions, type TermAt, type UnitRef,
} from "./drill.js";
