// The editor of an area rule: municipalities, postcodes, a radius around a point, or a polygon
// drawn on the map. The map is a plain grid with the contacts' own points (no tiles, no
// network: it works offline) and the shape on top; a click adds a polygon corner or moves
// the radius's centre, and corners can also be typed as coordinates (keyboard, no mouse). The segment's live count below the rules updates as the shape changes.
import { Button, Group as Row, NumberInput, SegmentedControl, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { formatPostcode, ringBox, type LonLat, type SegmentArea, type SegmentRule } from '@gdial/protocol';
import { useFormat, useT } from '../../i18n';
import { useQuery } from '../../rpc/react';
import { formatDistance, parseLatLon } from './segmentForm';

type AreaRule = Extract<SegmentRule, { kind: 'area' }>;

const dict = {
  sv: {
    inside: 'Bor inom området',
    outside: 'Bor utanför området',
    s_municipality: 'Kommun',
    s_postcode: 'Postnummer',
    s_radius: 'Radie',
    s_polygon: 'Rita område',
    shape: 'Slag av område',
    corner: 'Lägg till hörn (latitud, longitud)',
    cornerHelp: 'T.ex. 57,7089 11,9746. Tryck Enter.',
    addCorner: 'Lägg till hörnet',
    badCorner: '”{value}” är ingen punkt: skriv latitud och longitud, t.ex. 57,7089 11,9746.',
    municipalities: 'Kommuner',
    municipalitiesHelp: 'Skriv en kommun och tryck Enter. Stora och små bokstäver spelar ingen roll.',
    postcodes: 'Postnummer',
    postcodesHelp: 'Fem siffror, t.ex. 411 01. Tryck Enter efter varje.',
    lat: 'Latitud (WGS 84)',
    lon: 'Longitud (WGS 84)',
    metres: 'Radie i meter',
    radiusHelp: 'Klicka på kartan för att flytta mittpunkten.',
    polygonHelp:
      'Klicka på kartan eller skriv in koordinater för att lägga till hörn (minst tre). Kontakter precis på kanten räknas som inom området.',
    corners: '{n} {n|hörn|hörn}',
    undo: 'Ta bort senaste hörnet',
    clear: 'Börja om',
    map: 'Karta över kontakternas adresser',
    cell: 'En ruta: {size}',
    mapNote: '{n} {n|kontakt|kontakter} med koordinater visas som prickar. Kartan är ett rutnät utan bakgrundskarta och fungerar utan nät.',
    noPoints: 'Inga kontakter har koordinater ännu. Importera eller skriv in lat/lon på kontakterna.',
    badPostcode: '”{value}” är inget postnummer (fem siffror).',
  },
  en: {
    inside: 'Lives inside the area',
    outside: 'Lives outside the area',
    s_municipality: 'Municipality',
    s_postcode: 'Postcode',
    s_radius: 'Radius',
    s_polygon: 'Draw an area',
    shape: 'Kind of area',
    corner: 'Add a corner (latitude, longitude)',
    cornerHelp: 'E.g. 57.7089, 11.9746. Press Enter.',
    addCorner: 'Add the corner',
    badCorner: '"{value}" is not a point: type latitude and longitude, e.g. 57.7089, 11.9746.',
    municipalities: 'Municipalities',
    municipalitiesHelp: 'Type a municipality and press Enter. Case does not matter.',
    postcodes: 'Postcodes',
    postcodesHelp: 'Five digits, e.g. 411 01. Press Enter after each.',
    lat: 'Latitude (WGS 84)',
    lon: 'Longitude (WGS 84)',
    metres: 'Radius in metres',
    radiusHelp: 'Click the map to move the centre.',
    polygonHelp: 'Click the map or type coordinates to add corners (at least three). Contacts exactly on the edge count as inside.',
    corners: '{n} {n|corner|corners}',
    undo: 'Remove the last corner',
    clear: 'Start over',
    map: "Map of the contacts' addresses",
    cell: 'One square: {size}',
    mapNote: '{n} {n|contact|contacts} with coordinates are shown as dots. The map is a grid without a background map and works offline.',
    noPoints: 'No contacts have coordinates yet. Import them or type lat/lon on the contacts.',
    badPostcode: '"{value}" is not a postcode (five digits).',
  },
};

/** A fresh area of each shape; a radius starts at the middle of the contacts' points. */
function blankArea(shape: SegmentArea['shape'], centre: LonLat): SegmentArea {
  switch (shape) {
    case 'municipality':
      return { shape, municipalities: [] };
    case 'postcode':
      return { shape, postcodes: [] };
    case 'radius':
      return { shape, centre, metres: 1000, label: null };
    case 'polygon':
      return { shape, ring: [] };
    default: {
      const never: never = shape;
      return never;
    }
  }
}

export function AreaRuleFields({ rule, onChange, label }: { rule: AreaRule; onChange: (r: SegmentRule) => void; label: string }) {
  const t = useT(dict);
  const { locale } = useFormat();
  const points = useQuery('segments.points', { limit: 20_000 });
  const pts = useMemo(() => points.data?.points ?? [], [points.data]);
  const area = rule.area;
  const setArea = (a: SegmentArea) => onChange({ ...rule, area: a });
  const middle: LonLat = useMemo(() => {
    if (pts.length === 0) return [18.0686, 59.3293];
    const b = ringBox(pts.map(([, lon, lat]) => [lon, lat] as LonLat));
    return [(b.minLon + b.maxLon) / 2, (b.minLat + b.maxLat) / 2];
  }, [pts]);
  return (
    <Stack gap="xs">
      <Row align="flex-end">
        <Select
          aria-label={`${label}: ${t('inside')}`}
          data={[
            { value: 'in', label: t('inside') },
            { value: 'out', label: t('outside') },
          ]}
          value={rule.negate ? 'out' : 'in'}
          onChange={(v) => onChange({ ...rule, negate: v === 'out' })}
          allowDeselect={false}
          w={240}
        />
        <SegmentedControl
          aria-label={`${label}: ${t('shape')}`}
          value={area.shape}
          onChange={(v) => setArea(blankArea(v as SegmentArea['shape'], middle))}
          data={(['municipality', 'postcode', 'radius', 'polygon'] as const).map((s) => ({ value: s, label: t(`s_${s}`) }))}
        />
      </Row>
      {area.shape === 'municipality' && (
        <TagsInput
          label={t('municipalities')}
          description={t('municipalitiesHelp')}
          value={area.municipalities}
          onChange={(v) => setArea({ ...area, municipalities: v.map((x) => x.trim()).filter(Boolean) })}
          maw={520}
        />
      )}
      {area.shape === 'postcode' && (
        <PostcodesInput t={t} codes={area.postcodes} onChange={(postcodes) => setArea({ ...area, postcodes })} />
      )}
      {area.shape === 'radius' && (
        <Row align="flex-end">
          <NumberInput
            label={t('lat')}
            value={area.centre[1]}
            decimalScale={6}
            min={-90}
            max={90}
            onChange={(v) => typeof v === 'number' && setArea({ ...area, centre: [area.centre[0], v] })}
          />
          <NumberInput
            label={t('lon')}
            value={area.centre[0]}
            decimalScale={6}
            min={-180}
            max={180}
            onChange={(v) => typeof v === 'number' && setArea({ ...area, centre: [v, area.centre[1]] })}
          />
          <NumberInput
            label={t('metres')}
            value={area.metres}
            min={1}
            max={500_000}
            step={100}
            onChange={(v) => typeof v === 'number' && v > 0 && setArea({ ...area, metres: v })}
          />
        </Row>
      )}
      {area.shape === 'radius' && <Text size="sm">{t('radiusHelp')}</Text>}
      {area.shape === 'polygon' && (
        <Row>
          <Text size="sm">{t('polygonHelp')}</Text>
          <Text size="sm" fw={600}>
            {t('corners', { n: area.ring.length })}
          </Text>
          <Button
            size="xs"
            variant="default"
            disabled={area.ring.length === 0}
            onClick={() => setArea({ ...area, ring: area.ring.slice(0, -1) })}
          >
            {t('undo')}
          </Button>
          <Button size="xs" variant="subtle" disabled={area.ring.length === 0} onClick={() => setArea({ ...area, ring: [] })}>
            {t('clear')}
          </Button>
        </Row>
      )}
      {area.shape === 'polygon' && <CornerInput t={t} onAdd={(p) => setArea({ ...area, ring: [...area.ring, p] })} />}
      {(area.shape === 'radius' || area.shape === 'polygon') && (
        <>
          <AreaMap
            label={t('map')}
            cellLabel={(m) => t('cell', { size: formatDistance(m, locale) })}
            points={pts}
            area={area}
            onClick={(p) => (area.shape === 'radius' ? setArea({ ...area, centre: p }) : setArea({ ...area, ring: [...area.ring, p] }))}
          />
          <Text size="xs">{pts.length === 0 ? t('noPoints') : t('mapNote', { n: points.data?.total ?? pts.length })}</Text>
        </>
      )}
    </Stack>
  );
}

/** A corner typed as coordinates: the map without a mouse. */
function CornerInput({ t, onAdd }: { t: ReturnType<typeof useT<keyof (typeof dict)['sv']>>; onAdd: (p: LonLat) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const p = parseLatLon(text);
    if (!p) return setError(t('badCorner', { value: text.trim() }));
    onAdd(p);
    setText('');
    setError(null);
  };
  return (
    <Row align="flex-start">
      <TextInput
        label={t('corner')}
        description={t('cornerHelp')}
        value={text}
        error={error}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
        w={320}
      />
      <Button mt={44} size="xs" variant="default" disabled={text.trim() === ''} onClick={add}>
        {t('addCorner')}
      </Button>
    </Row>
  );
}

function PostcodesInput({
  t,
  codes,
  onChange,
}: {
  t: ReturnType<typeof useT<keyof (typeof dict)['sv']>>;
  codes: string[];
  onChange: (codes: string[]) => void;
}) {
  const shown = codes.map(formatPostcode);
  const bad = shown.find((c) => !/^\d{5}$/.test(c.replace(/\s+/g, '')));
  return (
    <TagsInput
      label={t('postcodes')}
      description={t('postcodesHelp')}
      value={shown}
      onChange={(v) => onChange([...new Set(v.map((x) => x.replace(/\s+/g, '')).filter(Boolean))])}
      error={bad ? t('badPostcode', { value: bad }) : undefined}
      maw={520}
    />
  );
}

const W = 640;
const H = 400;

/**
 * The plain-grid map: the contacts' points and the shape, in an equirectangular projection
 * scaled by the cosine of the middle latitude (so a circle looks round at Swedish latitudes).
 */
function AreaMap({
  label,
  cellLabel,
  points,
  area,
  onClick,
}: {
  label: string;
  cellLabel: (metres: number) => string;
  points: readonly [number, number, number][];
  area: Extract<SegmentArea, { shape: 'radius' | 'polygon' }>;
  onClick: (p: LonLat) => void;
}) {
  // The frame follows the contacts' points only (the shape is drawn over it), so the map stays
  // put while corners are clicked; with no points it frames the shape instead.
  const shapeFrame = points.length > 0 ? '' : JSON.stringify(area.shape === 'polygon' ? area.ring : [area.centre]);
  const view = useMemo(() => {
    const corners: LonLat[] = points.length > 0 ? points.map(([, lon, lat]) => [lon, lat]) : (JSON.parse(shapeFrame) as LonLat[]);
    const b = corners.length ? ringBox(corners) : { minLon: 17.9, maxLon: 18.2, minLat: 59.25, maxLat: 59.4 };
    const midLat = (b.minLat + b.maxLat) / 2;
    const k = Math.cos((midLat * Math.PI) / 180);
    const spanX = Math.max((b.maxLon - b.minLon) * k, 0.005);
    const spanY = Math.max(b.maxLat - b.minLat, 0.005);
    const scale = Math.min(W / spanX, H / spanY) / 1.15;
    const cx = (b.minLon + b.maxLon) / 2;
    const cy = midLat;
    return {
      x: (lon: number) => W / 2 + (lon - cx) * k * scale,
      y: (lat: number) => H / 2 - (lat - cy) * scale,
      lon: (x: number) => cx + (x - W / 2) / (k * scale),
      lat: (y: number) => cy - (y - H / 2) / scale,
      metresPerPixel: 111_195 / scale,
    };
  }, [points, shapeFrame]);
  const grid = [];
  for (let i = 1; i < 8; i++) grid.push(<line key={`v${i}`} x1={(W * i) / 8} y1={0} x2={(W * i) / 8} y2={H} stroke="#dee2e6" />);
  for (let i = 1; i < 5; i++) grid.push(<line key={`h${i}`} x1={0} y1={(H * i) / 5} x2={W} y2={(H * i) / 5} stroke="#dee2e6" />);
  return (
    <svg
      role="img"
      aria-label={label}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      style={{
        border: '1px solid var(--mantine-color-gray-4)',
        background: 'var(--mantine-color-gray-0)',
        cursor: 'crosshair',
        maxWidth: '100%',
      }}
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        const x = ((e.clientX - r.left) * W) / r.width;
        const y = ((e.clientY - r.top) * H) / r.height;
        onClick([round(view.lon(x)), round(view.lat(y))]);
      }}
    >
      {grid}
      <text x={8} y={H - 8} fontSize={12} fill="#495057">
        {cellLabel((W / 8) * view.metresPerPixel)}
      </text>
      {points.map(([id, lon, lat]) => (
        <circle key={id} cx={view.x(lon)} cy={view.y(lat)} r={3} fill="#1c7ed6" />
      ))}
      {area.shape === 'polygon' && area.ring.length > 0 && (
        <polygon
          points={area.ring.map(([lon, lat]) => `${view.x(lon)},${view.y(lat)}`).join(' ')}
          fill="rgba(250, 82, 82, 0.15)"
          stroke="#e03131"
          strokeWidth={2}
        />
      )}
      {area.shape === 'polygon' &&
        area.ring.map(([lon, lat], i) => <circle key={`c${i}`} cx={view.x(lon)} cy={view.y(lat)} r={4} fill="#e03131" />)}
      {area.shape === 'radius' && (
        <>
          <circle
            cx={view.x(area.centre[0])}
            cy={view.y(area.centre[1])}
            r={area.metres / view.metresPerPixel}
            fill="rgba(250, 82, 82, 0.15)"
            stroke="#e03131"
            strokeWidth={2}
          />
          <circle cx={view.x(area.centre[0])} cy={view.y(area.centre[1])} r={4} fill="#e03131" />
        </>
      )}
    </svg>
  );
}

/** Six decimals: about ten centimetres. */
const round = (d: number): number => Math.round(d * 1e6) / 1e6;
