import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorBox, Loading } from "../components/Feedback";
import { useMe } from "./session";

/** Draws its children only for a signed-in user; nothing protected shows while that is unknown. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <main className="centered">
        <Loading label="Checking your session…" />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="centered">
        <ErrorBox
          error={me.error}
          action={
            <button type="button" onClick={() => void me.refetch()}>
              Try again
            </button>
          }
        />
      </main>
    );
  }
  if (me.data === null) {
    const next = `${location.pathname}${location.search}`;
    const query = next === "/" ? "" : `?${new URLSearchParams({ next }).toString()}`;
    return <Navigate to={`/login${query}`} replace />;
  }
  return <>{children}</>;
}
