/**
 * The witnesses that cosigned a checkpoint, by name: every signature line of the signed note
 * (c2sp.org/signed-note: "— <name> <base64>") but the log's own, whose name is the origin, the
 * note's first line (c2sp.org/tlog-checkpoint).
 */
export function cosigners(note: string): string[] {
  const [body, signatures = ''] = note.split('\n\n');
  const origin = body?.split('\n')[0];
  return signatures
    .split('\n')
    .filter((l) => l.startsWith('— '))
    .map((l) => l.slice(2).split(' ')[0]!)
    .filter((name) => name !== origin);
}
