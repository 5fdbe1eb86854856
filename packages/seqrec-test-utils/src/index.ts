export { runReadmeExample, readmeExampleSource, readmeExampleAsCommonJs, splitImports } from './runReadmeExample';
export type { ReadmeRun } from './runReadmeExample';
export { requireOutside, underCI } from './requireOutside';
export { expectClose, largestDifference } from './closeness';
export type { ClosenessOptions, LargestDifference } from './closeness';
