/** Input types that hold text a person types; checkboxes, radios and selects save at once here. */
const TEXT_TYPES = new Set(["text", "search", "email", "url", "tel", "number", ""]);

function isTextControl(el: EventTarget | null): el is HTMLInputElement | HTMLTextAreaElement {
  if (el instanceof HTMLTextAreaElement) return !el.readOnly;
  return el instanceof HTMLInputElement && TEXT_TYPES.has(el.getAttribute("type") ?? "") && !el.readOnly;
}

export interface UnsavedInput {
  /** Whether a text field inside the root holds something other than what it held when first focused. */
  dirty(): boolean;
  destroy(): void;
}

/**
 * Watches the text fields inside `root` (by delegation, so the reply box, comment editors and
 * any later form count without telling anyone): a field's value when it is first focused is its
 * saved state; a field that was saved and emptied, or that left the page, is not unsaved.
 */
export function trackUnsavedInput(root: HTMLElement): UnsavedInput {
  const initial = new WeakMap<Element, string>();
  const onFocus = (event: FocusEvent) => {
    const el = event.target;
    if (isTextControl(el) && !initial.has(el)) initial.set(el, el.value);
  };
  root.addEventListener("focusin", onFocus);
  return {
    dirty() {
      for (const el of root.querySelectorAll("input, textarea")) {
        if (!isTextControl(el)) continue;
        const start = initial.get(el);
        if (start !== undefined && el.value !== start) return true;
      }
      return false;
    },
    destroy() {
      root.removeEventListener("focusin", onFocus);
    },
  };
}
