import { checkAdminToken, loginSchema, safeNext, sessionCookie } from '@/lib/auth/login';

function login(input: unknown): Response {
  const parsed = loginSchema.safeParse(input);
  const next = safeNext(parsed.success ? parsed.data.next : '/');
  if (!parsed.success || !checkAdminToken(parsed.data.token)) {
    return new Response(null, { status: 303, headers: { location: `/login?error=1&next=${encodeURIComponent(next)}` } });
  }
  return new Response(null, { status: 303, headers: { location: next, 'set-cookie': sessionCookie(parsed.data.token) } });
}

/** The login link printed at start: /api/login?token=… */
export async function GET(request: Request) {
  const url = new URL(request.url);
  return login(Object.fromEntries(url.searchParams));
}

export async function POST(request: Request) {
  const form = await request.formData();
  return login(Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])));
}
