import { toString as renderQrSvg } from 'qrcode';
import { useEffect, useState } from 'react';

/**
 * A QR code of `value`, drawn here in the browser as an SVG image: the value (often a secret
 * link) never goes to an outside service. Nothing is shown until it is drawn.
 */
export function QrCode({ value, label, size = 192 }: { value: string; label: string; size?: number }) {
  const [source, setSource] = useState<{ value: string; url: string } | null>(null);

  useEffect(() => {
    let isCurrent = true;
    renderQrSvg(value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then(
      (svg) => {
        if (isCurrent) setSource({ value, url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
      },
      (error: unknown) => console.warn('Could not draw the QR code', error),
    );
    return () => {
      isCurrent = false;
    };
  }, [value]);

  if (source?.value !== value) return null;
  return <img className="qr-code" src={source.url} alt={label} width={size} height={size} />;
}
