export { Editor, type EditorOptions } from './editor';
export { EditorState } from './editor-state.svelte';
