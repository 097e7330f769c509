// NAT behaviour as the device reported it (presence.nat, DESIGN.md 5.1), in words.

export function natSummary(nat) {
  if (!nat) return '—';
  const { atLeast, below } = nat.mappingLifetime || {};
  const lifetime = atLeast === null && below === null ? 'lifetime unknown'
    : `mapping lives ${atLeast !== null ? `≥ ${atLeast} s` : ''}${atLeast !== null && below !== null ? ', ' : ''}`
      + `${below !== null ? `< ${below} s` : ''}`;
  return `${nat.mapping}; ${lifetime}; keepalive ${nat.keepaliveInterval} s`;
}
