// The page's framing pieces: a page's heading (the hero, with an optional
// lead), a titled panel, and the frame of the page's line icons.
import type { ReactNode } from 'react';

export function Hero({ title, lead }: { title: string; lead?: string }) {
  return (
    <section className="hero">
      <h1>{title}</h1>
      {lead !== undefined && <p className="hero__lead">{lead}</p>}
    </section>
  );
}

/** A section with its title, named by it for screen readers. */
export function Panel({ id, title, className, children }: { id: string; title: string; className?: string; children: ReactNode }) {
  return (
    <section className={className ? `panel ${className}` : 'panel'} aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** An inline SVG drawn beside text: hidden from screen readers, never focused. */
export function Svg({ className = 'icon', viewBox = '0 0 20 20', children }: { className?: string; viewBox?: string; children: ReactNode }) {
  return (
    <svg className={className} viewBox={viewBox} aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}
