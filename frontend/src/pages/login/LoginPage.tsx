import { useQueryClient } from "@tanstack/react-query";
import { useReducer } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { ApiError, describeError } from "../../api/errors";
import { fetchMe, meKey, safeNext, useMe } from "../../app/session";
import { Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import { init, update } from "./login";

function loginFailure(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) {
    return "Incorrect username or password. Check both and try again.";
  }
  if (error instanceof ApiError && error.status === 429) {
    // The API says how long to wait: "Too many failed sign-in attempts. Try again in N seconds."
    return error.message;
  }
  return describeError(error);
}

export function LoginPage() {
  usePageTitle("Sign in");
  const [model, dispatch] = useReducer(update, init);
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();

  const submitting = model.status.kind === "submitting";

  async function signIn() {
    const submitted = update(model, { type: "Submitted" });
    dispatch({ type: "Submitted" });
    if (submitted.status.kind !== "submitting") return;
    try {
      await unwrap(
        api.POST("/api/auth/login", { body: { username: model.username.trim(), password: model.password } }),
      );
      queryClient.setQueryData(meKey, await fetchMe());
      navigate(next, { replace: true });
    } catch (error) {
      dispatch({ type: "Failed", message: loginFailure(error) });
    }
  }

  if (me.isPending) {
    return (
      <main className="centered">
        <Loading label="Checking your session…" />
      </main>
    );
  }
  if (me.data && !submitting) return <Navigate to={next} replace />;

  return (
    <main className="login" id="main">
      <form
        className="card login-card"
        aria-labelledby="login-title"
        onSubmit={(event) => {
          event.preventDefault();
          void signIn();
        }}
      >
        <h1 id="login-title">Sign in to simpoc</h1>
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            value={model.username}
            onChange={(e) => dispatch({ type: "UsernameChanged", value: e.target.value })}
            disabled={submitting}
            autoFocus
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={model.password}
            onChange={(e) => dispatch({ type: "PasswordChanged", value: e.target.value })}
            disabled={submitting}
          />
        </label>
        {model.status.kind === "failed" ? (
          <p className="error" role="alert">
            {model.status.message}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={submitting}>
          {submitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
