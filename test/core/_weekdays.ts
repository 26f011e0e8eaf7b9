/** Test helper for hand-built series: `n` weekdays (ISO dates) from Mon 2024-01-01, so index 5 is Mon 2024-01-08. */
export function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2024, 0, 1); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
