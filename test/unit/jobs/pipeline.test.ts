import { runPagedPass, type PagedPass } from '../../../shared/jobs/pipeline';

type Page = { n: number };
function pass(last: number, overrides: Partial<PagedPass<Page>> = {}) {
  const log: string[] = [];
  const p: PagedPass<Page> = {
    read: async (prev) => {
      log.push(`read ${prev ? prev.n + 1 : 1}`);
      return { n: prev ? prev.n + 1 : 1 };
    },
    isLast: (page) => page.n === last,
    process: async (page) => void log.push(`process ${page.n}`),
    commit: async (page) => void log.push(`commit ${page.n}`),
    shouldStop: () => false,
    ...overrides,
  };
  return { p, log };
}

describe('runPagedPass', () => {
  it('reads ahead, commits every page in order once processed', async () => {
    const { p, log } = pass(4);
    expect(await runPagedPass(p)).toEqual({ complete: true, pages: 4 });
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 1', 'commit 2', 'commit 3', 'commit 4']);
    expect(log.indexOf('read 2')).toBeLessThan(log.indexOf('commit 1'));
  });

  it('throws a processing failure (never swallowed) and commits nothing from the failed page on', async () => {
    const { p, log } = pass(5, {
      process: async (page) => {
        if (page.n === 2) throw new Error('page 2 failed');
      },
    });
    await expect(runPagedPass(p)).rejects.toThrow('page 2 failed');
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 1']);
  });

  it('throws a failure of a page read ahead, after the page in flight settled', async () => {
    let processed = 0;
    const { p } = pass(5, {
      read: async (prev) => {
        if (prev?.n === 1) throw new Error('read failed');
        return { n: prev ? prev.n + 1 : 1 };
      },
      process: async () => void processed++,
    });
    await expect(runPagedPass(p)).rejects.toThrow('read failed');
    expect(processed).toBe(1);
  });

  it('stops at the deadline, incomplete, with the pages already started committed', async () => {
    let checks = 0;
    const { p, log } = pass(10, { shouldStop: () => ++checks > 3 });
    expect(await runPagedPass(p)).toEqual({ complete: false, pages: 3 });
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 1', 'commit 2', 'commit 3']);
  });
});
