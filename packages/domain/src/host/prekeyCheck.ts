import type { Prekey } from '../ports/ConversationHost.js';
import type { PrekeyValidator } from '../ports/PrekeyValidator.js';

/**
 * Why a prekey is refused, if it is: `malformed` when its key is not a Proteus PreKeyBundle carrying its id,
 * `fingerprint` when identity fingerprints are declared and the bundle's identity key is not among them.
 */
export const prekeyProblem = (
  validator: PrekeyValidator,
  p: Prekey,
  declaredFingerprints: readonly string[] = [],
): 'malformed' | 'fingerprint' | undefined => {
  const decoded = validator.decode(p.key);
  if (!decoded || decoded.prekeyId !== p.id) return 'malformed';
  if (declaredFingerprints.length > 0 && !declaredFingerprints.includes(decoded.identityKeyHex.toLowerCase())) return 'fingerprint';
  return undefined;
};
