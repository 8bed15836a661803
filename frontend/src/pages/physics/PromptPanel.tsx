/**
 * Generate a scene from a description, and refine the current one with an instruction; then show
 * how the server read it, what should happen, what it did not understand, and what its check by
 * simulation saw.
 */
import type { Plan } from "../../scene/sceneApi";
import type { Model, Msg, Request } from "./editor";

function checkSummary(check: Plan["check"]): string {
  if (!check.ran) return "Not checked by simulation.";
  const tries = check.attempts === 1 ? "first try" : `${check.attempts} tries`;
  return check.passed ? `Checked by simulation: everything happened (${tries}).` : `Checked by simulation: not everything happened (${tries}).`;
}

export function PlanSummary({ plan }: { plan: Plan }) {
  return (
    <div className="plan-summary" role="group" aria-label="How the description was read">
      {plan.readAs ? (
        <p>
          <strong>Read as:</strong> {plan.readAs}
        </p>
      ) : null}
      {plan.willHappen.length > 0 ? (
        <>
          <p>
            <strong>What will happen:</strong>
          </p>
          <ul className="plan-list">
            {plan.willHappen.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      {plan.notUnderstood.length > 0 ? (
        <p className="plan-not-understood">
          <strong>Not understood:</strong> {plan.notUnderstood.join(", ")}
        </p>
      ) : null}
      <p className={`plan-check ${plan.check.ran ? (plan.check.passed ? "passed" : "failed") : ""}`}>{checkSummary(plan.check)}</p>
      {plan.check.events.length > 0 ? (
        <ul className="plan-list plan-events">
          {plan.check.events.map((event, i) => (
            <li key={i} className={event.happened ? "happened" : "missed"}>
              <span aria-hidden="true">{event.happened ? "✓" : "✗"}</span>{" "}
              <span className="visually-hidden">{event.happened ? "Happened:" : "Did not happen:"}</span> {event.event}
              {event.detail ? <span className="hint"> — {event.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RequestStatus({ request, busyText }: { request: Request; busyText: string }) {
  if (request.kind === "busy") {
    return (
      <p className="hint" role="status">
        <span className="spinner small" aria-hidden="true" /> {busyText}
      </p>
    );
  }
  if (request.kind === "failed") {
    return (
      <p className="error" role="alert">
        {request.message}
      </p>
    );
  }
  if (request.kind === "done" && request.message) {
    return (
      <p className="hint" role="status">
        {request.message}
      </p>
    );
  }
  return null;
}

export function PromptPanel({ model, dispatch }: { model: Model; dispatch: (msg: Msg) => void }) {
  const generating = model.generate.kind === "busy";
  const refining = model.refine.kind === "busy";
  const hasObjects = Object.keys(model.history.present.objects).length > 0;
  return (
    <section className="panel-section" aria-labelledby="prompt-title">
      <h2 id="prompt-title">Describe a scene</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          dispatch({ type: "GenerateSubmitted" });
        }}
      >
        <label className="field">
          <span>Scene description</span>
          <textarea
            rows={3}
            maxLength={2000}
            placeholder="e.g. three red balls falling onto a blue box"
            value={model.generatePrompt}
            onChange={(e) => dispatch({ type: "GeneratePromptChanged", value: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" disabled={generating || model.generatePrompt.trim() === ""}>
          {generating ? "Generating…" : "Generate scene"}
        </button>
      </form>
      <RequestStatus request={model.generate} busyText="Composing the scene…" />
      {model.plan && model.generate.kind !== "busy" && model.refine.kind !== "busy" ? <PlanSummary plan={model.plan} /> : null}
      {hasObjects ? (
        <form
          className="refine-form"
          onSubmit={(event) => {
            event.preventDefault();
            dispatch({ type: "RefineSubmitted" });
          }}
        >
          <label className="field">
            <span>Change the scene</span>
            <input
              maxLength={2000}
              placeholder="e.g. make the ball bouncier"
              value={model.refinePrompt}
              onChange={(e) => dispatch({ type: "RefinePromptChanged", value: e.target.value })}
            />
          </label>
          <button type="submit" disabled={refining || model.refinePrompt.trim() === ""}>
            {refining ? "Refining…" : "Refine"}
          </button>
        </form>
      ) : null}
      <RequestStatus request={model.refine} busyText="Applying the change…" />
    </section>
  );
}
