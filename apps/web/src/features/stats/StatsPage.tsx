import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the stats feature is built (PRODUCT.md). */
export function StatsPage() {
  return <ComingSoonPage area="stats" />;
}
