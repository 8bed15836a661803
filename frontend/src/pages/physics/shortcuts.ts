/** Keyboard shortcuts of the editor, as a pure mapping from a key press to a message. */
import type { Msg } from "./editor";

export type KeyPress = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** The element that has the focus: shortcuts never fire while the user types into it. */
  target: { tagName?: string; isContentEditable?: boolean; type?: string } | null;
};

const TEXT_INPUT_TYPES = new Set(["text", "number", "search", "email", "url", "tel", "password", "color", ""]);

export function isTyping(target: KeyPress["target"]): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && TEXT_INPUT_TYPES.has((target.type ?? "").toLowerCase());
}

export function shortcut(press: KeyPress, selection: string | null): Msg | null {
  if (isTyping(press.target) || press.altKey) return null;
  const key = press.key.toLowerCase();
  const command = press.ctrlKey || press.metaKey;
  if (command) {
    if (key === "z") return press.shiftKey ? { type: "Redo" } : { type: "Undo" };
    if (key === "y" && !press.shiftKey) return { type: "Redo" };
    return null;
  }
  if (press.shiftKey) return null;
  if (key === "g") return { type: "GizmoModeChanged", mode: "translate" };
  if (key === "r") return { type: "GizmoModeChanged", mode: "rotate" };
  if (key === "s") return { type: "GizmoModeChanged", mode: "scale" };
  if (key === "escape") return selection !== null ? { type: "Selected", id: null } : null;
  if ((key === "delete" || key === "backspace") && selection !== null) return { type: "ObjectDeleted", id: selection };
  return null;
}
