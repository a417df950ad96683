/** The reports folder's entry points. */
export { renderRunReport, writeRunReport } from './run-report.js';
export { readRunFiles, RUN_FILES } from './run-files.js';
export type { ReportEnvironment, RunFiles, RunReportInput, StoredConfig, StoredResults } from './report-types.js';
export { shellWord } from './summary.js';
export { comparedShape, shapesOf, type ShapedAnomaly } from './anomaly-shapes.js';
