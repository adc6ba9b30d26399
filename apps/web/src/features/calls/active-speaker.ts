/**
 * Who is speaking in a group call, from audio levels sampled a few times a second (0..1, as
 * WebRTC's `audioLevel` gives them). Two thresholds and a short hold keep the mark from
 * flickering between words: a person starts speaking above `startLevel`, and stops only after
 * `holdSamples` samples in a row below `stopLevel`.
 */

/** Audio level (0..1) per person (user id) at one moment. */
export type AudioLevels = ReadonlyMap<string, number>;

export type SpeakersSnapshot = {
  /** Everyone speaking now, sorted by id (stable for comparing). */
  speaking: readonly string[];
  /** The one most worth showing (the loudest speaker, kept while they go on); the last one when nobody speaks. */
  dominant: string | null;
};

export type SpeakerDetectorOptions = {
  startLevel: number;
  stopLevel: number;
  holdSamples: number;
  /** Not a candidate for `dominant` (this device's own person: their tile is always shown first). */
  selfId?: string;
};

export const defaultSpeakerOptions: Omit<SpeakerDetectorOptions, 'selfId'> = { startLevel: 0.05, stopLevel: 0.02, holdSamples: 3 };

/** How often the levels are sampled (about 4 times a second). */
export const audioLevelIntervalMs = 250;

export class SpeakerDetector {
  private readonly options: SpeakerDetectorOptions;
  /** Quiet samples in a row of each person speaking now. */
  private readonly quietSamples = new Map<string, number>();
  private dominant: string | null = null;

  constructor(options: Partial<SpeakerDetectorOptions> = {}) {
    this.options = { ...defaultSpeakerOptions, ...options };
  }

  sample(levels: AudioLevels): SpeakersSnapshot {
    const { startLevel, stopLevel, holdSamples, selfId } = this.options;
    for (const [id, level] of levels) {
      if (level >= startLevel) this.quietSamples.set(id, 0);
      else if (this.quietSamples.has(id) && level < stopLevel) {
        const quiet = this.quietSamples.get(id)! + 1;
        if (quiet >= holdSamples) this.quietSamples.delete(id);
        else this.quietSamples.set(id, quiet);
      }
    }
    // Someone no longer measured (they left, their feed went) is not speaking.
    for (const id of [...this.quietSamples.keys()]) if (!levels.has(id)) this.quietSamples.delete(id);
    const speaking = [...this.quietSamples.keys()].sort();
    const candidates = speaking.filter((id) => id !== selfId);
    // The current one keeps the place while speaking, unless another is clearly louder.
    const loudest = candidates.reduce<string | null>((best, id) => (best === null || (levels.get(id) ?? 0) > (levels.get(best) ?? 0) ? id : best), null);
    if (loudest !== null) {
      const current = this.dominant !== null && candidates.includes(this.dominant) ? this.dominant : null;
      if (current === null || (levels.get(loudest) ?? 0) > 2 * (levels.get(current) ?? 0)) this.dominant = loudest;
    }
    return { speaking, dominant: this.dominant };
  }
}
