import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the channels feature is built (PRODUCT.md). */
export function ChannelsPage() {
  return <ComingSoonPage area="channels" />;
}
