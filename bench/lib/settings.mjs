// Benchmark settings from the environment: bounded integers, refused with the allowed range named.
export function int(value, fallback, min, max) {
  const n = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer ${min}..${max}, got "${value}"`);
  return n;
}
