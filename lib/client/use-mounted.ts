'use client';

import { useEffect, useState } from 'react';

/**
 * False during the server render and hydration. Anything computed from the clock or the viewer's
 * time zone (ranges in links, default form values) must wait for it, or the server's values stick.
 */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}
