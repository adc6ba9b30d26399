import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the polls feature is built (PRODUCT.md). */
export function PollsPage() {
  return <ComingSoonPage area="polls" />;
}
