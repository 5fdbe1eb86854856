import * as os from 'node:os';
import * as path from 'node:path';
import { requireOutside, underCI } from './requireOutside';

const absent = path.join(os.tmpdir(), 'seqrec-no-such-dir', 'fixture.json');

test('CI=true, CI=1 count as CI; unset, empty, 0 and false do not', () => {
  expect(['true', '1', 'yes'].map((CI) => underCI({ CI }))).toEqual([true, true, true]);
  expect([undefined, '', '0', 'false', 'FALSE'].map((CI) => underCI({ CI }))).toEqual([
    false,
    false,
    false,
    false,
    false,
  ]);
});

test('a missing path skips with a warning outside CI and fails under CI', () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(requireOutside('the fixture', [absent], {})).toBe(false);
  expect(warn).toHaveBeenCalledWith(expect.stringContaining(absent));
  warn.mockRestore();
  expect(() => requireOutside('the fixture', [absent], { CI: 'true' })).toThrow(/the fixture not found .*CI is set/);
  expect(requireOutside('this file', [__filename], { CI: 'true' })).toBe(true);
});
