import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the calls feature is built (PRODUCT.md). */
export function CallsPage() {
  return <ComingSoonPage area="calls" />;
}
