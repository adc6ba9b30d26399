import { ComingSoonPage } from '../coming-soon/ComingSoonPage';

/** Placeholder until the chats feature is built (PRODUCT.md). */
export function ChatsPage() {
  return <ComingSoonPage area="chats" />;
}
