/** Member roles (DESIGN.md §4), encoded as a bitmask in certificates. */
export const ROLES = ['principal', 'operator', 'translator', 'observer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function encodeRoles(roles: readonly Role[]): number {
  let mask = 0;
  for (const role of roles) {
    const bit = ROLES.indexOf(role);
    if (bit < 0) throw new TypeError(`unknown role ${JSON.stringify(role)}`);
    mask |= 1 << bit;
  }
  return mask;
}

/** Undefined when the mask is empty or has a bit no role uses. */
export function decodeRoles(mask: number): Role[] | undefined {
  if (mask === 0 || mask >= 1 << ROLES.length) return undefined;
  return ROLES.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/**
 * The roles that let a member device change a channel's members after it was opened
 * (docs/spec/protocol.md §8, §16a): add devices, remove them, remove revoked ones. The charter
 * does not choose them: the protocol pins them, so every relay and terminal applies one rule.
 */
export const MEMBER_CHANGE_ROLES: readonly Role[] = ['admin'];

/** True if a device certified with these roles may change the members of a channel it is in. */
export function mayChangeMembers(roles: readonly Role[]): boolean {
  return roles.some((r) => MEMBER_CHANGE_ROLES.includes(r));
}
