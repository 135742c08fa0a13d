import { describe, expect, it } from 'vitest';
import type { Group } from '@gdial/protocol';
import { buildGroupTree, flattenGroupTree, groupOptions, groupPath, subtreeIds } from '../src/components/groupTree';

const g = (id: number, name: string, parentId: number | null): Group => ({
  id,
  name,
  parentId,
  description: null,
  colour: null,
  memberCount: 0,
  totalMemberCount: 0,
  createdAt: '',
  updatedAt: '',
});

const groups = [g(1, 'Region Syd', null), g(2, 'Ystad', 1), g(3, 'Malmö', 1), g(4, 'Räddning Malmö', 3), g(5, 'Ledning', null)];

describe('group tree', () => {
  it('nests by parent with siblings in Swedish order', () => {
    const flat = flattenGroupTree(buildGroupTree(groups)).map((n) => `${n.depth}:${n.group.name}`);
    expect(flat).toEqual(['0:Ledning', '0:Region Syd', '1:Malmö', '2:Räddning Malmö', '1:Ystad']);
  });

  it('shows groups with a missing parent or in a cycle at the top instead of losing them', () => {
    const odd = [g(1, 'A', 2), g(2, 'B', 1), g(3, 'C', 99)];
    const flat = flattenGroupTree(buildGroupTree(odd));
    expect(flat.map((n) => n.group.id).sort()).toEqual([1, 2, 3]);
    expect(flat.find((n) => n.group.id === 3)!.depth).toBe(0);
  });

  it('knows which groups cannot become the parent of a group', () => {
    expect([...subtreeIds(groups, 1)].sort()).toEqual([1, 2, 3, 4]);
    expect([...subtreeIds(groups, 2)]).toEqual([2]);
  });

  it('names a group by its path and offers indented options', () => {
    expect(groupPath(groups, 4)).toBe('Region Syd › Malmö › Räddning Malmö');
    const opts = groupOptions(groups, new Set([3]));
    expect(opts.map((o) => o.value)).toEqual(['5', '1', '4', '2']);
    expect(opts.find((o) => o.value === '2')!.label).toBe('\u2003Ystad');
  });
});
