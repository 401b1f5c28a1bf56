// AIM symbology identifiers (ISO/IEC 15424): `]` + a code character + a modifier.
// Scanners prepend them when configured to; we strip them and keep the symbology so
// the journal can say what was read.

const BY_ID: Record<string, string> = {
  ']E0': 'ean-13',
  ']E4': 'ean-8',
  ']E3': 'ean-13+addon',
};

const BY_CODE: Record<string, string> = {
  Q: 'qr',
  d: 'datamatrix',
  C: 'code-128',
  A: 'code-39',
  G: 'code-93',
  I: 'itf',
  L: 'pdf417',
  z: 'aztec',
  e: 'gs1-databar',
};

const AIM_RE = /^\][A-Za-z][0-9A-Za-z]/;

/** The readable name of an AIM id such as ']Q1'; the id itself when we have no name for it. */
export function symbologyOfAim(id: string): string {
  const exact = BY_ID[id];
  if (exact) return exact;
  // ]E other than the ones above is still the EAN/UPC family, but not EAN-13 for sure.
  if (id[1] === 'E') return id;
  return BY_CODE[id[1] ?? ''] ?? id;
}

/** Splits a leading AIM id off `text`. Without one, the text is returned whole and the symbology is 'unknown'. */
export function stripAim(text: string): { text: string; symbology: string; aim: string | null } {
  if (!AIM_RE.test(text)) return { text, symbology: 'unknown', aim: null };
  const aim = text.slice(0, 3);
  return { text: text.slice(3), symbology: symbologyOfAim(aim), aim };
}
