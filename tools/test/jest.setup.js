// Model tests train small networks on the cpu backend: allow them more than jest's 5 s default.
// SEQREC_TEST_TIMEOUT_MS raises it on a machine shared with other work (never lowers the tests' demands).
jest.setTimeout(Math.max(120000, Number(process.env.SEQREC_TEST_TIMEOUT_MS ?? 0)));
