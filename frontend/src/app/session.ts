/** Who is signed in, and what the API says about itself (demo mode). */
import { QueryCache, QueryClient, MutationCache, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import type { ApiRoot, Me } from "../api/types";

export const meKey = ["me"] as const;
export const apiRootKey = ["api-root"] as const;

/** The signed-in user, or null when signed out (401 is an answer here, not a failure). */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await unwrap(api.GET("/api/auth/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const ME_FRESH_MS = 5 * 60_000;

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: ME_FRESH_MS });
}

export function useApiRoot() {
  return useQuery<ApiRoot>({
    queryKey: apiRootKey,
    queryFn: () => unwrap(api.GET("/api/")),
    staleTime: Infinity,
  });
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** A 401 from any call means the session ended: forget the user, and the gate shows sign-in. */
export function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (isUnauthorized(error)) client.setQueryData(meKey, null);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isUnauthorized(error)) client.setQueryData(meKey, null);
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
  return client;
}

/** Only same-site page paths are followed after sign-in; anything else goes home. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return "/";
  return next;
}
