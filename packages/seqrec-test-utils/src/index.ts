export { runReadmeExample } from './runReadmeExample';
export type { ReadmeRun } from './runReadmeExample';
export { requireOutside, underCI } from './requireOutside';
