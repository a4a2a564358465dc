// Benchmark settings from the environment: bounded integers, refused with the allowed range named.
export function int(value, fallback, min, max) {
  const n = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`expected an integer ${min}..${max}, got "${value}"`);
  return n;
}

/** int() of the environment variable `name`; a wrong value is one line naming it, exit 2, before anything starts. */
export function envInt(name, fallback, min, max) {
  try {
    return int(process.env[name], fallback, min, max);
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    process.exit(2);
  }
}
