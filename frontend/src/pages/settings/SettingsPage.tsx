import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import type { ApiKey } from "../../api/types";
import { attempt, useProgram, type Perform } from "../../app/effects";
import { formatDate } from "../../app/format";
import { meKey, useMe } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { usePageTitle } from "../../components/usePageTitle";
import { init, update, type Cmd, type Msg } from "./settings";

const keysKey = ["api-keys"] as const;

function keyState(key: ApiKey): string {
  if (!key.is_active || key.revoked_at) return "Revoked";
  if (key.expires_at && new Date(key.expires_at).getTime() < Date.now()) return "Expired";
  return "Active";
}

export function SettingsPage() {
  usePageTitle("Settings");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const keys = useQuery({ queryKey: keysKey, queryFn: () => unwrap(api.GET("/api/auth/api-keys")) });

  const perform: Perform<Cmd, Msg> = (cmd) => {
    switch (cmd.type) {
      case "CreateKey":
        return attempt(
          () => unwrap(api.POST("/api/auth/api-keys", { body: { name: cmd.name, expires_days: cmd.expiresDays } })),
          (created): Msg => ({ type: "CreateSucceeded", created: { name: created.name, key: created.api_key } }),
          (message): Msg => ({ type: "CreateFailed", message }),
        );
      case "CopyKey":
        // Without a clipboard (plain http, old browsers) the person is told to copy by hand.
        return attempt(
          () => navigator.clipboard.writeText(cmd.key),
          (): Msg => ({ type: "Copied", ok: true }),
          (): Msg => ({ type: "Copied", ok: false }),
        );
      case "RevokeKey":
        return attempt(
          () => unwrap(api.DELETE("/api/auth/api-keys/{key_id}", { params: { path: { key_id: cmd.id } } })),
          (): Msg => ({ type: "RevokeSucceeded" }),
          (message): Msg => ({ type: "RevokeFailed", message }),
        );
      case "RefreshKeys":
        void queryClient.invalidateQueries({ queryKey: keysKey });
        return;
      case "SignOut":
        return attempt(
          () => unwrap(api.POST("/api/auth/logout")),
          (): Msg => ({ type: "SignedOut" }),
          (message): Msg => ({ type: "SignOutFailed", message }),
        );
      case "ForgetSession":
        queryClient.clear();
        queryClient.setQueryData(meKey, null);
        return;
      case "GoToLogin":
        navigate("/login", { replace: true });
        return;
    }
  };
  const [model, dispatch] = useProgram(() => init, update, perform);

  const creating = model.create.kind === "creating";
  return (
    <div className="page settings">
      <h1>Settings</h1>

      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p>
          Signed in as <strong>{me.data?.username}</strong>
          {me.data?.is_staff ? " (staff)" : ""}.
        </p>
        <button type="button" onClick={() => dispatch({ type: "SignOutClicked" })} disabled={model.signOut.kind === "busy"}>
          {model.signOut.kind === "busy" ? "Signing out…" : "Sign out"}
        </button>
        {model.signOut.kind === "failed" ? (
          <p className="error" role="alert">
            {model.signOut.message}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <p className="hint">
          Scripts and other programs use an API key instead of your password: send it in the{" "}
          <code>X-API-Key</code> header or as <code>Authorization: Bearer &lt;key&gt;</code>.
        </p>

        <form
          className="inline-form"
          aria-label="Create an API key"
          onSubmit={(event) => {
            event.preventDefault();
            dispatch({ type: "CreateSubmitted" });
          }}
        >
          <label className="field">
            <span>Key name</span>
            <input
              value={model.name}
              maxLength={100}
              onChange={(e) => dispatch({ type: "NameChanged", value: e.target.value })}
              disabled={creating}
            />
          </label>
          <label className="field">
            <span>Expires after (days, optional)</span>
            <input
              inputMode="numeric"
              value={model.expiresDays}
              placeholder="never"
              onChange={(e) => dispatch({ type: "ExpiryChanged", value: e.target.value })}
              disabled={creating}
            />
          </label>
          <button type="submit" className="primary" disabled={creating}>
            {creating ? "Creating…" : "Create key"}
          </button>
        </form>
        {model.create.kind === "failed" ? (
          <p className="error" role="alert">
            {model.create.message}
          </p>
        ) : null}

        {model.shown ? (
          <div className="new-key" role="region" aria-label="New API key">
            <p>
              <strong>Your new key “{model.shown.name}”.</strong> Copy it now: it will not be shown again.
            </p>
            <div className="key-row">
              <code data-testid="new-api-key">{model.shown.key}</code>
              <button type="button" onClick={() => dispatch({ type: "CopyClicked" })}>
                Copy
              </button>
            </div>
            <p role="status" aria-live="polite" className="hint">
              {model.copy === "copied" ? "Copied to the clipboard." : null}
              {model.copy === "failed"
                ? "The browser refused the clipboard: select the key and press Ctrl+C (Cmd+C on a Mac)."
                : null}
            </p>
            <button type="button" onClick={() => dispatch({ type: "KeyDismissed" })}>
              I have saved it
            </button>
          </div>
        ) : null}

        {keys.isPending ? <Loading label="Loading your keys…" /> : null}
        {keys.isError ? (
          <ErrorBox
            error={keys.error}
            action={
              <button type="button" onClick={() => void keys.refetch()}>
                Try again
              </button>
            }
          />
        ) : null}
        {keys.data && keys.data.length === 0 ? (
          <EmptyState title="No API keys yet">
            <p>Create one above to call the API from a script.</p>
          </EmptyState>
        ) : null}
        {keys.data && keys.data.length > 0 ? (
          <div className="table-scroll">
            <table className="keys">
              <caption className="visually-hidden">Your API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => {
                  const state = keyState(key);
                  return (
                    <tr key={key.id}>
                      <td>{key.name}</td>
                      <td>
                        <code>sk_{key.prefix}…</code>
                      </td>
                      <td>{formatDate(key.created_at)}</td>
                      <td>{key.last_used ? formatDate(key.last_used) : "never"}</td>
                      <td>{key.expires_at ? formatDate(key.expires_at) : "never"}</td>
                      <td>
                        <span className={`badge badge-key-${state.toLowerCase()}`}>{state}</span>
                      </td>
                      <td>
                        {state === "Revoked" ? null : (
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Revoke ${key.name}`}
                            onClick={() => dispatch({ type: "RevokeAsked", key })}
                          >
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <ConfirmDialog
        open={model.revoke !== null}
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        busy={model.revoke?.busy ?? false}
        busyLabel="Revoking…"
        error={model.revoke?.error ?? null}
        onCancel={() => dispatch({ type: "RevokeCancelled" })}
        onConfirm={() => dispatch({ type: "RevokeConfirmed" })}
      >
        <p>
          Programs using “{model.revoke?.key.name}” will be refused from now on. This cannot be undone; you can
          create a new key instead.
        </p>
      </ConfirmDialog>
    </div>
  );
}
