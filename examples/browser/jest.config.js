// The browser example's end-to-end test (page.test.ts), with the shared jest settings.
module.exports = {
  ...require('../../jest.preset.js')(__dirname),
  displayName: 'example-browser',
  testMatch: ['<rootDir>/*.test.ts'],
};
