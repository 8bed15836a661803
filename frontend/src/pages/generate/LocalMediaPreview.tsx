import { useEffect, useState } from "react";

/**
 * An object URL of a local file, made when the file is shown and revoked when it changes or the
 * player goes away (the page's CSP allows blob: in media-src for this).
 */
function useObjectUrl(file: Blob): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(file);
    setUrl(made);
    return () => {
      URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [file]);
  return url;
}

/** Plays the audio or video file the person picked, before and after it is uploaded. */
export function LocalMediaPreview({ file, kind, title }: { file: File; kind: "audio" | "video"; title: string }) {
  const url = useObjectUrl(file);
  if (!url) return null;
  const label = `Preview of ${title}`;
  return kind === "audio" ? (
    <audio className="uri-preview-audio" src={url} controls preload="metadata" aria-label={label} />
  ) : (
    <video className="uri-preview" src={url} controls muted playsInline preload="metadata" aria-label={label} />
  );
}
