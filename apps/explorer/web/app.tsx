/** The app: the header, then the view the hash names, data refreshed on each live update. */
import { useEffect, useMemo, useRef } from "preact/hooks";

import { shortHex } from "./format";
import { Header, SECTIONS } from "./header";
import { useLive } from "./live";
import { DisputesPage } from "./pages/disputes";
import { JobPage } from "./pages/job";
import { JobsPage } from "./pages/jobs";
import { OverviewPage } from "./pages/overview";
import { ParametersPage } from "./pages/parameters";
import { ProposalsPage } from "./pages/proposals";
import { ProviderPage } from "./pages/provider";
import { ProvidersPage } from "./pages/providers";
import { ReceiptsPage } from "./pages/receipts";
import { parseHash, type Route, sectionOf, useHash } from "./router";

function View({ route }: { readonly route: Route }) {
  switch (route.page) {
    case "overview":
      return <OverviewPage />;
    case "jobs":
      return <JobsPage query={route.query} />;
    case "job":
      return <JobPage id={route.id} />;
    case "receipts":
      return <ReceiptsPage />;
    case "providers":
      return <ProvidersPage />;
    case "provider":
      return <ProviderPage address={route.address} />;
    case "disputes":
      return <DisputesPage />;
    case "proposals":
      return <ProposalsPage />;
    case "parameters":
      return <ParametersPage />;
    case "missing":
      return (
        <>
          <h1 tabIndex={-1}>Not found</h1>
          <p role="alert">
            There is no page at <code>#/{route.path}</code>. <a href="#/">Go to the overview</a>.
          </p>
        </>
      );
  }
}

/** The view's name for the window's title. */
function titleOf(route: Route, section: string): string {
  if (route.page === "job") return `Job #${route.id}`;
  if (route.page === "provider") return `Provider ${shortHex(route.address)}`;
  return SECTIONS.find((item) => item.section === section)?.label ?? "Not found";
}

/** The page's title as index.html set it, kept after the view's name ("Jobs · Weft Explorer"). */
const baseTitle = document.title;

export function App() {
  const hash = useHash();
  const route = useMemo(() => parseHash(hash), [hash]);
  const live = useLive();
  const section = sectionOf(hash);
  // A new view (not a filter typed on the same one) moves the focus to its heading, as a page load would.
  const view = hash.split("?", 1)[0] ?? "";
  const firstView = useRef(true);
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    document.title = `${titleOf(route, section)} · ${baseTitle}`;
    if (firstView.current) firstView.current = false;
    else main.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [view]);
  return (
    <>
      <Header head={live.head} connection={live.connection} section={section} />
      <main class="container" ref={main}>
        <View route={route} />
      </main>
    </>
  );
}
