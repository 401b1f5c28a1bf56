// A film's tile where a poster would be: a warm gradient picked from the
// title, with its initial. Providers send no artwork, and a row of identical
// grey boxes would not look like a cinema.
export function Poster({ title, size = 'normal' }: { title: string; size?: 'normal' | 'small' }) {
  let hash = 0;
  for (const ch of title) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const hue = (hash % 360 + 360) % 360;
  const initial = Array.from(title.trim())[0] ?? '?';
  const style = {
    background: `linear-gradient(160deg, hsl(${hue} 55% 42%), hsl(${(hue + 40) % 360} 60% 18%) 70%, #120d16)`,
  };
  return (
    <div className={`poster poster--${size}`} style={style} aria-hidden="true">
      <span className="poster__initial">{initial}</span>
    </div>
  );
}
