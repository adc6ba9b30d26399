export { createInProcessBus, type EventBus, type BusMessage, type SignalMessage, type UserEventMessage } from './bus.ts';
export { createEventLog, type EventLog, type StoredEvent } from './event-log.ts';
export { registerRealtimeGateway, type Gateway, type SocketIdentity } from './gateway.ts';
