import type { ReactNode } from "react";
import { describeError } from "../api/errors";

export function ErrorBox({ error, action }: { error: unknown; action?: ReactNode }) {
  return (
    <div className="error-box" role="alert">
      <p>{describeError(error)}</p>
      {action}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
