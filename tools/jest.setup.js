// Model tests train small networks on the cpu backend: allow them more than jest's 5 s default.
jest.setTimeout(120000);
