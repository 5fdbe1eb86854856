export { runReadmeExample } from './runReadmeExample';
export type { ReadmeRun } from './runReadmeExample';
