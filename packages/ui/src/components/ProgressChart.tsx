// A small SVG line chart of % reached and % confirmed over time for one campaign. No
// chart library: two polylines, a grid at 0/50/100 %, and a text summary for screen readers.
import { Group, Text, useMantineTheme } from '@mantine/core';
import { useFormat, useT } from '../i18n';
import type { ProgressPoint } from './progressHistory';

const dict = {
  sv: {
    reached: 'Nådda',
    confirmed: 'Bekräftade',
    summary: 'Diagram: {r} % nådda och {c} % bekräftade just nu.',
    waiting: 'Diagrammet fylls i när larmet pågår.',
  },
  en: {
    reached: 'Reached',
    confirmed: 'Confirmed',
    summary: 'Chart: {r} % reached and {c} % confirmed now.',
    waiting: 'The chart fills in while the alert runs.',
  },
};

const W = 600;
const H = 180;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };

export function ProgressChart({ points, height = H }: { points: readonly ProgressPoint[]; height?: number }) {
  const t = useT(dict);
  const f = useFormat();
  const theme = useMantineTheme();
  const reachedColour = theme.colors.blue[7];
  const confirmedColour = theme.colors.green[8];
  const last = points[points.length - 1];
  if (!last)
    return (
      <Text size="sm" c="dimmed">
        {t('waiting')}
      </Text>
    );

  const t0 = points[0]!.at;
  const span = Math.max(1000, last.at - t0);
  const x = (at: number) => PAD.left + ((at - t0) / span) * (W - PAD.left - PAD.right);
  const y = (pct: number) => PAD.top + (1 - pct / 100) * (H - PAD.top - PAD.bottom);
  const line = (key: 'reachedPct' | 'confirmedPct') => points.map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const clock = new Intl.DateTimeFormat(f.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const summary = t('summary', { r: Math.round(last.reachedPct), c: Math.round(last.confirmedPct) });

  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={height} role="img" aria-label={summary} preserveAspectRatio="none">
        {[0, 50, 100].map((pct) => (
          <g key={pct}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(pct)} y2={y(pct)} stroke="currentColor" strokeOpacity={0.15} />
            <text x={PAD.left - 4} y={y(pct) + 4} fontSize={11} textAnchor="end" fill="currentColor">
              {pct}%
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 4} fontSize={11} fill="currentColor">
          {clock.format(t0)}
        </text>
        <text x={W - PAD.right} y={H - 4} fontSize={11} textAnchor="end" fill="currentColor">
          {clock.format(last.at)}
        </text>
        <polyline points={line('reachedPct')} fill="none" stroke={reachedColour} strokeWidth={2.5} vectorEffect="non-scaling-stroke" />
        <polyline
          points={line('confirmedPct')}
          fill="none"
          stroke={confirmedColour}
          strokeWidth={2.5}
          strokeDasharray="6 3"
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <figcaption>
        <Group gap="lg">
          <Text size="sm">
            <span style={{ color: reachedColour, fontWeight: 700 }}>━</span> {t('reached')} {Math.round(last.reachedPct)} %
          </Text>
          <Text size="sm">
            <span style={{ color: confirmedColour, fontWeight: 700 }}>╍</span> {t('confirmed')} {Math.round(last.confirmedPct)} %
          </Text>
        </Group>
      </figcaption>
    </figure>
  );
}
