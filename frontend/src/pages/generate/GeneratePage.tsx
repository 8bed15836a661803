import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { useProgram, type Perform } from "../../app/effects";
import { formatCount } from "../../app/format";
import { EmptyState, ErrorBox, Loading } from "../../components/Feedback";
import { StatusBadge } from "../../components/StatusBadge";
import { usePageTitle } from "../../components/usePageTitle";
import { useMediaItem } from "../../media/hooks";
import { COLLECTIONS, isCollection, listModels, type Collection, type MediaKind } from "../../media/api";
import { init, matching, update, type Cmd, type Msg } from "./generate";
import { GenerationForm } from "./GenerationForm";
import { readPrefill } from "./prefill";

const TITLES: Record<MediaKind, { page: string; heading: string }> = {
  video: { page: "Generate videos", heading: "Generate a video" },
  image: { page: "Generate images", heading: "Generate an image" },
  audio: { page: "Generate audio", heading: "Generate audio" },
};
const RECENT_TITLE: Record<MediaKind, string> = { video: "Video", image: "Image", audio: "Audio" };

export function GeneratePage({ kind }: { kind: MediaKind }) {
  usePageTitle(TITLES[kind].page);
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const prefill = useMemo(() => readPrefill(location.state), [location.state]);
  const collectionParam = params.get("collection");
  const collection: Collection = isCollection(kind, collectionParam) ? collectionParam : COLLECTIONS[kind][0]!.slug;
  const modelId = params.get("model");

  const perform: Perform<Cmd, Msg> = (cmd) => {
    const search: Record<string, string> = { collection: cmd.collection };
    if (cmd.modelId) search.model = cmd.modelId;
    setParams(search, cmd.replace ? { replace: true, state: location.state } : undefined);
  };
  const [model, dispatch] = useProgram(() => init, update, perform);

  const models = useQuery({ queryKey: ["models", collection], queryFn: () => listModels(collection), staleTime: 5 * 60_000 });
  const first = models.data?.[0]?.id ?? null;
  useEffect(() => {
    dispatch({ type: "ModelsShown", collection, modelId, first });
  }, [collection, modelId, first, dispatch]);

  const shown = useMemo(() => matching(models.data ?? [], model.search), [models.data, model.search]);
  const selected = models.data?.find((m) => m.id === modelId) ?? null;

  return (
    <div className="page generate">
      <h1>{TITLES[kind].heading}</h1>
      {COLLECTIONS[kind].length > 1 ? (
        <div className="segmented" role="group" aria-label="Collection">
          {COLLECTIONS[kind].map((c) => (
            <button
              key={c.slug}
              type="button"
              aria-pressed={c.slug === collection}
              onClick={() => dispatch({ type: "CollectionChosen", collection: c.slug })}
            >
              {c.label}
            </button>
          ))}
        </div>
      ) : null}

      <div className="generate-layout">
        <section className="card model-picker" aria-labelledby="models-title">
          <h2 id="models-title">Models</h2>
          <label className="field">
            <span>Search models</span>
            <input
              type="search"
              value={model.search}
              onChange={(e) => dispatch({ type: "SearchChanged", value: e.target.value })}
              placeholder="name or owner"
            />
          </label>
          {models.isPending ? <Loading label="Loading models…" /> : null}
          {models.isError ? (
            <ErrorBox
              error={models.error}
              action={
                <button type="button" onClick={() => void models.refetch()}>
                  Try again
                </button>
              }
            />
          ) : null}
          {models.data && shown.length === 0 ? (
            <EmptyState title={models.data.length === 0 ? "No models in this collection" : "No model matches"}>
              <p>{models.data.length === 0 ? "The catalogue is empty right now; try again later." : "Try another name."}</p>
            </EmptyState>
          ) : null}
          <ul className="model-list" aria-label="Models to choose from">
            {shown.map((entry) => (
              <li key={entry.id}>
                <button
                  type="button"
                  className="model-card"
                  aria-pressed={entry.id === modelId}
                  aria-label={`Choose ${entry.id}`}
                  onClick={() => dispatch({ type: "ModelChosen", collection, modelId: entry.id })}
                >
                  {entry.cover_image_url ? (
                    <img src={entry.cover_image_url} alt="" loading="lazy" width={56} height={56} />
                  ) : (
                    <span className="cover-missing" aria-hidden="true" />
                  )}
                  <span className="model-text">
                    <strong>{entry.name}</strong>
                    <span className="hint">
                      {entry.owner} · {formatCount(entry.run_count)} runs
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>

        <section className="card form-panel" aria-labelledby="form-title">
          {modelId ? (
            <>
              <h2 id="form-title">{modelId}</h2>
              {selected?.description ? <p className="hint">{selected.description}</p> : null}
              <GenerationForm
                key={`${collection}:${modelId}`}
                kind={kind}
                collection={collection}
                modelId={modelId}
                prefill={prefill}
                onStarted={(id) => dispatch({ type: "GenerationStarted", kind, id })}
              />
            </>
          ) : (
            <>
              <h2 id="form-title">Settings</h2>
              <p className="hint">Choose a model to see its settings.</p>
            </>
          )}
        </section>
      </div>

      {model.recent.length > 0 ? (
        <section className="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Started from this page</h2>
          <ul className="recent-list">
            {model.recent.map((r) => (
              <RecentItem key={`${r.kind}-${r.id}`} kind={r.kind} id={r.id} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function RecentItem({ kind, id }: { kind: MediaKind; id: number }) {
  const item = useMediaItem(kind, id);
  return (
    <li className="recent-item">
      {item.data?.thumbnail_url && item.data.status === "completed" ? (
        <img src={item.data.thumbnail_url} alt="" width={48} height={48} />
      ) : (
        <span className="thumb-placeholder small" aria-hidden="true" />
      )}
      <Link to={`/${kind}/${id}`}>
        {RECENT_TITLE[kind]} #{id}
        {item.data?.prompt ? `: ${item.data.prompt.slice(0, 80)}` : ""}
      </Link>
      {item.data ? <StatusBadge status={item.data.status} /> : item.isError ? <span className="error">status unknown</span> : <Loading label="" />}
    </li>
  );
}
