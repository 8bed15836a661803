import { useQuery } from "@tanstack/react-query";
import { ageMs, getItem, isHidden, mediaKeys, pollInterval, type MediaKind } from "./api";

/** One generation, polled until it reaches a final state. */
export function useMediaItem(kind: MediaKind, id: number) {
  return useQuery({
    queryKey: mediaKeys.item(kind, id),
    queryFn: () => getItem(kind, id),
    refetchInterval: (query) => {
      const item = query.state.data;
      if (query.state.status === "error") return false;
      return pollInterval(item?.status, ageMs(item?.created_at), isHidden());
    },
    refetchIntervalInBackground: true,
  });
}
