// Album export: plan (names) → render (pixels, metadata) → html-album / zip → runner (safe, resumable);
// target-safety: where an export may go and what it may replace.
export { ExportError, type ExportErrorCode, type UnsafeReason } from './errors';
export { DEFAULT_NAME_TEMPLATE, NAME_TOKENS, type ExportOptions, type ExportPlan, type PlannedPhoto } from './plan';
export {
  exportPaths,
  exportTargetFor,
  previewExport,
  replaceClashes,
  runExport,
  type ExportProgress,
  type ExportResult,
  type ExportRunOptions,
} from './runner';
export { checkExportTarget, isHeirloomExport, realTarget } from './target-safety';
