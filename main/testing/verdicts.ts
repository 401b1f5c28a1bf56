// What the station tests expect of a verdict read off the screen (browser.ts's
// verdictOf). Apart from browser.ts, which the station benchmark loads too.
import { expect } from 'vitest';

/**
 * `expect(await verdictOf(page)).toEqual(ADMIT)`: on a mismatch the failure
 * shows the whole verdict read, its reason and text, not the kind alone.
 */
export const ADMIT = expect.objectContaining({ kind: 'admit' });
