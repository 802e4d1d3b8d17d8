import leven from 'leven';

/**
 * "Did you mean …?" for names a user typed (config keys, registry fields): the known name nearest by edit
 * distance, when it is near enough to be a slip rather than another word.
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
  // One slip in a short name, else two or one per three characters: a swapped pair of letters is two edits
  // ('stpes' → 'steps', 'lcoation' → 'location'), while 'lr' must not become 'm'.
  const limit = typed.length <= 3 ? 1 : Math.max(2, Math.floor(typed.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = leven(typed.toLowerCase(), name.toLowerCase(), { maxDistance: limit + 1 });
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** "unknown key; did you mean "location"? (known: a, b, c)" — keys starting with '$' (comments) are not listed. */
export function unknownKeyText(key: string, known: readonly string[]): string {
  const listed = known.filter((k) => !k.startsWith('$'));
  const near = nearestName(key, listed);
  return `unknown key${near ? `; did you mean "${near}"?` : ''} (known: ${listed.join(', ')})`;
}

/** The first key of `obj` not in `known`, if any. */
export function firstUnknownKey(obj: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(obj).find((k) => !known.includes(k));
}
