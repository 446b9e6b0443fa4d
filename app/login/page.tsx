export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next = '/', error } = await searchParams;
  return (
    <main className="login">
      <h1>Fireworks Meter</h1>
      <p>Enter the admin token printed when Meter started (or METER_ADMIN_TOKEN).</p>
      <form method="post" action="/api/login">
        <input type="hidden" name="next" value={next} />
        <label>
          Admin token
          <input name="token" type="password" autoComplete="current-password" required autoFocus style={{ width: '100%' }} />
        </label>
        {error ? <p className="error" role="alert">That token is not right.</p> : null}
        <button type="submit">Log in</button>
      </form>
    </main>
  );
}
