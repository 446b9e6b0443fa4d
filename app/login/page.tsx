import { nextPath } from '@/lib/auth/next-path';

const ERRORS: Record<string, (retry: string | undefined) => string> = {
  '1': () => 'That token is not right.',
  slow: (retry) => `Too many wrong tokens from this address. Try again in ${retry ?? 'a few'} seconds.`,
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string; retry?: string }> }) {
  const { next, error, retry } = await searchParams;
  const target = nextPath(next);
  const message = error ? (ERRORS[error] ?? ERRORS['1']!)(retry && /^\d+$/.test(retry) ? retry : undefined) : undefined;
  return (
    <main className="login">
      <h1>Fireworks Meter</h1>
      <p>Enter the admin token printed when Meter started (or METER_ADMIN_TOKEN), or the read-only METER_VIEWER_TOKEN.</p>
      <form method="post" action="/api/login">
        <input type="hidden" name="next" value={target.ok ? target.path : '/'} />
        <label>
          Token
          <input name="token" type="password" autoComplete="current-password" required autoFocus style={{ width: '100%' }} />
        </label>
        {message ? <p className="error" role="alert">{message}</p> : null}
        <button type="submit">Log in</button>
      </form>
    </main>
  );
}
