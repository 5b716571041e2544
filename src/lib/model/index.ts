export * from './records';
export * from './origins';
export { ProjectDoc, DEFAULT_CLASS_COLORS } from './project-doc';
export type { DocChange, ChangeAction, NewAnnotation, AnnotationPatch, Result, DatasetImportWrite, NewProposal } from './project-doc';
export { SCHEMA_VERSION } from './schema';
export type { Problem, RecordMap } from './checked-records';
export { newId } from './ids';
