// Resolves `electron` to the stand-in beside this file (node --import ./register.js).
export async function resolve(spec, ctx, next) {
  if (spec === 'electron') return { url: new URL('./electron.js', import.meta.url).href, shortCircuit: true };
  return next(spec, ctx);
}
