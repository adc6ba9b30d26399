import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the library feature is built (PRODUCT.md). */
export function LibraryPage() {
  return <ComingSoonPage area="library" />;
}
