export { yolo, yoloSeg } from './yolo';
