// Where a contact lives: the postal address with optional WGS 84 coordinates, and the geometry of an area on the map (a
// radius around a point, a polygon). The membership tests live here once, so the engine's
// audience and the console's map count a point on the border the same way: inside.
import { z } from 'zod';

// ── address ─────────────────────────────────────────────────────────────────────────────

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** A Swedish postcode as stored: five digits, no space ("41101"); written "411 01". */
export const postcodeSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{5}$/, 'A postcode has five digits, e.g. 411 01'));

/** "41101" → "411 01" (anything else as it is). */
export const formatPostcode = (p: string): string => (/^\d{5}$/.test(p) ? `${p.slice(0, 3)} ${p.slice(3)}` : p);

export const latitudeSchema = z.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90');
export const longitudeSchema = z.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180');

/** The address fields of a contact as written (create / update); null or "" clears one. */
export const addressInputSchema = z
  .object({
    street: optionalText(200),
    postcode: z.union([postcodeSchema, z.literal('').transform(() => null), z.null()]).optional(),
    town: optionalText(100),
    municipality: optionalText(100),
    /** WGS 84 degrees; both or neither. */
    lat: latitudeSchema.nullable().optional(),
    lon: longitudeSchema.nullable().optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.lat === undefined || a.lat === null) !== (a.lon === undefined || a.lon === null))
      ctx.addIssue({
        code: 'custom',
        path: [a.lat === undefined || a.lat === null ? 'lat' : 'lon'],
        message: 'Give both latitude and longitude',
      });
  });
export type AddressInput = z.input<typeof addressInputSchema>;

/** A contact's address; every part null when unknown. */
export const contactAddressSchema = z.object({
  street: z.string().nullable(),
  /** Five digits, no space. */
  postcode: z.string().nullable(),
  town: z.string().nullable(),
  municipality: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});
export type ContactAddress = z.infer<typeof contactAddressSchema>;

export const noAddress = (): ContactAddress => ({ street: null, postcode: null, town: null, municipality: null, lat: null, lon: null });

// ── areas ───────────────────────────────────────────────────────────────────────────────

/** A WGS 84 point: [longitude, latitude], GeoJSON's order. */
export const lonLatSchema = z.tuple([longitudeSchema, latitudeSchema]);
export type LonLat = z.infer<typeof lonLatSchema>;

/** Mean Earth radius (IUGG), metres: distances here are great-circle distances on a sphere. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance between two points in metres (haversine). */
export function distanceMetres(a: LonLat, b: LonLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Whether a point lies within `metres` of the centre. A point exactly at the distance is
 * inside; a millimetre of slack absorbs floating-point noise so "on the circle" stays inside.
 */
export const withinRadius = (p: LonLat, centre: LonLat, metres: number): boolean => distanceMetres(p, centre) <= metres + 1e-3;

/** The latitude/longitude box holding every point within `metres` of the centre (a cheap first test). */
export function radiusBox(centre: LonLat, metres: number): { minLon: number; maxLon: number; minLat: number; maxLat: number } {
  const dLat = (metres / EARTH_RADIUS_M) * (180 / Math.PI) * 1.0001;
  const cos = Math.cos(rad(Math.min(89.9, Math.abs(centre[1]) + dLat)));
  const dLon = Math.min(180, dLat / Math.max(cos, 1e-6));
  return { minLon: centre[0] - dLon, maxLon: centre[0] + dLon, minLat: centre[1] - dLat, maxLat: centre[1] + dLat };
}

/** Whether p lies on the segment a–b (within a tolerance of about a centimetre at Swedish latitudes). */
function onSegment(p: LonLat, a: LonLat, b: LonLat): boolean {
  const eps = 1e-7;
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  if (Math.abs(cross) > eps * Math.max(len, 1e-12)) return false;
  return (
    p[0] >= Math.min(a[0], b[0]) - eps &&
    p[0] <= Math.max(a[0], b[0]) + eps &&
    p[1] >= Math.min(a[1], b[1]) - eps &&
    p[1] <= Math.max(a[1], b[1]) + eps
  );
}

/**
 * Whether a point lies inside a polygon (one ring, WGS 84, treated as plane coordinates,
 * which is exact enough for areas of a municipality's size). A point on an edge or a corner
 * counts as inside: someone living on the boundary street is alerted rather than missed.
 * Even-odd rule (ray casting) for the interior.
 */
export function inPolygon(p: LonLat, ring: readonly LonLat[]): boolean {
  const n = ring.length;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (onSegment(p, a, b)) return true;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** The bounding box of a ring. */
export function ringBox(ring: readonly LonLat[]): { minLon: number; maxLon: number; minLat: number; maxLat: number } {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return { minLon, maxLon, minLat, maxLat };
}
