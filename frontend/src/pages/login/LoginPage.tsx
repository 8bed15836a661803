import { useQueryClient } from "@tanstack/react-query";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { ApiError, describeError } from "../../api/errors";
import { useProgram, type Perform } from "../../app/effects";
import { fetchMe, meKey, safeNext, useMe } from "../../app/session";
import { Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import { init, isBusy, update, type Cmd, type Msg } from "./login";

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
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "SignIn":
        return unwrap(api.POST("/api/auth/login", { body: { username: cmd.username, password: cmd.password } }))
          .then(() => fetchMe())
          .then(
            (user): Msg => ({ type: "SignedIn", user }),
            (error: unknown): Msg => ({ type: "Failed", message: loginFailure(error) }),
          );
      case "RememberUser":
        queryClient.setQueryData(meKey, cmd.user);
        return;
      case "GoNext":
        navigate(next, { replace: true });
        return;
    }
  };
  const [model, dispatch] = useProgram(() => init, update, perform);
  const submitting = isBusy(model);

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
          dispatch({ type: "Submitted" });
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
