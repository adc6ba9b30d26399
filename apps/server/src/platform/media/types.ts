/** The pino-like logger the media layer writes to; `debug` is optional (Janus's own output). */
export type MediaLogger = {
  debug?(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
};

/** A VideoRoom room: the Janus instance (its WebSocket URL) and the room id on it. */
export type MediaRoomRef = { instance: string; roomId: number };

/** Thrown when no Janus instance is connected (calls cannot be placed through the SFU then). */
export class MediaUnavailableError extends Error {
  constructor(message = 'no media server is available') {
    super(message);
    this.name = 'MediaUnavailableError';
  }
}
