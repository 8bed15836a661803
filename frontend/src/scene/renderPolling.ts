/** Polling of one render's record: every second while it runs, slower while the tab is hidden, never once final. */
import { useQuery } from "@tanstack/react-query";
import { type Render, getRender, isFinal } from "./sceneApi";

export function renderKey(id: number) {
  return ["simulation-render", id] as const;
}

export function pollInterval(render: Render | undefined, hidden: boolean): number | false {
  if (render && isFinal(render.status)) return false;
  return hidden ? 10_000 : 1_000;
}

export function useRender(id: number | null) {
  return useQuery({
    queryKey: renderKey(id ?? -1),
    queryFn: () => getRender(id ?? -1),
    enabled: id !== null,
    refetchInterval: (query) => pollInterval(query.state.data, document.visibilityState === "hidden"),
    refetchIntervalInBackground: true,
  });
}
