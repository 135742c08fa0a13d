// Contacts in an area, for the `area` rule of a saved segment. Municipalities and postcodes
// are columns of the contact row, compared in SQL. A radius or a polygon asks the R*Tree
// (contacts_geo) for the points in its bounding box, then tests each exactly (the protocol's
// withinRadius / inPolygon, the same the console's map counts with: a point on the circle or
// the edge is inside), and hands the ids on as one JSON array.
import { inPolygon, radiusBox, ringBox, withinRadius, type LonLat, type SegmentArea } from '@gdial/protocol';
import type { Reader } from './db';

interface Box {
  minLon: number;
  maxLon: number;
  minLat: number;
  maxLat: number;
}

/**
 * Ids and exact coordinates of the contacts whose point may lie in the box: the R*Tree's
 * boxes are rounded outwards, so overlapping (not contained) boxes are asked for, and the
 * caller's exact test decides.
 */
function pointsInBox(r: Reader, box: Box): [number, number, number][] {
  return r.statements
    .raw<[number, number, number, number], [number, number, number]>(
      'SELECT id, lon, lat FROM contacts_geo WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?',
    )
    .all(box.minLon, box.maxLon, box.minLat, box.maxLat);
}

/** Ids (ascending) of the contacts whose coordinates lie in a radius or polygon area. */
export function contactIdsInShape(r: Reader, area: Extract<SegmentArea, { shape: 'radius' | 'polygon' }>): number[] {
  const ids: number[] = [];
  if (area.shape === 'radius') {
    for (const [id, lon, lat] of pointsInBox(r, radiusBox(area.centre, area.metres)))
      if (withinRadius([lon, lat], area.centre, area.metres)) ids.push(id);
  } else {
    const ring: readonly LonLat[] = area.ring;
    for (const [id, lon, lat] of pointsInBox(r, ringBox(ring))) if (inPolygon([lon, lat], ring)) ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}

/** Every contact's point (id, lon, lat), for the map; at most `limit`, lowest ids first. */
export function contactPoints(r: Reader, limit: number): [number, number, number][] {
  return r.statements.raw<[number], [number, number, number]>('SELECT id, lon, lat FROM contacts_geo ORDER BY id LIMIT ?').all(limit);
}

export const contactPointCount = (r: Reader): number => r.statements.pluck<[], number>('SELECT count(*) FROM contacts_geo').get() ?? 0;
