/**
 * The times in a process' status description, as Python prints them: the uptime as `str(timedelta)`
 * (`pid 6446, uptime 0:00:13`) and the stop time as `strftime('%b %d %I:%M %p')` (`Nov 23 06:36 PM`).
 */

/** `str(datetime.timedelta(seconds=n))` for whole seconds: `0:00:13`, `1 day, 2:03:04`, `3 days, 0:00:00`. */
export function formatTimedelta(totalSeconds: number): string {
  let s = Math.max(0, Math.trunc(totalSeconds));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hms = `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `datetime(*time.localtime(t)[:7]).strftime('%b %d %I:%M %p')` in the C locale, e.g. `Nov 23 06:36 PM`. */
export function formatStopTime(epochSeconds: number): string {
  const d = new Date(Math.trunc(epochSeconds) * 1000);
  const h24 = d.getHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(h12)}:${pad(d.getMinutes())} ${h24 < 12 ? 'AM' : 'PM'}`;
}
