/** The default BatchSignatureVerifier: one by one, in this thread (the CLI passes a worker pool). */
import { cryptoProvider } from '@hotline/log';
import type { BatchSignatureVerifier, SignatureCheck } from './types.js';

export const verifySequentially: BatchSignatureVerifier = async (items: readonly SignatureCheck[]) => {
  // Importing a key costs about as much as a verification: a channel has few device keys.
  const verifiers = new Map<string, ReturnType<typeof cryptoProvider.ed25519Verifier> | undefined>();
  return items.map(({ publicKey, message, signature }) => {
    const key = String.fromCharCode(...publicKey);
    if (!verifiers.has(key)) verifiers.set(key, publicKey.length === 32 ? cryptoProvider.ed25519Verifier(publicKey) : undefined);
    return verifiers.get(key)?.verify(message, signature) ?? false;
  });
};
