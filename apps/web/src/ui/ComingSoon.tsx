type ComingSoonProps = { title: string; notice: string; description: string };

/** An honest placeholder for a section that is not built yet — no pretend content. */
export function ComingSoon({ title, notice, description }: ComingSoonProps) {
  return (
    <section className="page coming-soon" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <div className="card coming-soon__card">
        <p className="coming-soon__notice">{notice}</p>
        <p>{description}</p>
      </div>
    </section>
  );
}
