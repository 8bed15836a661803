import type { ReactNode } from "react";
import { usePageTitle } from "./usePageTitle";

/** An honest page for a feature that is not built yet: what will be here, and what works today. */
export function Placeholder({ title, children }: { title: string; children: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="page placeholder">
      <h1>{title}</h1>
      <div className="card notice" role="note">
        {children}
      </div>
    </div>
  );
}
