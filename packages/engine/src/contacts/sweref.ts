// Coordinates in SWEREF 99 TM (EPSG:3006, Sweden's national grid: metres north and east) to
// WGS 84 degrees, the form contacts store. Import files from Swedish registers often carry
// the grid coordinates (columns N/E or x/y); the conversion is proj4's, with the EPSG
// definition of the grid: transverse Mercator on GRS 80, central meridian 15° E, scale
// 0.9996, false easting 500 000 m. SWEREF 99 and WGS 84 agree within a metre or so, which is
// far below what an alert area needs.
import proj4 from 'proj4';

const SWEREF99_TM = '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
const toWgs84 = proj4(SWEREF99_TM, 'EPSG:4326');

/** Roughly the grid's extent over Sweden (with a margin): a pair outside it is no SWEREF 99 TM coordinate of a Swedish address. */
const NORTHING = { min: 6_000_000, max: 7_800_000 };
const EASTING = { min: 150_000, max: 1_000_000 };

/** Whether a northing/easting pair lies in Sweden's part of the grid (swapped axes do not). */
export const isSwerefInSweden = (north: number, east: number): boolean =>
  north >= NORTHING.min && north <= NORTHING.max && east >= EASTING.min && east <= EASTING.max;

/** SWEREF 99 TM northing and easting (metres) to WGS 84 latitude and longitude (degrees, 7 decimals: about a centimetre). */
export function swerefToWgs84(north: number, east: number): { lat: number; lon: number } {
  const [lon, lat] = toWgs84.forward<[number, number]>([east, north]);
  const round = (d: number): number => Math.round(d * 1e7) / 1e7;
  return { lat: round(lat), lon: round(lon) };
}
