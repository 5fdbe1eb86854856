import { buildDataset, datasetStats, formatStatsTable, leaveOneOutSplit, parseInteractions } from '@seqrec/data';

describe('buildDataset', () => {
  it('sorts each user by timestamp, keeping file order on ties', () => {
    // user u2: times 5, 3, 3 (file order items c, a, b) -> a, b, c
    const log = parseInteractions('u2 c 5\nu1 x 1\nu2 a 3\nu2 b 3\n', 't.txt');
    const ds = buildDataset(log);
    expect(ds.numUsers).toBe(2);
    expect(ds.hasTimestamps).toBe(true);
    const u2 = ds.sequences[ds.vocab.userId('u2')! - 1];
    expect(Array.from(u2.items, (i) => ds.vocab.rawItem(i))).toEqual(['a', 'b', 'c']);
    expect(Array.from(u2.timestamps ?? [])).toEqual([3, 3, 5]);
    ds.sequences.forEach((s, i) => expect(s.user).toBe(i + 1));
  });

  it('keeps file order without timestamps and does not mutate the log', () => {
    const log = parseInteractions('1 3\n2 1\n1 1\n1 2\n', 'p.txt');
    const before = JSON.stringify(log);
    const ds = buildDataset(log);
    expect(Array.from(ds.sequences[0].items)).toEqual([3, 1, 2]);
    expect(ds.sequences[0].timestamps).toBeNull();
    expect(JSON.stringify(log)).toBe(before);
  });

  it('keeps duplicate interactions', () => {
    const ds = buildDataset(parseInteractions('1 5 1\n1 5 1\n1 6 2\n', 'd.txt'));
    expect(Array.from(ds.sequences[0].items)).toEqual([1, 1, 2]);
  });
});

describe('leaveOneOutSplit', () => {
  const ds = buildDataset(
    parseInteractions('1 1 1\n1 2 2\n1 3 3\n1 4 4\n2 1 1\n2 2 2\n3 4 9\n4 1 1\n4 2 2\n4 3 3\n', 's.txt'),
  );
  const split = leaveOneOutSplit(ds);

  it('holds out the last two items of users with >= 3 interactions', () => {
    const u1 = split.users[0];
    expect(Array.from(u1.train)).toEqual([1, 2]);
    expect(Array.from(u1.trainTimes ?? [])).toEqual([1, 2]);
    expect([u1.valid, u1.validTime, u1.test, u1.testTime]).toEqual([3, 3, 4, 4]);
    const u4 = split.users[3];
    expect([Array.from(u4.train), u4.valid, u4.test]).toEqual([[1], 2, 3]);
  });

  it('puts users with 1 or 2 interactions entirely in train', () => {
    expect(Array.from(split.users[1].train)).toEqual([1, 2]);
    expect([split.users[1].valid, split.users[1].test]).toEqual([0, 0]);
    expect(Array.from(split.users[2].train)).toEqual([4]);
    expect([split.users[2].valid, split.users[2].test]).toEqual([0, 0]);
  });
});

describe('datasetStats', () => {
  it('counts users, items, lengths, time span and density, and formats an aligned table', () => {
    const ds = buildDataset(parseInteractions('1 1 0\n1 2 86400\n2 1 43200\n2 2 50000\n2 3 172800\n', 'st.txt'));
    const s = datasetStats(ds);
    expect(s).toEqual({
      users: 2,
      items: 3,
      interactions: 5,
      seqLength: { min: 2, mean: 2.5, p50: 2, p90: 3, p99: 3, max: 3 },
      time: { first: 0, last: 172800, spanDays: 2 },
      density: 5 / 6,
    });
    const table = formatStatsTable(s);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^users\s+2$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // aligned columns
    expect(table).toContain('time span');
    expect(formatStatsTable(datasetStats(buildDataset(parseInteractions('1 1\n', 'x'))))).toContain('timestamps');
  });
});
