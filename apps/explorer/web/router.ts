/**
 * Hash routing: the server serves one page and the part after "#" names the view, `#/jobs/12` or
 * `#/jobs?state=Finalized`, so every view can be linked and the browser's back button works.
 */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { readonly page: "overview" }
  | { readonly page: "jobs"; readonly query: URLSearchParams }
  | { readonly page: "job"; readonly id: string }
  | { readonly page: "receipts" }
  | { readonly page: "providers" }
  | { readonly page: "provider"; readonly address: string }
  | { readonly page: "disputes" }
  | { readonly page: "proposals" }
  | { readonly page: "parameters" }
  | { readonly page: "missing"; readonly path: string };

/** The route a hash ("#/jobs/12?x=1") names. */
export function parseHash(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?", 2);
  const [section = "", id, ...rest] = path.split("/").filter((part) => part !== "");
  const detail = id === undefined ? undefined : decodeURIComponent(id);
  if (rest.length > 0) return { page: "missing", path };
  if (section === "" && detail === undefined) return { page: "overview" };
  if (section === "jobs")
    return detail === undefined ? { page: "jobs", query: new URLSearchParams(search) } : { page: "job", id: detail };
  if (section === "providers")
    return detail === undefined ? { page: "providers" } : { page: "provider", address: detail };
  if (
    detail === undefined &&
    (section === "receipts" || section === "disputes" || section === "proposals" || section === "parameters")
  ) {
    return { page: section };
  }
  return { page: "missing", path };
}

/** The nav section a route belongs to: its first path segment ("" for the overview). */
export const sectionOf = (hash: string): string => hash.replace(/^#\/?/, "").split(/[/?]/, 1)[0] ?? "";

const listeners = new Set<() => void>();

/** Replaces the hash without a new history entry (a filter being typed), and tells the views. */
export function replaceHash(hash: string): void {
  history.replaceState(history.state, "", hash);
  listeners.forEach((listener) => listener());
}

/** The current hash, re-rendering on links, back and forward, and `replaceHash`. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    listeners.add(update);
    window.addEventListener("hashchange", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("hashchange", update);
    };
  }, []);
  return hash;
}

/** `#/path?query` with the empty values left out. */
export function hrefWith(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== "")).toString();
  return search === "" ? `#${path}` : `#${path}?${search}`;
}
