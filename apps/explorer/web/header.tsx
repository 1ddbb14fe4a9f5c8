/** The page's header: the protocol, the chain and how far it is indexed (live), and the navigation. */
import type { Connection } from "./live";
import type { ChainHead } from "../../../src/explorer/api";

export const SECTIONS: readonly { readonly section: string; readonly label: string }[] = [
  { section: "", label: "Overview" },
  { section: "jobs", label: "Jobs" },
  { section: "receipts", label: "Receipts" },
  { section: "providers", label: "Providers" },
  { section: "disputes", label: "Disputes" },
  { section: "proposals", label: "Proposals" },
  { section: "parameters", label: "Parameters" },
];

const CONNECTION_TEXT: Readonly<Record<Connection, string>> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  closed: "live updates off",
};

interface HeaderProps {
  readonly head?: ChainHead;
  readonly connection: Connection;
  /** The section of the page shown, marked as the current one in the navigation. */
  readonly section: string;
}

export function Header({ head, connection, section }: HeaderProps) {
  return (
    <header class="site">
      <div class="container masthead">
        <a class="brand" href="#/">
          Weft Explorer
        </a>
        <p class="chain">
          {head === undefined ? (
            "Reading the chain…"
          ) : (
            <>
              <span>
                {head.network} · chain {head.chainId}
              </span>{" "}
              <span>
                · indexed block <strong data-testid="indexed-block">{head.indexed}</strong>
              </span>
            </>
          )}{" "}
          <span class="connection" data-connection={connection}>
            {CONNECTION_TEXT[connection]}
          </span>
        </p>
      </div>
      <nav class="container" aria-label="Sections">
        <ul>
          {SECTIONS.map((item) => (
            <li key={item.section}>
              <a href={`#/${item.section}`} aria-current={item.section === section ? "page" : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
