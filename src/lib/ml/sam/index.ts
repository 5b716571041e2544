export { sam } from './sam';
export { sam2 } from './sam2';
export { efficientSam } from './efficient-sam';
export { samTransformers } from './sam-transformers';
