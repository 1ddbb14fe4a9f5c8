/** Copies a text with navigator.clipboard; where the browser has none (a page not on https or localhost) it selects the text for Ctrl+C instead. */
import { useState } from "preact/hooks";

export function CopyButton({ text, target }: { readonly text: string; readonly target: () => HTMLElement | null }) {
  const [said, setSaid] = useState("");
  const selectTarget = () => {
    const element = target();
    if (element === null) return;
    getSelection()?.selectAllChildren(element);
    setSaid("Selected: press Ctrl+C to copy");
  };
  const copy = () => {
    // navigator.clipboard is undefined outside secure contexts, whatever the types say.
    const clipboard: Clipboard | undefined = navigator.clipboard;
    if (clipboard === undefined) return selectTarget();
    clipboard.writeText(text).then(() => setSaid("Copied"), selectTarget);
  };
  return (
    <span class="copy">
      <button type="button" class="secondary outline" onClick={copy}>
        Copy
      </button>
      <span class="muted" role="status">
        {said}
      </span>
    </span>
  );
}
