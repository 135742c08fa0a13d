// Groups as the operator sees them: a tree by parent, siblings A→Ö, flattened in display
// order with each group's depth (for the tree, and for indented pickers elsewhere).
import type { Group } from '@gdial/protocol';

export interface GroupNode {
  group: Group;
  depth: number;
  children: GroupNode[];
}

const byName = (a: Group, b: Group): number => a.name.localeCompare(b.name, 'sv');

/** A group whose parent is missing (or part of a cycle) is shown at the top level rather than hidden. */
export function buildGroupTree(groups: readonly Group[]): GroupNode[] {
  const ids = new Set(groups.map((g) => g.id));
  const children = new Map<number | null, Group[]>();
  for (const g of groups) {
    const parent = g.parentId !== null && ids.has(g.parentId) && g.parentId !== g.id ? g.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(g);
    children.set(parent, list);
  }
  const placed = new Set<number>();
  const build = (parent: number | null, depth: number): GroupNode[] =>
    (children.get(parent) ?? [])
      .sort(byName)
      .filter((g) => {
        if (placed.has(g.id)) return false;
        placed.add(g.id);
        return true;
      })
      .map((g) => ({ group: g, depth, children: build(g.id, depth + 1) }));
  const roots = build(null, 0);
  // Groups only reachable through a cycle never met the root walk; put them at the top.
  const orphans = groups.filter((g) => !placed.has(g.id)).sort(byName);
  for (const g of orphans) {
    if (placed.has(g.id)) continue;
    placed.add(g.id);
    roots.push({ group: g, depth: 0, children: build(g.id, 1) });
  }
  return roots;
}

export function flattenGroupTree(nodes: readonly GroupNode[]): GroupNode[] {
  const out: GroupNode[] = [];
  const walk = (list: readonly GroupNode[]) => {
    for (const n of list) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

/** The group and everything below it: these cannot become its parent. */
export function subtreeIds(groups: readonly Group[], rootId: number): Set<number> {
  const out = new Set<number>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const g of groups) {
      if (g.parentId !== null && out.has(g.parentId) && !out.has(g.id)) {
        out.add(g.id);
        grew = true;
      }
    }
  }
  return out;
}

/** "Region › Kommun › Räddningstjänst", for pickers where the tree is not visible. */
export function groupPath(groups: readonly Group[], id: number): string {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const names: string[] = [];
  const seen = new Set<number>();
  let g = byId.get(id);
  while (g && !seen.has(g.id)) {
    seen.add(g.id);
    names.unshift(g.name);
    g = g.parentId === null ? undefined : byId.get(g.parentId);
  }
  return names.join(' › ');
}

/** Options for a group picker: indented by depth, in tree order. */
export function groupOptions(groups: readonly Group[], exclude: ReadonlySet<number> = new Set()): { value: string; label: string }[] {
  return flattenGroupTree(buildGroupTree(groups))
    .filter((n) => !exclude.has(n.group.id))
    .map((n) => ({ value: String(n.group.id), label: `${'\u2003'.repeat(n.depth)}${n.group.name}` }));
}
