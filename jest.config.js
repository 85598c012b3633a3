export default {
  projects: ['<rootDir>/packages/*/jest.config.js'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  testTimeout: 120000,
};
