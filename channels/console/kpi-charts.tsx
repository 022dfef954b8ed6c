/**
 * Horizontal bar charts as accessible SVG: `role="img"` named by its `<title>` and described by its
 * `<desc>`, drawn only in `currentColor` (so the high-contrast and forced-colours modes recolour it),
 * series told apart by fill pattern — solid, hatched, outlined — and every value written next to its
 * bar, so no meaning rests on colour. Presentation attributes only: nothing inline for the CSP to
 * refuse. Each chart is paired with a data table on the page.
 */
import type { FC } from 'hono/jsx';

export type SeriesStyle = 'solid' | 'hatched' | 'outline';

export interface ChartSeries {
  key: string;
  label: string;
  style: SeriesStyle;
}

export interface ChartBar {
  series: string;
  /** Position on the scale (a share 0–1, or a count); null draws no bar. */
  value: number | null;
  /** What is written after the bar (the value in words, with anything that matters about it). */
  text: string;
}

export interface ChartRow {
  label: string;
  bars: ChartBar[];
  /** A target marker on the scale, drawn as a dashed line across the row's bars. */
  target?: number | null;
}

export interface BarChartProps {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  rows: ChartRow[];
  /** The end of the scale (1 for shares). */
  max: number;
  /** Legend text for the target marker, when rows have targets. */
  targetLabel?: string;
}

const WIDTH = 720;
const LEFT = 8;
/** Bars use the whole width but a margin, so a full bar and its target marker stay inside. */
const BAR_AREA = WIDTH - LEFT - 24;
const BAR_HEIGHT = 18;
const LINE = 22;
const ROW_GAP = 16;
const FONT = 15;
const LEGEND_HEIGHT = 34;

function seriesFill(
  style: SeriesStyle,
  patternId: string,
): { fill: string; stroke?: string; 'stroke-width'?: number } {
  switch (style) {
    case 'solid':
      return { fill: 'currentColor' };
    case 'hatched':
      return { fill: `url(#${patternId})`, stroke: 'currentColor', 'stroke-width': 2 };
    case 'outline':
      return { fill: 'none', stroke: 'currentColor', 'stroke-width': 2 };
  }
}

/**
 * A bar chart whose every number is also written out, each bar's words on their own line above it (so
 * long words never run off the edge); pair it with a table of the same data.
 */
export const BarChart: FC<BarChartProps> = (props) => {
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  const patternId = `${props.id}-hatch`;
  const scale = (v: number) => Math.max(0, Math.min(1, props.max > 0 ? v / props.max : 0)) * BAR_AREA;
  let y = LEGEND_HEIGHT + 10;
  const rows = props.rows.map((row) => {
    const top = y;
    const bars = row.bars.map((bar, i) => {
      const textY = top + LINE * (i * 2 + 2) - 6 + i * 4;
      return { bar, textY, barY: textY + 6 };
    });
    const bottom = (bars[bars.length - 1]?.barY ?? top + LINE) + BAR_HEIGHT;
    y = bottom + ROW_GAP;
    return { row, top, bars, bottom };
  });
  const height = y;
  let legendX = LEFT;
  const legend = props.series.map((s) => {
    const x = legendX;
    legendX += 36 + [...s.label].length * (FONT - 2) + 24;
    return { s, x };
  });
  const hasTargets = props.rows.some((r) => r.target !== undefined && r.target !== null);
  return (
    <svg
      class="chart"
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      font-size={FONT}
      font-family="system-ui, sans-serif"
      fill="currentColor"
    >
      <title id={titleId}>{props.title}</title>
      <desc id={descId}>{props.description}</desc>
      <defs>
        <pattern id={patternId} patternUnits="userSpaceOnUse" width="8" height="8">
          <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="currentColor" stroke-width="2" />
        </pattern>
      </defs>
      {legend.map(({ s, x }) => (
        <g>
          <rect x={x + 1} y={8} width={28} height={18} {...seriesFill(s.style, patternId)} />
          <text x={x + 36} y={22}>
            {s.label}
          </text>
        </g>
      ))}
      {props.targetLabel && hasTargets ? (
        <g>
          <line
            x1={legendX + 14}
            x2={legendX + 14}
            y1={4}
            y2={30}
            stroke="currentColor"
            stroke-width={3}
            stroke-dasharray="4 3"
          />
          <text x={legendX + 26} y={22}>
            {props.targetLabel}
          </text>
        </g>
      ) : null}
      {rows.map(({ row, top, bars, bottom }) => (
        <g>
          <text x={LEFT} y={top + FONT + 2} font-weight="bold">
            {row.label}
          </text>
          {bars.map(({ bar, textY, barY }) => {
            const series = props.series.find((s) => s.key === bar.series) ?? props.series[0];
            const width = bar.value === null ? 0 : scale(bar.value);
            return (
              <g>
                <text x={LEFT} y={textY}>
                  {bar.text}
                </text>
                <line
                  x1={LEFT}
                  x2={LEFT}
                  y1={barY - 2}
                  y2={barY + BAR_HEIGHT + 2}
                  stroke="currentColor"
                  stroke-width={1}
                />
                {width > 0 ? (
                  <rect
                    x={LEFT + 1}
                    y={barY}
                    width={width}
                    height={BAR_HEIGHT}
                    {...seriesFill(series?.style ?? 'solid', patternId)}
                  />
                ) : null}
              </g>
            );
          })}
          {row.target !== undefined && row.target !== null ? (
            <line
              x1={LEFT + 1 + scale(row.target)}
              x2={LEFT + 1 + scale(row.target)}
              y1={(bars[0]?.barY ?? top) - 4}
              y2={bottom + 4}
              stroke="currentColor"
              stroke-width={3}
              stroke-dasharray="4 3"
            />
          ) : null}
        </g>
      ))}
    </svg>
  );
};
