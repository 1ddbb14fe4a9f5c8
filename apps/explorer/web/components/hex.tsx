/** Addresses and hashes shown short (0x1234…abcd) with the whole value in the title. */
import { isZeroAddress, shortHex } from "../format";

export function Hex({ value }: { readonly value: string }) {
  return (
    <span class="hex" title={value}>
      {shortHex(value)}
    </span>
  );
}

/** A provider's address as a link to its page ("none" for the zero address of an open job). */
export function ProviderLink({ address }: { readonly address: string }) {
  if (isZeroAddress(address)) return <span class="muted">none yet</span>;
  return (
    <a class="hex" href={`#/providers/${address}`} title={address}>
      {shortHex(address)}
    </a>
  );
}
