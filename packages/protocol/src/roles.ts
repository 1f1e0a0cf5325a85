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
