import type { ReactNode } from 'react';

export function Panel({ title, note, children, wide }: { title: string; note?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'panel wide' : 'panel'} aria-label={title}>
      <h2>{title}</h2>
      {note ? <p className="muted small">{note}</p> : null}
      {children}
    </section>
  );
}
