export { Editor, type EditorOptions } from './editor';
export { EditorState } from './editor-state.svelte';
export type { AssistBridge, AssistPrompt, AssistSegmentation, AssistPolygon, AssistMask } from './tools/tool';
