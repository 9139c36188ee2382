// A sparkline of one selection's recent prices, drawn as SVG from the
// price's history signal. Decorative: the price itself is the accessible value.
import type { Price } from "../models/live-market.ts";

const W = 120;
const H = 28;
const PAD = 2;

export function OddsChart({ price, testId }: { price: Price; testId: string }) {
  const points = price.history.value;
  const last = points[points.length - 1];
  const first = points[0];
  const trend = last > first ? "up" : last < first ? "down" : "flat";
  const min = Math.min(...points);
  const max = Math.max(...points);
  const span = max - min || 1;
  const stepX = points.length > 1 ? (W - PAD * 2) / (points.length - 1) : 0;
  const path = points
    .map((p, i) => `${(PAD + i * stepX).toFixed(1)},${(H - PAD - ((p - min) / span) * (H - PAD * 2)).toFixed(1)}`)
    .join(" ");
  return (
    <svg class={`spark spark-${trend}`} viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-hidden="true" data-testid={testId}>
      {points.length > 1 ? <polyline points={path} /> : <line x1={PAD} x2={W - PAD} y1={H / 2} y2={H / 2} />}
    </svg>
  );
}
