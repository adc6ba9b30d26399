export { createInProcessBus, type EventBus, type BusMessage, type SignalMessage, type UserEventsMessage } from './bus.ts';
export { connectRedisBus, redactUrl, throttleReports } from './redis-bus.ts';
export { createEventLog, type EventLog, type StoredEvent } from './event-log.ts';
export { registerRealtimeGateway, type DomainClientMessage, type Gateway, type SocketContext, type SocketIdentity } from './gateway.ts';
