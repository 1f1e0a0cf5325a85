/**
 * Inclusion of a log record under a checkpoint, as the channel verifier needs it: injected, since
 * the terminal proves it from the relay's tiles as it syncs and a bundle from its batched proof.
 */
export type InclusionVerdict = { readonly state: 'included' } | { readonly state: 'pending' } | { readonly state: 'not_included'; readonly message: string };

export type InclusionCheck = (logIndex: number, record: Uint8Array) => Promise<InclusionVerdict>;
