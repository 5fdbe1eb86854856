module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/examples/*/jest.config.js'],
  // Under CI, a worker thread or server left open by a failing test must not hold the run open
  // until CI's own time limit: jest exits once every test has reported (its exit code still
  // says whether they passed). Locally jest keeps waiting and warns, so such a leak gets seen.
  forceExit: process.env.CI === 'true',
};
