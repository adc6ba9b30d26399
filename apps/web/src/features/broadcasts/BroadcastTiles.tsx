import { useEffect, useRef, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { BroadcastTile } from './broadcast-session';

/** A video of a stream. `muted` follows the prop (browsers allow autoplay only while muted); the own preview is mirrored. */
export function StreamVideo({ stream, muted, mirrored = false, label }: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    // The property, not only the attribute: React does not keep the attribute in step.
    video.muted = muted;
    if (video.srcObject !== stream) video.srcObject = stream;
    // Autoplay may have been refused (sound without a gesture); muted playback is always allowed.
    if (stream) void video.play?.()?.catch(() => undefined);
  }, [stream, muted]);
  return <video ref={ref} className={`broadcast-tile__video${mirrored ? ' broadcast-tile__video--mirrored' : ''}`} data-testid="broadcast-video" autoPlay playsInline muted={muted} aria-label={label} />;
}

/** The speakers on air, a tile each: their video (with its sound) and their name. */
export function BroadcastTiles({ tiles, muted, label }: { tiles: readonly BroadcastTile[]; muted: boolean; label: string }) {
  const { t } = useTranslation();
  const columns = Math.max(1, Math.ceil(Math.sqrt(tiles.length)));
  return (
    <ul className="broadcast-grid" style={{ '--columns': columns } as CSSProperties} aria-label={label}>
      {tiles.map((tile) => (
        <li key={tile.speaker}>
          <figure className="broadcast-tile" data-testid="broadcast-tile" data-speaker={tile.speaker} aria-label={tile.speaker}>
            <StreamVideo stream={tile.stream} muted={muted} label={t('broadcasts.watch.speakerVideo', { name: tile.speaker })} />
            <figcaption className="broadcast-tile__name">{tile.speaker}</figcaption>
          </figure>
        </li>
      ))}
    </ul>
  );
}
