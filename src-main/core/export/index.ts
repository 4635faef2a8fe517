// Album export: plan (names) → render (pixels, metadata) → html-album / zip → runner (safe, resumable).
export { ExportError, type ExportErrorCode } from './errors';
export { DEFAULT_NAME_TEMPLATE, NAME_TOKENS, type ExportOptions, type ExportPlan, type PlannedPhoto } from './plan';
export { exportPaths, exportTargetFor, previewExport, runExport, type ExportProgress, type ExportResult, type ExportRunOptions } from './runner';
