import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the support feature is built (PRODUCT.md). */
export function SupportPage() {
  return <ComingSoonPage area="support" />;
}
