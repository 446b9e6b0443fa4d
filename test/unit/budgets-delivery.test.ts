import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { afterAttempt, deliver, MAX_ATTEMPTS, nextAttemptDelayMs } from '@/lib/budgets/delivery';
import { budgetEventBody, type MeterEventBody } from '@/lib/budgets/payload';
import type { Budget } from '@/lib/budgets/budget-schema';

const USD = 1_000_000_000_000n;
const budget: Budget = {
  id: 3,
  name: 'Search team',
  scope: { team: ['search'] },
  period: 'month',
  timeZone: 'UTC',
  amountPico: 50n * USD,
  thresholds: [0.5, 0.8, 1],
  action: 'alert',
  channels: [],
  createdAt: new Date('2026-01-01T00:00:00Z'),
};
const event: MeterEventBody = budgetEventBody(
  {
    id: 'budget:3:2026-03-01T00:00:00.000Z:budget.threshold:0.8',
    type: 'budget.threshold',
    budgetId: 3,
    periodStart: new Date('2026-03-01T00:00:00Z'),
    threshold: 0.8,
    spentPico: 40n * USD + 5n,
    forecastPico: null,
    at: new Date('2026-03-20T09:30:00Z'),
  },
  budget,
  'http://meter.test',
);

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback receiver answering each request with the next status in `statuses` (the last repeats). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses[Math.min(received.length, statuses.length) - 1] ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, received, close };
}

// Just enough MIME reading for the assertions: unfolded headers, RFC 2047 words, quoted-printable.
const hexBytes = (s: string) => Buffer.from(s.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
const quotedPrintable = (s: string) => hexBytes(s.replace(/=\r\n/g, ''));
function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line
    ?.slice(name.length + 1)
    .trim()
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : hexBytes(text.replace(/_/g, ' ')),
    );
}

const verify = (body: Buffer, header: string | string[] | undefined, secret: string) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(header));
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe('retry backoff', () => {
  it('doubles from 1 s, caps at 5 minutes and gives up after MAX_ATTEMPTS', () => {
    assert.deepEqual([1, 2, 3, 4, 9, 10, 19].map(nextAttemptDelayMs), [1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
    assert.equal(MAX_ATTEMPTS, 20);
    assert.equal(nextAttemptDelayMs(20), null);
    assert.equal(nextAttemptDelayMs(0), 1000);
  });

  it('schedules, delivers or gives up', () => {
    const now = new Date('2026-03-20T00:00:00Z');
    assert.deepEqual(afterAttempt(1, { ok: true }, now), { state: 'delivered' });
    assert.deepEqual(afterAttempt(3, { ok: false, error: 'HTTP 503', retryable: true }, now), { state: 'retry', nextAttemptAt: new Date('2026-03-20T00:00:04Z'), error: 'HTTP 503' });
    assert.deepEqual(afterAttempt(1, { ok: false, error: 'HTTP 404', retryable: false }, now), { state: 'failed', error: 'HTTP 404' });
    assert.deepEqual(afterAttempt(MAX_ATTEMPTS, { ok: false, error: 'HTTP 503', retryable: true }, now), { state: 'failed', error: 'HTTP 503' });
  });
});

describe('webhook delivery', () => {
  it('POSTs the JSON body with a signature the receiver can check', async () => {
    const r = await receiver([204]);
    try {
      const result = await deliver(event, { type: 'webhook', url: r.url }, { webhookSecret: 's3cret' });
      assert.deepEqual(result, { ok: true });
      assert.equal(r.received.length, 1);
      const [got] = r.received;
      assert.equal(got?.headers['content-type'], 'application/json');
      assert.equal(got?.headers['x-meter-event-id'], event.id);
      assert.ok(verify(got!.body, got!.headers['x-meter-signature'], 's3cret'), 'signature verifies');
      assert.ok(!verify(got!.body, got!.headers['x-meter-signature'], 'other'), 'a wrong secret does not');
      const parsed = JSON.parse(got!.body.toString('utf8'));
      assert.equal(parsed.spentUsd, '40.000000000005');
      assert.equal(parsed.url, 'http://meter.test/budgets?budget=3');
    } finally {
      await r.close();
    }
  });

  it('sends no signature without a secret', async () => {
    const r = await receiver([200]);
    try {
      assert.deepEqual(await deliver(event, { type: 'webhook', url: r.url }), { ok: true });
      assert.equal(r.received[0]?.headers['x-meter-signature'], undefined);
    } finally {
      await r.close();
    }
  });

  it('reaches a receiver that fails twice, retrying on the backoff schedule with the same bytes', async () => {
    const r = await receiver([503, 500, 200]);
    try {
      let clock = new Date('2026-03-20T09:30:00Z');
      const waits: number[] = [];
      let attempts = 0;
      for (;;) {
        attempts += 1;
        const next = afterAttempt(attempts, await deliver(event, { type: 'webhook', url: r.url }, { webhookSecret: 'k' }), clock);
        if (next.state === 'delivered') break;
        assert.equal(next.state, 'retry');
        if (next.state !== 'retry') return;
        // the outbox would sleep until nextAttemptAt; the test moves its clock there instead
        waits.push(next.nextAttemptAt.getTime() - clock.getTime());
        clock = next.nextAttemptAt;
        assert.ok(attempts < 5, 'bounded');
      }
      assert.equal(attempts, 3);
      assert.deepEqual(waits, [1000, 2000]);
      assert.equal(r.received.length, 3);
      const [first, , last] = r.received;
      assert.ok(first!.body.equals(last!.body), 'a retry sends identical bytes');
      assert.equal(first!.headers['x-meter-signature'], last!.headers['x-meter-signature']);
      assert.equal(JSON.parse(last!.body.toString()).id, event.id);
    } finally {
      await r.close();
    }
  });

  it('calls a 404 final and a 429 worth retrying', async () => {
    const gone = await receiver([404]);
    const busy = await receiver([429]);
    try {
      assert.deepEqual(await deliver(event, { type: 'webhook', url: gone.url }), { ok: false, error: 'HTTP 404 Not Found', retryable: false });
      assert.deepEqual(await deliver(event, { type: 'webhook', url: busy.url }), { ok: false, error: 'HTTP 429 Too Many Requests', retryable: true });
    } finally {
      await gone.close();
      await busy.close();
    }
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const result = await deliver(event, { type: 'webhook', url }, { timeoutMs: 200 });
      assert.deepEqual(result, { ok: false, error: 'no answer within 200 ms', retryable: true });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('counts a refused connection as retryable', async () => {
    const r = await receiver([200]);
    await r.close();
    const result = await deliver(event, { type: 'webhook', url: r.url });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.retryable, true);
  });

  it('sends Slack its {text}', async () => {
    const r = await receiver([200]);
    try {
      assert.deepEqual(await deliver(event, { type: 'slack', url: r.url }, { webhookSecret: 'k' }), { ok: true });
      const body = JSON.parse(r.received[0]!.body.toString());
      assert.deepEqual(Object.keys(body), ['text']);
      assert.equal(body.text, 'Budget "Search team" has reached 80% of $50.00 this month ($40.000000000005 spent). <http://meter.test/budgets?budget=3|Open in Fireworks Meter>');
      assert.equal(r.received[0]!.headers['x-meter-signature'], undefined);
    } finally {
      await r.close();
    }
  });
});

describe('email delivery', () => {
  const mails: { from: string | undefined; to: string[]; raw: string }[] = [];
  let smtpUrl = '';
  const sink = new SMTPServer({
    secure: false,
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) {
        const err = Object.assign(new Error('no such mailbox'), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });

  before(async () => {
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    const port = (sink.server.address() as AddressInfo).port;
    // the sink offers STARTTLS with a certificate no client trusts; the URL query tells nodemailer not to use it
    smtpUrl = `smtp://127.0.0.1:${port}?ignoreTLS=true`;
  });
  after(() => new Promise<void>((resolve) => sink.close(() => resolve())));

  it('arrives through SMTP with the expected subject and text', async () => {
    const result = await deliver(event, { type: 'email', to: 'ops@example.com' }, { smtpUrl, emailFrom: 'meter@example.com' });
    assert.deepEqual(result, { ok: true });
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.equal(mail?.from, 'meter@example.com');
    assert.deepEqual(mail?.to, ['ops@example.com']);
    assert.equal(header(mail!.raw, 'Subject'), 'Fireworks Meter: budget "Search team" reached 80%');
    assert.equal(header(mail!.raw, 'Message-ID'), '<budget%3A3%3A2026-03-01T00%3A00%3A00.000Z%3Abudget.threshold%3A0.8@fireworks-meter>');
    const text = quotedPrintable(mail!.raw.slice(mail!.raw.indexOf('\r\n\r\n') + 4));
    assert.match(text, /^Budget "Search team" has reached 80% of \$50\.00 this month \(\$40\.000000000005 spent\)\.\r\n\r\nhttp:\/\/meter\.test\/budgets\?budget=3\r\n/);
  });

  it('calls a refused mailbox final and a missing SMTP_URL final', async () => {
    const refused = await deliver(event, { type: 'email', to: 'nobody@example.com' }, { smtpUrl });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.retryable, false);
    assert.deepEqual(await deliver(event, { type: 'email', to: 'ops@example.com' }), { ok: false, error: 'SMTP_URL is not set', retryable: false });
  });
});
